package org.esegen.compile;

/**
 * The one packing of values into DDR words used by every image section.
 *
 * <p>A section is a sequence of rows; a row holds {@code lanes} values of {@code laneBits} bits,
 * lane j at bits [j laneBits, (j+1) laneBits) of the row. A row starts on a word boundary and
 * occupies {@link #wordsPerRow()} consecutive words of {@code wordBits} bits; the row's bit b is bit
 * b mod 8 of byte b / 8 of the row (little-endian). Signed values are stored in two's complement,
 * truncated to the lane width (the compiler guarantees they fit). Unused bits are zero.
 * In sparse sections lane j is PE j; in frame sections lane j is vector element j.
 *
 * @param lanes    values per row
 * @param laneBits bits per value, 1..64
 * @param wordBits DDR word (AXI data) width in bits, a multiple of 8
 */
public record LaneRows(int lanes, int laneBits, int wordBits) {

    /** Words one row occupies. */
    public int wordsPerRow() {
        return (int) ((lanes * (long) laneBits + wordBits - 1) / wordBits);
    }

    /** Bytes one row occupies, i.e. the row stride. */
    public int rowBytes() {
        return wordsPerRow() * wordBits / 8;
    }

    /** Bytes of {@code rows} rows. */
    public long bytes(long rows) {
        return rows * rowBytes();
    }

    /** Store the low laneBits bits of {@code value} at (row, lane) of the section at {@code base}. */
    public void put(byte[] image, long base, long row, int lane, long value) {
        long bit = lane * (long) laneBits;
        long byteBase = base + row * rowBytes();
        for (int i = 0; i < laneBits; i++, bit++) {
            if (((value >>> i) & 1) != 0) {
                int at = (int) (byteBase + (bit >>> 3));
                image[at] |= (byte) (1 << (bit & 7));
            }
        }
    }

    /** The laneBits-bit field at (row, lane), zero-extended. */
    public long getUnsigned(byte[] image, long base, long row, int lane) {
        long bit = lane * (long) laneBits;
        long byteBase = base + row * rowBytes();
        long value = 0;
        for (int i = 0; i < laneBits; i++, bit++) {
            int at = (int) (byteBase + (bit >>> 3));
            if (((image[at] >>> (bit & 7)) & 1) != 0) {
                value |= 1L << i;
            }
        }
        return value;
    }

    /** The laneBits-bit field at (row, lane), sign-extended. */
    public long getSigned(byte[] image, long base, long row, int lane) {
        int unused = 64 - laneBits;
        return (getUnsigned(image, base, row, lane) << unused) >> unused;
    }
}
