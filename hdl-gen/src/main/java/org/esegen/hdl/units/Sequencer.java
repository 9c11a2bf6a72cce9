package org.esegen.hdl.units;

import static org.esegen.hdl.spinal.Hdl.add;
import static org.esegen.hdl.spinal.Hdl.and;
import static org.esegen.hdl.spinal.Hdl.anyOf;
import static org.esegen.hdl.spinal.Hdl.assign;
import static org.esegen.hdl.spinal.Hdl.bool;
import static org.esegen.hdl.spinal.Hdl.boolConst;
import static org.esegen.hdl.spinal.Hdl.clampToWidth;
import static org.esegen.hdl.spinal.Hdl.equal;
import static org.esegen.hdl.spinal.Hdl.inBool;
import static org.esegen.hdl.spinal.Hdl.inUInt;
import static org.esegen.hdl.spinal.Hdl.lessThan;
import static org.esegen.hdl.spinal.Hdl.mul;
import static org.esegen.hdl.spinal.Hdl.mux;
import static org.esegen.hdl.spinal.Hdl.named;
import static org.esegen.hdl.spinal.Hdl.not;
import static org.esegen.hdl.spinal.Hdl.or;
import static org.esegen.hdl.spinal.Hdl.outBool;
import static org.esegen.hdl.spinal.Hdl.outUInt;
import static org.esegen.hdl.spinal.Hdl.reg;
import static org.esegen.hdl.spinal.Hdl.regInit;
import static org.esegen.hdl.spinal.Hdl.regNext;
import static org.esegen.hdl.spinal.Hdl.shiftLeft;
import static org.esegen.hdl.spinal.Hdl.shiftRight;
import static org.esegen.hdl.spinal.Hdl.slice;
import static org.esegen.hdl.spinal.Hdl.sub;
import static org.esegen.hdl.spinal.Hdl.uint;
import static org.esegen.hdl.spinal.Hdl.uintConst;
import static org.esegen.hdl.spinal.Hdl.when;
import static org.esegen.hdl.spinal.Hdl.widthFor;

import java.util.ArrayList;
import java.util.List;

import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.spinal.JavaComponent;
import spinal.core.Bool;
import spinal.core.UInt;

/**
 * The run sequencer of the accelerator (ARCHITECTURE.md, "Sequencer"): it walks the phases of a
 * run, starting each job and waiting for it, and issues every DDR read and write command of the
 * run, as {address, beats} commands in {@code LaneRows} words.
 *
 * <h2>Phases</h2>
 * On {@code start} (ignored while busy) the sequencer clears {@code done}, spends
 * {@value #SETUP_CYCLES} cycles computing the row sizes and strides of the INPUT and OUTPUT
 * sections, then:
 * <ol>
 *   <li>{@code params_start} and {@code ew_reset} (zero every cell state c), wait until neither
 *       {@code params_busy} nor {@code ew_busy};</li>
 *   <li>{@code input_start} for frame 0, wait;</li>
 *   <li>for each frame t &lt; FRAME_COUNT: {@code spmv_start} with {@code spmv_projection} low
 *       (W_a: {@code spmv_columns} = I + P, {@code spmv_rows} = WA_ENTRY_ROWS), together with
 *       {@code input_start} for frame t+1 if there is one (the vector buffers are double
 *       buffered: frame t+1's input loads into one half while SpMV 1 reads frame t's from the
 *       other); wait until the SpMV and the gather of frame t-1 (started one cycle before it, see
 *       below) are done; {@code ew_start}; in the next cycle {@code spmv_start} with
 *       {@code spmv_projection} high (W_hr: H columns, WHR_ENTRY_ROWS rows; it accumulates in the
 *       PEs' second bank and reads each m as soon as the element-wise step has written it); wait
 *       for both; wait until the input load is done (SpMV 1 of the next frame reads it) and the
 *       previous frame's output is sent ({@code output_busy} low and its write commands issued);
 *       {@code gather_start}; in the next cycle, unless t is the last frame, SpMV 1 of frame t+1
 *       starts as above: the gather runs during it (SpMV 1 reads y_t only as the gather writes
 *       it). {@code output_start} follows in the first cycle the gather is not busy, whatever
 *       phase the sequencer is in; the frame's output rows go out while the next frame
 *       computes;</li>
 *   <li>wait until the gather is done and its output started, the output is sent, every command
 *       issued and {@code memory_idle} (every DDR read delivered, every write acknowledged); then
 *       {@code done} (until the next start) and {@code done_pulse} for one cycle.</li>
 * </ol>
 * {@code spmv_first_frame} is high during frame 0 (the recurrent input y_(-1) is zero). A job
 * start is a one-cycle pulse; the sequencer looks at the job's busy input from the next cycle on,
 * so every job must raise busy in the cycle after its start (or never, if it has nothing to do).
 * {@code in_spmv} is high while the sequencer waits for an SpMV (for the cycle counters).
 *
 * <h2>DDR commands</h2>
 * Read client 0 gets, for each frame, the W_a pointer rows (I + P + 1 rows) then the W_hr pointer
 * rows (H + 1); client 1 the W_a then the W_hr entry rows; client 2 the BIAS (4 cpp rows) and
 * PEEPHOLES (3 cpp rows) sections once, then for each frame t the INPUT rows ch T + t of channels
 * ch = 0 .. C-1 (cpp = CELLS_PER_PE). The commands of a client are issued in that order as fast
 * as the reader takes them, from setup on, so DDR reads run ahead of the computation as far as
 * the reader's buffers allow; the consumers take rows only when their job runs. After
 * {@code output_start} of frame t the write command port gets the OUTPUT rows ch T + t, ch = 0 ..
 * C-1. A section is split into commands of at most {@value #CHUNK_BEATS} beats; empty sections
 * issue nothing.
 *
 * <p>{@code input_words} and {@code output_words} are the words of one INPUT and one OUTPUT row
 * for this run's I and P (row length of the variable-length unpacker and packer).
 *
 * <h2>Ports</h2>
 * In: {@code start}; the registers {@code input_size}, {@code hidden_size}, {@code proj_size},
 * {@code frame_count}, {@code wa_entry_rows}, {@code whr_entry_rows}, {@code cells_per_pe} (UInt
 * 32, read as their lower-case RegisterMap names; values beyond what the hardware holds are
 * clamped to the largest it holds) and the section bases {@code wa_pointers_base} ..
 * {@code output_base} (UInt axiAddrBits); the jobs' busy inputs and {@code memory_idle}. Out:
 * {@code busy}, {@code done}, {@code done_pulse}; command ports {@code read_cmd_<k>_valid},
 * {@code _address} (UInt axiAddrBits), {@code _beats} (UInt {@value #BEATS_BITS}) with
 * {@code read_cmd_<k>_ready} in, the same for {@code write_cmd}; the job pulses and levels named
 * above; {@code input_words}, {@code output_words}.
 */
public final class Sequencer extends JavaComponent {
    /** Width of a command's beat count (the DdrReader / DdrWriter command port). */
    public static final int BEATS_BITS = DdrCommand.BEATS_BITS;
    /** Most beats in one command. */
    public static final int CHUNK_BEATS = 1 << 20;
    /** Cycles from start to the first job. */
    public static final int SETUP_CYCLES = 4;
    /** Read clients: pointer rows, entry rows, parameter and input rows. */
    public static final int CLIENTS = 3;

    private static final int REGISTER_BITS = 32;
    private static final int LEFT_BITS = 48;
    /**
     * The phases of a run, in the order a frame passes them; the state register holds the ordinal.
     * A job's {@code _START} phase lasts one cycle (the job's start pulse), its {@code _WAIT} phase
     * until the job is no longer busy.
     */
    private enum Phase {
        IDLE, SETUP, PARAMS_START, PARAMS_WAIT, INPUT_START, INPUT_WAIT, SPMV1_START, SPMV1_WAIT, EW_START,
        SPMV2_START, SPMV2_WAIT, OUTPUT_DRAIN, GATHER_START, FINISH;

        static final int BITS = widthFor(values().length - 1);

        UInt constant() {
            return uintConst(ordinal(), BITS);
        }
    }

    public final Bool start;
    public final UInt inputSize;
    public final UInt hiddenSize;
    public final UInt projSize;
    public final UInt frameCount;
    public final UInt waEntryRows;
    public final UInt whrEntryRows;
    public final UInt cellsPerPe;
    public final UInt waPointersBase;
    public final UInt waEntriesBase;
    public final UInt whrPointersBase;
    public final UInt whrEntriesBase;
    public final UInt biasBase;
    public final UInt peepholesBase;
    public final UInt inputBase;
    public final UInt outputBase;
    public final Bool busy;
    public final Bool done;
    public final Bool donePulse;
    public final List<CommandPort> readCommands;
    public final CommandPort writeCommand;
    public final UInt inputWords;
    public final UInt outputWords;
    public final Bool paramsStart;
    public final Bool paramsBusy;
    public final Bool ewReset;
    public final Bool ewStart;
    public final Bool ewBusy;
    public final Bool inputStart;
    public final Bool inputBusy;
    public final Bool spmvStart;
    public final Bool spmvProjection;
    public final Bool spmvFirstFrame;
    public final UInt spmvColumns;
    public final UInt spmvRows;
    public final Bool spmvBusy;
    public final Bool gatherStart;
    public final Bool gatherBusy;
    public final Bool outputStart;
    public final Bool outputBusy;
    public final Bool memoryIdle;
    public final Bool inSpmv;
    /** A run starts (the cycle {@code start} is taken). */
    public final Bool launched;
    /**
     * Pointer rows of one frame, W_a's and W_hr's ({@link RowStore#countBits} wide; registered,
     * valid a cycle after the sizes).
     */
    public final UInt pointerRowsPerFrame;
    /** Entry rows of one frame, W_a's and W_hr's (registered, as {@link #pointerRowsPerFrame}). */
    public final UInt entryRowsPerFrame;

    /** A command issuer: its {@link DdrCommand} port {@code <prefix>_*}, fed from a section register. */
    public static final class CommandPort {
        /** The port. */
        public final DdrCommand port;
        private final Bool valid;
        private final Bool ready;
        private final UInt next;
        private final UInt left;
        private final Bool idle;

        private CommandPort(String prefix, int addrBits, int wordBytes) {
            port = DdrCommand.sender(prefix, addrBits);
            valid = port.valid();
            ready = port.ready();
            UInt address = port.address();
            UInt beats = port.beats();
            next = regInit(prefix + "_next", uint(addrBits), uintConst(0, addrBits));
            left = regInit(prefix + "_left", uint(LEFT_BITS), uintConst(0, LEFT_BITS));
            idle = named(prefix + "_idle", equal(left, uintConst(0, LEFT_BITS)));
            UInt chunk = named(prefix + "_chunk", mux(lessThan(left, uintConst(CHUNK_BEATS, LEFT_BITS)),
                    left.resize(BEATS_BITS), uintConst(CHUNK_BEATS, BEATS_BITS)));
            assign(valid, not(idle));
            assign(address, next);
            assign(beats, chunk);
            int byteShift = Integer.numberOfTrailingZeros(wordBytes);
            when(and(valid, ready), () -> {
                assign(next, add(next, shiftLeft(chunk, byteShift).resize(addrBits)));
                assign(left, sub(left, chunk.resize(LEFT_BITS)));
            });
        }

        /** Queues a section of {@code words} words at {@code byteAddress}; only while {@link #idle}. */
        private void load(UInt byteAddress, UInt words) {
            assign(next, byteAddress);
            assign(left, words.resize(LEFT_BITS));
        }
    }

    /**
     * @param config the accelerator configuration: PEs, channels, formats, dims (register widths),
     *               AXI data and address width
     */
    public Sequencer(AcceleratorConfig config) {
        super("Sequencer");
        int addrBits = config.memory().axiAddrBits();
        int wordBits = config.memory().axiDataBits();
        int wordBytes = wordBits / 8;
        int wordShift = Integer.numberOfTrailingZeros(wordBits);
        int byteShift = Integer.numberOfTrailingZeros(wordBytes);
        int actBits = config.formats().actBits();
        int channels = config.channels();
        AcceleratorConfig.Dims dims = config.dims();
        int pointerWords = ImageLayout.pointerPacking(config.pes(), config.formats().ptrBits(), wordBits).wordsPerRow();
        int entryWords = ImageLayout.entryPacking(config.pes(), config.entryBits(), wordBits).wordsPerRow();
        int paramWords = new LaneRows(config.pes(), actBits, wordBits).wordsPerRow();
        int maxInputWords = new LaneRows(dims.maxInputSize(), actBits, wordBits).wordsPerRow();
        int maxOutputWords = new LaneRows(dims.maxProjSize(), actBits, wordBits).wordsPerRow();
        int columnBits = ColumnBroadcaster.columnBits(maxColumns(config));
        int ptrBits = config.formats().ptrBits();

        start = inBool("start");
        inputSize = inUInt("input_size", REGISTER_BITS);
        hiddenSize = inUInt("hidden_size", REGISTER_BITS);
        projSize = inUInt("proj_size", REGISTER_BITS);
        frameCount = inUInt("frame_count", REGISTER_BITS);
        waEntryRows = inUInt("wa_entry_rows", REGISTER_BITS);
        whrEntryRows = inUInt("whr_entry_rows", REGISTER_BITS);
        cellsPerPe = inUInt("cells_per_pe", REGISTER_BITS);
        waPointersBase = inUInt("wa_pointers_base", addrBits);
        waEntriesBase = inUInt("wa_entries_base", addrBits);
        whrPointersBase = inUInt("whr_pointers_base", addrBits);
        whrEntriesBase = inUInt("whr_entries_base", addrBits);
        biasBase = inUInt("bias_base", addrBits);
        peepholesBase = inUInt("peepholes_base", addrBits);
        inputBase = inUInt("input_base", addrBits);
        outputBase = inUInt("output_base", addrBits);
        busy = outBool("busy");
        done = outBool("done");
        donePulse = outBool("done_pulse");
        List<CommandPort> reads = new ArrayList<>();
        for (int k = 0; k < CLIENTS; k++) {
            reads.add(new CommandPort("read_cmd_" + k, addrBits, wordBytes));
        }
        readCommands = List.copyOf(reads);
        writeCommand = new CommandPort("write_cmd", addrBits, wordBytes);
        inputWords = outUInt("input_words", widthFor(maxInputWords));
        outputWords = outUInt("output_words", widthFor(maxOutputWords));
        paramsStart = outBool("params_start");
        paramsBusy = inBool("params_busy");
        ewReset = outBool("ew_reset");
        ewStart = outBool("ew_start");
        ewBusy = inBool("ew_busy");
        inputStart = outBool("input_start");
        inputBusy = inBool("input_busy");
        spmvStart = outBool("spmv_start");
        spmvProjection = outBool("spmv_projection");
        spmvFirstFrame = outBool("spmv_first_frame");
        spmvColumns = outUInt("spmv_columns", columnBits);
        spmvRows = outUInt("spmv_rows", ptrBits);
        spmvBusy = inBool("spmv_busy");
        gatherStart = outBool("gather_start");
        gatherBusy = inBool("gather_busy");
        outputStart = outBool("output_start");
        outputBusy = inBool("output_busy");
        memoryIdle = inBool("memory_idle");
        inSpmv = outBool("in_spmv");
        launched = outBool("launched");
        pointerRowsPerFrame = outUInt("pointer_rows_per_frame", RowStore.countBits(config.onchipPointerRows()));
        entryRowsPerFrame = outUInt("entry_rows_per_frame", RowStore.countBits(config.onchipEntryRows()));

        // ---- sizes, clamped to what the hardware holds ----
        UInt i = named("i", clampToWidth(inputSize, widthFor(dims.maxInputSize())));
        UInt h = named("h", clampToWidth(hiddenSize, widthFor(dims.maxHiddenSize())));
        UInt p = named("p", clampToWidth(projSize, widthFor(dims.maxProjSize())));
        UInt cells = named("cells", clampToWidth(cellsPerPe, widthFor(config.maxCellsPerPe())));
        UInt waRows = named("wa_rows", clampToWidth(waEntryRows, ptrBits));
        UInt whrRows = named("whr_rows", clampToWidth(whrEntryRows, ptrBits));
        UInt frames = frameCount;
        UInt waColumns = named("wa_columns", add(i.resize(columnBits), p.resize(columnBits)));
        UInt whrColumns = named("whr_columns", h.resize(columnBits));

        // ---- setup: words and strides of INPUT and OUTPUT rows ----
        int inWordBits = widthFor(maxInputWords);
        int outWordBits = widthFor(maxOutputWords);
        UInt inWords = reg("in_words", uint(inWordBits));
        UInt outWords = reg("out_words", uint(outWordBits));
        assign(inWords, wordsOf(i, actBits, wordShift, inWordBits));
        assign(outWords, wordsOf(p, actBits, wordShift, outWordBits));
        assign(inputWords, inWords);
        assign(outputWords, outWords);
        UInt inRowBytes = named("in_row_bytes", shiftLeft(inWords, byteShift));
        UInt outRowBytes = named("out_row_bytes", shiftLeft(outWords, byteShift));
        UInt framesQ = regNext("frames_q", frames);
        UInt inStride = regNext("in_stride", clampToWidth(mul(regNext("in_row_bytes_q", inRowBytes), framesQ), addrBits));
        UInt outStride = regNext("out_stride",
                clampToWidth(mul(regNext("out_row_bytes_q", outRowBytes), framesQ), addrBits));

        // ---- main phase machine ----
        UInt state = regInit("state", uint(Phase.BITS), Phase.IDLE.constant());
        UInt setupCount = regInit("setup_count", uint(3), uintConst(0, 3));
        UInt frame = regInit("frame", uint(REGISTER_BITS), uintConst(0, REGISTER_BITS));
        Bool doneReg = regInit("done_reg", bool(), boolConst(false));
        Bool lastFrame = named("last_frame", equal(add(frame, uintConst(1, REGISTER_BITS)), frames));
        Bool noFrames = named("no_frames", equal(frames, uintConst(0, REGISTER_BITS)));
        Bool issuersRun = regInit("issuers_run", bool(), boolConst(false));

        List<CommandPort> all = new ArrayList<>(readCommands);
        all.add(writeCommand);
        Bool commandsPending = named("commands_pending", anyOf(all.stream().map(c -> not(c.idle)).toList()));
        Bool writesPending = regInit("writes_pending", bool(), boolConst(false));

        Bool launch = named("launch", and(is(state, Phase.IDLE), start));
        // the gather of frame t runs alongside SpMV 1 of frame t+1; its output starts when it is done
        Bool outputDue = regInit("output_due", bool(), boolConst(false));

        when(launch, () -> {
            goTo(state, Phase.SETUP);
            assign(setupCount, uintConst(0, 3));
            assign(frame, uintConst(0, REGISTER_BITS));
            assign(doneReg, boolConst(false));
        });
        when(is(state, Phase.SETUP), () -> {
            assign(setupCount, add(setupCount, uintConst(1, 3)));
            when(equal(setupCount, uintConst(SETUP_CYCLES - 1, 3)), () -> {
                goTo(state, Phase.PARAMS_START);
                assign(issuersRun, boolConst(true));
            });
        });
        step(state, Phase.PARAMS_START, Phase.PARAMS_WAIT);
        when(and(is(state, Phase.PARAMS_WAIT), not(or(paramsBusy, ewBusy))),
                () -> assign(state, mux(noFrames, Phase.FINISH.constant(), Phase.INPUT_START.constant())));
        step(state, Phase.INPUT_START, Phase.INPUT_WAIT);
        waitFor(state, Phase.INPUT_WAIT, inputBusy, Phase.SPMV1_START);
        step(state, Phase.SPMV1_START, Phase.SPMV1_WAIT);
        waitFor(state, Phase.SPMV1_WAIT, or(spmvBusy, gatherBusy), Phase.EW_START);
        step(state, Phase.EW_START, Phase.SPMV2_START);
        step(state, Phase.SPMV2_START, Phase.SPMV2_WAIT);
        waitFor(state, Phase.SPMV2_WAIT, or(spmvBusy, ewBusy), Phase.OUTPUT_DRAIN);
        waitFor(state, Phase.OUTPUT_DRAIN, or(or(outputBusy, writesPending), or(inputBusy, outputDue)), Phase.GATHER_START);
        when(is(state, Phase.GATHER_START), () -> {
            assign(frame, add(frame, uintConst(1, REGISTER_BITS)));
            assign(state, mux(lastFrame, Phase.FINISH.constant(), Phase.SPMV1_START.constant()));
        });
        Bool outputNow = named("output_now", and(outputDue, not(gatherBusy)));
        when(outputNow, () -> assign(outputDue, boolConst(false)));
        when(is(state, Phase.GATHER_START), () -> assign(outputDue, boolConst(true)));
        when(launch, () -> assign(outputDue, boolConst(false)));
        Bool finished = named("finished", and(and(is(state, Phase.FINISH), not(or(outputDue, gatherBusy))),
                not(or(or(outputBusy, writesPending), or(commandsPending, not(memoryIdle))))));
        when(finished, () -> {
            goTo(state, Phase.IDLE);
            assign(doneReg, boolConst(true));
            assign(issuersRun, boolConst(false));
        });

        assign(busy, not(is(state, Phase.IDLE)));
        assign(done, doneReg);
        assign(donePulse, regNext("done_pulse_q", finished, boolConst(false)));
        assign(paramsStart, is(state, Phase.PARAMS_START));
        assign(ewReset, is(state, Phase.PARAMS_START));
        assign(inputStart, or(is(state, Phase.INPUT_START), and(is(state, Phase.SPMV1_START), not(lastFrame))));
        assign(spmvStart, or(is(state, Phase.SPMV1_START), is(state, Phase.SPMV2_START)));
        Bool projection = named("projection", or(is(state, Phase.SPMV2_START), is(state, Phase.SPMV2_WAIT)));
        assign(spmvProjection, projection);
        assign(spmvFirstFrame, equal(frame, uintConst(0, REGISTER_BITS)));
        assign(spmvColumns, mux(projection, whrColumns, waColumns));
        assign(spmvRows, mux(projection, whrRows, waRows));
        assign(ewStart, is(state, Phase.EW_START));
        assign(gatherStart, is(state, Phase.GATHER_START));
        assign(outputStart, outputNow);
        assign(inSpmv, or(is(state, Phase.SPMV1_WAIT), is(state, Phase.SPMV2_WAIT)));

        assign(launched, launch);
        // registered: the stores read them long after a run starts, and the sums sit behind the size registers
        assign(pointerRowsPerFrame, regNext("pointer_rows_per_frame_q", clampToWidth(add(
                pointerRowsOf(waColumns).resize(columnBits + 2), pointerRowsOf(whrColumns).resize(columnBits + 2)),
                pointerRowsPerFrame.getWidth())));
        assign(entryRowsPerFrame, regNext("entry_rows_per_frame_q", clampToWidth(add(waRows.resize(ptrBits + 1),
                whrRows.resize(ptrBits + 1)), entryRowsPerFrame.getWidth())));
        // with the on-chip store, the matrices are read in frame 0 only (the store replays them)
        UInt weightFrames = config.onchipWeights() ? named("weight_frames", mux(noFrames, frames,
                uintConst(1, REGISTER_BITS))) : frames;
        // ---- read client 0: pointer rows, W_a then W_hr, every frame ----
        // ImageLayout.pointerRows: (columns + 2) / 2 rows, computed wide enough never to wrap
        issueMatrixPairs(readCommands.get(0), issuersRun, weightFrames, waPointersBase,
                mul(pointerRowsOf(waColumns), uintConst(pointerWords, widthFor(pointerWords))),
                whrPointersBase,
                mul(pointerRowsOf(whrColumns), uintConst(pointerWords, widthFor(pointerWords))),
                "pointers", launch);
        // ---- read client 1: entry rows, W_a then W_hr, every frame ----
        issueMatrixPairs(readCommands.get(1), issuersRun, weightFrames, waEntriesBase,
                mul(waRows, uintConst(entryWords, widthFor(entryWords))), whrEntriesBase,
                mul(whrRows, uintConst(entryWords, widthFor(entryWords))), "entries", launch);

        // ---- read client 2: BIAS, PEEPHOLES, then every frame the C input rows ----
        CommandPort params = readCommands.get(2);
        UInt stage = regInit("params_stage", uint(2), uintConst(0, 2));
        UInt inFrame = regInit("input_frame", uint(REGISTER_BITS), uintConst(0, REGISTER_BITS));
        int channelBits = widthFor(channels - 1);
        UInt inChannel = regInit("input_channel", uint(channelBits), uintConst(0, channelBits));
        UInt inFrameAddress = reg("input_frame_address", uint(addrBits));
        UInt inRowAddress = reg("input_row_address", uint(addrBits));
        Bool inputsLeft = named("inputs_left", lessThan(inFrame, frames));
        when(and(issuersRun, params.idle), () -> {
            when(equal(stage, uintConst(0, 2)), () -> {
                params.load(biasBase, mul(cells, uintConst(4L * paramWords, widthFor(4L * paramWords))));
                assign(stage, uintConst(1, 2));
            }).elseWhen(equal(stage, uintConst(1, 2)), () -> {
                params.load(peepholesBase, mul(cells, uintConst(3L * paramWords, widthFor(3L * paramWords))));
                assign(stage, uintConst(2, 2));
            }).elseWhen(inputsLeft, () -> {
                params.load(inRowAddress, inWords);
                Bool lastChannel = equal(inChannel, uintConst(channels - 1, channelBits));
                when(lastChannel, () -> {
                    assign(inChannel, uintConst(0, channelBits));
                    assign(inFrame, add(inFrame, uintConst(1, REGISTER_BITS)));
                    UInt nextFrameAddress = add(inFrameAddress, inRowBytes.resize(addrBits));
                    assign(inFrameAddress, nextFrameAddress);
                    assign(inRowAddress, nextFrameAddress);
                }).otherwise(() -> {
                    assign(inChannel, add(inChannel, uintConst(1, channelBits)));
                    assign(inRowAddress, add(inRowAddress, inStride));
                });
            });
        });
        when(launch, () -> {
            assign(stage, uintConst(0, 2));
            assign(inFrame, uintConst(0, REGISTER_BITS));
            assign(inChannel, uintConst(0, channelBits));
            assign(inFrameAddress, inputBase);
            assign(inRowAddress, inputBase);
        });

        // ---- writes: after output_start of frame t, the C output rows ch T + t ----
        UInt outChannel = regInit("output_channel", uint(channelBits), uintConst(0, channelBits));
        UInt outFrameAddress = reg("output_frame_address", uint(addrBits));
        UInt outRowAddress = reg("output_row_address", uint(addrBits));
        when(and(writesPending, writeCommand.idle), () -> {
            writeCommand.load(outRowAddress, outWords);
            Bool lastChannel = equal(outChannel, uintConst(channels - 1, channelBits));
            when(lastChannel, () -> {
                assign(writesPending, boolConst(false));
                assign(outChannel, uintConst(0, channelBits));
                assign(outFrameAddress, add(outFrameAddress, outRowBytes.resize(addrBits)));
            }).otherwise(() -> {
                assign(outChannel, add(outChannel, uintConst(1, channelBits)));
                assign(outRowAddress, add(outRowAddress, outStride));
            });
        });
        when(outputStart, () -> {
            assign(writesPending, boolConst(true));
            assign(outChannel, uintConst(0, channelBits));
            assign(outRowAddress, outFrameAddress);
        });
        when(launch, () -> assign(outFrameAddress, outputBase));
    }

    /** Most columns of a matrix in this configuration: max(maxInputSize + maxProjSize, maxHiddenSize). */
    public static int maxColumns(AcceleratorConfig config) {
        AcceleratorConfig.Dims dims = config.dims();
        return Math.max(dims.maxInputSize() + dims.maxProjSize(), dims.maxHiddenSize());
    }

    /** Words of a row of {@code lanes} lanes: ceil(lanes * actBits / wordBits), clamped to {@code width} bits. */
    private static UInt wordsOf(UInt lanes, int actBits, int wordShift, int width) {
        UInt product = mul(lanes, uintConst(actBits, widthFor(actBits)));
        // at least wordShift + 1 bits, so that a row narrower than one word still splits into whole and partial
        UInt bits = product.getWidth() > wordShift ? product : product.resize(wordShift + 1);
        UInt whole = shiftRight(bits, wordShift);
        Bool partial = slice(bits, 0, wordShift).orR();
        UInt words = add(whole.resize(whole.getWidth() + 1),
                mux(partial, uintConst(1, whole.getWidth() + 1), uintConst(0, whole.getWidth() + 1)));
        return clampToWidth(words, width);
    }

    /** Pointer-section rows of a matrix of {@code columns} columns, (columns + 2) / 2 ({@code ImageLayout.pointerRows}). */
    private static UInt pointerRowsOf(UInt columns) {
        int width = columns.getWidth() + 1;
        UInt half = columns.getWidth() > 1 ? slice(columns, 1, columns.getWidth() - 1) : uintConst(0, 1);
        return add(half.resize(width), uintConst(1, width));
    }

    /** {@code a + 1}, one bit wider than {@code a} so that it cannot wrap. */
    private static UInt plusOne(UInt a) {
        int width = a.getWidth() + 1;
        return add(a.resize(width), uintConst(1, width));
    }

    /**
     * Issues, for each of {@code frames} frames, the section {@code firstWords} words at
     * {@code firstBase} and then {@code secondWords} at {@code secondBase} on {@code port}, while
     * {@code run}; {@code launch} restarts from frame 0.
     */
    private static void issueMatrixPairs(CommandPort port, Bool run, UInt frames, UInt firstBase, UInt firstWords,
                                         UInt secondBase, UInt secondWords, String name, Bool launch) {
        UInt frame = regInit(name + "_frame", uint(REGISTER_BITS), uintConst(0, REGISTER_BITS));
        Bool second = regInit(name + "_second", bool(), boolConst(false));
        Bool left = named(name + "_left", lessThan(frame, frames));
        when(and(and(run, port.idle), left), () -> {
            when(second, () -> {
                port.load(secondBase, secondWords);
                assign(second, boolConst(false));
                assign(frame, add(frame, uintConst(1, REGISTER_BITS)));
            }).otherwise(() -> {
                port.load(firstBase, firstWords);
                assign(second, boolConst(true));
            });
        });
        when(launch, () -> {
            assign(frame, uintConst(0, REGISTER_BITS));
            assign(second, boolConst(false));
        });
    }

    private static Bool is(UInt state, Phase phase) {
        return equal(state, phase.constant());
    }

    private static void goTo(UInt state, Phase phase) {
        assign(state, phase.constant());
    }

    /** From {@code from} to {@code to} after one cycle (a start pulse). */
    private static void step(UInt state, Phase from, Phase to) {
        when(is(state, from), () -> goTo(state, to));
    }

    /** From {@code from} to {@code to} once {@code busy} is low. */
    private static void waitFor(UInt state, Phase from, Bool busy, Phase to) {
        when(and(is(state, from), not(busy)), () -> goTo(state, to));
    }
}
