package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The DDR image layout: where each {@link Section} starts and how it is packed. Defined here once;
 * the golden model, the testbench and the register programming read it from here.
 *
 * <p>Every section starts on a {@value #SECTION_ALIGN}-byte boundary (so no AXI burst inside a
 * section's row crosses a 4 KiB boundary when rows are word aligned), in {@link Section} order, and
 * is packed as {@link LaneRows}: parameter sections with N lanes (one per PE), frame sections with
 * one lane per vector element; pointer sections with 2 N lanes, row k holding the pointers of
 * columns 2k (lanes 0 .. N-1) and 2k + 1 (lanes N .. 2N-1) ({@link #pointerRow},
 * {@link #pointerLane}; the high half of a last odd row is zero), so a 1024-bit word carries two
 * columns of 32 16-bit pointers; and entry sections with {@value #ENTRIES_PER_PE_ROW} N lanes: row k
 * holds entries {@value #ENTRIES_PER_PE_ROW} k and {@value #ENTRIES_PER_PE_ROW} k + 1 of PE p in
 * lanes 2p and 2p + 1 ({@link #entryRow}, {@link #entryLane}), so a PE receives its entries in pairs
 * and can take a padding entry together with the next one. Entries are
 * {@code weight | index << weightBits}; lanes past a PE's last entry are zero.
 *
 * <p>The header (section HEADER, little-endian) holds: u32 magic {@value #MAGIC} ("ESEG" read as
 * bytes), u32 version, then u32 I, H, P, frames, channels, pes, flags (bit 0: peepholes),
 * waFracBits, whrFracBits, weightBits, indexBits, actBits, actFracBits, ptrBits, axiDataBits,
 * waEntryRows, whrEntryRows; then from byte 128 one (u64 offset, u64 bytes) pair per section.
 *
 * @param inputSize     I
 * @param hiddenSize    H
 * @param projSize      P
 * @param frames        T, frames per channel
 * @param channels      C
 * @param pes           N
 * @param peepholes     whether the model has peepholes
 * @param waFracBits    weight fractional bits of W_a
 * @param whrFracBits   weight fractional bits of W_hr
 * @param weightBits    stored weight width
 * @param indexBits     relative index width
 * @param actBits       activation width
 * @param actFracBits   activation fractional bits
 * @param ptrBits       column pointer width
 * @param axiDataBits   DDR word width
 * @param waEntryRows   rows of the W_a entry section ({@link #entryRows} of the busiest PE's entries)
 * @param whrEntryRows  rows of the W_hr entry section
 */
public record ImageLayout(int inputSize, int hiddenSize, int projSize, int frames, int channels, int pes,
                          boolean peepholes, int waFracBits, int whrFracBits, int weightBits, int indexBits,
                          int actBits, int actFracBits, int ptrBits, int axiDataBits, int waEntryRows,
                          int whrEntryRows) {

    /** "ESEG" as a little-endian u32. */
    public static final int MAGIC = 0x47455345;
    /** Layout version written in the header. */
    public static final int VERSION = 3;
    /** Consecutive entries of one PE in one entry row. */
    public static final int ENTRIES_PER_PE_ROW = 2;
    /** Section alignment in bytes. */
    public static final int SECTION_ALIGN = 4096;
    /** Byte offset of the section table in the header. */
    public static final int SECTION_TABLE_OFFSET = 128;

    /** Layout for a config and a compiled model's shape. */
    public static ImageLayout of(AcceleratorConfig config, int inputSize, int hiddenSize, int projSize, int frames,
                                 boolean peepholes, int waFracBits, int whrFracBits, int waEntryRows,
                                 int whrEntryRows) {
        AcceleratorConfig.Formats f = config.formats();
        return new ImageLayout(inputSize, hiddenSize, projSize, frames, config.channels(), config.pes(), peepholes,
                waFracBits, whrFracBits, f.weightBits(), f.indexBits(), f.actBits(), f.actFracBits(), f.ptrBits(),
                config.memory().axiDataBits(), waEntryRows, whrEntryRows);
    }

    /** Cells per PE, ceil(H / N). */
    public int cellsPerPe() {
        return (hiddenSize + pes - 1) / pes;
    }

    /** Projection rows per PE, ceil(P / N). */
    public int projRowsPerPe() {
        return (projSize + pes - 1) / pes;
    }

    /** Columns of W_a, I + P. */
    public int waColumns() {
        return inputSize + projSize;
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

    /** Packing of a section. */
    public LaneRows packing(Section s) {
        return switch (s) {
            case HEADER -> new LaneRows(1, 8, axiDataBits);
            case WA_POINTERS, WHR_POINTERS -> pointerPacking(pes, ptrBits, axiDataBits);
            case WA_ENTRIES, WHR_ENTRIES -> entryPacking(pes, weightBits + indexBits, axiDataBits);
            case BIAS, PEEPHOLES -> new LaneRows(pes, actBits, axiDataBits);
            case INPUT -> new LaneRows(inputSize, actBits, axiDataBits);
            case OUTPUT -> new LaneRows(projSize, actBits, axiDataBits);
        };
    }

    /** Rows of a section. */
    public long rows(Section s) {
        return switch (s) {
            case HEADER -> 0;
            case WA_POINTERS -> pointerRows(waColumns());
            case WA_ENTRIES -> waEntryRows;
            case WHR_POINTERS -> pointerRows(hiddenSize);
            case WHR_ENTRIES -> whrEntryRows;
            case BIAS -> 4L * cellsPerPe();
            case PEEPHOLES -> 3L * cellsPerPe();
            case INPUT, OUTPUT -> (long) channels * frames;
        };
    }

    /** Bytes of a section's content (the header is one alignment unit). */
    public long bytes(Section s) {
        return s == Section.HEADER ? SECTION_ALIGN : packing(s).bytes(rows(s));
    }

    /** Byte offset of every section. */
    public Map<Section, Long> offsets() {
        Map<Section, Long> offsets = new EnumMap<>(Section.class);
        long at = 0;
        for (Section s : Section.values()) {
            offsets.put(s, at);
            at += align(bytes(s));
        }
        return offsets;
    }

    /** Byte offset of one section. */
    public long offset(Section s) {
        return offsets().get(s);
    }

    /** Total image bytes (sections aligned). */
    public long totalBytes() {
        long total = 0;
        for (Section s : Section.values()) {
            total += align(bytes(s));
        }
        return total;
    }

    /** Byte address of frame t of channel ch in the INPUT or OUTPUT section. */
    public long frameAddress(Section s, int channel, int frame) {
        return offset(s) + packing(s).bytes((long) channel * frames + frame);
    }

    private static long align(long bytes) {
        return (bytes + SECTION_ALIGN - 1) / SECTION_ALIGN * SECTION_ALIGN;
    }

    /** Write the header into the first bytes of {@code image}. */
    public void writeHeader(byte[] image) {
        ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
        int[] fields = {MAGIC, VERSION, inputSize, hiddenSize, projSize, frames, channels, pes, peepholes ? 1 : 0,
                waFracBits, whrFracBits, weightBits, indexBits, actBits, actFracBits, ptrBits, axiDataBits,
                waEntryRows, whrEntryRows};
        for (int i = 0; i < fields.length; i++) {
            b.putInt(4 * i, fields[i]);
        }
        int at = SECTION_TABLE_OFFSET;
        for (Map.Entry<Section, Long> e : offsets().entrySet()) {
            b.putLong(at, e.getValue());
            b.putLong(at + 8, bytes(e.getKey()));
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
        int[] f = new int[19];
        for (int i = 0; i < f.length; i++) {
            f[i] = b.getInt(4 * i);
        }
        ImageLayout layout = new ImageLayout(f[2], f[3], f[4], f[5], f[6], f[7], f[8] != 0, f[9], f[10], f[11], f[12],
                f[13], f[14], f[15], f[16], f[17], f[18]);
        if (layout.totalBytes() != image.length) {
            throw new EsegenException(source + ": image has " + image.length + " bytes but its header describes "
                    + layout.totalBytes());
        }
        return layout;
    }

    /** Section table as name -> {offset, bytes}, for the JSON description written beside the image. */
    public Map<String, Map<String, Long>> describeSections() {
        Map<String, Map<String, Long>> d = new LinkedHashMap<>();
        for (Map.Entry<Section, Long> e : offsets().entrySet()) {
            Map<String, Long> s = new LinkedHashMap<>();
            s.put("offset", e.getValue());
            s.put("bytes", bytes(e.getKey()));
            s.put("rows", rows(e.getKey()));
            s.put("row_bytes", (long) packing(e.getKey()).rowBytes());
            d.put(e.getKey().name().toLowerCase(), s);
        }
        return d;
    }
}
