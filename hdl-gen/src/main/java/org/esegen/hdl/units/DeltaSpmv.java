package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.asUInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outSInt;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.anyOf;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.uintConst;

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
 * SpMV 1 of the column-balanced delta engine for one channel (DESIGN.md section 3): the
 * {@link DeltaUnit} fires the columns of v = [x_t; y_(t-1)] whose deltas reach their thresholds, the
 * {@link ColumnBalancedStore} reads each fired column's K store words, and every PE's
 * {@link DeltaLane} adds weight x delta into its row of the delta memory M (modulo 2^accBits), which
 * persists across frames (cleared only by {@code launch}). The twins are {@code DeltaEncoder}
 * (firing) and {@code ColumnBalancedEncoding.accumulate} (M, saturating: the same while no partial
 * sum leaves the range, which the compiler proves), together what {@code GoldenModel.runDelta} does
 * in SpMV 1.
 *
 * <p>Ports: stream {@code elements} (slave) and {@code input_size}, {@code input_theta},
 * {@code recurrent_theta}, {@code fired_inputs}, {@code fired_recurrent}, {@code elements_seen} as
 * {@link DeltaUnit}'s; stream {@code load} (slave), {@code loaded}, {@code base},
 * {@code entries_per_column} as {@link ColumnBalancedStore}'s; {@code launch} in (clears v^, the
 * counters, the load address and M); {@code bank}, {@code read_bank}, {@code fold} in (every lane's:
 * where MACs go, which bank reads add, folding on reads; see {@link DeltaLane}); {@code read_row} in
 * UInt, {@code read_value_<p>} out SInt accBits per PE (the lanes' read: one cycle after; with read
 * bank = bank correct only when {@code busy} has been low for a cycle); {@code busy} out.
 *
 * <p>Throughput: one store word (one MAC in every PE) a cycle, so a fired column costs K cycles and
 * a column that does not fire one cycle of the delta unit's, overlapped with the MACs while the
 * fired-column queue has room (without a queue the delta unit waits for each fired column's K reads).
 * Latency from an element taken to its MACs in M: 1 (delta) + 1 (store read) + 2 (lane) cycles.
 */
public final class DeltaSpmv extends JavaComponent {
    public final Stream<Bits> elements;
    public final UInt inputSize;
    public final UInt inputTheta;
    public final UInt recurrentTheta;
    public final Stream<Bits> load;
    public final UInt loaded;
    public final UInt base;
    public final UInt entriesPerColumn;
    public final UInt firedInputs;
    public final UInt firedRecurrent;
    public final UInt elementsSeen;
    public final Bool launch;
    /** {@code bank}, {@code read_bank}, {@code fold}: every lane's, see {@link DeltaLane}. */
    public final Bool bank;
    public final Bool readBank;
    public final Bool fold;
    public final UInt readRow;
    public final List<SInt> readValues;
    public final Bool busy;

    /**
     * @param pes        PEs, 1..256
     * @param localRows  rows of M per PE (the slice of W_a), 2..65536
     * @param columns    columns of the longest v, 1..65536
     * @param depth      store words, 1..2^20
     * @param maxK       largest K, 1..4096
     * @param weightBits signed weight width, 2..31
     * @param actBits    signed activation width, 2..30 (deltas are actBits + 1 bits)
     * @param accBits    signed accumulator width, weightBits + actBits + 1 .. 62
     * @param firedQueueDepth fired columns queued between the delta unit and the store, 0 (none) or
     *                   2..4096: with a queue the delta unit decides the next elements while the store
     *                   reads a fired column's K words
     * @throws EsegenException if a parameter is out of range
     */
    public DeltaSpmv(int pes, int localRows, int columns, int depth, int maxK, int weightBits, int actBits, int accBits,
                     int firedQueueDepth) {
        super(validated(pes, firedQueueDepth));
        int rowBits = AccumulatorLane.rowBits(localRows);
        int entryBits = weightBits + rowBits;
        int deltaBits = actBits + 1;
        DeltaUnit delta = child("delta_unit", new DeltaUnit(columns, actBits));
        ColumnBalancedStore store = child("store", new ColumnBalancedStore(pes * entryBits, depth,
                DeltaUnit.columnBits(columns), deltaBits, maxK));
        List<DeltaLane> lanes = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            lanes.add(child("pe_" + p, new DeltaLane(localRows, weightBits, deltaBits, accBits)));
        }
        int colBits = DeltaUnit.columnBits(columns);
        elements = slaveStream("elements", hardType(() -> bits(colBits + actBits)));
        inputSize = inUInt("input_size", colBits + 1);
        inputTheta = inUInt("input_theta", deltaBits);
        recurrentTheta = inUInt("recurrent_theta", deltaBits);
        load = slaveStream("load", hardType(() -> bits(pes * entryBits)));
        loaded = outUInt("loaded", store.loaded.getWidth());
        base = inUInt("base", store.base.getWidth());
        entriesPerColumn = inUInt("entries_per_column", store.entriesPerColumn.getWidth());
        firedInputs = outUInt("fired_inputs", DeltaUnit.COUNTER_BITS);
        firedRecurrent = outUInt("fired_recurrent", DeltaUnit.COUNTER_BITS);
        elementsSeen = outUInt("elements_seen", DeltaUnit.COUNTER_BITS);
        launch = inBool("launch");
        bank = inBool("bank");
        readBank = inBool("read_bank");
        fold = inBool("fold");
        readRow = inUInt("read_row", rowBits);
        busy = outBool("busy");

        connect(delta.elements, elements);
        Bool firedQueued;
        if (firedQueueDepth == 0) {
            connect(store.fired, delta.fired);
            firedQueued = boolConst(false);
        } else {
            FifoPorts<Bits> queue = streamFifo("fired_queue", hardType(() -> bits(delta.fired.payload().getWidth())),
                    firedQueueDepth);
            connect(queue.push(), delta.fired);
            connect(store.fired, queue.pop());
            firedQueued = named("fired_queued", not(equal(queue.occupancy(), uintConst(0, queue.occupancy().getWidth()))));
        }
        assign(delta.launch, launch);
        assign(delta.inputSize, inputSize);
        assign(delta.inputTheta, inputTheta);
        assign(delta.recurrentTheta, recurrentTheta);
        assign(firedInputs, delta.firedInputs);
        assign(firedRecurrent, delta.firedRecurrent);
        assign(elementsSeen, delta.elementsSeen);
        connect(store.load, load);
        assign(store.launch, launch);
        assign(store.base, base);
        assign(store.entriesPerColumn, entriesPerColumn);
        assign(loaded, store.loaded);

        Stream<Bits> macs = store.macs;
        Bool lanesReady = named("lanes_ready", allOf(lanes.stream().map(l -> l.ready).toList()));
        assign(macs.ready(), lanesReady);
        SInt macDelta = named("mac_delta", asSInt(slice(macs.payload(), pes * entryBits, deltaBits)));
        List<SInt> values = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            DeltaLane lane = lanes.get(p);
            Bits entry = slice(macs.payload(), p * entryBits, entryBits);
            assign(lane.macValid, and(macs.valid(), lanesReady));
            assign(lane.macWeight, asSInt(slice(entry, 0, weightBits)));
            assign(lane.macRow, asUInt(slice(entry, weightBits, rowBits)));
            assign(lane.macDelta, macDelta);
            assign(lane.clear, launch);
            assign(lane.readRow, readRow);
            assign(lane.bank, bank);
            assign(lane.readBank, readBank);
            assign(lane.fold, fold);
            values.add(outSInt("read_value_" + p, accBits));
            assign(values.get(p), lane.readValue);
        }
        readValues = List.copyOf(values);
        assign(busy, or(or(or(delta.busy, firedQueued), store.busy), anyOf(lanes.stream().map(l -> l.busy).toList())));
    }

    private static String validated(int pes, int firedQueueDepth) {
        if (pes < 1 || pes > 256) {
            throw new EsegenException("DeltaSpmv: pes " + pes + " is outside 1..256");
        }
        if (firedQueueDepth != 0 && (firedQueueDepth < 2 || firedQueueDepth > 4096)) {
            throw new EsegenException("DeltaSpmv: firedQueueDepth " + firedQueueDepth + " is neither 0 nor in 2..4096");
        }
        return "DeltaSpmv";
    }
}
