package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.units.AxiBursts.BEATS_BITS;
import static org.esegen.hdl.units.AxiBursts.ID_BITS;
import static org.esegen.hdl.units.AxiBursts.bitsFor;
import static org.esegen.hdl.units.AxiBursts.log2;
import static org.esegen.hdl.units.AxiBursts.oneIf;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.Hdl.FifoPorts;
import org.esegen.hdl.axi.AxiPort;
import org.esegen.hdl.axi.AxiSignals;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * AXI4 write master: writes {beats} consecutive data-bus words, taken from a data stream, from
 * a byte address on.
 *
 * <h2>Ports</h2>
 * <ul>
 *   <li>command (slave stream): {@code cmd_valid} in, {@code cmd_ready} out, {@code cmd_address}
 *       in UInt addrBits (byte address, a multiple of dataBits/8; the low log2(dataBits/8) bits
 *       are ignored), {@code cmd_beats} in UInt 24 (words to write; 0 is accepted and writes
 *       nothing). The words must lie below 2^addrBits.</li>
 *   <li>data (slave stream): {@code data_valid} in, {@code data_ready} out, {@code data_payload}
 *       in Bits dataBits: the words of the accepted commands, in command and address order. The
 *       producer must supply exactly the beats it commanded. Words may be offered before their
 *       command; each is taken when its burst has been issued and {@code m_axi_wready} is
 *       high.</li>
 *   <li>AXI4 write master, Xilinx names: {@code m_axi_awvalid} out, {@code m_axi_awready} in,
 *       {@code m_axi_awaddr} out addrBits, {@code m_axi_awid} out 4 (constant 0),
 *       {@code m_axi_awlen} out 8, {@code m_axi_awsize} out 3 (constant log2(dataBits/8)),
 *       {@code m_axi_awburst} out 2 (constant INCR = 1), {@code m_axi_wvalid} out,
 *       {@code m_axi_wready} in, {@code m_axi_wdata} out dataBits, {@code m_axi_wstrb} out
 *       dataBits/8 (all ones), {@code m_axi_wlast} out, {@code m_axi_bvalid} in,
 *       {@code m_axi_bready} out (constant 1), {@code m_axi_bid} in 4 (not read: all bursts
 *       have ID 0), {@code m_axi_bresp} in 2. A parent presents them under the same names with
 *       {@code Hdl.exposePorts(writer, "m_axi_")}.</li>
 *   <li>{@code idle} out: every accepted command is split and every one of its bursts has its B
 *       response back, so all its words are in memory. Raise done only when this is high.</li>
 *   <li>{@code error} out: sticky (until reset); some B response was not OKAY.</li>
 * </ul>
 *
 * <h2>Behaviour</h2>
 * A command is split into INCR bursts of min(remaining, maxBurstBeats, beats to the next 4 KiB
 * boundary) beats, so no burst crosses 4 KiB; the command register frees (cmd ready) when the
 * last burst's AW is issued. AW does not wait for data; at most maxOutstanding bursts are between
 * their AW issue and their B response. W beats follow the AW order, each burst's length taken
 * from a queue of maxOutstanding lengths; {@code m_axi_wvalid} is {@code data_valid} while a
 * burst is announced, and {@code data_ready} is {@code m_axi_wready} then (no register on W).
 *
 * <p>Latency: a command accepted at rising edge t shows its first AW from edge t+2 on (the next
 * burst length and the AW request are registers); that burst's W beats can be taken from edge
 * t+4 on (the length queue's synchronous read), one per cycle while data and wready allow. A
 * B response taken at edge t lowers the outstanding count at t, so {@code idle} can rise from
 * edge t on.
 */
public final class DdrWriter extends JavaComponent {
    /** The command port ({@code cmd_*}). */
    public final DdrCommand command;
    public final Stream<Bits> data;
    public final Bool idle;
    public final Bool error;

    /**
     * @param dataBits       AXI data width, a power of two in 32..1024
     * @param addrBits       AXI address width, 12..64
     * @param maxBurstBeats  longest burst, 1..256
     * @param maxOutstanding bursts between AW issue and B response at most, 1..64
     * @throws EsegenException if a parameter is out of range
     */
    public DdrWriter(int dataBits, int addrBits, int maxBurstBeats, int maxOutstanding) {
        super(validated(dataBits, addrBits, maxBurstBeats, maxOutstanding));
        int beatBytes = dataBits / 8;
        int sizeCode = log2(beatBytes);
        int wordBits = addrBits - sizeCode;
        int outstandingBits = bitsFor(maxOutstanding);

        command = DdrCommand.receiver("cmd", addrBits);
        Bool cmdValid = command.valid();
        Bool cmdReady = command.ready();
        UInt cmdAddress = command.address();
        UInt cmdBeats = command.beats();
        data = slaveStream("data", hardType(() -> bits(dataBits)));

        AxiPort axi = AxiPort.declare("m_axi_", AxiPort.Role.MASTER, AxiSignals.Protocol.AXI4,
                new AxiSignals.Widths(dataBits, addrBits, ID_BITS), AxiSignals.Channel.AW, AxiSignals.Channel.W,
                AxiSignals.Channel.B);
        Bool awvalid = axi.bool("awvalid");
        Bool awready = axi.bool("awready");
        UInt awaddr = axi.uint("awaddr");
        UInt awid = axi.uint("awid");
        UInt awlen = axi.uint("awlen");
        UInt awsize = axi.uint("awsize");
        UInt awburst = axi.uint("awburst");
        Bool wvalid = axi.bool("wvalid");
        Bool wready = axi.bool("wready");
        Bits wdata = axi.bits("wdata");
        Bits wstrb = axi.bits("wstrb");
        Bool wlast = axi.bool("wlast");
        Bool bvalid = axi.bool("bvalid");
        Bool bready = axi.bool("bready");
        UInt bid = axi.uint("bid");
        UInt bresp = axi.uint("bresp");
        idle = outBool("idle");
        error = outBool("error");

        // The command being split and its next burst (registered: fresh one cycle after the
        // command register changes).
        UInt word = reg("word", uint(wordBits));
        UInt remaining = reg("remaining", uint(BEATS_BITS));
        Bool active = regInit("active", bool(), boolConst(false));
        UInt burst = regNext("burst", AxiBursts.nextBurst("next_burst", word, remaining, beatBytes, maxBurstBeats));
        Bool fresh = regInit("fresh", bool(), boolConst(false));
        assign(cmdReady, not(active));
        Bool accept = named("accept", and(cmdValid, cmdReady));
        when(accept, () -> {
            assign(word, shiftRight(cmdAddress, sizeCode));
            assign(remaining, cmdBeats);
            assign(active, not(equal(cmdBeats, uintConst(0, BEATS_BITS))));
        });
        unused("cmd_address_low", cmdAddress.resize(sizeCode));

        // AW stage: one registered request, loaded when empty or being accepted.
        Bool awValid = regInit("aw_valid", bool(), boolConst(false));
        UInt awWord = reg("aw_word", uint(wordBits));
        UInt awLen = reg("aw_len", uint(8));
        UInt outstanding = regInit("outstanding", uint(outstandingBits), uintConst(0, outstandingBits));
        Bool issue = named("issue", and(and(active, fresh), and(lessThan(outstanding,
                uintConst(maxOutstanding, outstandingBits)), or(not(awValid), awready))));
        assign(fresh, not(or(accept, issue)));
        UInt len = named("len", sub(burst.resize(8), uintConst(1, 8)));
        when(issue, () -> {
            assign(awValid, boolConst(true));
            assign(awWord, word);
            assign(awLen, len);
            assign(word, add(word, burst.resize(wordBits)));
            assign(remaining, sub(remaining, burst.resize(BEATS_BITS)));
            when(equal(remaining, burst.resize(BEATS_BITS)), () -> assign(active, boolConst(false)));
        }).elseWhen(awready, () -> assign(awValid, boolConst(false)));

        // W: the lengths of issued bursts, in order; it never holds more than the bursts
        // outstanding, so it never refuses a push.
        FifoPorts<UInt> lengths = streamFifo("lengths", hardType(() -> uint(8)), maxOutstanding);
        assign(lengths.push().valid(), issue);
        assign(lengths.push().payload(), len);
        unused("lengths_push_ready", lengths.push().ready());
        UInt beat = regInit("beat", uint(8), uintConst(0, 8));
        Bool last = named("last", equal(beat, lengths.pop().payload()));
        assign(wvalid, and(data.valid(), lengths.pop().valid()));
        assign(data.ready(), and(wready, lengths.pop().valid()));
        Bool wFire = named("w_fire", and(wvalid, wready));
        assign(lengths.pop().ready(), and(wFire, last));
        when(wFire, () -> assign(beat, mux(last, uintConst(0, 8), add(beat, uintConst(1, 8)))));

        // B: count responses, remember errors.
        Bool failed = regInit("failed", bool(), boolConst(false));
        when(and(bvalid, not(equal(bresp, uintConst(0, 2)))), () -> assign(failed, boolConst(true)));
        unused("bid", bid);
        assign(outstanding, sub(add(outstanding, oneIf(issue, outstandingBits)), oneIf(bvalid, outstandingBits)));

        assign(idle, and(not(active), equal(outstanding, uintConst(0, outstandingBits))));
        assign(error, failed);
        assign(awvalid, awValid);
        assign(awaddr, shiftLeft(awWord, sizeCode));
        assign(awid, uintConst(0, ID_BITS));
        assign(awlen, awLen);
        assign(awsize, uintConst(sizeCode, 3));
        assign(awburst, uintConst(AxiBursts.INCR, 2));
        assign(wdata, data.payload());
        assign(wstrb, sintConst(-1, beatBytes).asBits());
        assign(wlast, last);
        assign(bready, boolConst(true));
    }

    private static String validated(int dataBits, int addrBits, int maxBurstBeats, int maxOutstanding) {
        AxiBursts.validate("DdrWriter", dataBits, addrBits, maxBurstBeats, maxOutstanding);
        return "DdrWriter";
    }
}
