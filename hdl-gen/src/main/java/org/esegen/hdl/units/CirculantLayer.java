package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bitsConst;
import static org.esegen.hdl.spinal.Hdl.bool;
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
import static org.esegen.hdl.spinal.Hdl.ram;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slaveStream;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;
import static org.esegen.hdl.spinal.Hdl.write;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.ImageLayout;
import org.esegen.hdl.spinal.Hdl.FifoPorts;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * One recurrent layer on the circulant engine, the twin of {@code CirculantModel} for one layer, bit for
 * bit: the gate product z = W_g [x_t; y_(t-1)] on a {@link CirculantEngine}, b {@link Elementwise} units
 * (unit n holds cells l b + n: z block i, rows i b .. i b + b - 1, is row i of every unit, the layout of
 * {@code RowMapping.gates(H, b)}), and y_t = W_hr m on a second engine ({@code projection}) or y_t = m.
 * C channels (utterances) run in lockstep through the same weight reads: a beat of {@code inputs},
 * {@code outputs}, and of the engines' streams holds every channel's block, channel ch's lane n at bits
 * [(ch b + n) actBits, ...); the units keep a state per channel, the parameters are shared.
 *
 * <h2>Schedule</h2>
 * A frame's vector goes into the gate engine as x blocks (beats of {@code inputs}; lanes at or past {@code
 * input_size} zeroed) then y_(t-1) blocks (from the y RAM; zeros in the first frame after reset or {@code launch}).
 * The gate engine's output blocks go into the units' z RAMs; once all 4 {@code cells} are in, the units run (6
 * cycles a cell, H / b cells each), started early enough to finish soon after the last block and late enough never
 * to read a row before it is written (see {@code cellStep}). Then the m blocks (cell block l from every unit's m
 * slot l, a block a cycle) go through the projection engine, or straight on, as y_t blocks (lanes at or past {@code
 * proj_size} zeroed) into the y RAM and an output FIFO that holds a whole frame (a frame's y starts only when that
 * FIFO is empty). x_(t+1) goes into the gate engine as soon as it takes blocks again (after frame t's MACs); y_t
 * follows once it is all written.
 *
 * <h2>Ports</h2>
 * {@code launch} in (pulse, only while idle): a new run: the cell states and y_(t-1) are zero again, the
 * parameter words must come again, and weight words, if any come, load the engines from their first word (the
 * weights loaded before stay otherwise). Streams {@code gate_load} and (with a projection) {@code
 * proj_load}: the engines' weight words ({@link CirculantEngine}'s {@code load}), all before the first input; the
 * gate engine's with the gate matrix's row blocks interleaved by cell block (engine row block 4 l + g is
 * gate-matrix row block g cells + l, see {@link #gateRowBlock}). Stream {@code params} (b lanes of actBits): 4
 * cells bias words then 3 cells peephole words through a {@link ParamLoader}, lane n for unit n. Held for the run:
 * {@code input_size} (I), {@code proj_size} (P), {@code x_blocks} (ceil(I / b)), {@code y_blocks} (ceil(P / b)),
 * {@code cells} (H / b), {@code gate_shift} and (with a projection) {@code proj_shift}: the engines' scale shifts,
 * and (with a projection) {@code project}: high for y_t = W_hr m, low for an lstm layer's y_t = m on the same design
 * (P = H then, at most the largest P; the projection engine idles and needs no weight words).
 * Stream {@code inputs} (b lanes): x_t, x_blocks beats a frame. Stream {@code outputs} (b lanes): y_t, y_blocks
 * beats a frame. Out: {@code ready} (parameters loaded, state cleared: inputs may come), and 32-bit counters from
 * reset or launch: {@code frames_done} (frames whose y is all written), {@code cycles}, {@code gate_mac_cycles} and
 * {@code proj_mac_cycles} (the engines', since reset), {@code elementwise_cycles} (the units running).
 */
public final class CirculantLayer extends JavaComponent {
    /** Cycles of slack the units' early start leaves between a z row's write and its read. */
    public static final int START_MARGIN = 8;
    /**
     * The gate-matrix row block that the gate engine's row block {@code engineRowBlock} holds: 4 l + g holds gate
     * g of cell block l, row block g cells + l.
     */
    public static int gateRowBlock(int engineRowBlock, int cells) {
        return ImageLayout.circulantGateRowBlock(engineRowBlock, cells);
    }

    /** Cycles from a unit's {@code acc_read_row} to its z value: the z RAM's read. */
    public static final int ACC_READ_LATENCY = 1;
    /** Names of the counter ports, in the order of {@link #counters}. */
    public static final List<String> COUNTERS = List.of("frames_done", "cycles", "gate_mac_cycles", "proj_mac_cycles",
            "elementwise_cycles");

    public final Bool launch;
    public final UInt inputSize;
    public final UInt projSize;
    public final UInt xBlocks;
    public final UInt yBlocks;
    public final UInt cells;
    public final UInt gateShift;
    /** The projection engine's scale shift; null without a projection. */
    public final UInt projShift;
    /** High: y = W_hr m through the projection engine; low: y = m (an lstm layer); null without a projection. */
    public final Bool project;
    public final Stream<Bits> gateLoad;
    /** The projection engine's weight words; null without a projection. */
    public final Stream<Bits> projLoad;
    public final Stream<Bits> params;
    public final Stream<Bits> inputs;
    public final Stream<Bits> outputs;
    public final Bool ready;
    public final List<UInt> counters;

    private final int block;
    private final int actBits;
    private final int channels;
    /** Bits of one channel's block: b actBits. */
    private final int blockBits;

    /**
     * @param block         b, a power of two in 2..32 (and the element-wise units)
     * @param weightBits    stored spectrum part width
     * @param twiddleBits   FFT twiddle width
     * @param maxInputSize  largest I
     * @param maxHiddenSize largest H, a multiple of b
     * @param maxProjSize   largest P (H without a projection)
     * @param gateLanes     the gate engine's output-block lanes
     * @param projLanes     the projection engine's lanes (unused without a projection)
     * @param projection    lstmp: y = W_hr m on a second engine; else y = m
     * @param arithmetic    the activation format and tables
     * @param gru           the GRU cell (rows r, u, n_x, n_h) instead of the LSTM's
     * @param channels      C, utterances run in lockstep through the same weights, 1..64
     * @param dspAccumulate both engines accumulate in DSP48E2s ({@link CirculantEngine})
     * @throws EsegenException if a parameter is out of range
     */
    public CirculantLayer(int block, int weightBits, int twiddleBits, int maxInputSize, int maxHiddenSize,
                          int maxProjSize, int gateLanes, int projLanes, boolean projection,
                          Elementwise.Arithmetic arithmetic, boolean gru, int channels, boolean dspAccumulate) {
        super(validated(block, maxInputSize, maxHiddenSize, maxProjSize, projection, channels, gateLanes));
        this.block = block;
        this.channels = channels;
        this.actBits = arithmetic.actBits();
        this.blockBits = block * actBits;
        int cellsMax = maxHiddenSize / block;
        int xBlocksMax = (maxInputSize + block - 1) / block;
        int yBlocksMax = (maxProjSize + block - 1) / block;
        int lanesUsed = Math.min(gateLanes, 4 * cellsMax);
        CirculantEngine gates = child("gates", new CirculantEngine(block, actBits, weightBits, twiddleBits,
                xBlocksMax + yBlocksMax, 4 * cellsMax, lanesUsed, channels, dspAccumulate));
        CirculantEngine proj = projection ? child("projection", new CirculantEngine(block, actBits, weightBits,
                twiddleBits, cellsMax, yBlocksMax, Math.min(projLanes, yBlocksMax), channels, dspAccumulate)) : null;
        List<Elementwise> units = new ArrayList<>();
        for (int n = 0; n < block; n++) {
            units.add(child("ew_" + n, new Elementwise(channels, 1, cellsMax, actBits, ProjectionGather.SHIFT_BITS,
                    ACC_READ_LATENCY, arithmetic, gru, 1)));
        }
        launch = inBool("launch");
        inputSize = inUInt("input_size", widthFor(maxInputSize));
        projSize = inUInt("proj_size", widthFor(maxProjSize));
        xBlocks = inUInt("x_blocks", widthFor(xBlocksMax));
        yBlocks = inUInt("y_blocks", widthFor(yBlocksMax));
        cells = inUInt("cells", units.get(0).cells.getWidth());
        gateShift = inUInt("gate_shift", CirculantEngine.SCALE_SHIFT_BITS);
        projShift = proj == null ? null : inUInt("proj_shift", CirculantEngine.SCALE_SHIFT_BITS);
        project = proj == null ? null : inBool("project");
        gateLoad = slaveStream("gate_load", hardType(() -> bits(gates.load.payload().getWidth())));
        projLoad = proj == null ? null : slaveStream("proj_load", hardType(() -> bits(proj.load.payload().getWidth())));
        params = slaveStream("params", hardType(() -> bits(blockBits)));
        inputs = slaveStream("inputs", hardType(() -> bits(channels * blockBits)));
        outputs = masterStream("outputs", hardType(() -> bits(channels * blockBits)));
        ready = outBool("ready");
        counters = new ArrayList<>();
        for (String name : COUNTERS) {
            counters.add(outUInt(name, DeltaUnit.COUNTER_BITS));
        }

        connect(gates.load, gateLoad);
        assign(gates.restart, launch);
        if (proj != null) {
            assign(proj.restart, launch);
        }
        assign(gates.colBlocks, add(xBlocks.resize(gates.colBlocks.getWidth()), yBlocks.resize(gates.colBlocks.getWidth())));
        assign(gates.rowBlocks, shiftLeft(cells.resize(gates.rowBlocks.getWidth() - 2), 2));
        assign(gates.scaleShift, gateShift);
        Bool unitsReady = named("units_ready", allOf(units.stream().map(u -> u.ready).toList()));
        Bool paramsLoaded = LayerControl.loadParameters(units, params, actBits, cellsMax, cells, launch);
        Bool stateCleared = LayerControl.clearStates(units, unitsReady, launch);
        Bool loaded = named("loaded", and(paramsLoaded, stateCleared));
        assign(ready, loaded);

        Mem<Bits> y = ram("y", hardType(() -> bits(channels * blockBits)), Math.max(2, yBlocksMax));
        Bool yReady = regInit("y_ready", bool(), boolConst(false));
        Bool firstFrame = regInit("first_frame", bool(), boolConst(true));
        feedGates(gates, y, loaded, yReady, firstFrame);
        cellStep(gates, units, unitsReady, lanesUsed);
        FifoPorts<Bits> out = streamFifo("output_fifo", hardType(() -> bits(channels * blockBits)),
                Math.max(2, yBlocksMax));
        connect(outputs, out.pop());
        Bool outputRoom = named("output_fifo_empty", equal(out.occupancy(), uintConst(0, out.occupancy().getWidth())));
        Bool frameOut = proj == null ? directOutputs(units, y, yReady, outputRoom, out.push())
                : projectedOutputs(proj, units, y, yReady, outputRoom, out.push());
        when(launch, () -> {
            assign(firstFrame, boolConst(true));
            assign(yReady, boolConst(false));
        });
        Bool running = named("elementwise_running", not(unitsReady));
        counters(frameOut, gates, proj, running);
    }

    /**
     * The gate engine's blocks: x_t from {@code inputs} (once loaded), then y_(t-1) from the y RAM once it is
     * complete (zeros in the first frame); clears {@code yReady} and {@code firstFrame} after its last block.
     */
    private void feedGates(CirculantEngine gates, Mem<Bits> y, Bool loaded, Bool yReady, Bool firstFrame) {
        int beatBits = xBlocks.getWidth();
        int yBits = yBlocks.getWidth();
        Bool feedingY = regInit("feeding_y", bool(), boolConst(false));
        UInt beat = regInit("x_beat", uint(beatBits), uintConst(0, beatBits));
        UInt yIndex = regInit("y_feed_index", uint(yBits), uintConst(0, yBits));
        UInt yIssue = regInit("y_feed_issue", uint(yBits), uintConst(0, yBits));
        Bool yIssued = regInit("y_feed_issued", bool(), boolConst(false));
        Bool lastBeat = named("x_last_beat", equal(add(beat, uintConst(1, beatBits)), xBlocks));
        Bool lastY = named("y_feed_last", equal(add(yIndex, uintConst(1, yBits)), yBlocks));
        Bool lastIssue = named("y_feed_last_issue", equal(add(yIssue, uintConst(1, yBits)), yBlocks));
        // the engine takes every block from the first of the y phase to its last, so a block read now is taken next
        Bool readNow = named("y_feed_read", allOf(List.of(feedingY, not(firstFrame), yReady, not(yIssued),
                gates.blocks.ready())));
        Bits stored = readSync(y, yIssue.resize(widthFor(y.wordCount() - 1)), readNow);
        when(readNow, () -> {
            assign(yIssue, mux(lastIssue, uintConst(0, yBits), add(yIssue, uintConst(1, yBits))));
            when(lastIssue, () -> assign(yIssued, boolConst(true)));
        });
        Bool yHave = regNext("y_feed_have", readNow, boolConst(false));
        Bool yValid = named("y_feed_valid", and(feedingY, or(firstFrame, yHave)));
        Bool xValid = named("x_feed_valid", allOf(List.of(not(feedingY), loaded, inputs.valid())));
        Bits x = masked(inputs.payload(), beat, inputSize, "x");
        assign(gates.blocks.valid(), or(xValid, yValid));
        assign(gates.blocks.payload(), mux(feedingY, mux(firstFrame, bitsConst(0, channels * blockBits), stored), x));
        assign(inputs.ready(), allOf(List.of(not(feedingY), loaded, gates.blocks.ready())));
        when(and(xValid, gates.blocks.ready()), () -> {
            assign(beat, mux(lastBeat, uintConst(0, beatBits), add(beat, uintConst(1, beatBits))));
            when(lastBeat, () -> assign(feedingY, boolConst(true)));
        });
        when(and(yValid, gates.blocks.ready()), () -> {
            assign(yIndex, mux(lastY, uintConst(0, yBits), add(yIndex, uintConst(1, yBits))));
            when(lastY, () -> {
                assign(feedingY, boolConst(false));
                assign(yReady, boolConst(false));
                assign(firstFrame, boolConst(false));
                assign(yIssued, boolConst(false));
            });
        });
        when(launch, () -> {
            assign(feedingY, boolConst(false));
            assign(beat, uintConst(0, beatBits));
            assign(yIndex, uintConst(0, yBits));
            assign(yIssue, uintConst(0, yBits));
            assign(yIssued, boolConst(false));
        });
    }

    /**
     * The gate engine's output blocks into the units' z RAMs: engine row block i = 4 l + g (the gate rows
     * interleaved by cell block) is gate g of cell block l, unit row g cells + l. The units start before the
     * last blocks are in, as early as they can without overtaking them: the engine puts out group k's L
     * blocks from A_0 + k s (A_0 its first block, s = max(col_blocks, L) cycles between groups, one block a
     * cycle), a unit reads cell block l's rows about 6 l cycles after its start, so starting at A_0 + max(0,
     * (G - 1) (s - floor(3 L / 2))) + L + {@value #START_MARGIN} (G = ceil(4 cells / L) groups; the worst
     * cell block is a group's first) leaves every row written before it is read; later if the units are
     * still busy.
     */
    private void cellStep(CirculantEngine gates, List<Elementwise> units, Bool unitsReady, int lanesUsed) {
        int rowBits = gates.rowBlocks.getWidth();
        int cellBits = cells.getWidth();
        int laneShift = Integer.numberOfTrailingZeros(lanesUsed);
        UInt zIndex = regInit("z_index", uint(rowBits), uintConst(0, rowBits));
        UInt zGate = regInit("z_gate", uint(2), uintConst(0, 2));
        UInt zCell = regInit("z_cell", uint(cellBits), uintConst(0, cellBits));
        int addrBits = units.get(0).accReadRow.getWidth();
        UInt zGateBase = regInit("z_gate_base", uint(addrBits), uintConst(0, addrBits));
        Bool lastZ = named("z_last", equal(add(zIndex, uintConst(1, rowBits)), gates.rowBlocks));
        Bool zIn = gates.outputs.valid();
        assign(gates.outputs.ready(), boolConst(true));
        Bool lastGate = named("z_last_gate", equal(zGate, uintConst(3, 2)));
        when(zIn, () -> {
            assign(zIndex, mux(lastZ, uintConst(0, rowBits), add(zIndex, uintConst(1, rowBits))));
            assign(zGate, add(zGate, uintConst(1, 2)));
            assign(zGateBase, mux(lastGate, uintConst(0, addrBits), add(zGateBase, cells.resize(addrBits))));
            when(lastGate, () -> assign(zCell, add(zCell, uintConst(1, cellBits))));
            when(lastZ, () -> {
                assign(zGate, uintConst(0, 2));
                assign(zGateBase, uintConst(0, addrBits));
                assign(zCell, uintConst(0, cellBits));
            });
        });
        UInt zRow = named("z_row", add(zGateBase, zCell.resize(addrBits)));

        int waitBits = 32;
        int slowdown = lanesUsed * 3 / 2;
        int spacingBits = Math.max(gates.colBlocks.getWidth(), widthFor(slowdown));
        UInt colBlocks = gates.colBlocks.resize(spacingBits);
        UInt spacing = named("group_spacing", mux(lessThan(colBlocks, uintConst(lanesUsed, spacingBits)),
                uintConst(lanesUsed, spacingBits), colBlocks));
        UInt excess = named("group_excess", mux(lessThan(spacing, uintConst(slowdown, spacingBits)),
                uintConst(0, spacingBits), sub(spacing, uintConst(slowdown, spacingBits))));
        UInt lastRow = named("last_gate_row", sub(shiftLeft(cells.resize(rowBits - 2), 2), uintConst(1, rowBits)));
        UInt lastGroup = laneShift == 0 ? lastRow
                : named("last_gate_group", slice(lastRow, laneShift, rowBits - laneShift));
        if (laneShift > 0) {
            unused("last_gate_row_in_group", slice(lastRow, 0, laneShift));
        }
        UInt startDelay = regNext("cells_start_delay", add(mul(lastGroup, excess).resize(waitBits),
                uintConst(lanesUsed + START_MARGIN, waitBits)));
        UInt wait = regInit("cells_start_wait", uint(waitBits), uintConst(0, waitBits));
        Bool armed = regInit("cells_armed", bool(), boolConst(false));
        Bool firstZ = named("z_first", and(zIn, equal(zIndex, uintConst(0, rowBits))));
        when(firstZ, () -> {
            assign(armed, boolConst(true));
            assign(wait, startDelay);
        }).elseWhen(and(armed, not(equal(wait, uintConst(0, waitBits)))), () -> assign(wait, sub(wait,
                uintConst(1, waitBits))));
        Bool start = named("cells_start", allOf(List.of(armed, equal(wait, uintConst(0, waitBits)), unitsReady,
                not(firstZ))));
        when(start, () -> assign(armed, boolConst(false)));
        when(launch, () -> {
            assign(zIndex, uintConst(0, rowBits));
            assign(zGate, uintConst(0, 2));
            assign(zCell, uintConst(0, cellBits));
            assign(zGateBase, uintConst(0, addrBits));
            assign(armed, boolConst(false));
        });
        for (int n = 0; n < block; n++) {
            Elementwise unit = units.get(n);
            Mem<Bits> z = ram("z_" + n, hardType(() -> bits(channels * actBits)), 1 << addrBits);
            List<Bits> lane = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                lane.add(slice(gates.outputs.payload(), (ch * block + n) * actBits, actBits));
            }
            write(z, zRow, concatLowFirst(lane), zIn);
            assign(unit.start, start);
            assign(unit.cells, cells);
            assign(unit.fracShift, uintConst(0, unit.fracShift.getWidth()));
            Bits read = readSync(z, unit.accReadRow);
            for (int ch = 0; ch < channels; ch++) {
                assign(unit.accReadValue.get(0).get(ch), asSInt(slice(read, ch * actBits, actBits)));
            }
            assign(unit.accReadValid.get(0), boolConst(true));
        }
    }

    /** y_t = m: each m block (masked past proj_size) into the y RAM and the output FIFO. */
    private Bool directOutputs(List<Elementwise> units, Mem<Bits> y, Bool yReady, Bool outputRoom,
                               Stream<Bits> push) {
        MBlockReader reader = new MBlockReader(units, outputRoom, boolConst(true));
        Bits payload = masked(reader.payload, reader.index, projSize, "y");
        write(y, reader.index.resize(widthFor(y.wordCount() - 1)), payload, reader.take);
        assign(push.valid(), reader.take);
        assign(push.payload(), payload);
        unused("push_ready", push.ready());
        Bool frameOut = and(reader.take, reader.last);
        when(frameOut, () -> assign(yReady, boolConst(true)));
        return frameOut;
    }

    /**
     * y_t = W_hr m while {@code project}: the m blocks through the projection engine, its blocks (masked) into the y
     * RAM and FIFO; else y_t = m as {@link #directOutputs}.
     */
    private Bool projectedOutputs(CirculantEngine proj, List<Elementwise> units, Mem<Bits> y, Bool yReady,
                                  Bool outputRoom, Stream<Bits> push) {
        connect(proj.load, projLoad);
        assign(proj.colBlocks, cells.resize(proj.colBlocks.getWidth()));
        assign(proj.rowBlocks, yBlocks.resize(proj.rowBlocks.getWidth()));
        assign(proj.scaleShift, projShift);
        MBlockReader reader = new MBlockReader(units, outputRoom, or(not(project), proj.blocks.ready()));
        assign(proj.blocks.valid(), and(reader.take, project));
        assign(proj.blocks.payload(), reader.payload);
        int yBits = yBlocks.getWidth();
        UInt q = regInit("y_index", uint(yBits), uintConst(0, yBits));
        Bool lastQ = named("y_last", equal(add(q, uintConst(1, yBits)), yBlocks));
        assign(proj.outputs.ready(), boolConst(true));
        Bool projected = proj.outputs.valid();
        when(projected, () -> assign(q, mux(lastQ, uintConst(0, yBits), add(q, uintConst(1, yBits)))));
        when(launch, () -> assign(q, uintConst(0, yBits)));
        Bool yIn = named("y_in", mux(project, projected, reader.take));
        int indexBits = Math.max(yBits, reader.index.getWidth());
        UInt index = named("y_write_index", mux(project, q.resize(indexBits), reader.index.resize(indexBits)));
        Bits payload = masked(mux(project, proj.outputs.payload(), reader.payload), index, projSize, "y");
        write(y, index.resize(widthFor(y.wordCount() - 1)), payload, yIn);
        assign(push.valid(), yIn);
        assign(push.payload(), payload);
        unused("push_ready", push.ready());
        Bool frameOut = named("frame_out", mux(project, and(projected, lastQ), and(reader.take, reader.last)));
        when(frameOut, () -> assign(yReady, boolConst(true)));
        return frameOut;
    }

    /**
     * The m blocks of a finished cell step: once the units are done and {@code room} holds (the output FIFO
     * empty: a whole frame fits), block l, every unit's m slot l, is read in one cycle and taken in the next
     * ({@code take}, with its {@code index}), one a cycle while {@code allowed}, whose consumer must take each
     * block the cycle after it allowed its read, until the last of {@code cells}.
     */
    private final class MBlockReader {
        final Bits payload;
        final UInt index;
        final Bool take;
        final Bool last;

        MBlockReader(List<Elementwise> units, Bool room, Bool allowed) {
            int cellBits = cells.getWidth();
            Bool pending = regInit("m_pending", bool(), boolConst(false));
            Bool admitted = regInit("m_admitted", bool(), boolConst(false));
            Bool issued = regInit("m_issued", bool(), boolConst(false));
            UInt issue = regInit("m_issue", uint(cellBits), uintConst(0, cellBits));
            when(units.get(0).done, () -> assign(pending, boolConst(true)));
            when(and(pending, room), () -> assign(admitted, boolConst(true)));
            Bool lastIssue = named("m_last_issue", equal(add(issue, uintConst(1, cellBits)), cells));
            Bool readNow = named("m_read", allOf(List.of(admitted, allowed, not(issued))));
            when(readNow, () -> {
                assign(issue, mux(lastIssue, uintConst(0, cellBits), add(issue, uintConst(1, cellBits))));
                when(lastIssue, () -> assign(issued, boolConst(true)));
            });
            take = regNext("m_take", readNow, boolConst(false));
            index = regNext("m_index", issue);
            last = regNext("m_last", and(readNow, lastIssue), boolConst(false));
            when(and(take, last), () -> {
                assign(pending, boolConst(false));
                assign(admitted, boolConst(false));
                assign(issued, boolConst(false));
            });
            List<SInt> values = new ArrayList<>();
            for (int ch = 0; ch < channels; ch++) {
                for (int n = 0; n < block; n++) {
                    values.add(units.get(n).mReadValue.get(0).get(ch));
                }
            }
            for (int n = 0; n < block; n++) {
                Elementwise unit = units.get(n);
                int addrBits = unit.mReadAddr.get(0).getWidth();
                assign(unit.mReadAddr.get(0), issue.resize(addrBits));
                unused("cells_done_" + n, unit.cellsDone);
                if (n > 0) {
                    unused("done_" + n, unit.done);
                }
            }
            payload = concatLowFirst(values);
            when(launch, () -> {
                assign(pending, boolConst(false));
                assign(admitted, boolConst(false));
                assign(issued, boolConst(false));
                assign(issue, uintConst(0, cellBits));
            });
        }
    }

    /** Every channel's block {@code index} in {@code payload}: lane n zeroed where index b + n &gt;= size. */
    private Bits masked(Bits payload, UInt index, UInt size, String name) {
        int w = Math.max(index.getWidth() + widthFor(block), size.getWidth()) + 1;
        UInt first = named(name + "_first_index", shiftLeft(index.resize(w - Integer.numberOfTrailingZeros(block)),
                Integer.numberOfTrailingZeros(block)));
        List<Bool> inside = new ArrayList<>();
        for (int n = 0; n < block; n++) {
            inside.add(named(name + "_inside_" + n, lessThan(add(first, uintConst(n, w)), size.resize(w))));
        }
        List<SInt> lanes = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            for (int n = 0; n < block; n++) {
                int at = (ch * block + n) * actBits;
                lanes.add(mux(inside.get(n), asSInt(slice(payload, at, actBits)), sintConst(0, actBits)));
            }
        }
        return concatLowFirst(lanes);
    }

    /** Counters of frames out and of the cycles since launch and the units ran; the engines' MAC cycles. */
    private void counters(Bool frameOut, CirculantEngine gates, CirculantEngine proj, Bool running) {
        int bits = DeltaUnit.COUNTER_BITS;
        assign(counters.get(0), LayerControl.countSinceLaunch(COUNTERS.get(0), frameOut, launch, bits));
        assign(counters.get(1), LayerControl.countSinceLaunch(COUNTERS.get(1), boolConst(true), launch, bits));
        assign(counters.get(2), gates.macCycles);
        assign(counters.get(3), proj == null ? uintConst(0, bits) : proj.macCycles);
        assign(counters.get(4), LayerControl.countSinceLaunch(COUNTERS.get(4), running, launch, bits));
        unused("gates_busy", gates.busy);
        if (proj != null) {
            unused("projection_busy", proj.busy);
        }
    }

    private static String validated(int block, int maxInputSize, int maxHiddenSize, int maxProjSize,
                                    boolean projection, int channels, int gateLanes) {
        if (gateLanes < 1 || Integer.bitCount(gateLanes) != 1) {
            throw new EsegenException("CirculantLayer: gateLanes " + gateLanes + " is not a power of two (the units' "
                    + "early start divides the gate rows by it)");
        }
        if (channels < 1 || channels > 64) {
            throw new EsegenException("CirculantLayer: channels " + channels + " is outside 1..64");
        }
        if (block < 2 || block > 32 || Integer.bitCount(block) != 1) {
            throw new EsegenException("CirculantLayer: block " + block + " is not a power of two in 2..32");
        }
        if (maxHiddenSize < block || maxHiddenSize % block != 0 || maxHiddenSize / block > 4096) {
            throw new EsegenException("CirculantLayer: maxHiddenSize " + maxHiddenSize + " must be a multiple of the "
                    + "block " + block + " with at most 4096 blocks (unit n holds cells l b + n)");
        }
        if (maxInputSize < 1 || maxInputSize > 65536 || maxProjSize < 1 || maxProjSize > 65536) {
            throw new EsegenException("CirculantLayer: sizes " + maxInputSize + " / " + maxProjSize
                    + " are outside 1..65536");
        }
        if (!projection && maxProjSize != maxHiddenSize) {
            throw new EsegenException("CirculantLayer: without a projection y = m, so maxProjSize " + maxProjSize
                    + " must equal maxHiddenSize " + maxHiddenSize);
        }
        return "CirculantLayer";
    }
}
