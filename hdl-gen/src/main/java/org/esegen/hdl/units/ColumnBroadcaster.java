package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asBits;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.asUInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.greaterThan;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inSInt;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.Hdl.FifoPorts;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * Broadcasts the columns of one sparse matrix to the PEs, {@code lanes} (1 or 2) columns a cycle.
 * From consecutive pointer rows (lane p = start of the column in PE p's entries) it computes, for
 * column c, count_p = ptr[c+1][p] - ptr[c][p], fetches the column's value for every channel from a
 * read port, and pushes the counts and values into every PE's column stream in the same cycle, when
 * all of them accept.
 *
 * <p>{@code start} arms the unit for a matrix of {@code columns} (at least 1) columns (sampled with
 * {@code start}) and it is {@code busy} until the last column has been pushed. Pointer rows of the
 * next matrix wait on {@code pointers} until the next start. Start only when not busy.
 * <ul>
 *   <li>One lane: {@code pointers} carries single rows; the unit takes {@code columns + 1} of
 *       them, the first only as ptr[0], and sends one column per row after it.</li>
 *   <li>Two lanes: {@code pointers} carries two consecutive rows side by side, low half first (the
 *       pointer sections' packing, {@code ImageLayout.pointerPacking}); the unit takes
 *       ceil((columns + 1) / 2) of them. The first pair (ptr[0], ptr[1]) gives column 0; every
 *       later pair (ptr[2k], ptr[2k+1]) gives columns 2k - 1 and 2k, or only 2k - 1 when that is
 *       the last (the high half is then the section's filler).</li>
 * </ul>
 *
 * <p>Value read ports ({@link #reads}, one per lane; lane 0's signals are {@code value_read},
 * {@code value_column}, {@code value_pe}, {@code value_cell}, {@code value_<ch>}, lane 1's the same
 * with the prefix {@code second_}): in the cycle {@code value_read} is high the unit asks for
 * column {@code value_column}; for a source distributed over the PEs the same column is also given
 * as {@code value_pe} = column mod pes and {@code value_cell} = column / pes (where the
 * element-wise units keep m: cell k in PE k mod N at local cell k / N). With
 * {@code restart_column} R &gt; 0 (sampled with start) the distribution restarts at column R:
 * columns c &ge; R get {@code value_pe} = (c - R) mod pes and {@code value_cell} = (c - R) / pes
 * (where the projection outputs y_(c - R) live). Lane 1 reads the column after lane 0's, in the
 * same cycle, when two columns go out together. Column c is read only while c &lt;
 * {@code value_limit} (UInt columnBits + 1, watched every cycle: the source's values up to there
 * exist, e.g. the m of the cells the element-wise step has finished); two columns go out together
 * only when both may be read. The values {@code value_<ch>} must be on the inputs exactly
 * {@code valueLatency} cycles later (a synchronous RAM read has latency 1). Reads are issued only
 * when the unit can store their result, so the source is never stalled.
 *
 * <p>Columns out: streams {@code column_<p>} (master) for p &lt; pes, all valid together, with
 * payload Bits {@link #columnWordBits}: count_p of lane l (UInt ptrBits) in bits
 * [l ptrBits, (l + 1) ptrBits) and, with two lanes, in the top bit whether lane 1 carries a column
 * (its count is 0 when it does not); and {@code column_value_<ch>} ({@code column_second_value_<ch>}
 * for lane 1, SInt actBits), the column's value for channel ch, meaningful while the column streams
 * are valid. Back to back, {@code lanes} columns leave per cycle while every PE accepts.
 *
 * <p>Stall flags: {@code pointer_wait}, busy, ready for a pointer row that is not offered and no
 * column on its way to the PEs (the PE array is left with what its column queues hold: DDR is
 * behind); {@code queue_wait}, a column is waiting for a PE's column queue; {@code value_wait},
 * the next column's value does not exist yet (column &ge; value_limit).
 *
 * <p>Ports: {@code start}, {@code columns}, {@code restart_column} (UInt columnBits) in; {@code busy}
 * out; stream {@code pointers} (slave, Bits lanes * pes * ptrBits); the value read ports; the
 * column streams; the stall flags.
 */
public final class ColumnBroadcaster extends JavaComponent {
    /**
     * One lane's value read port.
     *
     * @param read   out: read {@code column} this cycle
     * @param column out: the column (UInt columnBits)
     * @param pe     out: the column's PE in the source's distribution
     * @param cell   out: the column's local cell in that PE
     * @param values in: the column's value per channel, valueLatency cycles after {@code read}
     */
    public record ValuePort(Bool read, UInt column, UInt pe, UInt cell, List<SInt> values) {
    }

    /** A column's place: its index and where a distributed source keeps its value. */
    private record Position(UInt column, UInt pe, UInt cell) {
    }

    public final Bool start;
    public final UInt columns;
    public final UInt restartColumn;
    public final UInt valueLimit;
    public final Bool busy;
    public final Stream<Bits> pointers;
    /** The value read ports, by lane. */
    public final List<ValuePort> reads;
    public final List<Stream<Bits>> columnStreams;
    /** {@code column_value_<ch>} by lane, then channel. */
    public final List<List<SInt>> columnValues;
    public final Bool pointerWait;
    public final Bool queueWait;
    public final Bool valueWait;

    private final int pes;
    private final int peBits;
    private final int cellBits;

    /**
     * @param pes          PEs (lanes of a pointer row), 1..256
     * @param channels     channels (values per column), 1..64
     * @param ptrBits      pointer and count width
     * @param actBits      value width
     * @param maxColumns   most columns of a matrix; sets {@code columns}' width
     *                     ({@link #columnBits(int)})
     * @param valueLatency cycles from {@code value_read} to {@code value_<ch>}, 1..16
     * @param lanes        columns sent per cycle, 1 or 2
     * @throws EsegenException if a parameter is out of range
     */
    public ColumnBroadcaster(int pes, int channels, int ptrBits, int actBits, int maxColumns, int valueLatency,
                             int lanes) {
        super(validated(pes, channels, ptrBits, actBits, maxColumns, valueLatency, lanes));
        this.pes = pes;
        int columnBits = columnBits(maxColumns);
        peBits = widthFor(pes - 1);
        cellBits = widthFor((maxColumns - 1) / pes);
        int rowBits = pes * ptrBits;
        int depth = valueLatency + 4;
        boolean paired = lanes == 2;

        start = inBool("start");
        columns = inUInt("columns", columnBits);
        restartColumn = inUInt("restart_column", columnBits);
        valueLimit = inUInt("value_limit", columnBits + 1);
        busy = outBool("busy");
        pointers = slaveStream("pointers", hardType(() -> bits(lanes * rowBits)));
        List<ValuePort> ports = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            String prefix = lane == 0 ? "" : "second_";
            List<SInt> valueInputs = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                valueInputs.add(inSInt(prefix + "value_" + ch, actBits));
            }
            ports.add(new ValuePort(outBool(prefix + "value_read"), outUInt(prefix + "value_column", columnBits),
                    outUInt(prefix + "value_pe", peBits), outUInt(prefix + "value_cell", cellBits),
                    List.copyOf(valueInputs)));
        }
        reads = List.copyOf(ports);
        int wordBits = columnWordBits(ptrBits, lanes);
        List<Stream<Bits>> streams = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            streams.add(masterStream("column_" + p, hardType(() -> bits(wordBits))));
        }
        columnStreams = List.copyOf(streams);
        List<List<SInt>> outValues = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            List<SInt> laneValues = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                laneValues.add(outSInt("column_" + (lane == 0 ? "" : "second_") + "value_" + ch, actBits));
            }
            outValues.add(List.copyOf(laneValues));
        }
        columnValues = List.copyOf(outValues);
        pointerWait = outBool("pointer_wait");
        queueWait = outBool("queue_wait");
        valueWait = outBool("value_wait");

        // ---- issue: pointer rows in, one value read per column ----
        Bool running = regInit("running", bool(), boolConst(false));
        Bool needFirst = regInit("need_first", bool(), boolConst(false));
        UInt remaining = regInit("remaining", uint(columnBits), uintConst(0, columnBits));
        Position at = new Position(regInit("column", uint(columnBits), uintConst(0, columnBits)),
                regInit("pe", uint(peBits), uintConst(0, peBits)), regInit("cell", uint(cellBits), uintConst(0, cellBits)));
        Bits previous = reg("previous", bits(rowBits));
        UInt restart = reg("restart", uint(columnBits));
        int inFlightBits = widthFor(depth);
        UInt inFlight = regInit("in_flight", uint(inFlightBits), uintConst(0, inFlightBits));

        Bool columnsLeft = named("columns_left", not(equal(remaining, uintConst(0, columnBits))));
        Bool room = named("room", lessThan(inFlight, uintConst(depth, inFlightBits)));
        Position second = paired ? advance("second", at, restart) : null;
        // with two lanes every pair after the first gives two columns unless one is left
        Bool both = paired ? named("both", and(not(needFirst),
                greaterThan(remaining, uintConst(1, columnBits)))) : boolConst(false);
        Bool firstAvailable = lessThan(at.column().resize(columnBits + 1), valueLimit);
        Bool valueAvailable = named("value_available", paired
                ? and(firstAvailable, or(not(both), lessThan(second.column().resize(columnBits + 1), valueLimit)))
                : firstAvailable);
        Bool sends = paired ? boolConst(true) : not(needFirst);
        Bool wantRow = named("want_row", and(running,
                paired ? and(and(columnsLeft, room), valueAvailable)
                        : or(needFirst, and(and(columnsLeft, room), valueAvailable))));
        Bool take = named("take", and(pointers.valid(), wantRow));
        Bool issue = named("issue", and(take, sends));
        assign(pointers.ready(), wantRow);
        assign(valueWait, and(and(and(running, paired ? boolConst(true) : not(needFirst)), columnsLeft),
                not(valueAvailable)));
        assign(pointerWait, and(and(wantRow, not(pointers.valid())), equal(inFlight, uintConst(0, inFlightBits))));

        Bits low = slice(pointers.payload(), 0, rowBits);
        Bits high = paired ? slice(pointers.payload(), rowBits, rowBits) : null;
        List<Bits> countParts = new ArrayList<>();
        countParts.add(paired ? concatLowFirst(countsOf(mux(needFirst, high, low), mux(needFirst, low, previous), ptrBits))
                : concatLowFirst(countsOf(low, previous, ptrBits)));
        if (paired) {
            countParts.add(concatLowFirst(countsOf(mux(both, high, low), low, ptrBits)));
        }
        Bits countRow = named("count_row", concatLowFirst(countParts));

        Position after = paired ? advance("after_second", second, restart) : advance("after", at, restart);
        List<Position> lanePositions = paired ? List.of(at, second) : List.of(at);
        for (int lane = 0; lane < lanes; lane++) {
            ValuePort port = ports.get(lane);
            Position place = lanePositions.get(lane);
            assign(port.read(), lane == 0 ? issue : and(issue, both));
            assign(port.column(), place.column());
            assign(port.pe(), place.pe());
            assign(port.cell(), place.cell());
        }

        when(take, () -> {
            assign(previous, paired ? high : low);
            assign(needFirst, boolConst(false));
        });
        when(issue, () -> {
            if (paired) {
                assign(remaining, sub(remaining, mux(both, uintConst(2, columnBits), uintConst(1, columnBits))));
                moveTo(at, both, after, second);
            } else {
                assign(remaining, sub(remaining, uintConst(1, columnBits)));
                moveTo(at, boolConst(true), after, after);
            }
        });

        // ---- the counts wait valueLatency cycles for their values, then queue ----
        Bool delayedValid = issue;
        Bits delayedCounts = paired ? concatLowFirst(List.of(countRow, asBits(both))) : countRow;
        for (int stage = 0; stage < valueLatency; stage++) {
            delayedValid = regNext("pending_valid_" + stage, delayedValid, boolConst(false));
            delayedCounts = regNext("pending_counts_" + stage, delayedCounts);
        }
        List<Bits> entryParts = new ArrayList<>();
        entryParts.add(delayedCounts);
        reads.forEach(port -> port.values().forEach(value -> entryParts.add(asBits(value))));
        int countsBits = lanes * rowBits + (paired ? 1 : 0);
        int entryBits = countsBits + lanes * channels * actBits;
        FifoPorts<Bits> queue = streamFifo("column_queue", hardType(() -> bits(entryBits)), depth);
        // The in-flight count keeps the queue from filling; gating on its ready only restates that.
        assign(queue.push().valid(), and(delayedValid, queue.push().ready()));
        assign(queue.push().payload(), concatLowFirst(entryParts));

        // ---- columns out, to every PE at once ----
        Bool allReady = named("all_ready", allOf(columnStreams.stream().map(Stream::ready).toList()));
        Bits head = queue.pop().payload();
        for (int p = 0; p < pes; p++) {
            List<Bits> word = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                word.add(slice(head, lane * rowBits + p * ptrBits, ptrBits));
            }
            if (paired) {
                word.add(slice(head, 2 * rowBits, 1));
            }
            assign(columnStreams.get(p).valid(), and(queue.pop().valid(), allReady));
            assign(columnStreams.get(p).payload(), concatLowFirst(word));
        }
        for (int lane = 0; lane < lanes; lane++) {
            for (int ch = 0; ch < channels; ch++) {
                assign(columnValues.get(lane).get(ch),
                        asSInt(slice(head, countsBits + (lane * channels + ch) * actBits, actBits)));
            }
        }
        assign(queue.pop().ready(), allReady);
        assign(queueWait, and(queue.pop().valid(), not(allReady)));
        Bool delivered = named("delivered", and(queue.pop().valid(), allReady));
        when(and(issue, not(delivered)), () -> assign(inFlight, add(inFlight, uintConst(1, inFlightBits))))
                .elseWhen(and(delivered, not(issue)),
                        () -> assign(inFlight, sub(inFlight, uintConst(1, inFlightBits))));

        when(and(running, and(not(needFirst), and(not(columnsLeft),
                equal(inFlight, uintConst(0, inFlightBits))))), () -> assign(running, boolConst(false)));
        when(start, () -> {
            assign(running, boolConst(true));
            assign(needFirst, boolConst(true));
            assign(remaining, columns);
            assign(restart, restartColumn);
            assign(at.column(), uintConst(0, columnBits));
            assign(at.pe(), uintConst(0, peBits));
            assign(at.cell(), uintConst(0, cellBits));
        });
        assign(busy, running);
    }

    /** Width of a column stream's payload: a count per lane, and with two lanes the lane-1 flag. */
    public static int columnWordBits(int ptrBits, int lanes) {
        return lanes * ptrBits + (lanes == 2 ? 1 : 0);
    }

    /** The counts ptr_next[p] - ptr[p] of every PE, low PE first. */
    private List<UInt> countsOf(Bits next, Bits current, int ptrBits) {
        List<UInt> counts = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            counts.add(sub(asUInt(slice(next, p * ptrBits, ptrBits)), asUInt(slice(current, p * ptrBits, ptrBits))));
        }
        return counts;
    }

    /** The column after {@code from}: the next PE, or PE 0 of the next local cell, or PE 0, cell 0 at the restart. */
    private Position advance(String name, Position from, UInt restart) {
        int columnBits = from.column().getWidth();
        UInt nextColumn = named(name + "_column", add(from.column(), uintConst(1, columnBits)));
        Bool restarts = equal(nextColumn, restart);
        Bool lastPe = equal(from.pe(), uintConst(pes - 1, peBits));
        UInt pe = named(name + "_pe", mux(or(restarts, lastPe), uintConst(0, peBits), add(from.pe(), uintConst(1, peBits))));
        UInt cell = named(name + "_cell", mux(restarts, uintConst(0, cellBits),
                mux(lastPe, add(from.cell(), uintConst(1, cellBits)), from.cell())));
        return new Position(nextColumn, pe, cell);
    }

    private static void moveTo(Position target, Bool useFirst, Position first, Position otherwise) {
        assign(target.column(), mux(useFirst, first.column(), otherwise.column()));
        assign(target.pe(), mux(useFirst, first.pe(), otherwise.pe()));
        assign(target.cell(), mux(useFirst, first.cell(), otherwise.cell()));
    }

    /** Width of {@code columns} and {@code value_column} for matrices of up to {@code maxColumns} columns. */
    public static int columnBits(int maxColumns) {
        return widthFor(maxColumns);
    }

    private static String validated(int pes, int channels, int ptrBits, int actBits, int maxColumns,
                                    int valueLatency, int lanes) {
        if (lanes != 1 && lanes != 2) {
            throw new EsegenException("ColumnBroadcaster: lanes " + lanes + " is neither 1 nor 2");
        }
        if (pes < 1 || pes > 256) {
            throw new EsegenException("ColumnBroadcaster: pes " + pes + " is outside 1..256");
        }
        if (channels < 1 || channels > 64) {
            throw new EsegenException("ColumnBroadcaster: channels " + channels + " is outside 1..64");
        }
        if (ptrBits < 1 || ptrBits > 32 || actBits < 2 || actBits > 32) {
            throw new EsegenException("ColumnBroadcaster: ptrBits " + ptrBits + " / actBits " + actBits
                    + " outside 1..32 / 2..32");
        }
        if (maxColumns < 1) {
            throw new EsegenException("ColumnBroadcaster: maxColumns " + maxColumns + " must be at least 1");
        }
        if (valueLatency < 1 || valueLatency > 16) {
            throw new EsegenException("ColumnBroadcaster: valueLatency " + valueLatency + " is outside 1..16");
        }
        return "ColumnBroadcaster";
    }
}
