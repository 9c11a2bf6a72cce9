package org.esegen.hdl;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.allOf;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.anyOf;
import static org.esegen.hdl.spinal.Hdl.asBits;
import static org.esegen.hdl.spinal.Hdl.asSInt;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bits;
import static org.esegen.hdl.spinal.Hdl.blockRam;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.child;
import static org.esegen.hdl.spinal.Hdl.clampToWidth;
import static org.esegen.hdl.spinal.Hdl.concat;
import static org.esegen.hdl.spinal.Hdl.concatLowFirst;
import static org.esegen.hdl.spinal.Hdl.connect;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.exposePorts;
import static org.esegen.hdl.spinal.Hdl.hardType;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.ram;
import static org.esegen.hdl.spinal.Hdl.readSync;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.select;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.sint;
import static org.esegen.hdl.spinal.Hdl.sintConst;
import static org.esegen.hdl.spinal.Hdl.slice;
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
import org.esegen.compile.LaneRows;
import org.esegen.compile.RegisterMap;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.axi.AxiSignals;
import org.esegen.hdl.spinal.JavaComponent;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.AxiLiteRegisters;
import org.esegen.hdl.units.ChunkPacker;
import org.esegen.hdl.units.ColumnBroadcaster;
import org.esegen.hdl.units.DdrCommand;
import org.esegen.hdl.units.DdrReader;
import org.esegen.hdl.units.DdrWriter;
import org.esegen.hdl.units.Elementwise;
import org.esegen.hdl.units.EntryDistributor;
import org.esegen.hdl.units.InputLoader;
import org.esegen.hdl.units.PairSplitter;
import org.esegen.hdl.units.ParamLoader;
import org.esegen.hdl.units.PeSequencer;
import org.esegen.hdl.units.ProjectionGather;
import org.esegen.hdl.units.RowStore;
import org.esegen.hdl.units.RowUnpacker;
import org.esegen.hdl.units.Sequencer;
import spinal.core.Bits;
import spinal.core.Bool;
import spinal.core.Mem;
import spinal.core.SInt;
import spinal.core.UInt;
import spinal.lib.Stream;

/**
 * The sparse-LSTM accelerator of one {@link AcceleratorConfig}: N PEs per channel, C channels,
 * an AXI4 master to DDR holding the compiled image, an AXI4-Lite slave with the
 * {@link RegisterMap} registers. It runs ARCHITECTURE.md's data flow; the {@link Sequencer}
 * drives the phases of a run.
 *
 * <h2>Ports</h2>
 * Exactly: {@code clk}, {@code reset} (synchronous, active high), {@code interrupt}; the AXI4
 * master {@code m_axi_arvalid arready araddr arid[3:0] arlen[7:0] arsize[2:0] arburst[1:0]
 * rvalid rready rdata rid rresp rlast awvalid awready awaddr awid awlen awsize awburst wvalid
 * wready wdata wstrb wlast bvalid bready bid bresp} (data axiDataBits, addresses axiAddrBits);
 * the AXI4-Lite slave {@code s_axil_awvalid awready awaddr[11:0] wvalid wready wdata[31:0]
 * wstrb[3:0] bvalid bready bresp arvalid arready araddr[11:0] rvalid rready rdata[31:0] rresp}.
 * {@link #PORTS} lists the names in order.
 *
 * <h2>Data path</h2>
 * DDR read client 0 carries two-column pointer rows into the {@link ColumnBroadcaster}, through a
 * {@link PairSplitter} with broadcastColumns = 1, whole with 2 (then two columns go to the PEs a
 * cycle, each value source has a second read port, and each PE two activation queues), client 1 entry rows (a pair of entries per PE) into the
 * {@link EntryDistributor}, client 2 the BIAS and PEEPHOLES rows (into the {@link Elementwise}
 * RAMs through the {@link ParamLoader}) and then the INPUT rows (into the vector buffers through
 * the {@link InputLoader}); each through a {@link RowUnpacker}. The vector buffer of channel ch
 * holds x_t at 0 .. I-1 in one half and x_(t+1) loading in the other; y_(t-1) lives in per-PE y
 * buffers (y_j in PE j mod N's at row j / N). Column c's value in SpMV 1 is x_t[c] for c &lt; I,
 * else y_(c-I) (0 in frame 0); in SpMV 2 m of cell c, read from the element-wise unit of PE c mod N
 * at slot (c / N) G + that PE's index in the unit once the units have written it (G =
 * config.elementwiseGroup(); {@link ElementwiseGroups} maps PEs to units, interleaved so that m is
 * written in column order); the value path has latency 2 (RAM read, then a register after the source
 * multiplexer). Each PE p is a {@link PeSequencer}; G PEs share an {@link Elementwise} unit, which reads their
 * accumulator bank 0 during the element-wise step while SpMV 2 fills bank 1; after SpMV 2 the
 * {@link ProjectionGather} reads bank 1, L = config.gatherLanesUsed() PEs per cycle, and writes y
 * into the y buffers while SpMV 1 of the next frame runs (its y columns wait for the rows
 * written); from the y buffers the OUTPUT rows are read, N lanes at a time,
 * into a {@link ChunkPacker} that cuts them into words for the {@link DdrWriter}.
 *
 * <h2>Counters</h2>
 * All count from the start of a run (CYCLES while busy): DDR_STALL_CYCLES counts SpMV cycles in
 * which some PE waits for an entry while no entry row is offered and DDR owes entry words, or
 * the column broadcast waits for a pointer row DDR owes with no column on its way to the PEs;
 * QUEUE_STALL_CYCLES SpMV cycles in which a column waits for a full column queue;
 * MAC_CYCLES the sum over PEs of cycles in which the PE took entries (one, or padding folded with
 * the next; summed by a pipelined adder tree); ELEMENTWISE_CYCLES cycles in which SpMV 2 waits for
 * an m the element-wise step has not written yet; RECURRENT_WAIT_CYCLES cycles in which SpMV 1
 * waits for a y_(t-1) the gather has not written yet.
 */
public final class EseAccelerator extends JavaComponent {
    /** Verilog module name of the top. */
    public static final String NAME = "EseAccelerator";
    /** Prefix of the DDR AXI4 master's ports. */
    public static final String MEMORY_PREFIX = "m_axi_";
    /** Prefix of the register AXI4-Lite slave's ports. */
    public static final String REGISTERS_PREFIX = "s_axil_";
    /** AXI4 ID bits of the DDR master. */
    public static final int MEMORY_ID_BITS = DdrReader.ID_BITS;
    /** The names of the top's ports (the same for every config; widths follow the config). */
    public static final List<String> PORTS = portNames();

    /** The DDR master's widths for {@code config}. */
    public static AxiSignals.Widths memoryWidths(AcceleratorConfig config) {
        return new AxiSignals.Widths(config.memory().axiDataBits(), config.memory().axiAddrBits(), MEMORY_ID_BITS);
    }

    /** The register slave's widths: 32-bit data, {@link RegisterMap#ADDRESS_BITS} address bits. */
    public static final AxiSignals.Widths REGISTER_WIDTHS = new AxiSignals.Widths(AxiLiteRegisters.DATA_BITS,
            RegisterMap.ADDRESS_BITS, 0);

    private static List<String> portNames() {
        List<String> names = new ArrayList<>(List.of("clk", "reset", "interrupt"));
        AxiSignals.of(AxiSignals.Protocol.AXI4).forEach(s -> names.add(MEMORY_PREFIX + s.name()));
        AxiSignals.of(AxiSignals.Protocol.AXI4_LITE).forEach(s -> names.add(REGISTERS_PREFIX + s.name()));
        return List.copyOf(names);
    }

    /** Cycles from a value read of the column broadcast to its value. */
    static final int VALUE_LATENCY = 2;
    /** Cycles from a PE's {@code read_row} to its values. */
    static final int ACC_READ_LATENCY = 1;
    private static final int COUNTER_BITS = 64;

    /** The configuration every area reads. */
    private final AcceleratorConfig config;
    private final int pes;
    private final int channels;
    private final int actBits;
    /** Columns the broadcast sends per cycle, 1 or 2 ({@code broadcastColumns}). */
    private final int lanes;

    /**
     * @param config the configuration
     * @throws EsegenException if the configuration is outside what this top supports (a matrix of
     *                         more columns than a PE counts)
     */
    public EseAccelerator(AcceleratorConfig config) {
        super(validated(config));
        this.config = config;
        this.pes = config.pes();
        this.channels = config.channels();
        this.actBits = config.formats().actBits();
        this.lanes = config.pe().broadcastColumns();
        Control control = control();
        Memory memory = memory(control);
        Loaders loaders = loaders(control, memory);
        Cores cores = cores(control);
        Spmv spmv = spmv(control, memory, loaders, cores);
        YBuffers y = columnValues(control, loaders, cores, spmv);
        outputRows(control, memory, cores, y);
        counters(control, memory, cores, spmv, y.launch());
    }

    /**
     * The registers and the sequencer, and the register values the data path reads, narrowed.
     *
     * @param inputSize  I, maxInputSize bits wide
     * @param projSize   P
     * @param cellsPerPe ceil(H / N)
     */
    private record Control(AxiLiteRegisters regs, Sequencer seq, UInt inputSize, UInt projSize, UInt cellsPerPe) {
    }

    private Control control() {
        int maxInput = config.dims().maxInputSize();
        int maxProj = config.dims().maxProjSize();
        int maxCells = config.maxCellsPerPe();
        int addrBits = config.memory().axiAddrBits();
        AxiLiteRegisters regs = child("regs", new AxiLiteRegisters(addrBits));
        exposePorts(regs, REGISTERS_PREFIX);
        assign(outBool("interrupt"), regs.interrupt);
        Sequencer seq = child("sequencer", new Sequencer(config));
        assign(seq.start, regs.start);
        assign(regs.busy, seq.busy);
        assign(regs.done, seq.done);
        assign(regs.donePulse, seq.donePulse);
        assign(seq.inputSize, regs.port(RegisterMap.INPUT_SIZE));
        assign(seq.hiddenSize, regs.port(RegisterMap.HIDDEN_SIZE));
        assign(seq.projSize, regs.port(RegisterMap.PROJ_SIZE));
        assign(seq.frameCount, regs.port(RegisterMap.FRAME_COUNT));
        assign(seq.waEntryRows, regs.port(RegisterMap.WA_ENTRY_ROWS));
        assign(seq.whrEntryRows, regs.port(RegisterMap.WHR_ENTRY_ROWS));
        assign(seq.cellsPerPe, regs.port(RegisterMap.CELLS_PER_PE));
        assign(seq.waPointersBase, regs.port(RegisterMap.WA_POINTERS_BASE));
        assign(seq.waEntriesBase, regs.port(RegisterMap.WA_ENTRIES_BASE));
        assign(seq.whrPointersBase, regs.port(RegisterMap.WHR_POINTERS_BASE));
        assign(seq.whrEntriesBase, regs.port(RegisterMap.WHR_ENTRIES_BASE));
        assign(seq.biasBase, regs.port(RegisterMap.BIAS_BASE));
        assign(seq.peepholesBase, regs.port(RegisterMap.PEEPHOLES_BASE));
        assign(seq.inputBase, regs.port(RegisterMap.INPUT_BASE));
        assign(seq.outputBase, regs.port(RegisterMap.OUTPUT_BASE));
        // registered: the host writes the sizes before START, in earlier AXI-Lite writes, so the cycle of lag is
        // never seen, and the clamp's compare leaves the paths that use the sizes
        UInt inputSize = regNext("input_size", clampToWidth(regs.port(RegisterMap.INPUT_SIZE), widthFor(maxInput)));
        UInt projSize = regNext("proj_size", clampToWidth(regs.port(RegisterMap.PROJ_SIZE), widthFor(maxProj)));
        UInt cellsPerPe = regNext("cells_per_pe",
                clampToWidth(regs.port(RegisterMap.CELLS_PER_PE), widthFor(maxCells)));
        return new Control(regs, seq, inputSize, projSize, cellsPerPe);
    }

    /** The AXI4 master (reader and writer, their command ports wired to the sequencer) and the row unpackers. */
    private record Memory(DdrReader reader, DdrWriter writer, RowUnpacker pointerRows, RowUnpacker entryRows,
                          RowUnpacker paramRows) {
    }

    private Memory memory(Control control) {
        Sequencer seq = control.seq();
        int wordBits = config.memory().axiDataBits();
        int addrBits = config.memory().axiAddrBits();
        int maxBurst = config.memory().axiMaxBurstBeats();
        DdrReader reader = child("reader", new DdrReader(wordBits, addrBits, Sequencer.CLIENTS, maxBurst,
                config.memory().axiMaxOutstanding(), clientFifoBeats(config)));
        exposePorts(reader, MEMORY_PREFIX);
        DdrWriter writer = child("writer", new DdrWriter(wordBits, addrBits, maxBurst,
                config.memory().axiMaxOutstanding()));
        exposePorts(writer, MEMORY_PREFIX);
        for (int k = 0; k < Sequencer.CLIENTS; k++) {
            DdrCommand.connect(seq.readCommands.get(k).port, reader.commands.get(k));
        }
        DdrCommand.connect(seq.writeCommand.port, writer.command);
        assign(seq.memoryIdle, and(reader.idle, writer.idle));
        unused("reader_error", reader.error);
        unused("writer_error", writer.error);
        unused("input_starved", reader.starved.get(2));

        RowUnpacker pointerRows = child("pointer_rows", new RowUnpacker("PointerRowUnpacker",
                ImageLayout.pointerPacking(pes, config.formats().ptrBits(), wordBits), false));
        RowUnpacker entryRows = child("entry_rows", new RowUnpacker("EntryRowUnpacker",
                ImageLayout.entryPacking(pes, config.entryBits(), wordBits), false));
        int paramLanes = Math.max(pes, config.dims().maxInputSize());
        RowUnpacker paramRows = child("param_rows", new RowUnpacker("ParamRowUnpacker",
                new LaneRows(paramLanes, actBits, wordBits), true));
        connect(pointerRows.words, reader.data.get(0));
        connect(entryRows.words, reader.data.get(1));
        connect(paramRows.words, reader.data.get(2));
        return new Memory(reader, writer, pointerRows, entryRows, paramRows);
    }

    /** Read client 2's rows: the loaders of the 7 cpp parameter rows, then of the input rows. */
    private record Loaders(ParamLoader params, InputLoader inputs) {
    }

    private Loaders loaders(Control control, Memory memory) {
        Sequencer seq = control.seq();
        UInt cellsPerPe = control.cellsPerPe();
        RowUnpacker paramRows = memory.paramRows();
        int maxInput = config.dims().maxInputSize();
        int paramWords = new LaneRows(pes, actBits, config.memory().axiDataBits()).wordsPerRow();
        ParamLoader params = child("params", new ParamLoader(pes, actBits, config.maxCellsPerPe()));
        InputLoader inputs = child("inputs", new InputLoader(channels, actBits, maxInput));
        int paramRowBits = cellsPerPe.getWidth() + 3;
        UInt paramRowsLeft = regInit("param_rows_left", uint(paramRowBits), uintConst(0, paramRowBits));
        // param_phase == (param_rows_left != 0), kept as a register: it gates the wide input-row path
        Bool paramPhase = regInit("param_phase", bool(), boolConst(false));
        assign(paramRows.rowWords, mux(paramPhase, uintConst(paramWords, paramRows.rowWords.getWidth()),
                seq.inputWords.resize(paramRows.rowWords.getWidth())));
        assign(params.rows.valid(), and(paramRows.rows.valid(), paramPhase));
        assign(params.rows.payload(), slice(paramRows.rows.payload(), 0, pes * actBits));
        assign(inputs.rows.valid(), and(paramRows.rows.valid(), not(paramPhase)));
        assign(inputs.rows.payload(), slice(paramRows.rows.payload(), 0, maxInput * actBits));
        assign(paramRows.rows.ready(), mux(paramPhase, params.rows.ready(), inputs.rows.ready()));
        when(and(and(paramRows.rows.valid(), paramRows.rows.ready()), paramPhase), () -> {
            assign(paramRowsLeft, sub(paramRowsLeft, uintConst(1, paramRowBits)));
            assign(paramPhase, not(equal(paramRowsLeft, uintConst(1, paramRowBits))));
        });
        when(seq.paramsStart, () -> {
            assign(paramRowsLeft, mul(cellsPerPe, uintConst(7, 3)));
            assign(paramPhase, not(equal(cellsPerPe, uintConst(0, cellsPerPe.getWidth()))));
        });
        assign(params.start, seq.paramsStart);
        assign(params.cellsPerPe, cellsPerPe.resize(params.cellsPerPe.getWidth()));
        assign(seq.paramsBusy, params.busy);
        assign(inputs.start, seq.inputStart);
        assign(inputs.inputSize, control.inputSize());
        assign(seq.inputBusy, inputs.busy);
        return new Loaders(params, inputs);
    }

    /**
     * The PEs, the element-wise units they share (G PEs each, mapped by {@code groups}), the y gather, and the two
     * rescaling shifts.
     */
    private record Cores(List<PeSequencer> pes, List<Elementwise> elementwise, ElementwiseGroups groups,
                         ProjectionGather gather, UInt waShift, UInt whrShift) {
    }

    private Cores cores(Control control) {
        AxiLiteRegisters regs = control.regs();
        int maxCells = config.maxCellsPerPe();
        int ptrBits = config.formats().ptrBits();
        int maxProj = config.dims().maxProjSize();
        List<PeSequencer> peUnits = new ArrayList<>();
        List<Elementwise> ewUnits = new ArrayList<>();
        Elementwise.Arithmetic arithmetic = Elementwise.Arithmetic.of(config);
        ElementwiseGroups groups = ElementwiseGroups.of(config);
        for (int p = 0; p < pes; p++) {
            peUnits.add(child("pe_" + p, new PeSequencer(channels, config.formats().weightBits(),
                    config.formats().indexBits(), actBits, config.pe().accBits(), 4 * maxCells,
                    Math.max(2, config.maxProjRowsPerPe()), ptrBits,
                    config.pe().actQueueDepth(), config.pe().entryFifoDepth(), lanes,
                    config.pe().dsp() ? AccumulatorLane.Mac.DSP48E2 : AccumulatorLane.Mac.FABRIC,
                    config.pe().accumulatorBramChannels())));
        }
        for (int u = 0; u < groups.units(); u++) {
            ewUnits.add(child("ew_" + u, new Elementwise(channels, groups.group(), maxCells, config.pe().accBits(),
                    ProjectionGather.SHIFT_BITS, ACC_READ_LATENCY, arithmetic, config.pe().gru(), lanes)));
        }
        int gatherLanes = config.gatherLanesUsed();
        ProjectionGather gather = child("gather", new ProjectionGather(pes, gatherLanes, channels, config.pe().accBits(),
                actBits, maxProj, peUnits.get(0).readRow.getWidth(), ACC_READ_LATENCY));
        UInt waShift = named("wa_shift", clampToWidth(regs.port(RegisterMap.WA_FRAC_BITS), ProjectionGather.SHIFT_BITS));
        UInt whrShift = named("whr_shift",
                clampToWidth(regs.port(RegisterMap.WHR_FRAC_BITS), ProjectionGather.SHIFT_BITS));
        return new Cores(peUnits, ewUnits, groups, gather, waShift, whrShift);
    }

    /**
     * The rows a matrix consumer takes: the DDR rows themselves, or with the on-chip weight store
     * ({@code weightStore = 1}) a {@link RowStore} that keeps a run's first frame of them and replays it.
     */
    private Stream<Bits> weightRows(String instance, String module, Stream<Bits> ddrRows, int depth, UInt rowsPerFrame,
                                    UInt frames, Bool launch) {
        if (!config.onchipWeights()) {
            return ddrRows;
        }
        RowStore store = child(instance, new RowStore(module, ddrRows.payload().getWidth(), depth));
        connect(store.rowsIn, ddrRows);
        assign(store.launch, launch);
        assign(store.rowsPerFrame, rowsPerFrame);
        assign(store.frames, clampToWidth(frames, RowStore.FRAME_BITS));
        return store.rowsOut;
    }

    /**
     * The SpMV: pointer rows to the column broadcast, entry rows to the PEs, each PE wired to its
     * element-wise unit and to the gather, and the value limits that let SpMV 2 read an m and SpMV 1 a
     * y_(t-1) only once written.
     */
    private record Spmv(ColumnBroadcaster broadcaster, EntryDistributor distributor) {
    }

    private Spmv spmv(Control control, Memory memory, Loaders loaders, Cores cores) {
        Sequencer seq = control.seq();
        UInt inputSize = control.inputSize();
        UInt cellsPerPe = control.cellsPerPe();
        ParamLoader params = loaders.params();
        List<PeSequencer> peUnits = cores.pes();
        List<Elementwise> ewUnits = cores.elementwise();
        ProjectionGather gather = cores.gather();
        int ptrBits = config.formats().ptrBits();
        int entryBits = config.entryBits();
        ElementwiseGroups groups = cores.groups();
        ColumnBroadcaster broadcaster = child("broadcaster", new ColumnBroadcaster(pes, channels, ptrBits, actBits,
                Sequencer.maxColumns(config), VALUE_LATENCY, lanes));
        EntryDistributor distributor = child("distributor", new EntryDistributor(pes,
                ImageLayout.ENTRIES_PER_PE_ROW * entryBits));
        Stream<Bits> pointerPairs = weightRows("pointer_store", "PointerRowStore", memory.pointerRows().rows,
                config.onchipPointerRows(), seq.pointerRowsPerFrame, seq.frameCount, seq.launched);
        if (lanes == 2) {
            connect(broadcaster.pointers, pointerPairs);
        } else {
            PairSplitter pointerSplitter = child("pointer_splitter", new PairSplitter(pes * ptrBits,
                    seq.spmvColumns.getWidth() + 1));
            connect(pointerSplitter.pairs, pointerPairs);
            connect(broadcaster.pointers, pointerSplitter.singles);
            assign(pointerSplitter.start, seq.spmvStart);
            assign(pointerSplitter.rows, add(seq.spmvColumns.resize(seq.spmvColumns.getWidth() + 1),
                    uintConst(1, seq.spmvColumns.getWidth() + 1)));
        }
        connect(distributor.rows, weightRows("entry_store", "EntryRowStore", memory.entryRows().rows,
                config.onchipEntryRows(), seq.entryRowsPerFrame, seq.frameCount, seq.launched));
        assign(broadcaster.start, seq.spmvStart);
        assign(broadcaster.columns, seq.spmvColumns);
        UInt mColumns = named("m_columns", groups.columnsDone(ewUnits.get(0).cellsDone));
        int limitBits = broadcaster.valueLimit.getWidth();
        // SpMV 1 reads y_(t-1) as the gather (running alongside) writes it: rows_done rows of every PE
        UInt gatheredRows = mul(gather.rowsDone, uintConst(pes, widthFor(pes)));
        int yBits = Math.max(limitBits, gatheredRows.getWidth()) + 1;
        UInt yColumns = named("y_columns", add(inputSize.resize(yBits), gatheredRows.resize(yBits)));
        assign(broadcaster.valueLimit, mux(seq.spmvProjection, clampToWidth(mColumns, limitBits),
                mux(seq.spmvFirstFrame, uintConst((1L << limitBits) - 1, limitBits), clampToWidth(yColumns, limitBits))));
        assign(broadcaster.restartColumn, mux(seq.spmvProjection, uintConst(0, broadcaster.restartColumn.getWidth()),
                inputSize.resize(broadcaster.restartColumn.getWidth())));
        List<Bool> pesDone = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            PeSequencer pe = peUnits.get(p);
            Elementwise ew = ewUnits.get(groups.unitOf(p));
            int index = groups.indexOf(p);
            List<Bits> column = new ArrayList<>();
            column.add(broadcaster.columnStreams.get(p).payload());
            broadcaster.columnValues.forEach(lane -> lane.forEach(value -> column.add(asBits(value))));
            assign(pe.column.valid(), broadcaster.columnStreams.get(p).valid());
            assign(pe.column.payload(), concatLowFirst(column));
            assign(broadcaster.columnStreams.get(p).ready(), pe.column.ready());
            connect(pe.entry, distributor.entries.get(p));
            assign(pe.start, seq.spmvStart);
            assign(pe.columnCount, seq.spmvColumns.resize(pe.columnCount.getWidth()));
            assign(pe.entryRows, clampToWidth(seq.spmvRows, pe.entryRows.getWidth()));
            assign(pe.projection, seq.spmvProjection);
            // registered: the PE's done comes from its queue pointers; the broadcaster's busy covers the
            // cycle this adds after a start
            pesDone.add(regNext("pe_done_q_" + p, pe.done, boolConst(true)));

            assign(pe.readRow, mux(gather.busy, gather.accReadRow, ew.accReadRow.resize(pe.readRow.getWidth())));
            for (int ch = 0; ch < channels; ch++) {
                assign(ew.accReadValue.get(index).get(ch), pe.readValues.get(0).get(ch));
                assign(gather.accReadValues.get(p).get(ch), pe.readValues.get(1).get(ch));
            }
            assign(ew.accReadValid.get(index), pe.readValid.get(0));
            assign(gather.accReadValid.get(p), pe.readValid.get(1));
            assign(ew.biasWriteData.get(index), params.writeData.get(p));
            assign(ew.peepWriteData.get(index), params.writeData.get(p));
        }
        for (int u = 0; u < ewUnits.size(); u++) {
            for (int index = 0; index < groups.group(); index++) {
                if (groups.peAt(u, index) < pes) {
                    continue;
                }
                // slots of PEs past N: zero accumulators and parameters; their c and m are never read
                Elementwise ew = ewUnits.get(u);
                for (int ch = 0; ch < channels; ch++) {
                    assign(ew.accReadValue.get(index).get(ch), sintConst(0, config.pe().accBits()));
                }
                assign(ew.accReadValid.get(index), boolConst(false));
                assign(ew.biasWriteData.get(index), sintConst(0, actBits));
                assign(ew.peepWriteData.get(index), sintConst(0, actBits));
            }
        }
        int slotBits = ewUnits.get(0).mReadAddr.get(0).getWidth();
        List<UInt> mReadSlots = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            ColumnBroadcaster.ValuePort port = broadcaster.reads.get(lane);
            String prefix = lane == 0 ? "" : "second_";
            if (groups.group() > 1 && port.cell().getWidth() > slotBits) {
                // the cell count's high bits serve SpMV 1's y rows only, which may need none (one y row)
                unused(prefix + "value_cell_high", slice(port.cell(), slotBits, port.cell().getWidth() - slotBits));
            }
            UInt cell = groups.group() > 1 ? port.cell().resize(slotBits) : port.cell();
            mReadSlots.add(named(prefix + "m_read_slot", clampToWidth(groups.slotOf(cell, port.pe()), slotBits)));
        }
        for (Elementwise ew : ewUnits) {
            assign(ew.biasWriteValid, params.biasWriteValid);
            assign(ew.biasWriteAddr, params.biasWriteAddr.resize(ew.biasWriteAddr.getWidth()));
            assign(ew.peepWriteValid, params.peepWriteValid);
            assign(ew.peepWriteAddr, params.peepWriteAddr.resize(ew.peepWriteAddr.getWidth()));
            assign(ew.resetState, seq.ewReset);
            assign(ew.start, seq.ewStart);
            assign(ew.cells, cellsPerPe.resize(ew.cells.getWidth()));
            assign(ew.fracShift, cores.waShift().resize(ew.fracShift.getWidth()));
            for (int lane = 0; lane < lanes; lane++) {
                assign(ew.mReadAddr.get(lane), mReadSlots.get(lane));
            }
        }
        assign(seq.spmvBusy, or(broadcaster.busy, not(allOf(pesDone))));
        assign(seq.ewBusy, anyOf(ewUnits.stream().map(ew -> not(ew.ready)).toList()));
        ewUnits.forEach(ew -> unused(ew.getName() + "_done", ew.done));
        return new Spmv(broadcaster, distributor);
    }

    /**
     * One broadcast lane's read of a column value, decoded: the x vector address, the y row, and,
     * registered to the read's data cycle, the PE and element-wise unit holding the value and
     * whether it is an input (x) or a zero (y_(-1)).
     *
     * @param readsY the lane reads the y buffers this cycle (SpMV 1, a recurrent column)
     */
    private record LaneRead(String prefix, UInt vectorAddress, UInt yRow, Bool readsY, UInt peAtRead,
                            UInt unitAtRead, Bool inputAtRead, Bool zeroAtRead) {
    }

    private LaneRead laneRead(String prefix, ColumnBroadcaster.ValuePort port, Control control, Bool readHalf,
                              int vectorBits, int yRowBits, ElementwiseGroups groups) {
        Sequencer seq = control.seq();
        int columnBits = port.column().getWidth();
        UInt vectorAddress = named(prefix + "input_read_address", concat(readHalf, port.column().resize(vectorBits)));
        UInt peAtRead = regNext(prefix + "value_pe_q", port.pe());
        UInt unitAtRead = named(prefix + "value_unit_q", groups.unitOf(peAtRead));
        Bool isInput = lessThan(port.column(), control.inputSize().resize(columnBits));
        Bool inputAtRead = regNext(prefix + "value_input_q", isInput);
        Bool zeroAtRead = regNext(prefix + "value_zero_q", and(seq.spmvFirstFrame, not(isInput)));
        Bool readsY = named(prefix + "broadcast_reads_y", and(and(port.read(), not(isInput)), not(seq.spmvProjection)));
        return new LaneRead(prefix, vectorAddress, clampToWidth(port.cell(), yRowBits), readsY, peAtRead, unitAtRead,
                inputAtRead, zeroAtRead);
    }

    /**
     * The column values: x from the vector buffers (double buffered: frame t+1's input loads into one
     * half while SpMV 1 reads frame t's), y_(t-1) from the PEs' y buffers, m from the element-wise
     * units; and the y buffers' shared read port, which the OUTPUT rows use in cycles the broadcast
     * does not.
     *
     * @param launch        a start accepted while idle
     * @param outChunks     per channel, the y buffers' row as read (N lanes)
     * @param outRow        the OUTPUT row to read next
     * @param outRead       read the OUTPUT row (driven by {@link #outputRows})
     * @param broadcastReadsY the column broadcast reads the y buffers this cycle
     */
    private record YBuffers(Bool launch, List<Bits> outChunks, UInt outRow, Bool outRead, Bool broadcastReadsY) {
    }

    private YBuffers columnValues(Control control, Loaders loaders, Cores cores, Spmv spmv) {
        AxiLiteRegisters regs = control.regs();
        Sequencer seq = control.seq();
        InputLoader inputs = loaders.inputs();
        List<Elementwise> ewUnits = cores.elementwise();
        ProjectionGather gather = cores.gather();
        ColumnBroadcaster broadcaster = spmv.broadcaster();
        int maxInput = config.dims().maxInputSize();
        ElementwiseGroups groups = cores.groups();
        int gatherLanes = config.gatherLanesUsed();
        int vectorBits = widthFor(maxInput - 1);
        // x double buffer: frame t+1's input loads into one half while SpMV 1 reads frame t's
        Bool launch = named("launch", and(regs.start, not(seq.busy)));
        // each flips at its job's start; a launch (some cycles before the first) sets both so that
        // the first input and the first SpMV 1 use half 0
        Bool writeHalf = regInit("input_write_half", bool(), boolConst(true));
        Bool readHalf = regInit("input_read_half", bool(), boolConst(true));
        when(seq.inputStart, () -> assign(writeHalf, not(writeHalf)));
        when(and(seq.spmvStart, not(seq.spmvProjection)), () -> assign(readHalf, not(readHalf)));
        when(launch, () -> {
            assign(writeHalf, boolConst(true));
            assign(readHalf, boolConst(true));
        });
        UInt writeAddress = named("input_write_address", concat(writeHalf, inputs.writeIndex.resize(vectorBits)));
        int yRows = config.maxProjRowsPerPe();
        int yRowBits = widthFor(yRows - 1);
        List<LaneRead> laneReads = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            laneReads.add(laneRead(lane == 0 ? "" : "second_", broadcaster.reads.get(lane), control, readHalf,
                    vectorBits, yRowBits, groups));
        }
        UInt yWriteRow = clampToWidth(gather.yRow, yRowBits);
        // the gather writes PEs kL .. kL + L - 1 when it shows group k
        List<Bool> yWrite = new ArrayList<>();
        for (int k = 0; k * gatherLanes < pes; k++) {
            yWrite.add(named("y_write_" + k, and(gather.yValid,
                    equal(gather.yGroup, uintConst(k, gather.yGroup.getWidth())))));
        }
        // the OUTPUT rows are read from the y buffers too, one row of every PE per read, through lane 0's
        // read port in cycles the column broadcast does not read it
        UInt outRow = regInit("output_row", uint(yRowBits), uintConst(0, yRowBits));
        Bool outRead = named("output_read", bool());
        Bool broadcastReadsY = laneReads.get(0).readsY();
        List<UInt> yAddresses = new ArrayList<>();
        List<Bool> yReads = new ArrayList<>();
        yAddresses.add(named("y_read_address", mux(broadcastReadsY, laneReads.get(0).yRow(), outRow)));
        yReads.add(named("y_read", or(broadcastReadsY, outRead)));
        for (int lane = 1; lane < lanes; lane++) {
            yAddresses.add(laneReads.get(lane).yRow());
            yReads.add(laneReads.get(lane).readsY());
        }
        List<Bits> outChunks = new ArrayList<>();
        // PE p's y buffer holds y_(rN + p) of every channel in word r (the channels run in lockstep);
        // yWords.get(lane).get(p) is PE p's word as the lane's port reads it
        List<List<Bits>> yWords = new ArrayList<>();
        laneReads.forEach(read -> yWords.add(new ArrayList<>()));
        for (int p = 0; p < pes; p++) {
            Mem<Bits> y = ram("y_" + p, hardType(() -> bits(channels * actBits)), yRows);
            for (int lane = 0; lane < lanes; lane++) {
                yWords.get(lane).add(named(laneReads.get(lane).prefix() + "y_word_" + p,
                        readSync(y, yAddresses.get(lane), yReads.get(lane))));
            }
            List<SInt> gathered = gather.yValues.get(p % gatherLanes);
            write(y, yWriteRow, concatLowFirst(gathered), yWrite.get(p / gatherLanes));
        }
        for (int ch = 0; ch < channels; ch++) {
            Mem<SInt> vector = blockRam("vector_" + ch, hardType(() -> sint(actBits)), 2 << vectorBits);
            UInt channelIndex = uintConst(ch, inputs.writeChannel.getWidth());
            Bool inputWrite = and(inputs.writeValid, equal(inputs.writeChannel, channelIndex));
            write(vector, writeAddress, inputs.writeValue, inputWrite);
            List<Bits> outLanes = new ArrayList<>();
            for (int p = 0; p < pes; p++) {
                outLanes.add(slice(yWords.get(0).get(p), ch * actBits, actBits));
            }
            outChunks.add(concatLowFirst(outLanes));
            for (int lane = 0; lane < lanes; lane++) {
                LaneRead read = laneReads.get(lane);
                int channel = ch;
                int port = lane;
                SInt fromVector = readSync(vector, read.vectorAddress(), broadcaster.reads.get(lane).read());
                List<SInt> fromY = new ArrayList<>();
                for (int p = 0; p < pes; p++) {
                    fromY.add(asSInt(slice(yWords.get(lane).get(p), ch * actBits, actBits)));
                }
                SInt fromM = ewUnits.size() == 1 ? ewUnits.get(0).mReadValue.get(port).get(channel)
                        : select(read.unitAtRead(), ewUnits.stream().map(ew -> ew.mReadValue.get(port).get(channel)).toList());
                SInt recurrent = mux(read.zeroAtRead(), sintConst(0, actBits), select(read.peAtRead(), fromY));
                SInt value = mux(seq.spmvProjection, fromM, mux(read.inputAtRead(), fromVector, recurrent));
                assign(broadcaster.reads.get(lane).values().get(ch), regNext(read.prefix() + "column_value_" + ch, value));
            }
        }
        return new YBuffers(launch, outChunks, outRow, outRead, broadcastReadsY);
    }

    /** The y gather's control and the OUTPUT rows: channel by channel, ceil(P/N) chunks of N lanes from the y buffers. */
    private void outputRows(Control control, Memory memory, Cores cores, YBuffers y) {
        AxiLiteRegisters regs = control.regs();
        Sequencer seq = control.seq();
        ProjectionGather gather = cores.gather();
        UInt outRow = y.outRow();
        Bool outRead = y.outRead();
        int wordBits = config.memory().axiDataBits();
        int yRows = config.maxProjRowsPerPe();
        int yRowBits = widthFor(yRows - 1);
        int channelBits = widthFor(channels - 1);
        assign(gather.start, seq.gatherStart);
        assign(gather.projSize, control.projSize());
        assign(gather.fracShift, cores.whrShift());
        assign(seq.gatherBusy, gather.busy);
        int countBits = Math.max(widthFor(yRows), seq.outputWords.getWidth());
        ChunkPacker outputPacker = child("output_packer", new ChunkPacker(pes * actBits, wordBits, countBits));
        connect(memory.writer().data, outputPacker.word);
        UInt outRows = named("output_rows", clampToWidth(regs.port(RegisterMap.PROJ_ROWS_PER_PE), countBits));
        Bool sending = regInit("sending", bool(), boolConst(false));
        Bool rowStart = regInit("output_row_start", bool(), boolConst(false));
        UInt sendChannel = regInit("send_channel", uint(channelBits), uintConst(0, channelBits));
        UInt rowsLeft = regInit("output_rows_left", uint(countBits), uintConst(0, countBits));
        Bool held = regInit("output_held", bool(), boolConst(false));
        // a row read in cycle t is on the RAM outputs in t+1 and in output_chunk from t+2 (the port is
        // shared, so it is kept in a register); one read at a time
        Bool fetched = regNext("output_fetched", outRead, boolConst(false));
        Bits outChunk = reg("output_chunk", bits(pes * actBits));
        Bool rowsRemain = named("output_rows_remain", not(equal(rowsLeft, uintConst(0, countBits))));
        assign(outputPacker.chunk.valid(), held);
        assign(outputPacker.chunk.payload(), outChunk);
        assign(outRead, and(and(rowsRemain, not(fetched)),
                and(or(not(held), outputPacker.chunk.ready()), not(y.broadcastReadsY()))));
        assign(outputPacker.start, rowStart);
        assign(outputPacker.chunks, outRows);
        assign(outputPacker.words, seq.outputWords.resize(countBits));
        when(outRead, () -> {
            assign(outRow, add(outRow, uintConst(1, yRowBits)));
            assign(rowsLeft, sub(rowsLeft, uintConst(1, countBits)));
        });
        when(fetched, () -> {
            assign(outChunk, select(sendChannel, y.outChunks()));
            assign(held, boolConst(true));
        }).elseWhen(outputPacker.chunk.ready(), () -> assign(held, boolConst(false)));
        assign(rowStart, boolConst(false));
        Bool channelDone = named("output_channel_done", and(and(and(sending, not(rowStart)), not(rowsRemain)),
                and(and(not(held), not(fetched)), not(outputPacker.busy))));
        when(channelDone, () -> {
            assign(sendChannel, add(sendChannel, uintConst(1, channelBits)));
            when(equal(sendChannel, uintConst(channels - 1, channelBits)), () -> assign(sending, boolConst(false)))
                    .otherwise(() -> {
                        assign(rowStart, boolConst(true));
                        assign(rowsLeft, outRows);
                        assign(outRow, uintConst(0, yRowBits));
                    });
        });
        when(seq.outputStart, () -> {
            assign(sending, boolConst(true));
            assign(rowStart, boolConst(true));
            assign(sendChannel, uintConst(0, channelBits));
            assign(rowsLeft, outRows);
            assign(outRow, uintConst(0, yRowBits));
        });
        assign(seq.outputBusy, sending);
    }

    /** The run's cycle, stall and MAC counters (see the class comment), cleared at {@code launch}. */
    private void counters(Control control, Memory memory, Cores cores, Spmv spmv, Bool launch) {
        AxiLiteRegisters regs = control.regs();
        Sequencer seq = control.seq();
        DdrReader reader = memory.reader();
        List<PeSequencer> peUnits = cores.pes();
        ColumnBroadcaster broadcaster = spmv.broadcaster();
        EntryDistributor distributor = spmv.distributor();
        Bool entryStall = named("entry_stall", and(and(anyOf(peUnits.stream().map(pe -> pe.stallEmptyEntry).toList()),
                distributor.starved), reader.starved.get(1)));
        Bool pointerStall = named("pointer_stall", and(broadcaster.pointerWait, reader.starved.get(0)));
        count(regs, RegisterMap.CYCLES, launch, seq.busy);
        count(regs, RegisterMap.DDR_STALL_CYCLES, launch, and(seq.inSpmv, or(entryStall, pointerStall)));
        count(regs, RegisterMap.QUEUE_STALL_CYCLES, launch, and(seq.inSpmv, broadcaster.queueWait));
        count(regs, RegisterMap.ELEMENTWISE_CYCLES, launch, and(broadcaster.valueWait, seq.spmvProjection));
        count(regs, RegisterMap.RECURRENT_WAIT_CYCLES, launch, and(broadcaster.valueWait, not(seq.spmvProjection)));
        List<UInt> macSteps = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            Bool stepped = regNext("mac_step_q_" + p, and(peUnits.get(p).macStep, seq.busy), boolConst(false));
            macSteps.add(mux(stepped, uintConst(1, 1), uintConst(0, 1)));
        }
        UInt macTotal = regInit("mac_total", uint(COUNTER_BITS), uintConst(0, COUNTER_BITS));
        UInt macSum = named("mac_sum", pipelinedSumTree("mac_sum", macSteps));
        assign(macTotal, add(macTotal, macSum.resize(COUNTER_BITS)));
        when(launch, () -> assign(macTotal, uintConst(0, COUNTER_BITS)));
        assign(regs.port(RegisterMap.MAC_CYCLES), macTotal);
    }

    /**
     * A 64-bit counter of cycles with {@code event} high, cleared at {@code launch}, into {@code register};
     * the counter (the delta engine's top counts the same way).
     */
    static UInt count(AxiLiteRegisters regs, RegisterMap.Register register, Bool launch, Bool event) {
        UInt counter = regInit(register.name().toLowerCase() + "_count", uint(COUNTER_BITS),
                uintConst(0, COUNTER_BITS));
        when(event, () -> assign(counter, add(counter, uintConst(1, COUNTER_BITS))));
        when(launch, () -> assign(counter, uintConst(0, COUNTER_BITS)));
        assign(regs.port(register), counter);
        return counter;
    }

    /**
     * The sum of {@code terms}, added as a balanced tree with a register after every level (latency
     * ceil(log2(terms)) cycles, one adder deep per cycle), wide enough never to overflow.
     */
    private static UInt pipelinedSumTree(String name, List<UInt> terms) {
        List<UInt> level = terms;
        for (int depth = 0; level.size() > 1; depth++) {
            List<UInt> next = new ArrayList<>();
            for (int k = 0; k + 1 < level.size(); k += 2) {
                int width = Math.max(level.get(k).getWidth(), level.get(k + 1).getWidth()) + 1;
                next.add(regNext(name + "_" + depth + "_" + k / 2,
                        add(level.get(k).resize(width), level.get(k + 1).resize(width)), uintConst(0, width)));
            }
            if (level.size() % 2 == 1) {
                UInt odd = level.get(level.size() - 1);
                next.add(regNext(name + "_" + depth + "_" + level.size() / 2, odd, uintConst(0, odd.getWidth())));
            }
            level = next;
        }
        return level.get(0);
    }

    /** Words of each DDR read client's buffer: two bursts and 64 words of memory latency. */
    static int clientFifoBeats(AcceleratorConfig config) {
        return 2 * config.memory().axiMaxBurstBeats() + 64;
    }

    private static String validated(AcceleratorConfig config) {
        int maxColumns = Sequencer.maxColumns(config);
        if (maxColumns >= 1 << PeSequencer.COLUMN_COUNT_BITS) {
            throw new EsegenException("EseAccelerator: a matrix of up to " + maxColumns
                    + " columns (max(maxInputSize + maxProjSize, maxHiddenSize)) exceeds the PE column counter of "
                    + PeSequencer.COLUMN_COUNT_BITS + " bits; lower the dims below " + (1 << PeSequencer.COLUMN_COUNT_BITS));
        }
        return NAME;
    }
}
