package org.esegen.compile;

import org.esegen.EsegenException;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * One matrix in ESE/EIE compressed sparse column form, per PE.
 *
 * <p>For every PE p and column c the stored entries are
 * {@code weights[p][ptr[p][c] .. ptr[p][c+1])} with their relative indices. Walking a column, the
 * local row of an entry is (previous local row) + index + 1, starting from -1 at each column: the
 * index counts the zeros skipped. A gap longer than the largest index M = 2^indexBits - 1 is bridged by
 * padding entries of weight 0 and index M, each advancing the row by M + 1. Quantized zeros are not
 * stored. Decoding (see {@link #decode()}) returns the quantized matrix exactly.
 *
 * @param name       matrix name for messages ("W_a" or "W_hr")
 * @param mapping    row ownership
 * @param cols       columns
 * @param fracBits   weight fractional bits of this matrix
 * @param pointers   per PE, cols + 1 column start pointers into its entry stream
 * @param weights    per PE, raw quantized weights of its entries (0 for padding)
 * @param indices    per PE, relative indices of its entries
 * @param padding    per PE, count of padding entries
 */
public record SparseMatrixEncoding(String name, RowMapping mapping, int cols, int fracBits,
                                   int[][] pointers, int[][] weights, int[][] indices, int[] padding) {

    /** Encode a quantized matrix for {@code mapping.pes()} PEs with {@code indexBits}-bit relative indices. */
    public static SparseMatrixEncoding encode(String name, long[][] quantized, RowMapping mapping, int fracBits,
                                              int indexBits) {
        int pes = mapping.pes();
        int cols = quantized.length == 0 ? 0 : quantized[0].length;
        int maxIndex = (1 << indexBits) - 1;
        int[][] global = mapping.globalRows();
        int[][] pointers = new int[pes][cols + 1];
        int[][] weights = new int[pes][];
        int[][] indices = new int[pes][];
        int[] padding = new int[pes];
        for (int p = 0; p < pes; p++) {
            IntList w = new IntList();
            IntList idx = new IntList();
            for (int c = 0; c < cols; c++) {
                pointers[p][c] = w.size;
                int previous = -1;
                for (int lr = 0; lr < mapping.localRows(); lr++) {
                    int r = global[p][lr];
                    if (r < 0 || quantized[r][c] == 0) {
                        continue;
                    }
                    int gap = lr - previous - 1;
                    while (gap > maxIndex) {
                        w.add(0);
                        idx.add(maxIndex);
                        padding[p]++;
                        gap -= maxIndex + 1;
                    }
                    w.add((int) quantized[r][c]);
                    idx.add(gap);
                    previous = lr;
                }
            }
            pointers[p][cols] = w.size;
            weights[p] = w.toArray();
            indices[p] = idx.toArray();
        }
        return new SparseMatrixEncoding(name, mapping, cols, fracBits, pointers, weights, indices, padding);
    }

    /**
     * The narrowest accumulator that no partial sum of any row can leave with activations of actBits bits:
     * one bit above the largest row bound sum |w| x 2^(actBits-1) (the largest activation magnitude), so
     * that the bound is at most 2^(accBits-1) - 1. What the DSP48E2 accumulators, which do not saturate, need.
     */
    public int accBitsWithoutOverflow(int actBits) {
        long worst = Arrays.stream(rowAbsoluteSums()).max().orElse(0);
        return BigInteger.valueOf(worst).shiftLeft(actBits - 1).bitLength() + 1;
    }

    /** Per row of the matrix, the sum of the magnitudes of its stored raw weights. */
    public long[] rowAbsoluteSums() {
        long[] sums = new long[mapping.rows()];
        long[][] decoded = decode();
        for (int r = 0; r < sums.length; r++) {
            for (long w : decoded[r]) {
                sums[r] += Math.abs(w);
            }
        }
        return sums;
    }

    /** The quantized matrix these entries stand for. */
    public long[][] decode() {
        int[][] global = mapping.globalRows();
        long[][] m = new long[mapping.rows()][cols];
        for (int p = 0; p < mapping.pes(); p++) {
            for (int c = 0; c < cols; c++) {
                int row = -1;
                for (int e = pointers[p][c]; e < pointers[p][c + 1]; e++) {
                    row += indices[p][e] + 1;
                    if (row >= mapping.localRows()) {
                        throw new EsegenException(name + ": PE " + p + " column " + c + " entry " + e
                                + " decodes to local row " + row + " beyond " + mapping.localRows());
                    }
                    int r = global[p][row];
                    if (weights[p][e] != 0) {
                        if (r < 0) {
                            throw new EsegenException(name + ": PE " + p + " column " + c
                                    + " has a nonzero entry on ghost row " + row);
                        }
                        m[r][c] = weights[p][e];
                    }
                }
            }
        }
        return m;
    }

    /** Stored entries (padding included) of PE p. */
    public int entries(int p) {
        return weights[p].length;
    }

    /** Stored entries of the busiest PE: the cycles this matrix takes if every entry costs one. */
    public int maxEntries() {
        return Arrays.stream(weights).mapToInt(a -> a.length).max().orElse(0);
    }

    /**
     * Cycles PE p's sequencer takes for this matrix when its inputs never run dry: per column, an
     * entry of weight 0 (padding) that has another entry of the same column after it is taken
     * together with that entry in one cycle; every other entry takes one cycle; a column with no
     * entries for PE p takes none. This is the PE's timing twin (see PeSequencer in hdl-gen).
     */
    public int cycles(int p) {
        return macRows(p).length;
    }

    /**
     * The local row of each MAC PE p's sequencer issues for this matrix, in order: one per cycle of
     * {@link #cycles}, a folded padding entry's MAC with the row of the entry it is folded with.
     */
    private int[] macRows(int p) {
        IntList rows = new IntList();
        for (int c = 0; c < cols; c++) {
            int end = pointers[p][c + 1];
            int row = -1;
            for (int e = pointers[p][c]; e < end; ) {
                boolean fold = weights[p][e] == 0 && e + 1 < end;
                row += indices[p][e] + 1;
                if (fold) {
                    row += indices[p][e + 1] + 1;
                }
                e += fold ? 2 : 1;
                rows.add(row);
            }
        }
        return rows.toArray();
    }

    /**
     * The one-cycle holds PE p's DSP48E2 accumulators ({@code dspAccumulate = 1}) add to its {@link #cycles} when
     * its MACs issue back to back: a MAC waits a cycle when its row is that of the MAC two cycles before and the
     * MAC one cycle before has another row (the older result is being written as the row would be read). A
     * folded padding entry's MAC has the row of the entry it is folded with.
     */
    public int dspHolds(int p) {
        return dspHoldCount(p).holds();
    }

    /**
     * {@link #dspHolds}, and whether the PE's last MAC of this matrix is one that waits (it waits after it is
     * taken, so its hold delays the accumulators' completion but no later MAC of the matrix).
     */
    public record DspHoldCount(int holds, boolean lastMacHeld) {
    }

    /** See {@link DspHoldCount}. */
    public DspHoldCount dspHoldCount(int p) {
        int holds = 0;
        boolean lastHeld = false;
        int previous = -1;
        int beforePrevious = -1;
        for (int row : macRows(p)) {
            lastHeld = row == beforePrevious && previous != -1 && previous != row;
            if (lastHeld) {
                holds++;
                previous = -1;
            }
            beforePrevious = previous;
            previous = row;
        }
        return new DspHoldCount(holds, lastHeld);
    }

    /**
     * What the DSP48E2 accumulators' holds add to the busiest PE's cycles: the largest {@link #cycles} +
     * {@link #dspHolds} over the PEs minus {@link #maxCycles}.
     */
    public int maxDspHoldCycles() {
        int max = 0;
        for (int p = 0; p < mapping.pes(); p++) {
            max = Math.max(max, cycles(p) + dspHolds(p));
        }
        return max - maxCycles();
    }

    /** {@link #cycles} summed over all PEs: the MAC cycles this matrix takes when no PE is starved. */
    public long totalCycles() {
        long total = 0;
        for (int p = 0; p < mapping.pes(); p++) {
            total += cycles(p);
        }
        return total;
    }

    /** {@link #cycles} of the busiest PE: the fewest cycles this matrix can take. */
    public int maxCycles() {
        int max = 0;
        for (int p = 0; p < mapping.pes(); p++) {
            max = Math.max(max, cycles(p));
        }
        return max;
    }

    /** Real nonzeros of the busiest PE: the bound if padding cost nothing. */
    public int maxNonzeros() {
        int max = 0;
        for (int p = 0; p < mapping.pes(); p++) {
            max = Math.max(max, weights[p].length - padding[p]);
        }
        return max;
    }

    /**
     * Largest lead of one PE over another in the shared entry stream at any column boundary:
     * max over c of (max_p ptr[p][c] - min_p ptr[p][c]). The entry FIFO of every PE must be deeper
     * than this, or a PE far ahead fills its FIFO while a PE behind waits for rows that cannot be
     * delivered.
     */
    public int pointerSkew() {
        int skew = 0;
        for (int c = 0; c <= cols; c++) {
            int min = Integer.MAX_VALUE;
            int max = 0;
            for (int[] ptr : pointers) {
                min = Math.min(min, ptr[c]);
                max = Math.max(max, ptr[c]);
            }
            skew = Math.max(skew, max - min);
        }
        return skew;
    }

    /** Stored entries over all PEs, padding included. */
    public long totalEntries() {
        long n = 0;
        for (int[] w : weights) {
            n += w.length;
        }
        return n;
    }

    /** Padding entries over all PEs. */
    public long totalPadding() {
        return Arrays.stream(padding).asLongStream().sum();
    }

    /** Real nonzeros over all PEs. */
    public long totalNonzeros() {
        return totalEntries() - totalPadding();
    }

    private static final class IntList {
        int[] data = new int[16];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
