package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.masterStream;
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
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.units.AxiBursts.BEATS_BITS;
import static org.esegen.hdl.units.AxiBursts.bitsFor;
import static org.esegen.hdl.units.AxiBursts.log2;
import static org.esegen.hdl.units.AxiBursts.oneIf;

import java.util.ArrayList;
import java.util.List;

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
 * AXI4 read master shared by {@code clients} clients: each client asks for {beats} consecutive
 * data-bus words from a byte address and receives exactly those words, in address order, on its
 * own data stream.
 *
 * <h2>Ports</h2>
 * Client k (k = 0 .. clients-1):
 * <ul>
 *   <li>command (slave stream): {@code cmd_<k>_valid} in, {@code cmd_<k>_ready} out,
 *       {@code cmd_<k>_address} in UInt addrBits (byte address, a multiple of dataBits/8; the low
 *       log2(dataBits/8) bits are ignored), {@code cmd_<k>_beats} in UInt 24 (words to read; 0
 *       is accepted and reads nothing). The words must lie below 2^addrBits (no wrap-around).</li>
 *   <li>data (master stream): {@code data_<k>_valid} out, {@code data_<k>_ready} in,
 *       {@code data_<k>_payload} out Bits dataBits, one word of memory per transfer.</li>
 *   <li>{@code starved_<k>} out: the client's data stream has nothing to offer although the
 *       client has accepted words it has not yet delivered (its command is still being split, or
 *       bursts are in flight). A consumer waiting on {@code data_<k>} while this is high waits for
 *       DDR; AND it with the consumer's own wait to count DDR stall cycles.</li>
 * </ul>
 * Shared:
 * <ul>
 *   <li>AXI4 read master, Xilinx names: {@code m_axi_arvalid} out, {@code m_axi_arready} in,
 *       {@code m_axi_araddr} out addrBits, {@code m_axi_arid} out 4 (the client index),
 *       {@code m_axi_arlen} out 8, {@code m_axi_arsize} out 3 (constant log2(dataBits/8)),
 *       {@code m_axi_arburst} out 2 (constant INCR = 1), {@code m_axi_rvalid} in,
 *       {@code m_axi_rready} out (constant 1), {@code m_axi_rdata} in dataBits,
 *       {@code m_axi_rid} in 4, {@code m_axi_rresp} in 2, {@code m_axi_rlast} in. A parent
 *       presents them under the same names with {@code Hdl.exposePorts(reader, "m_axi_")}.</li>
 *   <li>{@code idle} out: every accepted command is fully delivered: no command is being split,
 *       no burst is in flight, every client's FIFO is empty.</li>
 *   <li>{@code error} out: sticky (until reset); some R beat had {@code rresp} other than OKAY.
 *       Its data is delivered all the same.</li>
 * </ul>
 *
 * <h2>Behaviour</h2>
 * A command is split into INCR bursts of min(remaining, maxBurstBeats, beats to the next 4 KiB
 * boundary) beats, so no burst crosses 4 KiB. A client's command register frees (cmd ready) as
 * soon as its last burst has been issued, so the next command queues while data is in flight.
 * At most maxOutstanding bursts are in flight over all clients (counted from issue to their
 * {@code rlast}). A burst is issued only when its client's data FIFO (clientFifoBeats words) has
 * room for all its beats, counting the beats of bursts already in flight, so R is never
 * back-pressured ({@code m_axi_rready} is tied high) and R beats of different IDs may interleave
 * in any order. Clients whose next burst can be issued are served round robin, one AR per
 * cycle; a client's next burst length is registered, so one client issues at most every second
 * cycle.
 *
 * <p>Latency: a command accepted at rising edge t shows its first AR from edge t+2 on (the AR
 * request is a register). An R beat taken at edge t is offered on {@code data_<k>} from edge
 * t+1 on (the FIFO's synchronous read). With a memory that accepts AR at once and returns one
 * beat per cycle after L cycles, a client streams one word per cycle as long as
 * clientFifoBeats &gt;= L + maxBurstBeats + a few cycles; measured: 1.00 beat/cycle for
 * DdrReader(512, 33, 3, 64, 4, 128) at L = 20, with one client and with three sharing the bus.
 * {@code m_axi_araddr}, {@code m_axi_arlen} and {@code m_axi_arid} are registers; the FIFO
 * write takes {@code m_axi_rdata} directly.
 */
public final class DdrReader extends JavaComponent {
    /** AXI4 ID bits of the read master (the ID is the client index). */
    public static final int ID_BITS = AxiBursts.ID_BITS;


    /** Command ports, by client. */
    public final List<DdrCommand> commands;
    /** Data streams, by client. */
    public final List<Stream<Bits>> data;
    /** Starved flags, by client (see the class comment). */
    public final List<Bool> starved;
    public final Bool idle;
    public final Bool error;

    /**
     * @param dataBits        AXI data width, a power of two in 32..1024
     * @param addrBits        AXI address width, 12..64
     * @param clients         number of clients, 1..16 (the AXI ID is the client index)
     * @param maxBurstBeats   longest burst, 1..256
     * @param maxOutstanding  bursts in flight at most, 1..64
     * @param clientFifoBeats words of each client's data FIFO, maxBurstBeats..65536
     * @throws EsegenException if a parameter is out of range
     */
    public DdrReader(int dataBits, int addrBits, int clients, int maxBurstBeats, int maxOutstanding,
                     int clientFifoBeats) {
        super(validated(dataBits, addrBits, clients, maxBurstBeats, maxOutstanding, clientFifoBeats));
        int beatBytes = dataBits / 8;
        int sizeCode = log2(beatBytes);
        int wordBits = addrBits - sizeCode;
        int clientBits = bitsFor(clients - 1);
        int freeBits = bitsFor(clientFifoBeats);
        int outstandingBits = bitsFor(maxOutstanding);

        List<DdrCommand> commandPorts = new ArrayList<>();
        List<Stream<Bits>> dataPorts = new ArrayList<>();
        List<Bool> starvedPorts = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            commandPorts.add(DdrCommand.receiver("cmd_" + k, addrBits));
            dataPorts.add(masterStream("data_" + k, hardType(() -> bits(dataBits))));
            starvedPorts.add(outBool("starved_" + k));
        }
        commands = List.copyOf(commandPorts);
        data = List.copyOf(dataPorts);
        starved = List.copyOf(starvedPorts);

        AxiPort axi = AxiPort.declare("m_axi_", AxiPort.Role.MASTER, AxiSignals.Protocol.AXI4,
                new AxiSignals.Widths(dataBits, addrBits, ID_BITS), AxiSignals.Channel.AR, AxiSignals.Channel.R);
        Bool arvalid = axi.bool("arvalid");
        Bool arready = axi.bool("arready");
        UInt araddr = axi.uint("araddr");
        UInt arid = axi.uint("arid");
        UInt arlen = axi.uint("arlen");
        UInt arsize = axi.uint("arsize");
        UInt arburst = axi.uint("arburst");
        Bool rvalid = axi.bool("rvalid");
        Bool rready = axi.bool("rready");
        Bits rdata = axi.bits("rdata");
        UInt rid = axi.uint("rid");
        UInt rresp = axi.uint("rresp");
        Bool rlast = axi.bool("rlast");
        idle = outBool("idle");
        error = outBool("error");

        // AR stage: one registered request, loaded when empty or being accepted.
        Bool arValid = regInit("ar_valid", bool(), boolConst(false));
        UInt arWord = reg("ar_word", uint(wordBits));
        UInt arLen = reg("ar_len", uint(8));
        UInt arId = reg("ar_id", uint(ID_BITS));
        UInt outstanding = regInit("outstanding", uint(outstandingBits), uintConst(0, outstandingBits));
        Bool canIssue = named("can_issue", and(lessThan(outstanding, uintConst(maxOutstanding, outstandingBits)),
                or(not(arValid), arready)));

        // Per client: the command being split, its next burst (registered: fresh one cycle after
        // the command register changes), and the FIFO credit (words of FIFO space not yet
        // promised to an issued burst).
        List<Client> state = new ArrayList<>();
        for (int k = 0; k < clients; k++) {
            String c = "client_" + k;
            UInt word = reg(c + "_word", uint(wordBits));
            UInt remaining = reg(c + "_remaining", uint(BEATS_BITS));
            Bool active = regInit(c + "_active", bool(), boolConst(false));
            UInt free = regInit(c + "_free", uint(freeBits), uintConst(clientFifoBeats, freeBits));
            UInt burst = regNext(c + "_burst",
                    AxiBursts.nextBurst(c + "_next_burst", word, remaining, beatBytes, maxBurstBeats));
            Bool fresh = regInit(c + "_fresh", bool(), boolConst(false));
            Bool eligible = named(c + "_eligible",
                    and(and(active, fresh), not(greaterThan(burst.resize(freeBits), free))));
            state.add(new Client(word, remaining, active, fresh, free, burst, eligible,
                    streamFifo(c + "_fifo", hardType(() -> bits(dataBits)), clientFifoBeats)));
        }

        // Round robin: the lowest eligible client above the last grant, else the lowest eligible.
        UInt grant = named("grant", uint(clientBits));
        Bool anyEligible = named("any_eligible", bool());
        assign(grant, uintConst(0, clientBits));
        assign(anyEligible, boolConst(false));
        for (int k = clients - 1; k >= 0; k--) {
            UInt client = uintConst(k, clientBits);
            when(state.get(k).eligible(), () -> {
                assign(grant, client);
                assign(anyEligible, boolConst(true));
            });
        }
        Bool issue = named("issue", and(anyEligible, canIssue));
        if (clients > 1) {
            UInt lastGrant = regInit("last_grant", uint(clientBits), uintConst(clients - 1, clientBits));
            for (int k = clients - 1; k > 0; k--) {
                UInt client = uintConst(k, clientBits);
                when(and(state.get(k).eligible(), greaterThan(client, lastGrant)), () -> assign(grant, client));
            }
            when(issue, () -> assign(lastGrant, grant));
        }

        when(issue, () -> assign(arValid, boolConst(true)))
                .elseWhen(arready, () -> assign(arValid, boolConst(false)));
        Bool burstDone = named("burst_done", and(rvalid, rlast));
        assign(outstanding, sub(add(outstanding, oneIf(issue, outstandingBits)), oneIf(burstDone, outstandingBits)));

        Bool everyClientIdle = boolConst(true);
        for (int k = 0; k < clients; k++) {
            String c = "client_" + k;
            Client client = state.get(k);
            DdrCommand command = commands.get(k);
            UInt id = uintConst(k, ID_BITS);
            Bool selected = named(c + "_selected", and(issue, equal(grant, uintConst(k, clientBits))));

            assign(command.ready(), not(client.active()));
            Bool accept = named(c + "_accept", and(command.valid(), command.ready()));
            assign(client.fresh(), not(or(accept, selected)));
            when(accept, () -> {
                assign(client.word(), shiftRight(command.address(), sizeCode));
                assign(client.remaining(), command.beats());
                assign(client.active(), not(equal(command.beats(), uintConst(0, BEATS_BITS))));
            });
            when(selected, () -> {
                assign(arWord, client.word());
                assign(arLen, sub(client.burst().resize(8), uintConst(1, 8)));
                assign(arId, id);
                assign(client.word(), add(client.word(), client.burst().resize(wordBits)));
                assign(client.remaining(), sub(client.remaining(), client.burst().resize(BEATS_BITS)));
                when(equal(client.remaining(), client.burst().resize(BEATS_BITS)),
                        () -> assign(client.active(), boolConst(false)));
            });
            unused(c + "_address_low", command.address().resize(sizeCode));

            FifoPorts<Bits> fifo = client.fifo();
            assign(fifo.push().valid(), and(rvalid, equal(rid, id)));
            assign(fifo.push().payload(), rdata);
            unused(c + "_fifo_push_ready", fifo.push().ready());
            Stream<Bits> out = data.get(k);
            connect(out, fifo.pop());
            Bool popped = named(c + "_popped", and(out.valid(), out.ready()));
            UInt taken = mux(selected, client.burst().resize(freeBits), uintConst(0, freeBits));
            assign(client.free(), sub(add(client.free(), oneIf(popped, freeBits)), taken));

            Bool drained = named(c + "_drained", equal(client.free(), uintConst(clientFifoBeats, freeBits)));
            assign(starved.get(k), and(not(out.valid()), or(client.active(), not(drained))));
            everyClientIdle = and(everyClientIdle, and(not(client.active()), drained));
        }
        assign(idle, everyClientIdle);

        Bool failed = regInit("failed", bool(), boolConst(false));
        when(and(rvalid, not(equal(rresp, uintConst(0, 2)))), () -> assign(failed, boolConst(true)));
        assign(error, failed);

        assign(arvalid, arValid);
        assign(araddr, shiftLeft(arWord, sizeCode));
        assign(arid, arId);
        assign(arlen, arLen);
        assign(arsize, uintConst(sizeCode, 3));
        assign(arburst, uintConst(AxiBursts.INCR, 2));
        assign(rready, boolConst(true));
    }

    /** The registers and signals of one client. */
    private record Client(UInt word, UInt remaining, Bool active, Bool fresh, UInt free, UInt burst, Bool eligible,
                          FifoPorts<Bits> fifo) {
    }

    private static String validated(int dataBits, int addrBits, int clients, int maxBurstBeats, int maxOutstanding,
                                    int clientFifoBeats) {
        String unit = "DdrReader";
        AxiBursts.validate(unit, dataBits, addrBits, maxBurstBeats, maxOutstanding);
        if (clients < 1 || clients > 1 << ID_BITS) {
            throw new EsegenException(unit + ": clients " + clients + " is outside 1.." + (1 << ID_BITS));
        }
        if (clientFifoBeats < maxBurstBeats || clientFifoBeats > 65536) {
            throw new EsegenException(unit + ": clientFifoBeats " + clientFifoBeats + " is outside "
                    + maxBurstBeats + "..65536 (maxBurstBeats .. 65536)");
        }
        return unit;
    }
}
