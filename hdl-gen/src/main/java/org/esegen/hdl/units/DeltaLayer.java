package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.bitsConst;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.masterStream;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.select;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * One DeltaLSTM (or DeltaGRU) layer: a {@link DeltaEngine} of A arrays x N PEs accumulating the
 * fired columns of v = [x_t; h_(t-1)] into the delta memory M, one {@link Elementwise} unit per PE
 * turning M into the new state and the output h_t, and h_t fed back as the next frame's recurrent
 * columns. The twin is {@code GoldenModel.runDelta} on a column-balanced image: x columns 0 .. I-1,
 * h columns I .. I+H-1; PE p holds cell k = l N + p at local cell l, its gate g at local row g cells + l
 * (the layout of {@code RowMapping.gates}).
 *
 * <h2>Schedule</h2>
 * The cell step of frame t starts once x_t and h_(t-1) have all gone into the engine as groups and the
 * engine has been idle for a cycle (every fired column is in M). Then the lanes' banks swap ({@link
 * DeltaLane}): the element-wise units read M = settled + the bank frame t's MACs went into (latency 2:
 * the engine's read, then a register on the arrays' sum), folding each row as they read it, while the
 * MACs of frame t + 1 go into the other bank. Meanwhile:
 * <ul>
 *   <li>the read-out takes local cell l as soon as every unit has written it: the units' m read ports
 *       (two, for even and odd l, so the next cell is ready when one is done) show cells l N .. l N + N - 1,
 *       which leave as one beat of {@code outputs} (lane u = cell l N + u, 0 at or past H) and as the N / A
 *       groups of h columns I + l N .. I + l N + N - 1 (masked below I + H), the next frame's recurrent
 *       inputs;</li>
 *   <li>x_(t+1) goes in as groups whenever the read-out offers none: beat q of {@code inputs} is group q,
 *       columns q A .. q A + A - 1.</li>
 * </ul>
 * So a frame costs about max(cell step, first output + cells N / A, the engine's work) plus the
 * engine's work on the last groups, and the groups (I + H) / A cycles at least. The first frame after {@code launch} has no h columns
 * (h_(-1) = 0 never fires); the last frame's h columns still reach M (the counters count them).
 *
 * <h2>Ports</h2>
 * {@code launch} in (pulse): a new run: M, the last-sent vector and the cell state are cleared, the
 * store words and the parameter words must come again. Stream {@code load} (slave): the store words of
 * array 0, then 1, ... ({@code array_words} each, as {@link DeltaEngine}'s); {@code base},
 * {@code entries_per_column} as its. Stream {@code params} (slave, N lanes of actBits): 4 cells bias
 * words then 3 cells peephole words ({@link Elementwise}'s bias and peephole RAM words, lane p for PE
 * p, written by a {@link ParamLoader} as in the ESE design). {@code input_groups} (I / A), {@code hidden} (H), {@code cells} (ceil(H / N), at most
 * cellsPerPeMax), {@code frac_shift} (W_a's fractional bits), {@code input_theta}, {@code
 * recurrent_theta} (raw activation-format thresholds, at least 1): held for the run. Stream {@code
 * inputs} (slave, A lanes of actBits): x_t, I / A beats a frame. Stream {@code outputs} (master, N lanes
 * of actBits): h_t, {@code cells} beats a frame. Out: {@code ready} (store and parameters loaded),
 * {@code frames_done} (frames whose outputs have all left), cycles {@code cells_cycles} (of the cell
 * steps), {@code engine_stall_cycles} (a group offered, the engine's FIFOs full: the MACs or the delta
 * units are behind), {@code drain_cycles} (every group of a frame in, the engine still working: the
 * MACs behind), {@code inputs_wait_cycles} (x_t wanted, no beat offered), {@code
 * outputs_wait_cycles} (the read-out waiting for the element-wise step's next cell), and the engine's
 * {@code fired_inputs}, {@code fired_recurrent}, {@code elements_seen}; all 32 bits, from {@code launch}.
 *
 * <p>Needs A to divide N (the groups of a read-out) and I a multiple of A (x and h in separate groups).
 */
public final class DeltaLayer extends JavaComponent {
    /** Cycles from {@code read_row} to the registered sum of the arrays' M. */
    public static final int ACC_READ_LATENCY = 2;
    /** Width of {@code frac_shift}. */
    public static final int FRAC_SHIFT_BITS = ProjectionGather.SHIFT_BITS;

    public final Bool launch;
    public final UInt inputGroups;
    public final UInt hidden;
    public final UInt cells;
    public final UInt fracShift;
    public final UInt inputTheta;
    public final UInt recurrentTheta;
    public final UInt arrayWords;
    public final UInt base;
    public final UInt entriesPerColumn;
    public final Stream<Bits> load;
    public final Stream<Bits> params;
    public final Stream<Bits> inputs;
    public final Stream<Bits> outputs;
    public final Bool ready;
    /** The counters ({@code frames_done}, {@code cells_cycles}, ...), by port name, in the order of {@link #COUNTERS}. */
    public final List<UInt> counters;

    /** Names of the counter ports, in the order of {@link #counters}. */
    public static final List<String> COUNTERS = List.of("frames_done", "cells_cycles", "engine_stall_cycles",
            "drain_cycles", "inputs_wait_cycles", "outputs_wait_cycles", "fired_inputs", "fired_recurrent",
            "elements_seen");

    private final int arrays;
    private final int pes;
    private final int actBits;

    /**
     * @param arrays        A, a power of two dividing pes
     * @param pes           N, PEs per array and element-wise units, a power of two in 1..256
     * @param cellsPerPeMax local cells per PE the memories hold, 1..4096
     * @param maxInputSize  largest I, a multiple of A, A..65536 - N cellsPerPeMax
     * @param arrayDepth    store words per array, as {@link DeltaEngine}'s
     * @param maxK          largest K
     * @param weightBits    signed weight width
     * @param accBits       signed accumulator width
     * @param fifoDepth     as {@link DeltaEngine}'s
     * @param arithmetic    the activation format and tables
     * @param gru           DeltaGRU (rows r, u, n_x, n_h) instead of DeltaLSTM
     * @throws EsegenException if a parameter is out of range
     */
    public DeltaLayer(int arrays, int pes, int cellsPerPeMax, int maxInputSize, int arrayDepth, int maxK, int weightBits,
                      int accBits, int fifoDepth, Elementwise.Arithmetic arithmetic, boolean gru) {
        super(validated(arrays, pes, cellsPerPeMax, maxInputSize));
        this.arrays = arrays;
        this.pes = pes;
        this.actBits = arithmetic.actBits();
        int columns = maxInputSize + pes * cellsPerPeMax;
        DeltaEngine engine = child("engine", new DeltaEngine(arrays, pes, 4 * cellsPerPeMax, columns, arrayDepth, maxK,
                weightBits, actBits, accBits, fifoDepth));
        List<Elementwise> units = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            units.add(child("ew_" + p, new Elementwise(1, 1, cellsPerPeMax, accBits, FRAC_SHIFT_BITS,
                    ACC_READ_LATENCY, arithmetic, gru, 2)));
        }
        launch = inBool("launch");
        inputGroups = inUInt("input_groups", widthFor(maxInputSize / arrays));
        hidden = inUInt("hidden", widthFor((long) pes * cellsPerPeMax));
        cells = inUInt("cells", units.get(0).cells.getWidth());
        fracShift = inUInt("frac_shift", FRAC_SHIFT_BITS);
        inputTheta = inUInt("input_theta", engine.inputTheta.getWidth());
        recurrentTheta = inUInt("recurrent_theta", engine.recurrentTheta.getWidth());
        load = slaveStream("load", hardType(() -> bits(engine.load.payload().getWidth())));
        arrayWords = inUInt("array_words", engine.arrayWords.getWidth());
        base = inUInt("base", engine.base.getWidth());
        entriesPerColumn = inUInt("entries_per_column", engine.entriesPerColumn.getWidth());
        params = slaveStream("params", hardType(() -> bits(pes * actBits)));
        inputs = slaveStream("inputs", hardType(() -> bits(arrays * actBits)));
        outputs = masterStream("outputs", hardType(() -> bits(pes * actBits)));
        ready = outBool("ready");
        counters = new ArrayList<>();
        for (String name : COUNTERS) {
            counters.add(outUInt(name, DeltaUnit.COUNTER_BITS));
        }
        wireEngine(engine);

        Bool unitsReady = named("units_ready", allOf(units.stream().map(u -> u.ready).toList()));
        Bool paramsLoaded = LayerControl.loadParameters(units, params, actBits, cellsPerPeMax, cells, launch);
        Bool stateCleared = LayerControl.clearStates(units, unitsReady, launch);
        Bool loaded = named("loaded", allOf(List.of(engine.loaded, paramsLoaded, stateCleared)));
        assign(ready, loaded);

        Bool xDone = regInit("inputs_done", bool(), boolConst(false));
        Bool hDone = regInit("outputs_done", bool(), boolConst(true));
        Bool running = regInit("cells_running", bool(), boolConst(false));
        Bool idleBefore = regNext("engine_idle_before", not(engine.busy), boolConst(false));
        Bool start = named("start_cells", allOf(List.of(loaded, xDone, hDone, idleBefore, not(engine.busy),
                unitsReady, not(launch))));
        Bool cellsDone = named("cells_done", allOf(units.stream().map(u -> u.done).toList()));
        cells(engine, units, start, cells, fracShift);
        banks(engine, start, launch);
        when(start, () -> assign(running, boolConst(true)));
        when(cellsDone, () -> assign(running, boolConst(false)));

        Stream<Bits> groups = engine.groups;
        int groupBits = groups.payload().getWidth() - arrays - arrays * actBits;
        Feed h = outputs(units, inputGroups, hidden, cells, groupBits, start, hDone, groups.ready());
        Feed x = inputs(inputGroups, groupBits, and(and(loaded, not(xDone)), not(h.valid())), groups.ready(), xDone,
                launch);
        assign(groups.valid(), or(h.valid(), x.valid()));
        assign(groups.payload(), mux(h.valid(), h.group(), x.group()));
        when(start, () -> {
            assign(xDone, boolConst(false));
            assign(hDone, boolConst(false));
        });
        when(launch, () -> {
            assign(xDone, boolConst(false));
            assign(hDone, boolConst(true));
            assign(running, boolConst(false));
        });
        Bool draining = named("draining", allOf(List.of(loaded, xDone, hDone, not(running), not(start))));
        counters(engine, launch, running, h.done(), List.of(and(groups.valid(), not(groups.ready())), draining,
                x.waiting(), h.waiting()));
    }

    /**
     * The lanes' pending banks: a frame's MACs go into one while the cell step reads (and folds) the
     * other, the one the previous frame's MACs went into; they swap when a cell step starts.
     */
    private static void banks(DeltaEngine engine, Bool start, Bool launch) {
        Bool bank = regInit("mac_bank", bool(), boolConst(false));
        Bool readBank = regInit("read_bank", bool(), boolConst(true));
        when(start, () -> {
            assign(bank, not(bank));
            assign(readBank, bank);
        });
        when(launch, () -> {
            assign(bank, boolConst(false));
            assign(readBank, boolConst(true));
        });
        assign(engine.bank, bank);
        assign(engine.readBank, readBank);
        assign(engine.fold, boolConst(true));
    }

    /**
     * What one side offers the engine's {@code groups}, the pulse of its last group taken, and whether
     * it has groups left that it cannot offer yet (no input beat; the next cell not written).
     */
    private record Feed(Bool valid, Bits group, Bool done, Bool waiting) {
    }

    private void wireEngine(DeltaEngine engine) {
        assign(engine.launch, launch);
        UInt inputSize = engine.inputSize;
        int arrayBits = Integer.numberOfTrailingZeros(arrays);
        assign(inputSize, shiftLeft(inputGroups.resize(inputSize.getWidth() - arrayBits), arrayBits));
        assign(engine.inputTheta, inputTheta);
        assign(engine.recurrentTheta, recurrentTheta);
        connect(engine.load, load);
        assign(engine.arrayWords, arrayWords);
        assign(engine.base, base);
        assign(engine.entriesPerColumn, entriesPerColumn);
    }

    /** Every unit starts with {@code start} and reads M: the arrays' sum, registered. */
    private void cells(DeltaEngine engine, List<Elementwise> units, Bool start, UInt cells, UInt fracShift) {
        UInt readRow = engine.readRow;
        assign(readRow, units.get(0).accReadRow.resize(readRow.getWidth()));
        for (int p = 0; p < pes; p++) {
            Elementwise unit = units.get(p);
            assign(unit.start, start);
            assign(unit.cells, cells);
            assign(unit.fracShift, fracShift);
            assign(unit.accReadValue.get(0).get(0), regNext("m_" + p, engine.readValues.get(p)));
            assign(unit.accReadValid.get(0), boolConst(true));
            if (p > 0) {
                unused("acc_read_row_" + p, unit.accReadRow);
                unused("cells_done_" + p, unit.cellsDone);
            }
        }
    }

    /**
     * The x_t groups while {@code allowed}: beat q of {@code inputs} is group q, every column present;
     * sets {@code xDone} after the last.
     */
    private Feed inputs(UInt inputGroups, int groupBits, Bool allowed, Bool engineReady, Bool xDone, Bool launch) {
        UInt beat = regInit("input_beat", uint(inputGroups.getWidth()), uintConst(0, inputGroups.getWidth()));
        Bool offered = named("inputs_offered", and(allowed, inputs.valid()));
        Bool taken = named("input_taken", and(offered, engineReady));
        assign(inputs.ready(), and(allowed, engineReady));
        Bool last = named("input_beat_last", equal(beat, sub(inputGroups, uintConst(1, inputGroups.getWidth()))));
        when(taken, () -> {
            assign(beat, mux(last, uintConst(0, beat.getWidth()), add(beat, uintConst(1, beat.getWidth()))));
            when(last, () -> assign(xDone, boolConst(true)));
        });
        when(launch, () -> assign(beat, uintConst(0, beat.getWidth())));
        return new Feed(offered, concatLowFirst(List.of(beat.resize(groupBits), bitsConst((1L << arrays) - 1, arrays),
                inputs.payload())), and(taken, last), named("inputs_waiting", and(allowed, not(inputs.valid()))));
    }

    /**
     * The read-out of the cell step that {@code start} began: local cell l once every unit has written
     * it, as an {@code outputs} beat and as N / A groups of h columns, both at once; sets {@code hDone}
     * after the last cell.
     */
    private Feed outputs(List<Elementwise> units, UInt inputGroups, UInt hidden, UInt cells, int groupBits, Bool start,
                         Bool hDone, Bool engineReady) {
        int chunks = pes / arrays;
        int chunkBits = Math.max(1, widthFor(chunks - 1));
        int cellBits = cells.getWidth();
        UInt written = units.get(0).cellsDone;
        UInt cell = regInit("out_cell", uint(cellBits), uintConst(0, cellBits));
        UInt nextCell = named("out_next_cell", add(cell, uintConst(1, cellBits)));
        UInt chunk = regInit("out_chunk", uint(chunkBits), uintConst(0, chunkBits));
        Bool cellReady = regInit("out_cell_ready", bool(), boolConst(false));
        Bool beatSent = regInit("out_beat_sent", bool(), boolConst(false));
        Bool groupsSent = regInit("out_groups_sent", bool(), boolConst(false));
        Bool showing = named("out_showing", and(not(hDone), cellReady));
        int hiddenBits = hidden.getWidth() + 1;
        int peBits = Integer.numberOfTrailingZeros(pes);
        UInt firstIndex = named("out_first_index", shiftLeft(cell.resize(hiddenBits - peBits), peBits));
        Bool odd = named("out_cell_odd", cell.lsb());
        int addrBits = units.get(0).mReadAddr.get(0).getWidth();
        UInt evenAddr = named("out_even_addr", mux(odd, nextCell, cell));
        UInt oddAddr = named("out_odd_addr", mux(odd, cell, nextCell));
        if (cellBits > addrBits) {
            unused("out_even_addr_high", slice(evenAddr, addrBits, cellBits - addrBits));
            unused("out_odd_addr_high", slice(oddAddr, addrBits, cellBits - addrBits));
        }
        List<SInt> values = new ArrayList<>();
        List<Bool> real = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            Elementwise unit = units.get(p);
            assign(unit.mReadAddr.get(0), slice(evenAddr, 0, addrBits));
            assign(unit.mReadAddr.get(1), slice(oddAddr, 0, addrBits));
            real.add(named("out_real_" + p, lessThan(add(firstIndex, uintConst(p, hiddenBits)),
                    hidden.resize(hiddenBits))));
            SInt m = mux(odd, unit.mReadValue.get(1).get(0), unit.mReadValue.get(0).get(0));
            values.add(named("out_value_" + p, mux(real.get(p), m, sintConst(0, actBits))));
        }
        assign(outputs.valid(), and(showing, not(beatSent)));
        assign(outputs.payload(), concatLowFirst(values));

        Bool groupValid = named("h_group_valid", and(showing, not(groupsSent)));
        Bool lastChunk = equal(chunk, uintConst(chunks - 1, chunkBits));
        Bool groupTaken = named("h_group_taken", and(groupValid, engineReady));
        Bool cellDone = named("out_cell_done", and(showing, and(or(groupsSent, and(groupTaken, lastChunk)),
                or(beatSent, outputs.ready()))));
        Bool lastCell = named("out_last_cell", equal(cell, sub(cells, uintConst(1, cellBits))));
        when(and(outputs.valid(), outputs.ready()), () -> assign(beatSent, boolConst(true)));
        when(groupTaken, () -> {
            assign(chunk, add(chunk, uintConst(1, chunkBits)));
            when(lastChunk, () -> assign(groupsSent, boolConst(true)));
        });
        assign(cellReady, lessThan(cell.resize(written.getWidth()), written));
        when(cellDone, () -> {
            assign(cellReady, lessThan(nextCell.resize(written.getWidth()), written));
            assign(beatSent, boolConst(false));
            assign(groupsSent, boolConst(false));
            assign(chunk, uintConst(0, chunkBits));
            assign(cell, mux(lastCell, uintConst(0, cellBits), nextCell));
            when(lastCell, () -> assign(hDone, boolConst(true)));
        });
        when(start, () -> {
            assign(cell, uintConst(0, cellBits));
            assign(cellReady, boolConst(false));
        });

        List<Bits> chunkValues = new ArrayList<>();
        List<Bits> chunkMasks = new ArrayList<>();
        for (int q = 0; q < chunks; q++) {
            chunkValues.add(concatLowFirst(values.subList(q * arrays, (q + 1) * arrays)));
            chunkMasks.add(concatLowFirst(real.subList(q * arrays, (q + 1) * arrays)));
        }
        UInt group = named("h_group", add(add(inputGroups.resize(groupBits),
                shiftLeft(cell.resize(groupBits - Integer.numberOfTrailingZeros(chunks)),
                        Integer.numberOfTrailingZeros(chunks))),
                chunk.resize(groupBits)));
        return new Feed(groupValid, concatLowFirst(List.of(group, select(chunk, chunkMasks), select(chunk, chunkValues))),
                and(cellDone, lastCell), named("outputs_waiting", and(not(hDone), not(cellReady))));
    }

    /** Counters of events ({@code frames_done}) and of the cycles in which a condition held. */
    private void counters(DeltaEngine engine, Bool launch, Bool running, Bool frameOut, List<Bool> waits) {
        int bits = DeltaUnit.COUNTER_BITS;
        List<Bool> events = new ArrayList<>(List.of(frameOut, running));
        events.addAll(waits);
        for (int i = 0; i < events.size(); i++) {
            assign(counters.get(i), LayerControl.countSinceLaunch(COUNTERS.get(i), events.get(i), launch, bits));
        }
        assign(counters.get(events.size()), engine.firedInputs);
        assign(counters.get(events.size() + 1), engine.firedRecurrent);
        assign(counters.get(events.size() + 2), engine.elementsSeen);
    }

    private static String validated(int arrays, int pes, int cellsPerPeMax, int maxInputSize) {
        if (pes < 1 || pes > 256 || Integer.bitCount(pes) != 1) {
            throw new EsegenException("DeltaLayer: pes " + pes + " is not a power of two in 1..256");
        }
        if (arrays < 1 || Integer.bitCount(arrays) != 1 || pes % arrays != 0) {
            throw new EsegenException("DeltaLayer: arrays " + arrays + " is not a power of two dividing pes " + pes);
        }
        if (cellsPerPeMax < 1 || cellsPerPeMax > 4096) {
            throw new EsegenException("DeltaLayer: cellsPerPeMax " + cellsPerPeMax + " is outside 1..4096");
        }
        if (maxInputSize < arrays || maxInputSize % arrays != 0 || maxInputSize + (long) pes * cellsPerPeMax > 65536) {
            throw new EsegenException("DeltaLayer: maxInputSize " + maxInputSize + " must be a multiple of arrays "
                    + arrays + " with maxInputSize + pes x cellsPerPeMax at most 65536");
        }
        return "DeltaLayer";
    }
}
