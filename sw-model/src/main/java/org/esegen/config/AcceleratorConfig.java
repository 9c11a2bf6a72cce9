package org.esegen.config;

import org.esegen.EsegenException;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one configuration record that flows from the command line to every builder. Immutable and
 * validated at construction: a bad value fails with the field, the value and the legal range.
 * Derived values are methods. Every field has a flat camelCase name (see {@link #FIELDS}) used by
 * {@code --set name=value}, by presets and by the resolved {@code config.json} written into every
 * output folder.
 *
 * @param channels  independent utterances run in lockstep, sharing one weight stream
 * @param clockMhz  target clock frequency in MHz
 * @param dims      largest model the generated hardware holds (buffer sizes)
 * @param pe        processing-element parameters
 * @param formats   number formats
 * @param lut       sigmoid/tanh lookup tables
 * @param memory    DDR / AXI interface
 * @param engine    which matrix engine the design is built around
 */
public record AcceleratorConfig(int channels, int clockMhz, Dims dims, Pe pe, Formats formats, Lut lut,
                                Memory memory, Engine engine) {

    /**
     * @param maxInputSize   largest input size I the vector buffers hold
     * @param maxHiddenSize  largest cell count H the cell-state, accumulator and m buffers hold
     * @param maxProjSize    largest projection size P the vector buffers hold
     * @param maxLayers      most layers of a stack the design runs (each layer's I, H and P within the above)
     */
    public record Dims(int maxInputSize, int maxHiddenSize, int maxProjSize, int maxLayers) {
    }

    /**
     * @param pesPerChannel  processing elements per channel (N); cell k and projection row j live on
     *                       PE k mod N and j mod N
     * @param actQueueDepth  activation queue depth per PE (ESE found 8 best)
     * @param accBits        accumulator width (saturating)
     * @param entryFifoDepth entry FIFO per PE; must exceed the model's pointer skew (see
     *                       {@code SparseMatrixEncoding.pointerSkew}), checked by the compiler
     * @param pesPerElementwise PEs sharing one element-wise unit (a power of two); see
     *                       {@link AcceleratorConfig#elementwiseGroup()}
     * @param gatherLanes    y values the gather rescales per cycle and channel after SpMV 2 (a power
     *                       of two); see {@link AcceleratorConfig#gatherLanesUsed()}
     * @param gruElementwise 1: the element-wise units compute the GRU cell; 0: the LSTM cells
     * @param broadcastColumns columns the broadcast sends the PEs per cycle, 1 or 2 (a PE still
     *                       consumes one column a cycle; empty columns cost it nothing)
     * @param dspAccumulate  1: each PE-channel's multiply-accumulate is an instantiated DSP48E2 (add in
     *                       its post-adder, no saturation: the compiler proves no row overflows accBits);
     *                       0: the add, forwarding and saturation in fabric
     * @param accumulatorBramChannels 0: the sparse engine's accumulators where the tools put them; N &gt; 0: every
     *                       PE keeps the gate accumulators (bank 0) of channels 0 .. N - 1 in block RAM ({@code
     *                       ram_style = "block"}) and the other channels' in LUT RAM ({@code "distributed"}):
     *                       0..channels
     */
    public record Pe(int pesPerChannel, int actQueueDepth, int accBits, int entryFifoDepth, int pesPerElementwise,
                     int gatherLanes, int gruElementwise, int broadcastColumns, int dspAccumulate,
                     int accumulatorBramChannels) {

        /** True when the accumulate is in the DSP48E2s' post-adders (dspAccumulate = 1). */
        public boolean dsp() {
            return dspAccumulate == 1;
        }

        /** True when the element-wise unit computes the GRU cell (gruElementwise = 1), not the LSTMs'. */
        public boolean gru() {
            return gruElementwise == 1;
        }
    }

    /**
     * @param weightBits   stored weight width (signed); its binary point is chosen per matrix by the
     *                     compiler and recorded in the image
     * @param indexBits    relative row index width: counts zeros since the previous entry
     * @param actBits      activation width (signed), used for x, y, biases, gates, c, m
     * @param actFracBits  fractional bits of activations
     * @param ptrBits      column pointer width (entries of one PE's stream for one matrix)
     */
    public record Formats(int weightBits, int indexBits, int actBits, int actFracBits, int ptrBits) {
    }

    /**
     * @param lutEntries     entries of each of the sigmoid and tanh tables (power of two)
     * @param lutInputRange  tables cover inputs in [-range, range) (power of two); outside, clamp
     */
    public record Lut(int lutEntries, int lutInputRange) {
    }

    /**
     * @param axiDataBits       AXI4 data width in bits (DDR word)
     * @param axiAddrBits       AXI4 address width in bits
     * @param axiMaxBurstBeats  longest AXI4 INCR burst issued, in beats
     * @param axiMaxOutstanding read bursts in flight at once
     * @param weightStore       where the matrices come from each frame: {@link #DDR_STORE} or {@link #ONCHIP_STORE}
     * @param onchipEntries     entries (over all PEs) the on-chip store holds: {@link AcceleratorConfig#onchipEntryRows()}
     *                          rows of a pair of entries per PE
     */
    public record Memory(int axiDataBits, int axiAddrBits, int axiMaxBurstBeats, int axiMaxOutstanding,
                         int weightStore, int onchipEntries) {
    }

    /**
     * @param engine         {@link #SPARSE_ENGINE}, {@link #DELTA_ENGINE} or {@link #CIRCULANT_ENGINE}
     * @param deltaArrays    with the delta engine, A: PE arrays working on different fired columns at once
     *                       (column c on array c mod A), each of pesPerChannel PEs
     * @param deltaMaxK      with the delta engine, the largest K (entries of each column in each PE's rows) the
     *                       column-balanced store holds
     * @param circulantBlock with the circulant engine, b: the side of every circulant block (a power of two,
     *                       {@code BlockCirculant.MIN_BLOCK}..{@code MAX_BLOCK})
     * @param twiddleBits    with the circulant engine, the width of each part of an FFT twiddle
     *                       ({@code FixedFft}: twiddleBits - 2 fractional bits)
     * @param circulantLanes with the circulant engine, the gate matrix's output blocks accumulated at once (a
     *                       power of two)
     * @param circulantProjLanes with the circulant engine, the projection's output blocks accumulated at once
     */
    public record Engine(int engine, int deltaArrays, int deltaMaxK, int circulantBlock, int twiddleBits,
                         int circulantLanes, int circulantProjLanes) {
        /** True for the column-balanced delta engine (Spartus). */
        public boolean delta() {
            return engine == DELTA_ENGINE;
        }

        /** True for the block-circulant FFT engine (E-RNN / C-LSTM). */
        public boolean circulant() {
            return engine == CIRCULANT_ENGINE;
        }
    }

    /** {@code engine}: ESE's sparse engine (column pointers, relative indices, load-balanced PEs). */
    public static final int SPARSE_ENGINE = 0;
    /** {@code engine}: Spartus's column-balanced delta engine (DeltaLSTM / DeltaGRU, weights on chip). */
    public static final int DELTA_ENGINE = 1;
    /** {@code engine}: E-RNN's block-circulant engine (weights as FFT spectra on chip, products through FFTs). */
    public static final int CIRCULANT_ENGINE = 2;

    /** {@code weightStore}: every matrix streamed from DDR every frame (ESE). */
    public static final int DDR_STORE = 0;
    /** {@code weightStore}: the matrices read from DDR in a run's first frame and kept in block RAM. */
    public static final int ONCHIP_STORE = 1;

    /** Most layers of a stack esegen handles (the image header holds one descriptor per layer). */
    public static final int MAX_LAYERS = 16;

    /** A config field: flat name, unit, legal range and what it does in hardware. */
    public record Field(String name, String unit, int min, int max, boolean powerOfTwo, String effect) {
        String range() {
            return (powerOfTwo ? "a power of two in " : "") + min + ".." + max;
        }
    }

    /** Every field in the order of {@link #toFieldMap()}, with its static legal range. */
    public static final List<Field> FIELDS = List.of(
            new Field("channels", "channels", 1, 64, false,
                    "replicates the PE array; channels share one weight stream"),
            new Field("clockMhz", "MHz", 10, 800, false, "clock constraint; latency = cycles / clock"),
            new Field("maxInputSize", "values", 1, 65536, false, "input part of the vector buffer per channel"),
            new Field("maxHiddenSize", "cells", 1, 65536, false,
                    "cell-state, m and accumulator buffers (4 ceil(H/N) words per PE)"),
            new Field("maxProjSize", "values", 1, 65536, false, "recurrent part of the vector buffer per channel"),
            new Field("maxLayers", "layers", 1, MAX_LAYERS, false,
                    "most layers of a stack, each within the max sizes above; the design runs one layer a run "
                            + "over every frame, the host the layers one after the other"),
            new Field("pesPerChannel", "PEs", 1, 256, false,
                    "PEs per channel; one MAC (DSP48E2) each, sets cycles per frame"),
            new Field("actQueueDepth", "entries", 1, 1024, false,
                    "activation FIFO per PE; absorbs per-column imbalance"),
            new Field("entryFifoDepth", "entries", 4, 65536, true,
                    "weight-entry FIFO per PE; absorbs how far PEs drift apart within a matrix"),
            new Field("pesPerElementwise", "PEs", 1, 64, true,
                    "PEs sharing one element-wise unit (sigmoid/tanh ROM, multiplier, c and m state); "
                            + "fewer units, and a step of 6 x this x ceil(H/N) cycles overlapped with SpMV 2"),
            new Field("gatherLanes", "lanes", 1, 256, true,
                    "y rescalers per channel; the y gather takes ceil(P/N) x ceil(N/lanes) cycles, overlapped with "
                            + "the next frame's SpMV 1 input columns"),
            new Field("gruElementwise", "0/1", 0, 1, false,
                    "0: the element-wise units compute the LSTM cells (lstmp, lstm); 1: the GRU cell (its own "
                            + "schedule, h kept where c is)"),
            new Field("broadcastColumns", "columns", 1, 2, true,
                    "columns broadcast to the PEs per cycle; 2 reads two column values a cycle (a second read "
                            + "port on the x, y and m buffers) and splits each PE's activation queue in two, so that "
                            + "a matrix with more columns than entries per PE (W_hr) is not bound by one column a cycle"),
            new Field("dspAccumulate", "0/1", 0, 1, false,
                    "1: each PE-channel multiplies and accumulates in one instantiated DSP48E2 (the add in its "
                            + "post-adder, the previous result forwarded through its P register; a channel keeps only "
                            + "its accumulator RAM and bank select in fabric); nothing saturates, so the compiler refuses "
                            + "an image in which a row's sum of weight magnitudes times the largest activation could "
                            + "leave accBits; a MAC of the row taken two cycles before, with another row in between, "
                            + "waits a cycle; with the circulant engine (engine=2) every product of a lane (Gauss's "
                            + "three a complex bin) accumulates in its DSP48E2's post-adder and the sums are combined "
                            + "once an output block. 0: adder, forwarding and saturation in fabric"),
            new Field("accumulatorBramChannels", "channels", 0, 64, false,
                    "sparse engine: 0 leaves the accumulators to the tools (block RAM at 32 PEs, LUT RAM at 64); "
                            + "N > 0: every PE keeps the gate accumulators (bank 0) of channels 0 .. N-1 in block RAM "
                            + "(ram_style=block) and the other channels' in LUT RAM (ram_style=distributed), so both "
                            + "budgets can fill; at most channels"),
            new Field("accBits", "bits", 8, 48, false,
                    "accumulator width (saturating, or with dspAccumulate=1 proven not to overflow); must be "
                            + ">= weightBits + actBits"),
            new Field("weightBits", "bits", 2, 16, false, "stored weight width; DSP multiplier input"),
            new Field("indexBits", "bits", 1, 8, false,
                    "relative row index; a gap longer than 2^indexBits-1 costs a padding entry"),
            new Field("actBits", "bits", 4, 24, false, "activation width (x, y, bias, gates, c, m)"),
            new Field("actFracBits", "bits", 1, 22, false,
                    "fractional bits of activations; must be <= actBits - 2 so that 1.0 fits"),
            new Field("ptrBits", "bits", 8, 32, false, "column pointer width; bounds entries per PE per matrix"),
            new Field("lutEntries", "entries", 16, 65536, true, "sigmoid and tanh ROM depth"),
            new Field("lutInputRange", "1", 1, 64, true, "tables cover [-range, range); inputs outside clamp"),
            new Field("axiDataBits", "bits", 32, 1024, true, "DDR AXI4 data width"),
            new Field("axiAddrBits", "bits", 32, 64, false, "DDR AXI4 address width"),
            new Field("axiMaxBurstBeats", "beats", 1, 256, true, "longest AXI4 read/write burst"),
            new Field("axiMaxOutstanding", "bursts", 1, 32, false, "AXI4 read bursts in flight"),
            new Field("weightStore", "0/1", 0, 1, false,
                    "0 (ddr): the pointer and entry rows stream from DDR every frame; 1 (onchip): they are read "
                            + "from DDR in a run's first frame into block RAM and replayed a row a cycle from there, "
                            + "DDR carrying only inputs and outputs"),
            new Field("onchipEntries", "entries", 1024, 1 << 24, true,
                    "with weightStore=1, the entries the block-RAM store holds over all PEs, in rows of a pair "
                            + "per PE (onchipEntries / 2N rows): at least a layer's W_a and W_hr rows together"),
            new Field("engine", "0..2", 0, 2, false,
                    "0 (sparse): ESE's engine, every column of [x_t; y_(t-1)] through load-balanced sparse PEs each "
                            + "frame; 1 (delta): Spartus's, only the columns whose value moved by a threshold since "
                            + "last sent, through deltaArrays arrays of column-balanced PEs into a delta memory kept "
                            + "across frames (weights on chip; one channel, one element-wise unit per PE); 2 "
                            + "(circulant): E-RNN's, block-circulant matrices multiplied through FFTs from weight "
                            + "spectra on chip, circulantBlock element-wise units, channels in lockstep"),
            new Field("deltaArrays", "arrays", 1, 64, true,
                    "with engine=1, PE arrays of pesPerChannel PEs each (deltaArrays x pesPerChannel MACs); fired "
                            + "column c runs on array c mod deltaArrays, K cycles"),
            new Field("deltaMaxK", "entries", 1, 4096, false,
                    "with engine=1, the largest K (nonzeros of every column in every PE's rows) the column-balanced "
                            + "store holds: ceil((maxInputSize + maxHiddenSize) / deltaArrays) x deltaMaxK words an array"),
            new Field("circulantBlock", "points", 2, 32, true,
                    "with engine=2, b: every matrix is b x b circulant blocks (one stored spectrum of b/2 + 1 bins "
                            + "a block), sizes padded to multiples of b; the FFTs have b points"),
            new Field("twiddleBits", "bits", 4, 24, false,
                    "with engine=2, each part of an FFT twiddle (twiddleBits - 2 fractional bits)"),
            new Field("circulantLanes", "blocks", 1, 256, true,
                    "with engine=2, output blocks of the gate matrix accumulated at once (each b/2 + 1 complex "
                            + "multiply-accumulates a channel, 3 multipliers a bin); a frame takes about "
                            + "4 H / (b circulantLanes) x (ceil(I / b) + ceil(P / b)) gate MAC cycles"),
            new Field("circulantProjLanes", "blocks", 1, 256, false,
                    "with engine=2, output blocks of the projection W_hr accumulated at once (lstmp)"));

    public AcceleratorConfig {
        Map<String, Integer> values = fieldMap(channels, clockMhz, dims, pe, formats, lut, memory, engine);
        for (Field f : FIELDS) {
            int v = values.get(f.name());
            if (v < f.min() || v > f.max() || (f.powerOfTwo() && Integer.bitCount(v) != 1)) {
                throw new EsegenException("config field '" + f.name() + "' = " + v + " is invalid: allowed is "
                        + f.range() + " (" + f.unit() + ")");
            }
        }
        requireRelation(formats.actFracBits() <= formats.actBits() - 2, "actFracBits", formats.actFracBits(),
                "at most actBits - 2 = " + (formats.actBits() - 2) + " so that 1.0 (a gate value) fits");
        requireRelation(pe.accBits() >= formats.weightBits() + formats.actBits(), "accBits", pe.accBits(),
                "at least weightBits + actBits = " + (formats.weightBits() + formats.actBits())
                        + " so that one product fits");
        long lutSpan = 2L * lut.lutInputRange() << formats.actFracBits();
        requireRelation(lutSpan >= lut.lutEntries(), "lutEntries", lut.lutEntries(),
                "at most 2 * lutInputRange * 2^actFracBits = " + lutSpan
                        + " (one table step must be at least one activation LSB)");
        requireRelation(((long) lut.lutInputRange() << formats.actFracBits()) <= activationFormatMaxRaw(formats),
                "lutInputRange", lut.lutInputRange(),
                "below the activation range 2^(actBits-actFracBits-1) = "
                        + (1L << (formats.actBits() - formats.actFracBits() - 1)));
        requireRelation(memory.axiDataBits() >= formats.actBits(), "axiDataBits", memory.axiDataBits(),
                "at least actBits = " + formats.actBits());
        requireRelation(pe.accumulatorBramChannels() <= channels, "accumulatorBramChannels",
                pe.accumulatorBramChannels(), "at most channels = " + channels);
        requireRelation(pe.actQueueDepth() % pe.broadcastColumns() == 0, "actQueueDepth", pe.actQueueDepth(),
                "a multiple of broadcastColumns = " + pe.broadcastColumns()
                        + " (each PE's activation queue is split into that many queues of equal depth)");
        if (engine.delta()) {
            requireDeltaEngine(channels, dims, pe, formats, memory, engine);
        }
        if (engine.circulant()) {
            requireCirculantEngine(dims, formats, memory, engine);
        }
    }

    /** What the delta engine ({@code DeltaLayer} and the top around it) needs of the other fields. */
    private static void requireDeltaEngine(int channels, Dims dims, Pe pe, Formats formats, Memory memory,
                                           Engine engine) {
        String why = " with engine=1 (the delta engine)";
        requireRelation(channels == 1, "channels", channels, "1" + why + ": one utterance at a time");
        requireRelation(Integer.bitCount(pe.pesPerChannel()) == 1, "pesPerChannel", pe.pesPerChannel(),
                "a power of two" + why);
        requireRelation(pe.pesPerChannel() % engine.deltaArrays() == 0, "deltaArrays", engine.deltaArrays(),
                "a divisor of pesPerChannel = " + pe.pesPerChannel() + why
                        + " (a cell step's N outputs go back as N / A groups of h columns)");
        requireRelation(dims.maxInputSize() % engine.deltaArrays() == 0, "maxInputSize", dims.maxInputSize(),
                "a multiple of deltaArrays = " + engine.deltaArrays() + why + " (x_t enters as groups of A columns)");
        requireRelation(pe.pesPerElementwise() == 1, "pesPerElementwise", pe.pesPerElementwise(),
                "1" + why + " (one element-wise unit per PE)");
        requireRelation(memory.weightStore() == ONCHIP_STORE, "weightStore", memory.weightStore(),
                "1 (onchip)" + why + ": the column-balanced store is loaded once a run");
        requireRelation(pe.accBits() >= formats.weightBits() + formats.actBits() + 1, "accBits", pe.accBits(),
                "at least weightBits + actBits + 1 = " + (formats.weightBits() + formats.actBits() + 1) + why
                        + " (a delta is actBits + 1 bits)");
        int group = engine.deltaArrays() * formats.actBits();
        requireRelation(memory.axiDataBits() % group == 0, "axiDataBits", memory.axiDataBits(),
                "a multiple of deltaArrays x actBits = " + group + why + " (a DDR word holds whole groups of x_t)");
    }

    /** What the circulant engine ({@code CirculantLayer} and the top around it) needs of the other fields. */
    private static void requireCirculantEngine(Dims dims, Formats formats, Memory memory, Engine engine) {
        String why = " with engine=2 (the circulant engine)";
        int b = engine.circulantBlock();
        requireRelation(memory.weightStore() == ONCHIP_STORE, "weightStore", memory.weightStore(),
                "1 (onchip)" + why + ": its weight spectra stay in block RAM");
        requireRelation(dims.maxHiddenSize() % b == 0, "maxHiddenSize", dims.maxHiddenSize(),
                "a multiple of circulantBlock = " + b + why + " (cell l b + n is on element-wise unit n)");
    }

    /**
     * Refuses a circulant config whose accelerator cannot be built: its DDR words must hold whole blocks of b
     * activations (the golden model and the units need not).
     *
     * @param what what is being made (an image, the accelerator), for the message
     */
    public void requireCirculantAccelerator(String what) {
        int blockBits = engine.circulantBlock() * formats.actBits();
        if (memory.axiDataBits() % blockBits != 0) {
            throw new EsegenException("config field 'axiDataBits' = " + memory.axiDataBits() + " is invalid for " + what
                    + ": it must be a multiple of circulantBlock x actBits = " + blockBits + " with engine=2 (a DDR "
                    + "word holds whole blocks of x_t and y_t; use a power-of-two actBits)");
        }
    }

    private static long activationFormatMaxRaw(Formats formats) {
        return (1L << (formats.actBits() - 1));
    }

    private static void requireRelation(boolean ok, String field, int value, String allowed) {
        if (!ok) {
            throw new EsegenException("config field '" + field + "' = " + value + " is invalid: it must be " + allowed);
        }
    }

    /** Flat field map in the order of {@link #FIELDS}. */
    public Map<String, Integer> toFieldMap() {
        return fieldMap(channels, clockMhz, dims, pe, formats, lut, memory, engine);
    }

    private static Map<String, Integer> fieldMap(int channels, int clockMhz, Dims dims, Pe pe, Formats formats, Lut lut,
                                                 Memory memory, Engine engine) {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("channels", channels);
        m.put("clockMhz", clockMhz);
        m.put("maxInputSize", dims.maxInputSize());
        m.put("maxHiddenSize", dims.maxHiddenSize());
        m.put("maxProjSize", dims.maxProjSize());
        m.put("maxLayers", dims.maxLayers());
        m.put("pesPerChannel", pe.pesPerChannel());
        m.put("actQueueDepth", pe.actQueueDepth());
        m.put("entryFifoDepth", pe.entryFifoDepth());
        m.put("pesPerElementwise", pe.pesPerElementwise());
        m.put("gatherLanes", pe.gatherLanes());
        m.put("gruElementwise", pe.gruElementwise());
        m.put("broadcastColumns", pe.broadcastColumns());
        m.put("dspAccumulate", pe.dspAccumulate());
        m.put("accumulatorBramChannels", pe.accumulatorBramChannels());
        m.put("accBits", pe.accBits());
        m.put("weightBits", formats.weightBits());
        m.put("indexBits", formats.indexBits());
        m.put("actBits", formats.actBits());
        m.put("actFracBits", formats.actFracBits());
        m.put("ptrBits", formats.ptrBits());
        m.put("lutEntries", lut.lutEntries());
        m.put("lutInputRange", lut.lutInputRange());
        m.put("axiDataBits", memory.axiDataBits());
        m.put("axiAddrBits", memory.axiAddrBits());
        m.put("axiMaxBurstBeats", memory.axiMaxBurstBeats());
        m.put("axiMaxOutstanding", memory.axiMaxOutstanding());
        m.put("weightStore", memory.weightStore());
        m.put("onchipEntries", memory.onchipEntries());
        m.put("engine", engine.engine());
        m.put("deltaArrays", engine.deltaArrays());
        m.put("deltaMaxK", engine.deltaMaxK());
        m.put("circulantBlock", engine.circulantBlock());
        m.put("twiddleBits", engine.twiddleBits());
        m.put("circulantLanes", engine.circulantLanes());
        m.put("circulantProjLanes", engine.circulantProjLanes());
        return m;
    }

    /** Build from a flat field map that names every field exactly once. */
    public static AcceleratorConfig fromFieldMap(Map<String, Integer> m) {
        List<String> missing = new ArrayList<>();
        for (Field f : FIELDS) {
            if (!m.containsKey(f.name())) {
                missing.add(f.name());
            }
        }
        for (String k : m.keySet()) {
            requireKnown(k);
        }
        if (!missing.isEmpty()) {
            throw new EsegenException("config: missing fields " + missing);
        }
        return new AcceleratorConfig(m.get("channels"), m.get("clockMhz"),
                new Dims(m.get("maxInputSize"), m.get("maxHiddenSize"), m.get("maxProjSize"), m.get("maxLayers")),
                new Pe(m.get("pesPerChannel"), m.get("actQueueDepth"), m.get("accBits"), m.get("entryFifoDepth"),
                        m.get("pesPerElementwise"), m.get("gatherLanes"), m.get("gruElementwise"),
                        m.get("broadcastColumns"), m.get("dspAccumulate"), m.get("accumulatorBramChannels")),
                new Formats(m.get("weightBits"), m.get("indexBits"), m.get("actBits"), m.get("actFracBits"),
                        m.get("ptrBits")),
                new Lut(m.get("lutEntries"), m.get("lutInputRange")),
                new Memory(m.get("axiDataBits"), m.get("axiAddrBits"), m.get("axiMaxBurstBeats"),
                        m.get("axiMaxOutstanding"), m.get("weightStore"), m.get("onchipEntries")),
                new Engine(m.get("engine"), m.get("deltaArrays"), m.get("deltaMaxK"), m.get("circulantBlock"),
                        m.get("twiddleBits"), m.get("circulantLanes"), m.get("circulantProjLanes")));
    }

    /** Throws a clear error unless {@code name} is a config field. */
    public static void requireKnown(String name) {
        for (Field f : FIELDS) {
            if (f.name().equals(name)) {
                return;
            }
        }
        throw new EsegenException("config: unknown field '" + name + "'; known fields are "
                + FIELDS.stream().map(Field::name).toList());
    }

    /** This config with the given fields changed (and validated again). */
    public AcceleratorConfig with(Map<String, Integer> changes) {
        Map<String, Integer> m = toFieldMap();
        for (Map.Entry<String, Integer> e : changes.entrySet()) {
            requireKnown(e.getKey());
            m.put(e.getKey(), e.getValue());
        }
        return fromFieldMap(m);
    }

    /** This config with one field changed. */
    public AcceleratorConfig with(String field, int value) {
        return with(Map.of(field, value));
    }

    // ---- derived values ----

    /** PEs per channel, N. */
    public int pes() {
        return pe.pesPerChannel();
    }

    /**
     * PEs per element-wise unit, G: pesPerElementwise, but at most the largest power of two not
     * above N (a group never holds more PEs than exist). PE p uses unit p / G as its PE p mod G;
     * a channel has {@link #elementwiseUnits()} units.
     */
    public int elementwiseGroup() {
        return Math.min(pe.pesPerElementwise(), Integer.highestOneBit(pes()));
    }

    /** Lanes of the y gather, L: gatherLanes, but at most N. A row of N values takes ceil(N / L) cycles. */
    public int gatherLanesUsed() {
        return Math.min(pe.gatherLanes(), pes());
    }

    /** Element-wise units per channel, ceil(N / G). */
    public int elementwiseUnits() {
        return (pes() + elementwiseGroup() - 1) / elementwiseGroup();
    }

    /** Activation format (x, y, biases, peepholes, gates, c, m). */
    public FixedFormat activationFormat() {
        return new FixedFormat(formats.actBits(), formats.actFracBits());
    }

    /** Bits of one stored sparse entry: weight then relative index. */
    public int entryBits() {
        return formats.weightBits() + formats.indexBits();
    }

    /** Largest relative index, 2^indexBits - 1: the most zeros one entry can skip. */
    public int maxRelativeIndex() {
        return (1 << formats.indexBits()) - 1;
    }

    /** Bytes per AXI data beat. */
    public int axiDataBytes() {
        return memory.axiDataBits() / 8;
    }

    /** Whether the matrices are kept in block RAM after a run's first frame ({@code weightStore = 1}). */
    public boolean onchipWeights() {
        return memory.weightStore() == ONCHIP_STORE;
    }

    /** Entry rows the on-chip store holds, onchipEntries / 2N (at least 1). */
    public int onchipEntryRows() {
        return Math.max(1, memory.onchipEntries() / (2 * pes()));
    }

    /**
     * Pointer rows the on-chip store holds: a layer's W_a and W_hr pointer rows together at the
     * largest sizes, (I + P + 2) / 2 + (H + 2) / 2 ({@code ImageLayout.pointerRows}).
     */
    public int onchipPointerRows() {
        return (dims.maxInputSize() + dims.maxProjSize() + 2) / 2 + (dims.maxHiddenSize() + 2) / 2;
    }

    /**
     * Block RAM of the on-chip store in 36 Kb equivalents, as the synthesizer packs each memory:
     * 72-bit-wide RAMB36E2 of 512 words (or 36 x 1024 when the depth fills it better), side by side
     * for the row width and stacked for the depth. 0 with the DDR store.
     */
    public long onchipStoreBram36() {
        if (!onchipWeights()) {
            return 0;
        }
        long entryRowBits = (long) pes() * 2 * entryBits();
        long pointerRowBits = (long) pes() * 2 * formats.ptrBits();
        return bram36(entryRowBits, onchipEntryRows()) + bram36(pointerRowBits, onchipPointerRows());
    }

    private static long bram36(long width, long depth) {
        long wide = ceilDiv(width, 72) * ceilDiv(depth, 512);
        long deep = ceilDiv(width, 36) * ceilDiv(depth, 1024);
        return Math.min(wide, deep);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Clock period in nanoseconds. */
    public double clockPeriodNs() {
        return 1000.0 / clockMhz;
    }

    /** Cells per PE the hardware holds, ceil(maxHiddenSize / N). */
    public int maxCellsPerPe() {
        return (dims.maxHiddenSize() + pes() - 1) / pes();
    }

    /** Projection rows per PE the hardware holds, ceil(maxProjSize / N). */
    public int maxProjRowsPerPe() {
        return (dims.maxProjSize() + pes() - 1) / pes();
    }

    /**
     * Accumulator words per PE and channel: bank 0 holds W_a's 4 ceil(H/N) rows, bank 1 W_hr's
     * ceil(P/N) rows (at least 2), so that the element-wise step reads bank 0 while SpMV 2 runs.
     */
    public int accumulatorsPerPe() {
        return 4 * maxCellsPerPe() + Math.max(2, maxProjRowsPerPe());
    }

    /**
     * Checks that a model of these dims fits the generated buffers.
     *
     * @param source what the dims come from, for the message
     */
    public void requireFits(int inputSize, int hiddenSize, int projSize, String source) {
        int[] given = {inputSize, hiddenSize, projSize};
        int[] max = {dims.maxInputSize(), dims.maxHiddenSize(), dims.maxProjSize()};
        String[] names = {"maxInputSize", "maxHiddenSize", "maxProjSize"};
        String[] dimNames = {"input size I", "hidden size H", "projection size P"};
        for (int k = 0; k < 3; k++) {
            if (given[k] > max[k]) {
                throw new EsegenException(source + ": " + dimNames[k] + " = " + given[k] + " does not fit the config's "
                        + names[k] + " = " + max[k] + "; raise it with --set " + names[k] + "=" + given[k]);
            }
        }
    }

    /**
     * Checks that a model fits: its layer count within maxLayers and every layer's sizes within the
     * max sizes.
     *
     * @param source what the model comes from, for the message
     */
    public void requireFits(LayerStack model, String source) {
        requireLayersFit(model.depth(), source);
        for (LayerWeights layer : model.layers()) {
            requireFits(layer.inputSize(), layer.hiddenSize(), layer.projSize(),
                    model.depth() == 1 ? source : source + " layer " + layer.layer());
        }
    }

    /**
     * Checks that a stack of {@code layers} layers fits the configuration's maxLayers.
     *
     * @param source what the stack comes from, for the message
     */
    public void requireLayersFit(int layers, String source) {
        if (layers > dims.maxLayers()) {
            throw new EsegenException(source + ": " + layers + " layers do not fit the config's maxLayers = "
                    + dims.maxLayers() + "; raise it with --set maxLayers=" + layers);
        }
    }

    /** Whether the design is the column-balanced delta engine ({@code engine = 1}). */
    public boolean deltaEngine() {
        return engine.delta();
    }

    /** Whether the design is the block-circulant FFT engine ({@code engine = 2}). */
    public boolean circulantEngine() {
        return engine.circulant();
    }

    /** Columns of the longest vector [x_t; h_(t-1)] the delta engine takes: maxInputSize + N ceil(maxHiddenSize / N). */
    public int deltaColumns() {
        return dims.maxInputSize() + pes() * maxCellsPerPe();
    }

    /** Bits of a column-balanced entry's local row: enough for the 4 ceil(maxHiddenSize / N) rows of M per PE. */
    public int deltaRowBits() {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(4 * maxCellsPerPe() - 1));
    }

    /** Bits of a column-balanced entry: the weight (low weightBits), the local row above it. */
    public int deltaEntryBits() {
        return formats.weightBits() + deltaRowBits();
    }

    /**
     * Store words each of the delta engine's arrays holds: ceil(deltaColumns / A) deltaMaxK, and one more
     * (a word is N entries, one per PE).
     */
    public int deltaStoreDepth() {
        int arrayColumns = (deltaColumns() + engine.deltaArrays() - 1) / engine.deltaArrays();
        return arrayColumns * engine.deltaMaxK() + 1;
    }

    /** Block RAM of the delta engine's column-balanced stores in 36 Kb equivalents (A stores of N entries a word). */
    public long deltaStoreBram36() {
        return engine.deltaArrays() * bram36((long) pes() * deltaEntryBits(), deltaStoreDepth());
    }

    /**
     * Bits of one stored circulant block with the circulant engine: its spectrum, b/2 + 1 complex bins of two
     * weightBits parts ({@code FixedCirculant#storeWord}).
     */
    public int circulantWordBits() {
        return 2 * (engine.circulantBlock() / 2 + 1) * formats.weightBits();
    }

    /** Largest column pointer value, 2^ptrBits - 1. */
    public long maxPointer() {
        return (1L << formats.ptrBits()) - 1;
    }
}
