package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.axi.AxiPort;
import org.esegen.hdl.axi.AxiSignals;
import org.esegen.hdl.spinal.Hdl.FifoPorts;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * Two AXI4 memory banks side by side behind one AXI4 slave twice as wide: beat k of a burst at
 * byte address A (wide words, 2W bits) is beat k of a burst at A / 2 in both banks (W bits each),
 * its low half (bits [0, W)) in bank 0 ({@code m0_axi_*}), its high half in bank 1
 * ({@code m1_axi_*}). The ADM-PCIE-KU3's two 512-bit DDR3 controllers behind a 1024-bit port.
 *
 * <p>Each AR (AW) is sent to both banks with the same length, address / 2, size log2(W / 8), INCR
 * and ID 0; the slave's ID waits in a FIFO of {@code maxOutstanding} entries (a request is taken
 * only while it has room). A bank answers its requests in order (one ID), so an R beat (B) goes
 * out when both banks have one: data concatenated, rlast of bank 0, the worse response of the two,
 * the ID of the oldest request. W beats go to both banks, strobes split as the data; a beat is
 * taken once both banks took it. Nothing is reordered, so the slave sees every response in request
 * order (a legal AXI4 order for any IDs).
 *
 * <p>Throughput: a request every two cycles per direction (a holding register for the request
 * until both banks took it), a beat per cycle of R and of W when both banks keep up. Latency: one
 * cycle on AR and AW, none on R, W and B (combinational joins and forks).
 *
 * <p>Ports: {@code s_axi_*} (slave: ar/aw valid ready addr[addrBits] id[idBits] len[8] size[3]
 * burst[2]; r valid ready data[2W] id resp[2] last; w valid ready data[2W] strb[2W/8] last; b valid
 * ready id resp[2]) and {@code m0_axi_*}, {@code m1_axi_*} (masters: the same with addr[addrBits -
 * 1], data[W], strb[W/8]); Xilinx names, as the DDR controllers expect.
 */
public final class AxiBankSplitter extends JavaComponent {
    /** AXI4 burst type INCR. */
    private static final int INCR = 1;

    /**
     * @param wideBits       slave data width 2W, a power of two in 64..2048
     * @param addrBits       slave address width, 13..64 (each bank gets addrBits - 1)
     * @param idBits         ID width of all three ports, 1..16
     * @param maxOutstanding requests per direction between acceptance and the last response, 1..256
     * @throws EsegenException if a parameter is out of range
     */
    public AxiBankSplitter(int wideBits, int addrBits, int idBits, int maxOutstanding) {
        super(validated(wideBits, addrBits, idBits, maxOutstanding));
        int narrowBits = wideBits / 2;
        int narrowSize = Integer.numberOfTrailingZeros(narrowBits / 8);
        AxiPort slave = AxiPort.declare("s_axi_", AxiPort.Role.SLAVE, AxiSignals.Protocol.AXI4,
                new AxiSignals.Widths(wideBits, addrBits, idBits));
        List<AxiPort> banks = new ArrayList<>();
        for (int bank = 0; bank < 2; bank++) {
            banks.add(AxiPort.declare("m" + bank + "_axi_", AxiPort.Role.MASTER, AxiSignals.Protocol.AXI4,
                    new AxiSignals.Widths(narrowBits, addrBits - 1, idBits)));
        }
        Request read = request("ar", slave, idBits, maxOutstanding);
        Request write = request("aw", slave, idBits, maxOutstanding);

        // ---- R: a beat when both banks have one ----
        Bool rvalid = slave.bool("rvalid");
        Bool rready = slave.bool("rready");
        Bits rdata = slave.bits("rdata");
        UInt rid = slave.uint("rid");
        UInt rresp = slave.uint("rresp");
        Bool rlast = slave.bool("rlast");
        Bool[] bankRvalid = new Bool[2];
        Bool[] bankRready = new Bool[2];
        Bits[] bankRdata = new Bits[2];
        UInt[] bankRresp = new UInt[2];
        Bool[] bankRlast = new Bool[2];
        for (int bank = 0; bank < 2; bank++) {
            AxiPort m = banks.get(bank);
            bankRvalid[bank] = m.bool("rvalid");
            bankRready[bank] = m.bool("rready");
            bankRdata[bank] = m.bits("rdata");
            unused("m" + bank + "_axi_rid", m.uint("rid"));
            bankRresp[bank] = m.uint("rresp");
            bankRlast[bank] = m.bool("rlast");
        }
        unused("m1_axi_rlast", bankRlast[1]);
        Bool rBoth = named("r_both", and(and(bankRvalid[0], bankRvalid[1]), read.ids.pop().valid()));
        assign(rvalid, rBoth);
        assign(rdata, concatLowFirst(List.of(bankRdata[0], bankRdata[1])));
        assign(rid, read.ids.pop().payload());
        assign(rresp, worse(bankRresp[0], bankRresp[1]));
        assign(rlast, bankRlast[0]);
        Bool rTake = named("r_take", and(rBoth, rready));
        assign(bankRready[0], rTake);
        assign(bankRready[1], rTake);
        assign(read.ids.pop().ready(), and(rTake, bankRlast[0]));

        // ---- W: a beat to both banks; taken once both took it ----
        Bool wvalid = slave.bool("wvalid");
        Bool wready = slave.bool("wready");
        Bits wdata = slave.bits("wdata");
        Bits wstrb = slave.bits("wstrb");
        Bool wlast = slave.bool("wlast");
        for (int bank = 0; bank < 2; bank++) {
            AxiPort m = banks.get(bank);
            assign(m.bits("wdata"), slice(wdata, bank * narrowBits, narrowBits));
            assign(m.bits("wstrb"), slice(wstrb, bank * narrowBits / 8, narrowBits / 8));
            assign(m.bool("wlast"), wlast);
        }
        assign(wready, forkToBanks("w", banks, wvalid));

        // ---- B: a response when both banks have one ----
        Bool bvalid = slave.bool("bvalid");
        Bool bready = slave.bool("bready");
        UInt bid = slave.uint("bid");
        UInt bresp = slave.uint("bresp");
        Bool[] bankBvalid = new Bool[2];
        Bool[] bankBready = new Bool[2];
        UInt[] bankBresp = new UInt[2];
        for (int bank = 0; bank < 2; bank++) {
            AxiPort m = banks.get(bank);
            bankBvalid[bank] = m.bool("bvalid");
            bankBready[bank] = m.bool("bready");
            unused("m" + bank + "_axi_bid", m.uint("bid"));
            bankBresp[bank] = m.uint("bresp");
        }
        Bool bBoth = named("b_both", and(and(bankBvalid[0], bankBvalid[1]), write.ids.pop().valid()));
        assign(bvalid, bBoth);
        assign(bid, write.ids.pop().payload());
        assign(bresp, worse(bankBresp[0], bankBresp[1]));
        Bool bTake = named("b_take", and(bBoth, bready));
        assign(bankBready[0], bTake);
        assign(bankBready[1], bTake);
        assign(write.ids.pop().ready(), bTake);

        read.fork(banks, addrBits, narrowSize);
        write.fork(banks, addrBits, narrowSize);
    }

    /** The request channel {@code channel} (ar or aw) of the slave: a holding register and the ID FIFO. */
    private static Request request(String channel, AxiPort slave, int idBits, int maxOutstanding) {
        Bool valid = slave.bool(channel + "valid");
        Bool ready = slave.bool(channel + "ready");
        UInt addr = slave.uint(channel + "addr");
        UInt id = slave.uint(channel + "id");
        UInt len = slave.uint(channel + "len");
        int addrBits = addr.getWidth();
        unused("s_axi_" + channel + "size", slave.uint(channel + "size"));
        unused("s_axi_" + channel + "burst", slave.uint(channel + "burst"));
        FifoPorts<UInt> ids = streamFifo(channel + "_ids", hardType(() -> uint(idBits)), maxOutstanding);
        Bool pending = regInit(channel + "_pending", bool(), boolConst(false));
        UInt heldAddr = reg(channel + "_addr", uint(addrBits));
        UInt heldLen = reg(channel + "_len", uint(8));
        Bool take = named(channel + "_take", and(and(valid, not(pending)), ids.push().ready()));
        assign(ready, and(not(pending), ids.push().ready()));
        assign(ids.push().valid(), take);
        assign(ids.push().payload(), id);
        when(take, () -> {
            assign(pending, boolConst(true));
            assign(heldAddr, addr);
            assign(heldLen, len);
        });
        return new Request(channel, idBits, ids, pending, heldAddr, heldLen);
    }

    /** A request channel's state; {@link #fork} drives both banks' copies of it. */
    private record Request(String channel, int idBits, FifoPorts<UInt> ids, Bool pending, UInt addr, UInt len) {
        /** Offers the held request to both banks; it is done once both took it. */
        void fork(List<AxiPort> banks, int addrBits, int narrowSize) {
            for (AxiPort m : banks) {
                assign(m.uint(channel + "addr"), slice(addr, 1, addrBits - 1));
                assign(m.uint(channel + "id"), uintConst(0, idBits));
                assign(m.uint(channel + "len"), len);
                assign(m.uint(channel + "size"), uintConst(narrowSize, 3));
                assign(m.uint(channel + "burst"), uintConst(INCR, 2));
            }
            when(forkToBanks(channel, banks, pending), () -> assign(pending, boolConst(false)));
            unused(channel + "_addr_low", addr.resize(1));
        }
    }

    /**
     * Offers an item held on {@code valid} to both banks on {@code m<b>_axi_<channel>valid} /
     * {@code ready}; a bank that took it is not offered it again. High in the cycle in which the
     * second bank takes it (both have it then), when the holder may let it go.
     */
    private static Bool forkToBanks(String channel, List<AxiPort> banks, Bool valid) {
        Bool[] sent = new Bool[2];
        Bool[] done = new Bool[2];
        for (int bank = 0; bank < 2; bank++) {
            sent[bank] = regInit(channel + "_sent_" + bank, bool(), boolConst(false));
            Bool bankValid = banks.get(bank).bool(channel + "valid");
            Bool bankReady = banks.get(bank).bool(channel + "ready");
            assign(bankValid, and(valid, not(sent[bank])));
            done[bank] = named(channel + "_done_" + bank, or(sent[bank], and(bankValid, bankReady)));
        }
        Bool both = named(channel + "_both", and(valid, and(done[0], done[1])));
        for (int bank = 0; bank < 2; bank++) {
            Bool bankSent = sent[bank];
            Bool bankDone = done[bank];
            when(both, () -> assign(bankSent, boolConst(false))).elseWhen(valid, () -> assign(bankSent, bankDone));
        }
        return both;
    }

    /** The worse of two AXI responses (the larger code: OKAY 0 &lt; EXOKAY 1 &lt; SLVERR 2 &lt; DECERR 3). */
    private static UInt worse(UInt a, UInt b) {
        return mux(greaterThan(b, a), b, a);
    }

    private static String validated(int wideBits, int addrBits, int idBits, int maxOutstanding) {
        String name = "AxiBankSplitter";
        if (wideBits < 64 || wideBits > 2048 || Integer.bitCount(wideBits) != 1) {
            throw new EsegenException(name + ": wideBits " + wideBits + " is not a power of two in 64..2048");
        }
        if (addrBits < 13 || addrBits > 64) {
            throw new EsegenException(name + ": addrBits " + addrBits + " is outside 13..64");
        }
        if (idBits < 1 || idBits > 16) {
            throw new EsegenException(name + ": idBits " + idBits + " is outside 1..16");
        }
        if (maxOutstanding < 1 || maxOutstanding > 256) {
            throw new EsegenException(name + ": maxOutstanding " + maxOutstanding + " is outside 1..256");
        }
        return name;
    }
}
