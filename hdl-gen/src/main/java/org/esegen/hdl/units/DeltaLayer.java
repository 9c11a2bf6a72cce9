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
import static org.esegen.hdl.spinal.Hdl.mul;
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
import static org.esegen.hdl.spinal.Hdl.sint;
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
import spinal.core.Data;
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
 * <h2>A frame</h2>
 * <ol>
 *   <li>inputs: I / A beats of the {@code inputs} stream become the engine's groups 0 .. I/A - 1 (x_t);</li>
 *   <li>drain: the engine works off every queued column until it has been idle for a cycle;</li>
 *   <li>cells: every element-wise unit runs its {@code cells} local cells reading M (latency 2: the
 *       engine's read, then a register on the arrays' sum);</li>
 *   <li>outputs: for each local cell l the units' m read ports show cells l N .. l N + N - 1; they leave as
 *       one beat of the {@code outputs} stream (lane u = cell l N + u, 0 for a cell at or past H) and, at
 *       the same time, as N / A groups of the engine (columns I + l N + q A .. , masked below I + H), so
 *       h_t is already in M's queues when x_(t+1) arrives.</li>
 * </ol>
 * A frame's h columns are sent at its end, so the first frame after {@code launch} runs x_0 alone
 * (h_(-1) = 0 never fires) and the last frame's h columns still reach M (the counters count them).
 * Cycles a frame, about: I/A + drain + 6 cells + 26 + cells (N/A + 1).
 *
 * <h2>Ports</h2>
 * {@code launch} in (pulse): a new run: M, the last-sent vector and the cell state are cleared, the
 * store words and the parameter words must come again. Stream {@code load} (slave): the store words of
 * array 0, then 1, ... ({@code array_words} each, as {@link DeltaEngine}'s); {@code base},
 * {@code entries_per_column} as its. Stream {@code params} (slave, N lanes of actBits): 4 cells bias
 * words then 3 cells peephole words ({@link Elementwise}'s bias and peephole RAM words, lane p for PE
 * p). {@code input_groups} (I / A), {@code hidden} (H), {@code cells} (ceil(H / N), at most
 * cellsPerPeMax), {@code frac_shift} (W_a's fractional bits), {@code input_theta}, {@code
 * recurrent_theta} (raw activation-format thresholds, at least 1): held for the run. Stream {@code
 * inputs} (slave, A lanes of actBits): x_t, columns q A .. q A + A - 1 in beat q. Stream {@code
 * outputs} (master, N lanes of actBits): h_t, {@code cells} beats a frame. Out: {@code ready} (loaded
 * and idle between frames), {@code frames_done}, {@code cells_cycles} (cycles in the element-wise
 * step), and the engine's {@code fired_inputs}, {@code fired_recurrent}, {@code elements_seen}; all
 * 32 bits, from {@code launch}.
 *
 * <p>Needs A to divide N (the groups of a read-out) and I a multiple of A (x and h in separate groups).
 */
public final class DeltaLayer extends JavaComponent {
    private static final int LOADING = 0;
    private static final int INPUTS = 1;
    private static final int DRAIN = 2;
    private static final int CELLS = 3;
    private static final int OUTPUTS = 4;
    private static final int STATE_BITS = 3;
    /** Cycles from {@code read_row} to the registered sum of the arrays' M. */
    public static final int ACC_READ_LATENCY = 2;

    private final int arrays;
    private final int pes;
    private final int actBits;
    private final UInt state;

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
        int localRows = 4 * cellsPerPeMax;
        DeltaEngine engine = child("engine", new DeltaEngine(arrays, pes, localRows, columns, arrayDepth, maxK,
                weightBits, actBits, accBits, fifoDepth));
        List<Elementwise> units = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            units.add(child("ew_" + p, new Elementwise(1, 1, cellsPerPeMax, accBits, FRAC_SHIFT_BITS,
                    ACC_READ_LATENCY, arithmetic, gru)));
        }
        Bool launch = inBool("launch");
        state = regInit("state", uint(STATE_BITS), uintConst(LOADING, STATE_BITS));
        when(launch, () -> assign(state, uintConst(LOADING, STATE_BITS)));

        Stream<Bits> groups = engine.groups;
        int groupBits = groups.payload().getWidth() - arrays - arrays * actBits;
        UInt inputGroups = inUInt("input_groups", widthFor(maxInputSize / arrays));
        UInt hidden = inUInt("hidden", widthFor((long) pes * cellsPerPeMax));
        UInt cells = inUInt("cells", units.get(0).cells.getWidth());
        UInt fracShift = inUInt("frac_shift", FRAC_SHIFT_BITS);
        wireEngine(engine, launch, inputGroups);
        Bool paramsLoaded = params(units, launch, cells);
        Bool stateCleared = clearState(units, launch);
        assign(outBool("ready"), and(isState(INPUTS), not(engine.busy)));
        when(and(isState(LOADING), allOf(List.of(engine.loaded, paramsLoaded, stateCleared))),
                () -> assign(state, uintConst(INPUTS, STATE_BITS)));

        Bool engineReady = groups.ready();
        Feed x = inputs(inputGroups, groupBits, engineReady);
        Bool startCells = drain(engine, units, cells, fracShift);
        Bool cellsDone = named("cells_done", allOf(units.stream().map(u -> u.done).toList()));
        when(cellsDone, () -> assign(state, uintConst(OUTPUTS, STATE_BITS)));
        Feed h = outputs(units, inputGroups, hidden, cells, groupBits, launch, engineReady);
        assign(groups.valid(), mux(isState(INPUTS), x.valid(), h.valid()));
        assign(groups.payload(), mux(isState(INPUTS), x.group(), h.group()));
        counters(engine, launch, startCells, cellsDone);
    }

    /** What one side offers the engine's {@code groups}. */
    private record Feed(Bool valid, Bits group) {
    }

    /** Width of {@code frac_shift}. */
    public static final int FRAC_SHIFT_BITS = ProjectionGather.SHIFT_BITS;

    private Bool isState(int value) {
        return equal(state, uintConst(value, STATE_BITS));
    }

    private void wireEngine(DeltaEngine engine, Bool launch, UInt inputGroups) {
        assign(engine.launch, launch);
        UInt inputSize = engine.inputSize;
        assign(inputSize, shiftLeft(inputGroups.resize(inputSize.getWidth()), Integer.numberOfTrailingZeros(arrays))
                .resize(inputSize.getWidth()));
        assign(engine.inputTheta, inUInt("input_theta", engine.inputTheta.getWidth()));
        assign(engine.recurrentTheta, inUInt("recurrent_theta", engine.recurrentTheta.getWidth()));
        Stream<Bits> load = slaveStream("load", hardType(() -> bits(engine.load.payload().getWidth())));
        connect(engine.load, load);
        assign(engine.arrayWords, inUInt("array_words", engine.arrayWords.getWidth()));
        assign(engine.base, inUInt("base", engine.base.getWidth()));
        assign(engine.entriesPerColumn, inUInt("entries_per_column", engine.entriesPerColumn.getWidth()));
    }

    /** The bias then peephole words into every unit; true once 7 cells words have come since launch. */
    private Bool params(List<Elementwise> units, Bool launch, UInt cells) {
        Stream<Bits> params = slaveStream("params", hardType(() -> bits(pes * actBits)));
        int countBits = widthFor(7L * (1L << cells.getWidth()));
        UInt count = regInit("params_count", uint(countBits), uintConst(0, countBits));
        UInt biasWords = named("bias_words", shiftLeft(cells.resize(countBits), 2).resize(countBits));
        UInt allWords = named("param_words", mul(cells.resize(countBits), uintConst(7, 3)).resize(countBits));
        Bool loaded = named("params_loaded", equal(count, allWords));
        Bool isBias = named("param_is_bias", lessThan(count, biasWords));
        UInt peepAddr = named("peep_addr", sub(count, biasWords));
        assign(params.ready(), not(loaded));
        Bool taken = named("param_taken", and(params.valid(), not(loaded)));
        for (int p = 0; p < pes; p++) {
            Elementwise unit = units.get(p);
            SInt lane = named("param_lane_" + p, slice(params.payload(), p * actBits, actBits).asSInt());
            assign(unit.biasWriteValid, and(taken, isBias));
            assign(unit.biasWriteAddr, count.resize(unit.biasWriteAddr.getWidth()));
            assign(unit.biasWriteData.get(0), lane);
            assign(unit.peepWriteValid, and(taken, not(isBias)));
            assign(unit.peepWriteAddr, peepAddr.resize(unit.peepWriteAddr.getWidth()));
            assign(unit.peepWriteData.get(0), lane);
        }
        when(taken, () -> assign(count, add(count, uintConst(1, countBits))));
        when(launch, () -> assign(count, uintConst(0, countBits)));
        return loaded;
    }

    /** Zeroes every unit's cell state after reset and each launch; true once done. */
    private Bool clearState(List<Elementwise> units, Bool launch) {
        Bool pending = regInit("clear_pending", bool(), boolConst(true));
        Bool unitsReady = named("units_ready", allOf(units.stream().map(u -> u.ready).toList()));
        for (Elementwise unit : units) {
            assign(unit.resetState, and(pending, unitsReady));
        }
        when(unitsReady, () -> assign(pending, boolConst(false)));
        when(launch, () -> assign(pending, boolConst(true)));
        return named("state_cleared", and(not(pending), unitsReady));
    }

    /** The x_t groups: beat q of {@code inputs} is group q, every column present; DRAIN after the last. */
    private Feed inputs(UInt inputGroups, int groupBits, Bool engineReady) {
        Stream<Bits> inputs = slaveStream("inputs", hardType(() -> bits(arrays * actBits)));
        UInt beat = regInit("input_beat", uint(inputGroups.getWidth()), uintConst(0, inputGroups.getWidth()));
        Bool offered = named("inputs_offered", and(isState(INPUTS), inputs.valid()));
        Bool taken = named("input_taken", and(offered, engineReady));
        assign(inputs.ready(), and(isState(INPUTS), engineReady));
        Bool last = named("input_beat_last", equal(beat, sub(inputGroups, uintConst(1, inputGroups.getWidth()))));
        when(taken, () -> {
            assign(beat, mux(last, uintConst(0, beat.getWidth()), add(beat, uintConst(1, beat.getWidth()))));
            when(last, () -> assign(state, uintConst(DRAIN, STATE_BITS)));
        });
        return new Feed(offered, concatLowFirst(List.of(beat.resize(groupBits), bitsConst((1L << arrays) - 1, arrays),
                inputs.payload())));
    }

    /** Waits until the engine has been idle a cycle, then starts every unit; returns the start pulse. */
    private Bool drain(DeltaEngine engine, List<Elementwise> units, UInt cells, UInt fracShift) {
        Bool idleBefore = regNext("engine_idle_before", not(engine.busy), boolConst(false));
        Bool start = named("start_cells", allOf(List.of(isState(DRAIN), idleBefore, not(engine.busy),
                allOf(units.stream().map(u -> u.ready).toList()))));
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
            }
            unused("cells_done_" + p, unit.cellsDone);
        }
        when(start, () -> assign(state, uintConst(CELLS, STATE_BITS)));
        return start;
    }

    /**
     * The read-out: local cell l's m from every unit, as an {@code outputs} beat and as N / A groups
     * of h columns, both at once; back to INPUTS after the last cell.
     */
    private Feed outputs(List<Elementwise> units, UInt inputGroups, UInt hidden, UInt cells, int groupBits,
                         Bool launch, Bool engineReady) {
        Stream<Bits> outputs = masterStream("outputs", hardType(() -> bits(pes * actBits)));
        int chunks = pes / arrays;
        int chunkBits = Math.max(1, widthFor(chunks - 1));
        int cellBits = cells.getWidth();
        UInt cell = regInit("out_cell", uint(cellBits), uintConst(0, cellBits));
        UInt chunk = regInit("out_chunk", uint(chunkBits), uintConst(0, chunkBits));
        Bool settled = regInit("out_settled", bool(), boolConst(false));
        Bool beatSent = regInit("out_beat_sent", bool(), boolConst(false));
        Bool groupsSent = regInit("out_groups_sent", bool(), boolConst(false));
        Bool showing = named("out_showing", and(isState(OUTPUTS), settled));
        int hiddenBits = hidden.getWidth() + 1;
        UInt firstIndex = named("out_first_index",
                shiftLeft(cell.resize(hiddenBits), Integer.numberOfTrailingZeros(pes)).resize(hiddenBits));
        List<SInt> values = new ArrayList<>();
        List<Bool> real = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            Elementwise unit = units.get(p);
            assign(unit.mReadAddr.get(0), cell.resize(unit.mReadAddr.get(0).getWidth()));
            real.add(named("out_real_" + p, lessThan(add(firstIndex, uintConst(p, hiddenBits)),
                    hidden.resize(hiddenBits))));
            values.add(named("out_value_" + p, mux(real.get(p), unit.mReadValue.get(0).get(0), sintConst(0, actBits))));
        }
        assign(outputs.valid(), and(showing, not(beatSent)));
        assign(outputs.payload(), concatLowFirst(values));

        Bool groupValid = named("h_group_valid", and(showing, not(groupsSent)));
        Bool lastChunk = equal(chunk, uintConst(chunks - 1, chunkBits));
        Bool groupTaken = named("h_group_taken", and(groupValid, engineReady));
        Bool groupsDone = or(groupsSent, and(groupTaken, lastChunk));
        Bool beatDone = or(beatSent, outputs.ready());
        Bool cellDone = named("out_cell_done", and(showing, and(groupsDone, beatDone)));
        assign(settled, isState(OUTPUTS));
        when(and(outputs.valid(), outputs.ready()), () -> assign(beatSent, boolConst(true)));
        when(groupTaken, () -> {
            assign(chunk, add(chunk, uintConst(1, chunkBits)));
            when(lastChunk, () -> assign(groupsSent, boolConst(true)));
        });
        when(cellDone, () -> {
            assign(settled, boolConst(false));
            assign(beatSent, boolConst(false));
            assign(groupsSent, boolConst(false));
            assign(chunk, uintConst(0, chunkBits));
            Bool lastCell = equal(cell, sub(cells, uintConst(1, cellBits)));
            assign(cell, mux(lastCell, uintConst(0, cellBits), add(cell, uintConst(1, cellBits))));
            when(lastCell, () -> assign(state, uintConst(INPUTS, STATE_BITS)));
        });
        when(launch, () -> {
            assign(cell, uintConst(0, cellBits));
            assign(chunk, uintConst(0, chunkBits));
            assign(beatSent, boolConst(false));
            assign(groupsSent, boolConst(false));
        });

        List<Bits> chunkValues = new ArrayList<>();
        List<Bits> chunkMasks = new ArrayList<>();
        for (int q = 0; q < chunks; q++) {
            chunkValues.add(concatLowFirst(values.subList(q * arrays, (q + 1) * arrays)));
            chunkMasks.add(concatLowFirst(real.subList(q * arrays, (q + 1) * arrays)));
        }
        UInt group = named("h_group", add(add(inputGroups.resize(groupBits),
                mul(cell.resize(groupBits), uintConst(chunks, widthFor(chunks))).resize(groupBits)),
                chunk.resize(groupBits)));
        return new Feed(groupValid, concatLowFirst(List.of(group, select(chunk, chunkMasks), select(chunk, chunkValues))));
    }

    private void counters(DeltaEngine engine, Bool launch, Bool startCells, Bool cellsDone) {
        int bits = DeltaUnit.COUNTER_BITS;
        UInt frames = regInit("frames", uint(bits), uintConst(0, bits));
        UInt cellCycles = regInit("cell_cycles", uint(bits), uintConst(0, bits));
        when(cellsDone, () -> assign(frames, add(frames, uintConst(1, bits))));
        when(or(isState(CELLS), startCells), () -> assign(cellCycles, add(cellCycles, uintConst(1, bits))));
        when(launch, () -> {
            assign(frames, uintConst(0, bits));
            assign(cellCycles, uintConst(0, bits));
        });
        assign(outUInt("frames_done", bits), frames);
        assign(outUInt("cells_cycles", bits), cellCycles);
        assign(outUInt("fired_inputs", bits), engine.firedInputs);
        assign(outUInt("fired_recurrent", bits), engine.firedRecurrent);
        assign(outUInt("elements_seen", bits), engine.elementsSeen);
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
