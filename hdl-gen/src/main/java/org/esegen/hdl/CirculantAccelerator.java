package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.clampToWidth;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.exposePorts;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.select;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.streamFifo;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.unused;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.spinal.Hdl.FifoPorts;
import org.esegen.hdl.spinal.JavaComponent;
import org.esegen.hdl.units.AxiLiteRegisters;
import org.esegen.hdl.units.ChunkPacker;
import org.esegen.hdl.units.CirculantEngine;
import org.esegen.hdl.units.CirculantLayer;
import org.esegen.hdl.units.DdrReader;
import org.esegen.hdl.units.DdrWriter;
import org.esegen.hdl.units.Elementwise;
import org.esegen.hdl.units.RowUnpacker;
import org.esegen.hdl.units.WordSplitter;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The circulant-engine accelerator of a config with {@code engine = 2} (E-RNN / C-LSTM): one {@link
 * CirculantLayer} (b = circulantBlock, circulantLanes + circulantProjLanes output-block lanes, C = channels in
 * lockstep; lstmp and lstm with gruElementwise = 0 (an lstm layer, WHR_ENTRY_ROWS = 0, bypasses the projection
 * engine: y = m), gru with 1) with the same ports as {@link EseAccelerator} ({@link
 * EseAccelerator#PORTS}: the DDR AXI4 master, the AXI4-Lite slave of {@link RegisterMap#CIRCULANT}, {@code
 * interrupt}), so the same harness and board wrappers drive it.
 *
 * <h2>A run</h2>
 * A start (CONTROL bit 0, ignored while busy) launches the layer (cell states and y_(t-1) zero) and issues on
 * the DDR read clients the layer's WA_ENTRIES section (the gate spectra, a row a block, into the gate engine's
 * lanes), with a projection its WHR_ENTRIES section (into the projection engine), its BIAS and PEEPHOLES
 * sections (into the element-wise units) and, once those commands are taken, the INPUT rows a frame at a time,
 * laid out as {@link ImageLayout} gives for this engine (the channels interleaved block by block): each row cut
 * into blocks of b values, C of them gathered into one beat of the layer, a frame's beats queued ahead. The
 * layer takes x_t only once every spectrum is in. Its output beats (C blocks of y_t) leave a block at a time
 * into OUTPUT rows, written a frame at a time. The run is done (STATUS.done, the interrupt) once the weights
 * and parameters are in, FRAME_COUNT frames have left the layer and every word of them is written. A stack runs
 * layer after layer, each its own run, as {@link RegisterMap#circulantProgramming} gives; every run loads its
 * layer's spectra again.
 *
 * <h2>Counters</h2>
 * CYCLES counts the run's cycles, STORE_LOAD_CYCLES those before the spectra and parameters are in,
 * CELL_STEP_CYCLES those the element-wise units ran, GATE_MAC_CYCLES and PROJ_MAC_CYCLES those the engines'
 * lanes took a column block, MAX_FRAME_CYCLES the longest interval between two frames' last outputs.
 */
public final class CirculantAccelerator extends JavaComponent {
    /** Verilog module name of the top. */
    public static final String NAME = "CirculantAccelerator";
    private static final int COUNT_BITS = LayerRuns.COUNT_BITS;

    private final AcceleratorConfig config;
    private final int wordBits;
    private final int actBits;
    private final int block;
    private final int channels;
    private final boolean projection;

    /**
     * @param config a configuration with {@code engine = 2}
     * @throws EsegenException if the config is not the circulant engine's
     */
    public CirculantAccelerator(AcceleratorConfig config) {
        super(validated(config));
        this.config = config;
        this.wordBits = config.memory().axiDataBits();
        this.actBits = config.formats().actBits();
        this.block = config.engine().circulantBlock();
        this.channels = config.channels();
        this.projection = !config.pe().gru();
        Control control = control();
        CirculantLayer layer = layer(control);
        Loads loads = loads(control, layer);
        Bool written = frames(control, layer, loads);
        finish(control, layer, loads, written);
    }

    /** Whether the accelerator of {@code config} has a projection engine (lstmp layers; gru layers without). */
    public static boolean hasProjection(AcceleratorConfig config) {
        return !config.pe().gru();
    }

    /**
     * The registers and the run's sizes, registered at launch time (the host writes them before START).
     *
     * @param launch a start accepted: one cycle
     * @param busy   from the cycle after launch to the cycle of done
     * @param cells  H / b
     * @param xBlocks ceil(I / b)
     * @param yBlocks ceil(P / b)
     */
    private record Control(AxiLiteRegisters regs, Bool launch, Bool busy, UInt inputSize, UInt projSize, UInt cells,
                           UInt xBlocks, UInt yBlocks, UInt frames) {
    }

    /** What the weight and parameter reads leave: the layer may take frames once {@code weightsIn}. */
    private record Loads(DdrReader reader, Bool issued, Bool weightsIn) {
    }

    private Control control() {
        AxiLiteRegisters regs = child("regs", new AxiLiteRegisters(config.memory().axiAddrBits(), RegisterMap.CIRCULANT));
        exposePorts(regs, EseAccelerator.REGISTERS_PREFIX);
        assign(outBool("interrupt"), regs.interrupt);
        Bool busy = regInit("busy", bool(), boolConst(false));
        Bool launch = named("launch", and(regs.start, not(busy)));
        int maxInput = config.dims().maxInputSize();
        UInt inputSize = regNext("input_size", clampToWidth(regs.port(RegisterMap.INPUT_SIZE), widthFor(maxInput)));
        UInt projSize = regNext("proj_size", clampToWidth(regs.port(RegisterMap.PROJ_SIZE),
                widthFor(config.dims().maxProjSize())));
        UInt cells = regNext("cells", clampToWidth(regs.port(RegisterMap.CELLS_PER_PE),
                widthFor(config.dims().maxHiddenSize() / block)));
        UInt yBlocks = regNext("y_blocks", clampToWidth(regs.port(RegisterMap.PROJ_ROWS_PER_PE),
                widthFor(blocks(config.dims().maxProjSize()))));
        int shift = Integer.numberOfTrailingZeros(block);
        int width = widthFor(blocks(maxInput));
        int wide = Math.max(inputSize.getWidth() + 1, shift + width);
        UInt rounded = named("input_size_rounded", add(inputSize.resize(wide), uintConst(block - 1, wide)));
        unused("input_size_rounded_low", slice(rounded, 0, shift));
        if (shift + width < wide) {
            unused("input_size_rounded_high", slice(rounded, shift + width, wide - shift - width));
        }
        UInt xBlocks = regNext("x_blocks", slice(rounded, shift, width));
        unused("hidden_size", regs.port(RegisterMap.HIDDEN_SIZE));
        return new Control(regs, launch, busy, inputSize, projSize, cells, xBlocks, yBlocks,
                regs.port(RegisterMap.FRAME_COUNT));
    }

    private CirculantLayer layer(Control control) {
        AxiLiteRegisters regs = control.regs();
        CirculantLayer layer = child("layer", new CirculantLayer(block, config.formats().weightBits(),
                config.engine().twiddleBits(), config.dims().maxInputSize(), config.dims().maxHiddenSize(),
                config.dims().maxProjSize(), config.engine().circulantLanes(), config.engine().circulantProjLanes(),
                projection, Elementwise.Arithmetic.of(config), config.pe().gru(), channels, config.pe().dsp()));
        assign(layer.launch, control.launch());
        assign(layer.inputSize, control.inputSize().resize(layer.inputSize.getWidth()));
        assign(layer.projSize, control.projSize().resize(layer.projSize.getWidth()));
        assign(layer.xBlocks, control.xBlocks().resize(layer.xBlocks.getWidth()));
        assign(layer.yBlocks, control.yBlocks().resize(layer.yBlocks.getWidth()));
        assign(layer.cells, control.cells().resize(layer.cells.getWidth()));
        assign(layer.gateShift, scaleShift("gate_shift", regs.port(RegisterMap.WA_FRAC_BITS)));
        if (projection) {
            assign(layer.projShift, scaleShift("proj_shift", regs.port(RegisterMap.WHR_FRAC_BITS)));
            assign(layer.project, regNext("project", not(equal(regs.port(RegisterMap.WHR_ENTRY_ROWS),
                    uintConst(0, regs.port(RegisterMap.WHR_ENTRY_ROWS).getWidth())))));
        } else {
            unused("whr_frac_bits", regs.port(RegisterMap.WHR_FRAC_BITS));
        }
        return layer;
    }

    /** An engine's scale shift G - log2 b from a matrix's binary point G (the compiler keeps G at least log2 b). */
    private UInt scaleShift(String name, UInt fracBits) {
        int width = fracBits.getWidth();
        return regNext(name, clampToWidth(sub(fracBits, uintConst(Integer.numberOfTrailingZeros(block), width)),
                CirculantEngine.SCALE_SHIFT_BITS));
    }

    /**
     * The DDR reader and, on its clients, the spectra (client 0: the gate matrix; 1: the projection) and the
     * parameters (the last client but one: the biases, then the peepholes), once a launch.
     */
    private Loads loads(Control control, CirculantLayer layer) {
        AxiLiteRegisters regs = control.regs();
        int clients = projection ? 4 : 3;
        DdrReader reader = child("reader", new DdrReader(wordBits, config.memory().axiAddrBits(), clients,
                config.memory().axiMaxBurstBeats(), config.memory().axiMaxOutstanding(),
                EseAccelerator.clientFifoBeats(config)));
        exposePorts(reader, EseAccelerator.MEMORY_PREFIX);
        unused("reader_error", reader.error);
        for (int k = 0; k < reader.starved.size(); k++) {
            unused("reader_starved_" + k, reader.starved.get(k));
        }
        LaneRows spectrumRows = ImageLayout.spectrumPacking(block, config.formats().weightBits(), wordBits);
        Spectra gates = spectra("gate", control.launch(), boolConst(true), reader, 0,
                regs.port(RegisterMap.WA_ENTRIES_BASE), regs.port(RegisterMap.WA_ENTRY_ROWS), spectrumRows, layer.gateLoad);
        Bool weightsIn = gates.in();
        Bool spectraIssued = gates.issued();
        if (projection) {
            Spectra proj = spectra("proj", control.launch(), layer.project, reader, 1,
                    regs.port(RegisterMap.WHR_ENTRIES_BASE), regs.port(RegisterMap.WHR_ENTRY_ROWS), spectrumRows,
                    layer.projLoad);
            weightsIn = and(weightsIn, proj.in());
            spectraIssued = and(spectraIssued, proj.issued());
        } else {
            unused("whr_entries_base", regs.port(RegisterMap.WHR_ENTRIES_BASE));
            unused("whr_entry_rows", regs.port(RegisterMap.WHR_ENTRY_ROWS));
        }
        LaneRows paramRows = new LaneRows(block, actBits, wordBits);
        int paramClient = clients - 2;
        UInt paramBeats = mul(control.cells().resize(COUNT_BITS), uintConst(paramRows.wordsPerRow(),
                widthFor(paramRows.wordsPerRow())));
        Bool paramsIssued = LayerRuns.parameters(control.launch(), reader.commands.get(paramClient),
                regs.port(RegisterMap.BIAS_BASE), regs.port(RegisterMap.PEEPHOLES_BASE), paramBeats);
        RowUnpacker params = child("param_rows", new RowUnpacker("ParamRowUnpacker", paramRows, false));
        connect(params.words, reader.data.get(paramClient));
        connect(layer.params, params.rows);
        return new Loads(reader, and(spectraIssued, paramsIssued), named("weights_in", weightsIn));
    }

    /**
     * One matrix's spectra: issued once its command is taken (no command unless {@code wanted} at the launch), in
     * once all {@code rows} rows reached the engine.
     */
    private record Spectra(Bool issued, Bool in) {
    }

    private Spectra spectra(String name, Bool launch, Bool wanted, DdrReader reader, int client, UInt base, UInt rows,
                            LaneRows packing, Stream<Bits> load) {
        UInt beats = mul(rows.resize(COUNT_BITS), uintConst(packing.wordsPerRow(), widthFor(packing.wordsPerRow())));
        Bool issued = LayerRuns.once(name + "_spectra", and(launch, wanted), reader.commands.get(client), base, beats);
        RowUnpacker unpacker = child(name + "_spectrum_rows", new RowUnpacker("SpectrumRowUnpacker", packing, false));
        connect(unpacker.words, reader.data.get(client));
        connect(load, unpacker.rows);
        UInt taken = regInit(name + "_spectra_taken", uint(32), uintConst(0, 32));
        when(and(load.valid(), load.ready()), () -> assign(taken, add(taken, uintConst(1, 32))));
        when(launch, () -> assign(taken, uintConst(0, 32)));
        return new Spectra(issued, named(name + "_spectra_in", equal(taken, rows)));
    }

    /**
     * The frames: INPUT rows (the last reader client) cut into blocks, C blocks a beat, queued, into the layer once
     * the weights are in; the layer's beats a block at a time into OUTPUT rows through the writer. True once every
     * output row of the run is packed and written.
     */
    private Bool frames(Control control, CirculantLayer layer, Loads loads) {
        DdrReader reader = loads.reader();
        int client = reader.commands.size() - 1;
        int blockBits = block * actBits;
        UInt inputChunks = named("input_chunks", mul(control.xBlocks(), uintConst(channels, widthFor(channels))));
        LayerRuns.perFrame("input", control.launch(), control.frames(), loads.issued(), reader.commands.get(client),
                control.regs().port(RegisterMap.INPUT_BASE), LayerRuns.wordsPerRow("input_words",
                        mul(inputChunks, uintConst(block, widthFor(block))), actBits, wordBits), wordBits);
        WordSplitter splitter = child("input_blocks", new WordSplitter(wordBits, blockBits, COUNT_BITS));
        assign(splitter.clear, control.launch());
        assign(splitter.rowChunks, inputChunks.resize(COUNT_BITS));
        connect(splitter.words, reader.data.get(client));
        FifoPorts<Bits> queue = streamFifo("input_queue", hardType(() -> bits(channels * blockBits)),
                Math.max(2, blocks(config.dims().maxInputSize())));
        gatherChannels(splitter.chunks, queue.push(), blockBits);
        unused("input_queue_occupancy", queue.occupancy());
        Bool open = loads.weightsIn();
        assign(layer.inputs.valid(), and(queue.pop().valid(), open));
        assign(layer.inputs.payload(), queue.pop().payload());
        assign(queue.pop().ready(), and(layer.inputs.ready(), open));

        DdrWriter writer = child("writer", new DdrWriter(wordBits, config.memory().axiAddrBits(),
                config.memory().axiMaxBurstBeats(), config.memory().axiMaxOutstanding()));
        exposePorts(writer, EseAccelerator.MEMORY_PREFIX);
        unused("writer_error", writer.error);
        UInt outputChunks = named("output_chunks", mul(control.yBlocks(), uintConst(channels, widthFor(channels))));
        UInt outputWords = LayerRuns.wordsPerRow("output_words", mul(outputChunks, uintConst(block, widthFor(block))),
                actBits, wordBits);
        Bool commandsLeft = LayerRuns.perFrame("output", control.launch(), control.frames(), boolConst(true),
                writer.command, control.regs().port(RegisterMap.OUTPUT_BASE), outputWords, wordBits);
        ChunkPacker packer = child("output_packer", new ChunkPacker(blockBits, wordBits, COUNT_BITS));
        serializeChannels(layer.outputs, packer.chunk, blockBits);
        connect(writer.data, packer.word);
        Bool packed = LayerRuns.outputRows(control.launch(), control.frames(), packer, outputChunks, outputWords);
        return named("outputs_written", allOf(List.of(not(commandsLeft), packed, writer.idle, reader.idle)));
    }

    /**
     * C blocks from {@code blocks} (channel 0's first) into one beat of {@code beats} (channel ch's at bits [ch
     * blockBits, ...)): the first C - 1 held in registers, the last passed through; a block a cycle.
     */
    private void gatherChannels(Stream<Bits> blocks, Stream<Bits> beats, int blockBits) {
        if (channels == 1) {
            connect(beats, blocks);
            return;
        }
        int slotBits = widthFor(channels - 1);
        UInt slot = regInit("gather_slot", uint(slotBits), uintConst(0, slotBits));
        Bool last = named("gather_last", equal(slot, uintConst(channels - 1, slotBits)));
        List<Bits> parts = new ArrayList<>();
        for (int ch = 0; ch < channels - 1; ch++) {
            Bits held = reg("gather_block_" + ch, bits(blockBits));
            when(and(and(blocks.valid(), blocks.ready()), equal(slot, uintConst(ch, slotBits))),
                    () -> assign(held, blocks.payload()));
            parts.add(held);
        }
        parts.add(blocks.payload());
        assign(beats.valid(), and(blocks.valid(), last));
        assign(beats.payload(), concatLowFirst(parts));
        assign(blocks.ready(), or(not(last), beats.ready()));
        when(and(blocks.valid(), blocks.ready()), () -> assign(slot, mux(last, uintConst(0, slotBits),
                add(slot, uintConst(1, slotBits)))));
    }

    /** Each beat of {@code beats} (C blocks, channel 0's in the lowest bits) out as C {@code blocks}, a block a cycle. */
    private void serializeChannels(Stream<Bits> beats, Stream<Bits> blocks, int blockBits) {
        if (channels == 1) {
            connect(blocks, beats);
            return;
        }
        int slotBits = widthFor(channels - 1);
        UInt slot = regInit("serialize_slot", uint(slotBits), uintConst(0, slotBits));
        Bool last = named("serialize_last", equal(slot, uintConst(channels - 1, slotBits)));
        List<Bits> parts = new ArrayList<>();
        for (int ch = 0; ch < channels; ch++) {
            parts.add(slice(beats.payload(), ch * blockBits, blockBits));
        }
        assign(blocks.valid(), beats.valid());
        assign(blocks.payload(), select(slot, parts));
        assign(beats.ready(), and(blocks.ready(), last));
        when(and(blocks.valid(), blocks.ready()), () -> assign(slot, mux(last, uintConst(0, slotBits),
                add(slot, uintConst(1, slotBits)))));
    }

    /** Busy and done, the interrupt, and the counters. */
    private void finish(Control control, CirculantLayer layer, Loads loads, Bool written) {
        AxiLiteRegisters regs = control.regs();
        Bool busy = control.busy();
        Bool launch = control.launch();
        UInt framesDone = layer.counters.get(0);
        Bool ready = named("layer_ready", and(layer.ready, loads.weightsIn()));
        UInt cycles = LayerRuns.finish(regs, launch, busy, control.frames(), framesDone, ready, written);
        LayerRuns.worstFrame(regs, launch, framesDone, ready, cycles);
        EseAccelerator.count(regs, RegisterMap.STORE_LOAD_CYCLES, launch, and(busy, not(ready)));
        LayerRuns.held(regs, RegisterMap.CELL_STEP_CYCLES, busy, layer.counters.get(4));
        LayerRuns.held(regs, RegisterMap.GATE_MAC_CYCLES, busy, sinceLaunch("gate_mac", launch, layer.counters.get(2)));
        LayerRuns.held(regs, RegisterMap.PROJ_MAC_CYCLES, busy, sinceLaunch("proj_mac", launch, layer.counters.get(3)));
        unused("layer_cycles", layer.counters.get(1));
    }

    /** A counter that runs from reset, counted from the last launch. */
    private static UInt sinceLaunch(String name, Bool launch, UInt counter) {
        UInt base = regInit(name + "_at_launch", uint(counter.getWidth()), uintConst(0, counter.getWidth()));
        when(launch, () -> assign(base, counter));
        return named(name + "_since_launch", sub(counter, base));
    }

    private int blocks(int size) {
        return (size + block - 1) / block;
    }

    private static String validated(AcceleratorConfig config) {
        if (!config.circulantEngine()) {
            throw new EsegenException("CirculantAccelerator: the config's engine is " + config.engine().engine()
                    + "; this top is the circulant engine's (engine=2)");
        }
        config.requireCirculantAccelerator("the circulant accelerator");
        return NAME;
    }
}
