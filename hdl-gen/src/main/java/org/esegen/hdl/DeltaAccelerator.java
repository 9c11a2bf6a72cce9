package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.clampToWidth;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.exposePorts;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.spinal.JavaComponent;
import org.esegen.hdl.units.AxiLiteRegisters;
import org.esegen.hdl.units.ChunkPacker;
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
    private static final int COUNT_BITS = LayerRuns.COUNT_BITS;

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
        Bool storeIssued = LayerRuns.once("store", control.launch(), reader.commands.get(0),
                regs.port(RegisterMap.WA_ENTRIES_BASE), storeBeats);
        UInt paramBeats = mul(control.cells().resize(COUNT_BITS), uintConst(paramRows.wordsPerRow(),
                widthFor(paramRows.wordsPerRow())));
        Bool paramsIssued = LayerRuns.parameters(control.launch(), reader.commands.get(1), regs.port(RegisterMap.BIAS_BASE),
                regs.port(RegisterMap.PEEPHOLES_BASE), paramBeats);
        RowUnpacker store = child("store_rows", new RowUnpacker("StoreRowUnpacker", storeRows, false));
        connect(store.words, reader.data.get(0));
        connect(layer.load, store.rows);
        RowUnpacker params = child("param_rows", new RowUnpacker("ParamRowUnpacker", paramRows, false));
        connect(params.words, reader.data.get(1));
        connect(layer.params, params.rows);

        LayerRuns.perFrame("input", control.launch(), control.frames(), and(storeIssued, paramsIssued),
                reader.commands.get(2), regs.port(RegisterMap.INPUT_BASE),
                LayerRuns.wordsPerRow("input_words", control.inputSize(), actBits, wordBits), wordBits);
        WordSplitter splitter = child("input_groups", new WordSplitter(wordBits, arrays * actBits, COUNT_BITS));
        assign(splitter.clear, control.launch());
        assign(splitter.rowChunks, control.inputGroups().resize(COUNT_BITS));
        connect(splitter.words, reader.data.get(2));
        connect(layer.inputs, splitter.chunks);
    }

    /** The outputs, {@code cells} beats a frame, packed into OUTPUT rows and written a frame at a time. */
    private Bool writes(Control control, DeltaLayer layer, DdrWriter writer) {
        UInt outputWords = LayerRuns.wordsPerRow("output_words", control.hidden(), actBits, wordBits);
        Bool commandsLeft = LayerRuns.perFrame("output", control.launch(), control.frames(), boolConst(true),
                writer.command, control.regs().port(RegisterMap.OUTPUT_BASE), outputWords, wordBits);
        ChunkPacker packer = child("output_packer", new ChunkPacker(config.pes() * actBits, wordBits, COUNT_BITS));
        connect(packer.chunk, layer.outputs);
        connect(writer.data, packer.word);
        Bool packed = LayerRuns.outputRows(control.launch(), control.frames(), packer, control.cells(), outputWords);
        return allOf(List.of(not(commandsLeft), packed, writer.idle));
    }





    /** Busy and done, the interrupt, and the counters. */
    private void finish(Control control, DeltaLayer layer, Bool written) {
        AxiLiteRegisters regs = control.regs();
        Bool busy = control.busy();
        UInt cycles = LayerRuns.finish(regs, control.launch(), busy, control.frames(), layer.counters.get(0),
                layer.ready, written);
        LayerRuns.worstFrame(regs, control.launch(), layer.counters.get(0), layer.ready, cycles);
        EseAccelerator.count(regs, RegisterMap.STORE_LOAD_CYCLES, control.launch(), and(busy, not(layer.ready)));
        List<RegisterMap.Register> fromLayer = List.of(RegisterMap.CELL_STEP_CYCLES, RegisterMap.ENGINE_STALL_CYCLES,
                RegisterMap.DRAIN_CYCLES, RegisterMap.INPUT_WAIT_CYCLES, RegisterMap.OUTPUT_WAIT_CYCLES,
                RegisterMap.FIRED_INPUTS, RegisterMap.FIRED_RECURRENT, RegisterMap.ELEMENTS_SEEN);
        for (int i = 0; i < fromLayer.size(); i++) {
            LayerRuns.held(regs, fromLayer.get(i), busy, layer.counters.get(i + 1));
        }
    }


    private static String validated(AcceleratorConfig config) {
        if (!config.deltaEngine()) {
            throw new EsegenException("DeltaAccelerator: the config's engine is " + config.engine().engine()
                    + "; this top is the delta engine's (engine=1)");
        }
        return NAME;
    }
}
