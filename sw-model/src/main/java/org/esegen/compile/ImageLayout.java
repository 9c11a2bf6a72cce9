package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.CellKind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The DDR image layout: where each {@link Section} of each layer starts and how it is packed. Defined
 * here once; the golden model, the testbench and the register programming read it from here.
 *
 * <p>Sections follow one another in this order: HEADER, then for each layer k = 0 .. L-1 its weight
 * and parameter sections (WA_POINTERS, WA_ENTRIES, WHR_POINTERS, WHR_ENTRIES, BIAS, PEEPHOLES), then
 * INPUT (the frames, layer 0's input), then for each layer its OUTPUT (layer k+1 reads layer k's; the
 * last layer's are the model's outputs). A cell without projection carries W_hr = I, so every layer
 * has all its sections. A one-layer image is laid out exactly as before stacks existed. Every
 * section starts on a {@value #SECTION_ALIGN}-byte boundary (so no AXI
 * burst inside a section's row crosses a 4 KiB boundary when rows are word aligned) and is packed as
 * {@link LaneRows}: parameter sections with N lanes (one per PE), frame sections with one lane per
 * vector element; pointer sections with 2 N lanes, row k holding the pointers of columns 2k (lanes
 * 0 .. N-1) and 2k + 1 (lanes N .. 2N-1) ({@link #pointerRow}, {@link #pointerLane}; the high half of
 * a last odd row is zero), so a 1024-bit word carries two columns of 32 16-bit pointers; and entry
 * sections with {@value #ENTRIES_PER_PE_ROW} N lanes: row k holds entries {@value #ENTRIES_PER_PE_ROW} k
 * and {@value #ENTRIES_PER_PE_ROW} k + 1 of PE p in lanes 2p and 2p + 1 ({@link #entryRow},
 * {@link #entryLane}), so a PE receives its entries in pairs and can take a padding entry together
 * with the next one. Entries are {@code weight | index << weightBits}; lanes past a PE's last entry
 * are zero.
 *
 * <p><b>The delta engine</b> ({@code engine} = 1, Spartus's column-balanced store): a layer's
 * WA_POINTERS, WHR_POINTERS and WHR_ENTRIES sections are empty (no pointers; the cell output is the
 * layer's output) and WA_ENTRIES is the column-balanced store of W_a ({@code ColumnBalancedEncoding}):
 * rows of N lanes of {@code deltaEntryBits} bits (lane p = PE p's entry: the weight in the low
 * weightBits, its local row above), row a W + j K + e holding entry e of local column j of array a
 * (column c = j A + a; W = {@link LayerLayout#deltaArrayWords} the words of an array, the words of a
 * column past the last zero), as the arrays' stores take them, array 0 first ({@link #deltaStoreRow}).
 *
 * <p><b>The circulant engine</b> ({@code engine} = 2, E-RNN's block-circulant matrices): N = b, the block
 * (the element-wise units: cell l b + n on unit n, so BIAS and PEEPHOLES are as above with N = b); no
 * pointer sections; WA_ENTRIES holds the gate matrix's stored spectra (b/2 + 1 bins, real and imaginary
 * parts of weightBits: a row of 2 (b/2 + 1) lanes, lane 2k + part, {@code FixedCirculant#storeWord}), row
 * i C_b + j for engine row block i and column block j (C_b = ceil(I / b) + ceil(P / b)), the engine's row
 * blocks interleaved by cell block ({@link #circulantGateRowBlock}); WHR_ENTRIES holds W_hr's spectra
 * (lstmp; empty otherwise), row i H / b + j. The frame sections interleave the channels block by block so
 * that a layer takes C channels' blocks at once: frame t is row t, of C ceil(n / b) b lanes, element e of
 * channel ch at lane ((e / b) C + ch) b + e mod b ({@link #frameRow}, {@link #frameLane}); the padding lanes
 * are zero.
 *
 * <p>The header (section HEADER, little-endian) holds: u32 magic {@value #MAGIC} ("ESEG" read as
 * bytes), u32 version, then u32 frames, channels, pes, weightBits, indexBits, actBits, actFracBits,
 * ptrBits, axiDataBits, L, engine (0 sparse, 1 delta, 2 circulant), arrays (A with the delta engine, b
 * with the circulant engine, 1 with the sparse engine), storeEntryBits (a column-balanced entry's bits with
 * the delta engine, 0 otherwise); from byte {@value #LAYER_TABLE_OFFSET} one descriptor of
 * {@value #LAYER_DESCRIPTOR_BYTES} bytes per layer: u32 cell (the {@link CellKind} ordinal: 0 lstmp,
 * 1 lstm, 2 gru), I, H, P, flags (bit 0: peepholes), waFracBits, whrFracBits, waEntryRows,
 * whrEntryRows, K (0 with the sparse and circulant engines); from byte {@value #SECTION_TABLE_OFFSET} one (u64
 * offset, u64 bytes) pair per section in address order.
 *
 * @param layers      the layers, layer 0 first (at most {@value #MAX_LAYERS})
 * @param frames      T, frames per channel
 * @param channels    C
 * @param pes         N (b with the circulant engine)
 * @param weightBits  stored weight width
 * @param indexBits   relative index width
 * @param actBits     activation width
 * @param actFracBits activation fractional bits
 * @param ptrBits     column pointer width
 * @param axiDataBits DDR word width
 * @param engine      the config's engine: 0 sparse, 1 delta, 2 circulant
 * @param arrays      A, the delta engine's arrays; b with the circulant engine; 1 with the sparse engine
 * @param storeEntryBits bits of a column-balanced entry with the delta engine (0 otherwise)
 */
public record ImageLayout(List<LayerLayout> layers, int frames, int channels, int pes, int weightBits,
                          int indexBits, int actBits, int actFracBits, int ptrBits, int axiDataBits, int engine,
                          int arrays, int storeEntryBits) {

    /** "ESEG" as a little-endian u32. */
    public static final int MAGIC = 0x47455345;
    /** Layout version written in the header. */
    public static final int VERSION = 6;
    /** Consecutive entries of one PE in one entry row. */
    public static final int ENTRIES_PER_PE_ROW = 2;
    /** Section alignment in bytes. */
    public static final int SECTION_ALIGN = 4096;
    /** Byte offset of the layer descriptors in the header. */
    public static final int LAYER_TABLE_OFFSET = 64;
    /** Bytes of one layer descriptor. */
    public static final int LAYER_DESCRIPTOR_BYTES = 48;
    /** Byte offset of the section table in the header. */
    public static final int SECTION_TABLE_OFFSET = 1024;
    /** Most layers an image holds. */
    public static final int MAX_LAYERS = AcceleratorConfig.MAX_LAYERS;

    private static final int GLOBAL_FIELDS = 15;
    private static final int LAYER_FIELDS = 10;

    public ImageLayout {
        layers = List.copyOf(layers);
        if (layers.isEmpty() || layers.size() > MAX_LAYERS) {
            throw new EsegenException("image layout: " + layers.size() + " layers; allowed are 1 to " + MAX_LAYERS);
        }
    }

    /** One section of the image: a global one (layer -1) or one of a layer's. */
    public record Placement(int layer, Section section, long offset, long bytes, long rows) {
        /** The section's name in layout.json: e.g. {@code wa_entries_l1}, {@code input}. */
        public String name() {
            String base = section.name().toLowerCase(Locale.ROOT);
            return layer < 0 ? base : base + "_l" + layer;
        }
    }

    /** Layout for a config, the layers of a compiled model and {@code frames} frames a channel. */
    public static ImageLayout of(AcceleratorConfig config, List<LayerLayout> layers, int frames) {
        AcceleratorConfig.Formats f = config.formats();
        boolean delta = config.deltaEngine();
        int block = config.engine().circulantBlock();
        boolean circulant = config.circulantEngine();
        return new ImageLayout(layers, frames, config.channels(), circulant ? block : config.pes(), f.weightBits(),
                f.indexBits(), f.actBits(), f.actFracBits(), f.ptrBits(), config.memory().axiDataBits(),
                config.engine().engine(), delta ? config.engine().deltaArrays() : circulant ? block : 1,
                delta ? config.deltaEntryBits() : 0);
    }

    /** Whether the image is for the delta engine (its W_a a column-balanced store, no W_hr). */
    public boolean delta() {
        return engine == AcceleratorConfig.DELTA_ENGINE;
    }

    /** Whether the image is for the circulant engine (its matrices as spectra, its frames channel-interleaved). */
    public boolean circulant() {
        return engine == AcceleratorConfig.CIRCULANT_ENGINE;
    }

    /** b, the circulant engine's block (only with the circulant engine). */
    public int block() {
        if (!circulant()) {
            throw new EsegenException("image layout: a block size is the circulant engine's; this image is engine "
                    + engine + "'s");
        }
        return arrays;
    }

    /** Blocks of b a vector of {@code size} elements takes with the circulant engine: ceil(size / b). */
    public int blocks(int size) {
        return (size + block() - 1) / block();
    }

    /**
     * The gate-matrix row block the circulant engine's row block {@code engineRowBlock} holds (its row blocks
     * come interleaved by cell block: 4 l + g holds gate g of cell block l, gate-matrix row block g cells +
     * l, with cells = H / b).
     */
    public static int circulantGateRowBlock(int engineRowBlock, int cells) {
        return (engineRowBlock % 4) * cells + engineRowBlock / 4;
    }

    /** Row of a frame section holding frame {@code frame} of channel {@code channel}. */
    public long frameRow(int channel, int frame) {
        return circulant() ? frame : (long) channel * frames + frame;
    }

    /** Lane of a frame section holding element {@code element} of channel {@code channel}'s frame. */
    public int frameLane(int channel, int element) {
        if (!circulant()) {
            return element;
        }
        int b = block();
        return ((element / b) * channels + channel) * b + element % b;
    }

    /**
     * WA_ENTRIES row of a delta layer's store holding entry {@code entry} of column {@code column}:
     * array a = c mod A, local column j = c / A, row a W + j K + entry.
     */
    public long deltaStoreRow(int layer, int column, int entry) {
        if (!delta()) {
            throw new EsegenException("image layout: a column-balanced store row is the delta engine's; this image is "
                    + "engine " + engine + "'s");
        }
        LayerLayout l = layers.get(layer);
        return (long) (column % arrays) * l.deltaArrayWords(arrays) + (long) (column / arrays) * l.k() + entry;
    }

    /** Layer {@code k}. */
    public LayerLayout layer(int k) {
        return layers.get(k);
    }

    /** L. */
    public int layerCount() {
        return layers.size();
    }

    /** Width of an input frame: layer 0's I. */
    public int inputSize() {
        return layers.get(0).inputSize();
    }

    /** Width of an output frame: the last layer's P. */
    public int outputSize() {
        return layers.get(layers.size() - 1).projSize();
    }

    /** Packing of the entry sections for N PEs, entries of entryBits bits and DDR words of axiDataBits bits. */
    public static LaneRows entryPacking(int pes, int entryBits, int axiDataBits) {
        return new LaneRows(ENTRIES_PER_PE_ROW * pes, entryBits, axiDataBits);
    }

    /** Packing of the pointer sections: two columns' pointers (N lanes each) per row. */
    public static LaneRows pointerPacking(int pes, int ptrBits, int axiDataBits) {
        return new LaneRows(2 * pes, ptrBits, axiDataBits);
    }

    /** Pointer-section row holding the pointers of column {@code column}. */
    public static long pointerRow(int column) {
        return column / 2;
    }

    /** Pointer-section lane holding PE {@code pe}'s pointer of column {@code column}. */
    public static int pointerLane(int pes, int pe, int column) {
        return (column % 2) * pes + pe;
    }

    /** Pointer-section rows of a matrix of {@code columns} columns ({@code columns} + 1 pointers). */
    public static long pointerRows(long columns) {
        return (columns + 2) / 2;
    }

    /** Entry-section row holding entry {@code entry} of a PE. */
    public static long entryRow(int entry) {
        return entry / ENTRIES_PER_PE_ROW;
    }

    /** Entry-section lane holding entry {@code entry} of PE {@code pe}. */
    public static int entryLane(int pe, int entry) {
        return pe * ENTRIES_PER_PE_ROW + entry % ENTRIES_PER_PE_ROW;
    }

    /** Entry-section rows needed for a PE stream of {@code entries} entries. */
    public static int entryRows(int entries) {
        return (entries + ENTRIES_PER_PE_ROW - 1) / ENTRIES_PER_PE_ROW;
    }

    /** Packing of section {@code s} of layer {@code layer} (ignored for the global sections). */
    public LaneRows packing(int layer, Section s) {
        return switch (s) {
            case HEADER -> new LaneRows(1, 8, axiDataBits);
            case WA_POINTERS, WHR_POINTERS -> pointerPacking(pes, ptrBits, axiDataBits);
            case WA_ENTRIES, WHR_ENTRIES -> delta() ? new LaneRows(pes, storeEntryBits, axiDataBits)
                    : circulant() ? spectrumPacking(arrays, weightBits, axiDataBits)
                    : entryPacking(pes, weightBits + indexBits, axiDataBits);
            case BIAS, PEEPHOLES -> new LaneRows(pes, actBits, axiDataBits);
            case INPUT -> framePacking(inputSize());
            case OUTPUT -> framePacking(layers.get(layer).projSize());
        };
    }

    /**
     * Packing of the circulant engine's spectrum sections: a row per stored block, its b/2 + 1 bins' real and
     * imaginary parts (lane 2k + part) of weightBits.
     */
    public static LaneRows spectrumPacking(int block, int weightBits, int axiDataBits) {
        return new LaneRows(2 * (block / 2 + 1), weightBits, axiDataBits);
    }

    private LaneRows framePacking(int size) {
        return new LaneRows(circulant() ? channels * blocks(size) * block() : size, actBits, axiDataBits);
    }

    /** Packing of a global section, or of a layer's section in a one-layer image. */
    public LaneRows packing(Section s) {
        return packing(0, s);
    }

    /** Rows of section {@code s} of layer {@code layer} (ignored for the global sections). */
    public long rows(int layer, Section s) {
        LayerLayout l = s.perLayer() ? layers.get(layer) : null;
        return switch (s) {
            case HEADER -> 0;
            case WA_POINTERS -> delta() || circulant() ? 0 : pointerRows(l.waColumns());
            case WA_ENTRIES -> l.waEntryRows();
            case WHR_POINTERS -> delta() || circulant() ? 0 : pointerRows(l.hiddenSize());
            case WHR_ENTRIES -> l.whrEntryRows();
            case BIAS -> 4L * l.cellsPerPe(pes);
            case PEEPHOLES -> 3L * l.cellsPerPe(pes);
            case INPUT, OUTPUT -> circulant() ? frames : (long) channels * frames;
        };
    }

    /** Rows of a global section, or of a layer's section in a one-layer image. */
    public long rows(Section s) {
        return rows(singleFor(s), s);
    }

    /** Bytes of a section's content (the header is one alignment unit). */
    public long bytes(int layer, Section s) {
        return s == Section.HEADER ? SECTION_ALIGN : packing(layer, s).bytes(rows(layer, s));
    }

    /** Every section in address order with its offset and size. */
    public List<Placement> placements() {
        List<Placement> out = new ArrayList<>();
        long at = 0;
        List<int[]> order = new ArrayList<>();
        order.add(new int[]{-1, Section.HEADER.ordinal()});
        for (int k = 0; k < layers.size(); k++) {
            for (Section s : Section.values()) {
                if (s.perLayer() && s != Section.OUTPUT) {
                    order.add(new int[]{k, s.ordinal()});
                }
            }
        }
        order.add(new int[]{-1, Section.INPUT.ordinal()});
        for (int k = 0; k < layers.size(); k++) {
            order.add(new int[]{k, Section.OUTPUT.ordinal()});
        }
        for (int[] o : order) {
            Section s = Section.values()[o[1]];
            long bytes = bytes(Math.max(0, o[0]), s);
            out.add(new Placement(o[0], s, at, bytes, rows(Math.max(0, o[0]), s)));
            at += align(bytes);
        }
        return out;
    }

    /** Byte offset of section {@code s} of layer {@code layer} (ignored for the global sections). */
    public long offset(int layer, Section s) {
        for (Placement p : placements()) {
            if (p.section() == s && (!s.perLayer() || p.layer() == layer)) {
                return p.offset();
            }
        }
        throw new EsegenException("image layout: layer " + layer + " has no section " + s);
    }

    /** Byte offset of a global section, or of a layer's section in a one-layer image. */
    public long offset(Section s) {
        return offset(singleFor(s), s);
    }

    /** Total image bytes (sections aligned). */
    public long totalBytes() {
        Placement last = placements().get(placements().size() - 1);
        return last.offset() + align(last.bytes());
    }


    /** Byte address of frame t of channel ch in the INPUT section or in layer {@code layer}'s OUTPUT section. */
    public long frameAddress(int layer, Section s, int channel, int frame) {
        return offset(layer, s) + packing(layer, s).bytes(frameRow(channel, frame));
    }

    private int singleFor(Section s) {
        if (s.perLayer() && layers.size() != 1) {
            throw new EsegenException("image layout: section " + s + " of which layer? this image holds "
                    + layers.size());
        }
        return 0;
    }

    private static long align(long bytes) {
        return (bytes + SECTION_ALIGN - 1) / SECTION_ALIGN * SECTION_ALIGN;
    }

    /**
     * T, the frames of each channel of [channel][frame][I] input frames for a design of {@code channels}
     * channels.
     *
     * @throws EsegenException if the frames have another channel count
     */
    public static int framesPerChannel(long[][][] framesRaw, int channels) {
        if (framesRaw.length != channels) {
            throw new EsegenException("image: " + framesRaw.length + " channels of frames given, config has "
                    + channels);
        }
        return framesRaw[0].length;
    }

    /**
     * A zeroed image of this layout with its header written.
     *
     * @throws EsegenException if it would exceed the 2 GiB this tool writes
     */
    public byte[] emptyImage() {
        long total = totalBytes();
        if (total > Integer.MAX_VALUE - 8) {
            throw new EsegenException("image of " + total + " bytes exceeds the 2 GiB this tool writes; use fewer frames");
        }
        byte[] image = new byte[(int) total];
        writeHeader(image);
        return image;
    }

    /**
     * Writes [channel][frame][I] raw input frames into the INPUT section of {@code image} ({@link #frameRow},
     * {@link #frameLane}).
     *
     * @throws EsegenException if a channel has another frame count than T, a frame another width than I, or a
     *                         value lies outside {@code act}
     */
    public void writeInputs(byte[] image, long[][][] framesRaw, FixedFormat act) {
        LaneRows in = packing(Section.INPUT);
        long base = offset(Section.INPUT);
        for (int ch = 0; ch < framesRaw.length; ch++) {
            if (framesRaw[ch].length != frames) {
                throw new EsegenException("image: channel " + ch + " has " + framesRaw[ch].length
                        + " frames, channel 0 has " + frames);
            }
            for (int t = 0; t < frames; t++) {
                if (framesRaw[ch][t].length != inputSize()) {
                    throw new EsegenException("image: channel " + ch + " frame " + t + " has "
                            + framesRaw[ch][t].length + " values, layer 0's input size is " + inputSize());
                }
                for (int i = 0; i < inputSize(); i++) {
                    long v = framesRaw[ch][t][i];
                    if (!act.holds(v)) {
                        throw new EsegenException("image: input value " + v + " at channel " + ch + " frame " + t
                                + " index " + i + " is outside " + act);
                    }
                    in.put(image, base, frameRow(ch, t), frameLane(ch, i), v);
                }
            }
        }
    }

    /**
     * Writes layer {@code layer}'s BIAS and PEEPHOLES sections: cell c of the 4H accumulator-row biases (rows
     * i, f, g, o or r, z, n_x, n_h) and of the 3H peepholes (i, f, o) at lane c mod N of row g ceil(H / N) + c / N.
     */
    public void writeParameters(byte[] image, int layer, long[] bias, long[] peep) {
        int h = layers.get(layer).hiddenSize();
        int cellsPerPe = layers.get(layer).cellsPerPe(pes);
        LaneRows rows = packing(layer, Section.BIAS);
        long biasBase = offset(layer, Section.BIAS);
        long peepBase = offset(layer, Section.PEEPHOLES);
        for (int cell = 0; cell < h; cell++) {
            int lane = cell % pes;
            int local = cell / pes;
            for (int g = 0; g < 4; g++) {
                rows.put(image, biasBase, (long) g * cellsPerPe + local, lane, bias[g * h + cell]);
            }
            for (int q = 0; q < 3; q++) {
                rows.put(image, peepBase, (long) q * cellsPerPe + local, lane, peep[q * h + cell]);
            }
        }
    }

    /** Write the header into the first bytes of {@code image}. */
    public void writeHeader(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int[] fields = {MAGIC, VERSION, frames, channels, pes, weightBits, indexBits, actBits, actFracBits, ptrBits,
                axiDataBits, layers.size(), engine, arrays, storeEntryBits};
        for (int i = 0; i < fields.length; i++) {
            b.putInt(4 * i, fields[i]);
        }
        for (int k = 0; k < layers.size(); k++) {
            LayerLayout l = layers.get(k);
            int[] d = {l.cell().ordinal(), l.inputSize(), l.hiddenSize(), l.projSize(), l.peepholes() ? 1 : 0,
                    l.waFracBits(), l.whrFracBits(), l.waEntryRows(), l.whrEntryRows(), l.k()};
            for (int i = 0; i < d.length; i++) {
                b.putInt(LAYER_TABLE_OFFSET + k * LAYER_DESCRIPTOR_BYTES + 4 * i, d[i]);
            }
        }
        int at = SECTION_TABLE_OFFSET;
        for (Placement p : placements()) {
            b.putLong(at, p.offset());
            b.putLong(at + 8, p.bytes());
            at += 16;
        }
    }

    /** Read and check the header of an image. */
    public static ImageLayout readHeader(byte[] image, String source) {
        if (image.length < SECTION_ALIGN) {
            throw new EsegenException(source + ": image of " + image.length + " bytes is shorter than its header ("
                    + SECTION_ALIGN + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != MAGIC || b.getInt(4) != VERSION) {
            throw new EsegenException(source + ": not an esegen image of version " + VERSION + " (magic 0x"
                    + Integer.toHexString(b.getInt(0)) + ", version " + b.getInt(4) + ")");
        }
        int[] f = new int[GLOBAL_FIELDS];
        for (int i = 0; i < f.length; i++) {
            f[i] = b.getInt(4 * i);
        }
        if (f[11] < 1 || f[11] > MAX_LAYERS) {
            throw new EsegenException(source + ": header gives " + f[11] + " layers; allowed are 1 to " + MAX_LAYERS);
        }
        List<LayerLayout> layers = new ArrayList<>();
        for (int k = 0; k < f[11]; k++) {
            int[] d = new int[LAYER_FIELDS];
            for (int i = 0; i < d.length; i++) {
                d[i] = b.getInt(LAYER_TABLE_OFFSET + k * LAYER_DESCRIPTOR_BYTES + 4 * i);
            }
            if (d[0] < 0 || d[0] >= CellKind.values().length) {
                throw new EsegenException(source + ": layer " + k + " has cell code " + d[0] + "; allowed are 0 to "
                        + (CellKind.values().length - 1));
            }
            layers.add(new LayerLayout(CellKind.values()[d[0]], d[1], d[2], d[3], d[4] != 0, d[5], d[6], d[7], d[8],
                    d[9]));
        }
        if (f[12] < AcceleratorConfig.SPARSE_ENGINE || f[12] > AcceleratorConfig.CIRCULANT_ENGINE || f[13] < 1) {
            throw new EsegenException(source + ": header gives engine " + f[12] + " with " + f[13]
                    + " arrays; allowed are engine 0 (sparse), 1 (delta) or 2 (circulant) and at least 1 array (or "
                    + "block)");
        }
        ImageLayout layout = new ImageLayout(layers, f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10], f[12],
                f[13], f[14]);
        if (layout.totalBytes() != image.length) {
            throw new EsegenException(source + ": image has " + image.length + " bytes but its header describes "
                    + layout.totalBytes());
        }
        return layout;
    }

    /** Section table as name -> {offset, bytes, rows, row_bytes}, for the JSON description written beside the image. */
    public Map<String, Map<String, Long>> describeSections() {
        Map<String, Map<String, Long>> d = new LinkedHashMap<>();
        for (Placement p : placements()) {
            Map<String, Long> s = new LinkedHashMap<>();
            s.put("offset", p.offset());
            s.put("bytes", p.bytes());
            s.put("rows", p.rows());
            s.put("row_bytes", (long) packing(Math.max(0, p.layer()), p.section()).rowBytes());
            d.put(p.name(), s);
        }
        return d;
    }
}
