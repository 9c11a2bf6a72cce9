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
 * Broadcasts the columns of one sparse matrix to the PEs. From consecutive pointer rows (lane p =
 * start of the column in PE p's entries) it computes, for column c, count_p = ptr[c+1][p] -
 * ptr[c][p], fetches the column's value for every channel from a read port, and pushes
 * {count_p, values} into every PE's column stream in the same cycle, when all of them accept.
 *
 * <p>{@code start} arms the unit for a matrix of {@code columns} columns (sampled with
 * {@code start}): it takes {@code columns + 1} pointer rows, the first only as ptr[0], issues one
 * value read per column in column order, and is {@code busy} until the last column has been
 * pushed. Pointer rows of the next matrix wait on {@code pointers} until the next start. Start
 * only when not busy.
 *
 * <p>Value read port: in the cycle {@code value_read} is high the unit asks for column
 * {@code value_column}; for a source distributed over the PEs the same column is also given as
 * {@code value_pe} = column mod pes and {@code value_cell} = column / pes (where the element-wise
 * units keep m: cell k in PE k mod N at local cell k / N). With {@code restart_column} R &gt; 0
 * (sampled with start) the distribution restarts at column R: columns c &ge; R get
 * {@code value_pe} = (c - R) mod pes and {@code value_cell} = (c - R) / pes (where the projection
 * outputs y_(c - R) live). Column c is read only while c &lt; {@code value_limit} (UInt
 * columnBits + 1, watched every cycle: the source's values up to there exist, e.g. the m of the
 * cells the element-wise step has finished). The values {@code value_<ch>} must be
 * on the inputs exactly {@code valueLatency} cycles later (a synchronous RAM read has latency 1).
 * Reads are issued only when the unit can store their result, so the source is never stalled.
 *
 * <p>Columns out: streams {@code column_<p>} (master, payload UInt ptrBits: count_p) for p &lt;
 * pes, all valid together, and {@code column_value_<ch>} (SInt actBits), the column's value for
 * channel ch, meaningful while the column streams are valid. Back to back columns leave one per
 * cycle while every PE accepts.
 *
 * <p>Stall flags: {@code pointer_wait}, busy, ready for a pointer row that is not offered and no
 * column on its way to the PEs (the PE array is left with what its column queues hold: DDR is
 * behind); {@code queue_wait}, a column is waiting for a PE's column queue; {@code value_wait},
 * the next column's value does not exist yet (column &ge; value_limit).
 *
 * <p>Ports: {@code start}, {@code columns}, {@code restart_column} (UInt columnBits) in; {@code busy} out; stream
 * {@code pointers} (slave, Bits pes * ptrBits); the value read port; the column streams; the stall
 * flags.
 */
public final class ColumnBroadcaster extends JavaComponent {
    public final Bool start;
    public final UInt columns;
    public final UInt restartColumn;
    public final UInt valueLimit;
    public final Bool busy;
    public final Stream<Bits> pointers;
    public final Bool valueRead;
    public final UInt valueColumn;
    public final UInt valuePe;
    public final UInt valueCell;
    public final List<SInt> values;
    public final List<Stream<UInt>> columnStreams;
    public final List<SInt> columnValues;
    public final Bool pointerWait;
    public final Bool queueWait;
    public final Bool valueWait;

    /**
     * @param pes          PEs (lanes of a pointer row), 1..256
     * @param channels     channels (values per column), 1..64
     * @param ptrBits      pointer and count width
     * @param actBits      value width
     * @param maxColumns   most columns of a matrix; sets {@code columns}' width
     *                     ({@link #columnBits(int)})
     * @param valueLatency cycles from {@code value_read} to {@code value_<ch>}, 1..16
     * @throws EsegenException if a parameter is out of range
     */
    public ColumnBroadcaster(int pes, int channels, int ptrBits, int actBits, int maxColumns, int valueLatency) {
        super(validated(pes, channels, ptrBits, actBits, maxColumns, valueLatency));
        int columnBits = columnBits(maxColumns);
        int peBits = widthFor(pes - 1);
        int cellBits = widthFor((maxColumns - 1) / pes);
        int rowBits = pes * ptrBits;
        int depth = valueLatency + 4;

        start = inBool("start");
        columns = inUInt("columns", columnBits);
        restartColumn = inUInt("restart_column", columnBits);
        valueLimit = inUInt("value_limit", columnBits + 1);
        busy = outBool("busy");
        pointers = slaveStream("pointers", hardType(() -> bits(rowBits)));
        valueRead = outBool("value_read");
        valueColumn = outUInt("value_column", columnBits);
        valuePe = outUInt("value_pe", peBits);
        valueCell = outUInt("value_cell", cellBits);
        List<SInt> valueInputs = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            valueInputs.add(inSInt("value_" + ch, actBits));
        }
        values = List.copyOf(valueInputs);
        List<Stream<UInt>> streams = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            streams.add(masterStream("column_" + p, hardType(() -> uint(ptrBits))));
        }
        columnStreams = List.copyOf(streams);
        List<SInt> outValues = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            outValues.add(outSInt("column_value_" + ch, actBits));
        }
        columnValues = List.copyOf(outValues);
        pointerWait = outBool("pointer_wait");
        queueWait = outBool("queue_wait");
        valueWait = outBool("value_wait");

        // ---- issue: pointer rows in, one value read per column ----
        Bool running = regInit("running", bool(), boolConst(false));
        Bool needFirst = regInit("need_first", bool(), boolConst(false));
        UInt remaining = regInit("remaining", uint(columnBits), uintConst(0, columnBits));
        UInt column = regInit("column", uint(columnBits), uintConst(0, columnBits));
        UInt pe = regInit("pe", uint(peBits), uintConst(0, peBits));
        UInt cell = regInit("cell", uint(cellBits), uintConst(0, cellBits));
        Bits previous = reg("previous", bits(rowBits));
        UInt restart = reg("restart", uint(columnBits));
        int inFlightBits = widthFor(depth);
        UInt inFlight = regInit("in_flight", uint(inFlightBits), uintConst(0, inFlightBits));

        Bool columnsLeft = named("columns_left", not(equal(remaining, uintConst(0, columnBits))));
        Bool room = named("room", lessThan(inFlight, uintConst(depth, inFlightBits)));
        Bool valueAvailable = named("value_available", lessThan(column.resize(columnBits + 1), valueLimit));
        Bool wantRow = named("want_row", and(running, or(needFirst, and(and(columnsLeft, room), valueAvailable))));
        Bool take = named("take", and(pointers.valid(), wantRow));
        Bool issue = named("issue", and(take, not(needFirst)));
        assign(pointers.ready(), wantRow);
        assign(valueWait, and(and(and(running, not(needFirst)), columnsLeft), not(valueAvailable)));
        assign(pointerWait, and(and(wantRow, not(pointers.valid())), equal(inFlight, uintConst(0, inFlightBits))));

        List<UInt> counts = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            counts.add(sub(asUInt(slice(pointers.payload(), p * ptrBits, ptrBits)),
                    asUInt(slice(previous, p * ptrBits, ptrBits))));
        }
        Bits countRow = named("count_row", concatLowFirst(counts));

        assign(valueRead, issue);
        assign(valueColumn, column);
        assign(valuePe, pe);
        assign(valueCell, cell);

        when(take, () -> {
            assign(previous, pointers.payload());
            assign(needFirst, boolConst(false));
        });
        Bool lastPe = equal(pe, uintConst(pes - 1, peBits));
        UInt nextColumn = named("next_column", add(column, uintConst(1, columnBits)));
        when(issue, () -> {
            assign(remaining, sub(remaining, uintConst(1, columnBits)));
            assign(column, nextColumn);
            when(equal(nextColumn, restart), () -> {
                assign(pe, uintConst(0, peBits));
                assign(cell, uintConst(0, cellBits));
            }).otherwise(() -> {
                assign(pe, mux(lastPe, uintConst(0, peBits), add(pe, uintConst(1, peBits))));
                when(lastPe, () -> assign(cell, add(cell, uintConst(1, cellBits))));
            });
        });

        // ---- the counts wait valueLatency cycles for their values, then queue ----
        Bool delayedValid = issue;
        Bits delayedCounts = countRow;
        for (int stage = 0; stage < valueLatency; stage++) {
            delayedValid = regNext("pending_valid_" + stage, delayedValid, boolConst(false));
            delayedCounts = regNext("pending_counts_" + stage, delayedCounts);
        }
        List<Bits> entryParts = new ArrayList<>();
        entryParts.add(delayedCounts);
        values.forEach(value -> entryParts.add(asBits(value)));
        int entryBits = rowBits + channels * actBits;
        FifoPorts<Bits> queue = streamFifo("column_queue", hardType(() -> bits(entryBits)), depth);
        // The in-flight count keeps the queue from filling; gating on its ready only restates that.
        assign(queue.push().valid(), and(delayedValid, queue.push().ready()));
        assign(queue.push().payload(), concatLowFirst(entryParts));

        // ---- columns out, to every PE at once ----
        Bool allReady = named("all_ready", allOf(columnStreams.stream().map(Stream::ready).toList()));
        Bits head = queue.pop().payload();
        for (int p = 0; p < pes; p++) {
            assign(columnStreams.get(p).valid(), and(queue.pop().valid(), allReady));
            assign(columnStreams.get(p).payload(), asUInt(slice(head, p * ptrBits, ptrBits)));
        }
        for (int ch = 0; ch < channels; ch++) {
            assign(columnValues.get(ch), asSInt(slice(head, rowBits + ch * actBits, actBits)));
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
            assign(column, uintConst(0, columnBits));
            assign(pe, uintConst(0, peBits));
            assign(cell, uintConst(0, cellBits));
        });
        assign(busy, running);
    }

    /** Width of {@code columns} and {@code value_column} for matrices of up to {@code maxColumns} columns. */
    public static int columnBits(int maxColumns) {
        return widthFor(maxColumns);
    }

    private static String validated(int pes, int channels, int ptrBits, int actBits, int maxColumns,
                                    int valueLatency) {
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
