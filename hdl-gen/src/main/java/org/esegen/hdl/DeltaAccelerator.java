package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.clampToWidth;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.exposePorts;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.spinal.JavaComponent;
import org.esegen.hdl.units.AxiLiteRegisters;
import org.esegen.hdl.units.ChunkPacker;
import org.esegen.hdl.units.DdrCommand;
import org.esegen.hdl.units.DdrReader;
import org.esegen.hdl.units.DdrWriter;
import org.esegen.hdl.units.DeltaLayer;
import org.esegen.hdl.units.Elementwise;
import org.esegen.hdl.units.RowUnpacker;
import org.esegen.hdl.units.WordSplitter;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The delta-engine accelerator of a config with {@code engine = 1} (Spartus, TNNLS 2022): one {@link
 * DeltaLayer} of deltaArrays x pesPerChannel MACs over the column-balanced store, with the same ports as
 * {@link EseAccelerator} ({@link EseAccelerator#PORTS}: the DDR AXI4 master, the AXI4-Lite slave of
 * {@link RegisterMap#DELTA}, {@code interrupt}), so the same harness and board wrappers drive it.
 *
 * <h2>A run</h2>
 * A start (CONTROL bit 0, ignored while busy) launches the layer (its delta memory, last-sent vector and
 * cell state cleared) and issues, on three DDR read clients, the layer's WA_ENTRIES section (the
 * column-balanced store: deltaArrays x ARRAY_WORDS rows of N entries, into the arrays' stores through a
 * {@link RowUnpacker}), its BIAS and PEEPHOLES sections (through another, into the element-wise units),
 * and, once those commands are taken (every store burst issued), the INPUT rows a frame at a time (each
 * row cut into groups of deltaArrays values by a {@link WordSplitter}); the layer's outputs, {@code cells} beats of N values a frame, are packed into OUTPUT
 * rows by a {@link ChunkPacker} and written a frame at a time by the {@link DdrWriter}. The run is done
 * (STATUS.done, the interrupt) once the store and parameters are loaded, FRAME_COUNT frames have left
 * the layer and every word of them is written. A stack runs layer after layer, each its own run (layer
 * k's INPUT_BASE at layer k-1's OUTPUT section), as {@link RegisterMap#deltaProgramming} gives.
 *
 * <h2>Counters</h2>
 * CYCLES counts the run's cycles, STORE_LOAD_CYCLES those before the store and parameters are in;
 * the others are the layer's ({@link DeltaLayer#COUNTERS}), held from the end of the run (INPUT_WAIT_CYCLES
 * includes the run's tail: after the last frame the layer waits for an x that never comes).
 */
public final class DeltaAccelerator extends JavaComponent {
    /** Verilog module name of the top. */
    public static final String NAME = "DeltaAccelerator";
    /** Elements each array's input FIFO and fired-column queue hold (16 measured as good as 64 at Spartus's size). */
    static final int ENGINE_FIFO_DEPTH = 16;
    private static final int COUNT_BITS = 24;
    /** Width of a frame interval (MAX_FRAME_CYCLES): a frame takes fewer than 2^32 cycles. */
    private static final int INTERVAL_BITS = 32;

    private final AcceleratorConfig config;
    private final int wordBits;
    private final int actBits;

    /**
     * @param config a configuration with {@code engine = 1}
     * @throws EsegenException if the config is not the delta engine's
     */
    public DeltaAccelerator(AcceleratorConfig config) {
        super(validated(config));
        this.config = config;
        this.wordBits = config.memory().axiDataBits();
        this.actBits = config.formats().actBits();
        Control control = control();
        DeltaLayer layer = layer(control);
        Bool written = memory(control, layer);
        finish(control, layer, written);
    }

    /**
     * The registers and the run's state.
     *
     * @param launch a start accepted: one cycle
     * @param busy   from the cycle after launch to the cycle of done
     * @param cells  ceil(H / N)
     * @param frames T
     */
    private record Control(AxiLiteRegisters regs, Bool launch, Bool busy, UInt inputSize, UInt inputGroups,
                           UInt hidden, UInt cells, UInt frames) {
    }

    private Control control() {
        AxiLiteRegisters regs = child("regs", new AxiLiteRegisters(config.memory().axiAddrBits(), RegisterMap.DELTA));
        exposePorts(regs, EseAccelerator.REGISTERS_PREFIX);
        assign(outBool("interrupt"), regs.interrupt);
        Bool busy = regInit("busy", bool(), boolConst(false));
        Bool launch = named("launch", and(regs.start, not(busy)));
        // registered: the host writes the sizes before START, in earlier AXI-Lite writes
        UInt inputSize = regNext("input_size", clampToWidth(regs.port(RegisterMap.INPUT_SIZE),
                widthFor(config.dims().maxInputSize())));
        UInt hidden = regNext("hidden", clampToWidth(regs.port(RegisterMap.HIDDEN_SIZE),
                widthFor((long) config.pes() * config.maxCellsPerPe())));
        UInt cells = regNext("cells", clampToWidth(regs.port(RegisterMap.CELLS_PER_PE), widthFor(config.maxCellsPerPe())));
        UInt inputGroups = named("input_groups", shiftRight(inputSize,
                Integer.numberOfTrailingZeros(config.engine().deltaArrays())));
        return new Control(regs, launch, busy, inputSize, inputGroups, hidden, cells,
                regs.port(RegisterMap.FRAME_COUNT));
    }

    private DeltaLayer layer(Control control) {
        AxiLiteRegisters regs = control.regs();
        int arrays = config.engine().deltaArrays();
        DeltaLayer layer = child("layer", new DeltaLayer(arrays, config.pes(), config.maxCellsPerPe(),
                config.dims().maxInputSize(), config.deltaStoreDepth(), config.engine().deltaMaxK(),
                config.formats().weightBits(), config.pe().accBits(), ENGINE_FIFO_DEPTH,
                Elementwise.Arithmetic.of(config), config.pe().gru()));
        if (layer.load.payload().getWidth() != config.pes() * config.deltaEntryBits()) {
            throw new EsegenException("DeltaAccelerator: the layer's store words are " + layer.load.payload().getWidth()
                    + " bits, the image's rows " + config.pes() + " x " + config.deltaEntryBits());
        }
        assign(layer.launch, control.launch());
        assign(layer.inputGroups, control.inputGroups().resize(layer.inputGroups.getWidth()));
        assign(layer.hidden, control.hidden().resize(layer.hidden.getWidth()));
        assign(layer.cells, control.cells().resize(layer.cells.getWidth()));
        assign(layer.fracShift, clampToWidth(regs.port(RegisterMap.WA_FRAC_BITS), layer.fracShift.getWidth()));
        assign(layer.inputTheta, clampToWidth(regs.port(RegisterMap.THRESHOLD_X), layer.inputTheta.getWidth()));
        assign(layer.recurrentTheta, clampToWidth(regs.port(RegisterMap.THRESHOLD_H), layer.recurrentTheta.getWidth()));
        assign(layer.arrayWords, clampToWidth(regs.port(RegisterMap.ARRAY_WORDS), layer.arrayWords.getWidth()));
        assign(layer.base, uintConst(0, layer.base.getWidth()));
        assign(layer.entriesPerColumn, clampToWidth(regs.port(RegisterMap.ENTRIES_PER_COLUMN),
                layer.entriesPerColumn.getWidth()));
        return layer;
    }

    /**
     * The DDR side: the AXI4 master's reader and writer, the store, parameter and input reads into the
     * layer and its outputs into OUTPUT rows; true once every output row of the run is packed and written.
     */
    private Bool memory(Control control, DeltaLayer layer) {
        int addrBits = config.memory().axiAddrBits();
        int maxBurst = config.memory().axiMaxBurstBeats();
        DdrReader reader = child("reader", new DdrReader(wordBits, addrBits, 3, maxBurst,
                config.memory().axiMaxOutstanding(), EseAccelerator.clientFifoBeats(config)));
        exposePorts(reader, EseAccelerator.MEMORY_PREFIX);
        DdrWriter writer = child("writer", new DdrWriter(wordBits, addrBits, maxBurst,
                config.memory().axiMaxOutstanding()));
        exposePorts(writer, EseAccelerator.MEMORY_PREFIX);
        unused("reader_error", reader.error);
        unused("writer_error", writer.error);
        for (int k = 0; k < reader.starved.size(); k++) {
            unused("reader_starved_" + k, reader.starved.get(k));
        }
        reads(control, layer, reader);
        Bool written = writes(control, layer, writer);
        return named("outputs_written", and(written, reader.idle));
    }

    /**
     * Read client 0: the store; client 1: the biases, then the peepholes; client 2, once those commands are
     * taken: x_t a frame at a time, cut into groups of A values.
     */
    private void reads(Control control, DeltaLayer layer, DdrReader reader) {
        AxiLiteRegisters regs = control.regs();
        LaneRows storeRows = new LaneRows(config.pes(), config.deltaEntryBits(), wordBits);
        LaneRows paramRows = new LaneRows(config.pes(), actBits, wordBits);
        int arrays = config.engine().deltaArrays();
        UInt storeBeats = mul(shiftLeft(regs.port(RegisterMap.ARRAY_WORDS).resize(COUNT_BITS),
                Integer.numberOfTrailingZeros(arrays)), uintConst(storeRows.wordsPerRow(),
                widthFor(storeRows.wordsPerRow())));
        Bool storeIssued = once("store", control.launch(), reader.commands.get(0),
                regs.port(RegisterMap.WA_ENTRIES_BASE), storeBeats);
        UInt paramBeats = mul(control.cells().resize(COUNT_BITS), uintConst(paramRows.wordsPerRow(),
                widthFor(paramRows.wordsPerRow())));
        Bool paramsIssued = parameters(control.launch(), reader.commands.get(1), regs.port(RegisterMap.BIAS_BASE),
                regs.port(RegisterMap.PEEPHOLES_BASE), paramBeats);
        RowUnpacker store = child("store_rows", new RowUnpacker("StoreRowUnpacker", storeRows, false));
        connect(store.words, reader.data.get(0));
        connect(layer.load, store.rows);
        RowUnpacker params = child("param_rows", new RowUnpacker("ParamRowUnpacker", paramRows, false));
        connect(params.words, reader.data.get(1));
        connect(layer.params, params.rows);

        perFrame("input", control, and(storeIssued, paramsIssued), reader.commands.get(2),
                regs.port(RegisterMap.INPUT_BASE), wordsPerRow("input_words", control.inputSize()));
        WordSplitter splitter = child("input_groups", new WordSplitter(wordBits, arrays * actBits, COUNT_BITS));
        assign(splitter.clear, control.launch());
        assign(splitter.rowChunks, control.inputGroups().resize(COUNT_BITS));
        connect(splitter.words, reader.data.get(2));
        connect(layer.inputs, splitter.chunks);
    }

    /** The outputs, {@code cells} beats a frame, packed into OUTPUT rows and written a frame at a time. */
    private Bool writes(Control control, DeltaLayer layer, DdrWriter writer) {
        UInt outputWords = wordsPerRow("output_words", control.hidden());
        Bool commandsLeft = perFrame("output", control, boolConst(true), writer.command,
                control.regs().port(RegisterMap.OUTPUT_BASE), outputWords);
        ChunkPacker packer = child("output_packer", new ChunkPacker(config.pes() * actBits, wordBits, COUNT_BITS));
        connect(packer.chunk, layer.outputs);
        connect(writer.data, packer.word);
        UInt rowsLeft = regInit("output_rows_left", uint(32), uintConst(0, 32));
        Bool rowStart = named("output_row_start", and(not(packer.busy), not(equal(rowsLeft, uintConst(0, 32)))));
        assign(packer.start, rowStart);
        assign(packer.chunks, control.cells().resize(COUNT_BITS));
        assign(packer.words, outputWords);
        when(rowStart, () -> assign(rowsLeft, sub(rowsLeft, uintConst(1, 32))));
        when(control.launch(), () -> assign(rowsLeft, control.frames()));
        return allOf(List.of(not(commandsLeft), equal(rowsLeft, uintConst(0, 32)), not(packer.busy), writer.idle));
    }

    /** One command on {@code port} after each launch: the words from {@code base}; true once it is taken. */
    private static Bool once(String name, Bool launch, DdrCommand port, UInt base, UInt beats) {
        Bool pending = regInit(name + "_pending", bool(), boolConst(false));
        assign(port.valid(), pending);
        assign(port.address(), base.resize(port.address().getWidth()));
        assign(port.beats(), clampToWidth(beats, port.beats().getWidth()));
        when(port.ready(), () -> assign(pending, boolConst(false)));
        when(launch, () -> assign(pending, boolConst(true)));
        return named(name + "_issued", not(pending));
    }

    /**
     * After each launch, the BIAS section's 4 rows a cell, then the PEEPHOLES section's 3, on {@code port};
     * true once both are taken.
     */
    private static Bool parameters(Bool launch, DdrCommand port, UInt biasBase, UInt peepholesBase, UInt beatsPerRows) {
        Bool bias = regInit("bias_pending", bool(), boolConst(false));
        Bool peepholes = regInit("peepholes_pending", bool(), boolConst(false));
        assign(port.valid(), or(bias, peepholes));
        assign(port.address(), mux(bias, biasBase, peepholesBase).resize(port.address().getWidth()));
        int beatBits = port.beats().getWidth();
        assign(port.beats(), mux(bias, clampToWidth(mul(beatsPerRows, uintConst(4, 3)), beatBits),
                clampToWidth(mul(beatsPerRows, uintConst(3, 3)), beatBits)));
        when(port.ready(), () -> {
            when(bias, () -> assign(bias, boolConst(false))).otherwise(() -> assign(peepholes, boolConst(false)));
        });
        when(launch, () -> {
            assign(bias, boolConst(true));
            assign(peepholes, boolConst(true));
        });
        return named("params_issued", not(or(bias, peepholes)));
    }

    /**
     * A command of {@code words} words a frame on {@code port}, frame t at {@code base} + t rows, issued
     * while {@code allowed}; true while commands of the run are left.
     */
    private Bool perFrame(String name, Control control, Bool allowed, DdrCommand port, UInt base, UInt words) {
        int addrBits = port.address().getWidth();
        UInt left = regInit(name + "_commands_left", uint(32), uintConst(0, 32));
        UInt address = regInit(name + "_address", uint(addrBits), uintConst(0, addrBits));
        Bool remain = named(name + "_commands_remain", not(equal(left, uintConst(0, 32))));
        int byteBits = Integer.numberOfTrailingZeros(wordBits / 8);
        UInt rowBytes = named(name + "_row_bytes", shiftLeft(words.resize(addrBits - byteBits), byteBits));
        assign(port.valid(), and(remain, allowed));
        assign(port.address(), address);
        assign(port.beats(), words.resize(port.beats().getWidth()));
        when(and(port.valid(), port.ready()), () -> {
            assign(left, sub(left, uintConst(1, 32)));
            assign(address, add(address, rowBytes));
        });
        when(control.launch(), () -> {
            assign(left, control.frames());
            assign(address, base.resize(addrBits));
        });
        return remain;
    }

    /** Words of a row of {@code lanes} values: ceil(lanes actBits / wordBits), registered. */
    private UInt wordsPerRow(String name, UInt lanes) {
        int productBits = lanes.getWidth() + widthFor(actBits);
        int bits = Math.max(productBits, widthFor(wordBits)) + 1;
        UInt rowBits = mul(lanes, uintConst(actBits, widthFor(actBits))).resize(bits);
        UInt rounded = named(name + "_rounded", add(rowBits, uintConst(wordBits - 1, bits)));
        int wordShift = Integer.numberOfTrailingZeros(wordBits);
        unused(name + "_fraction", slice(rounded, 0, wordShift));
        return regNext(name, slice(rounded, wordShift, bits - wordShift).resize(COUNT_BITS));
    }

    /** Busy and done, the interrupt, and the counters. */
    private void finish(Control control, DeltaLayer layer, Bool written) {
        AxiLiteRegisters regs = control.regs();
        Bool busy = control.busy();
        Bool done = regInit("done", bool(), boolConst(false));
        UInt framesDone = layer.counters.get(0);
        Bool finished = named("finished", allOf(List.of(busy, layer.ready, written, not(control.launch()),
                equal(framesDone, control.frames().resize(framesDone.getWidth())))));
        Bool settled = regNext("launch_settled", control.launch(), boolConst(false));
        Bool finish = named("finish", and(finished, not(settled)));
        when(finish, () -> {
            assign(busy, boolConst(false));
            assign(done, boolConst(true));
        });
        when(control.launch(), () -> {
            assign(busy, boolConst(true));
            assign(done, boolConst(false));
        });
        assign(regs.busy, busy);
        assign(regs.done, done);
        assign(regs.donePulse, finish);
        UInt cycles = EseAccelerator.count(regs, RegisterMap.CYCLES, control.launch(), busy);
        worstFrame(regs, control.launch(), layer, cycles);
        EseAccelerator.count(regs, RegisterMap.STORE_LOAD_CYCLES, control.launch(), and(busy, not(layer.ready)));
        List<RegisterMap.Register> fromLayer = List.of(RegisterMap.CELL_STEP_CYCLES, RegisterMap.ENGINE_STALL_CYCLES,
                RegisterMap.DRAIN_CYCLES, RegisterMap.INPUT_WAIT_CYCLES, RegisterMap.OUTPUT_WAIT_CYCLES,
                RegisterMap.FIRED_INPUTS, RegisterMap.FIRED_RECURRENT, RegisterMap.ELEMENTS_SEEN);
        for (int i = 0; i < fromLayer.size(); i++) {
            RegisterMap.Register register = fromLayer.get(i);
            UInt port = regs.port(register);
            UInt held = regInit(register.name().toLowerCase() + "_held", uint(port.getWidth()),
                    uintConst(0, port.getWidth()));
            UInt value = layer.counters.get(i + 1);
            when(busy, () -> assign(held, value.resize(port.getWidth())));
            assign(port, held);
        }
    }

    /**
     * MAX_FRAME_CYCLES: the longest interval between two frames' last outputs leaving the layer, the
     * first frame's from the cycle the store and parameters are in (32 bits, modulo 2^32 of the run's
     * cycles: a frame takes fewer).
     */
    private static void worstFrame(AxiLiteRegisters regs, Bool launch, DeltaLayer layer, UInt cycles) {
        UInt framesDone = layer.counters.get(0);
        UInt before = regNext("frames_done_q", framesDone, uintConst(0, framesDone.getWidth()));
        Bool frameOut = named("frame_out", equal(framesDone, add(before, uintConst(1, framesDone.getWidth()))));
        Bool loaded = named("loaded_rise", and(layer.ready, not(regNext("ready_q", layer.ready, boolConst(false)))));
        UInt now = named("frame_clock", cycles.resize(INTERVAL_BITS));
        UInt mark = regInit("frame_mark", uint(INTERVAL_BITS), uintConst(0, INTERVAL_BITS));
        UInt worst = regInit("max_frame_cycles_value", uint(INTERVAL_BITS), uintConst(0, INTERVAL_BITS));
        UInt interval = named("frame_interval", sub(now, mark));
        when(loaded, () -> assign(mark, now));
        when(frameOut, () -> {
            assign(mark, now);
            when(lessThan(worst, interval), () -> assign(worst, interval));
        });
        when(launch, () -> {
            assign(worst, uintConst(0, INTERVAL_BITS));
            assign(mark, uintConst(0, INTERVAL_BITS));
        });
        UInt port = regs.port(RegisterMap.MAX_FRAME_CYCLES);
        assign(port, worst.resize(port.getWidth()));
    }

    private static String validated(AcceleratorConfig config) {
        if (!config.deltaEngine()) {
            throw new EsegenException("DeltaAccelerator: the config's engine is " + config.engine().engine()
                    + "; this top is the delta engine's (engine=1)");
        }
        return NAME;
    }
}
