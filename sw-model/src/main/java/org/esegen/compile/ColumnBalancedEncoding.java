package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.fixed.FixedFormat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One matrix in Spartus's column-balanced form (DESIGN.md section 3, the column-balanced delta engine):
 * every PE holds exactly K entries of every column, so entry k of column c of PE p sits at the fixed
 * address c K + k of that PE's store: no pointers, no padding, no imbalance between PEs. An entry is
 * the quantized weight and the local row (the row's index within the PE's slice), in row order. The
 * kept set is the pruned float matrix's nonzeros, so a kept weight that quantizes to zero stays a zero
 * entry and K stays constant. Weights that are not balanced are refused, with the counts.
 *
 * @param name     matrix name for messages
 * @param mapping  row ownership
 * @param cols     columns
 * @param fracBits weight fractional bits of this matrix
 * @param k        entries per column and PE
 * @param weights  per PE, cols x K raw quantized weights, entry c K + k
 * @param rows     per PE, the local row of each entry
 */
public record ColumnBalancedEncoding(String name, RowMapping mapping, int cols, int fracBits, int k,
                                     int[][] weights, int[][] rows) {

    /**
     * Encodes {@code quantized} whose kept entries are the nonzeros of {@code pruned} (the float
     * matrix the quantized one came from).
     *
     * @throws EsegenException naming the matrix, a PE and column whose count differs from the first
     *                         one's, both counts, and the density that would balance the slices
     */
    public static ColumnBalancedEncoding encode(String name, double[][] pruned, long[][] quantized, RowMapping mapping,
                                                int fracBits) {
        int pes = mapping.pes();
        int cols = pruned.length == 0 ? 0 : pruned[0].length;
        int[][] global = mapping.globalRows();
        int k = -1;
        int firstPe = 0;
        int firstCol = 0;
        for (int c = 0; c < cols; c++) {
            for (int p = 0; p < pes; p++) {
                int count = 0;
                for (int lr = 0; lr < mapping.localRows(); lr++) {
                    int r = global[p][lr];
                    count += r >= 0 && pruned[r][c] != 0 ? 1 : 0;
                }
                if (k < 0) {
                    k = count;
                    firstPe = p;
                    firstCol = c;
                } else if (count != k) {
                    throw new EsegenException(String.format(Locale.ROOT, "%s is not column-balanced: PE %d holds %d "
                                    + "nonzeros of column %d, PE %d holds %d of column %d; the column-balanced engine "
                                    + "needs the same K in every column of every PE's slice of %d rows (prune with "
                                    + "cbtd at density K / %d, e.g. %.4f for K = %d)", name, p, count, c, firstPe, k,
                            firstCol, mapping.localRows(), mapping.localRows(),
                            Math.max(1, k) / (double) mapping.localRows(), Math.max(1, k)));
                }
            }
        }
        int kk = Math.max(0, k);
        int[][] weights = new int[pes][cols * kk];
        int[][] rows = new int[pes][cols * kk];
        for (int p = 0; p < pes; p++) {
            for (int c = 0; c < cols; c++) {
                int e = c * kk;
                for (int lr = 0; lr < mapping.localRows(); lr++) {
                    int r = global[p][lr];
                    if (r >= 0 && pruned[r][c] != 0) {
                        weights[p][e] = (int) quantized[r][c];
                        rows[p][e] = lr;
                        e++;
                    }
                }
            }
        }
        return new ColumnBalancedEncoding(name, mapping, cols, fracBits, kk, weights, rows);
    }

    /** Bits of a local row index: enough for every row of a slice (at least 1). */
    public int rowBits() {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(mapping.localRows() - 1));
    }

    /** Entries a PE stores: cols x K. */
    public int entriesPerPe() {
        return cols * k;
    }

    /** Bits of one stored entry: the weight (two's complement, low {@code weightBits}) and the local row above it. */
    public int entryBits(int weightBits) {
        return weightBits + rowBits();
    }

    /**
     * Store word {@code address} (entry k of column c at address c K + k, 0 .. entriesPerPe - 1):
     * PE p's entry at bits [p entryBits, (p + 1) entryBits), each entry as {@link #entryBits}
     * says. Every PE reads the same address in the same cycle, so one wide word serves them all.
     */
    public BigInteger storeWord(int address, int weightBits) {
        int entryBits = entryBits(weightBits);
        BigInteger word = BigInteger.ZERO;
        for (int p = 0; p < mapping.pes(); p++) {
            long entry = (weights[p][address] & ((1L << weightBits) - 1)) | ((long) rows[p][address] << weightBits);
            word = word.or(BigInteger.valueOf(entry).shiftLeft(p * entryBits));
        }
        return word;
    }

    /**
     * The store words of array {@code array} of {@code arrays} when A arrays work on different columns
     * at once (array a holds the columns c = j A + a; local column j at words j K .. j K + K - 1, as
     * {@link #storeWord} packs them): ceil(cols / A) K words, the words of a column past the last zero.
     */
    public List<BigInteger> arrayStoreWords(int array, int arrays, int weightBits) {
        if (arrays < 1 || array < 0 || array >= arrays) {
            throw new EsegenException("array " + array + " of " + arrays + ": need 0 <= array < arrays");
        }
        List<BigInteger> words = new ArrayList<>();
        int localColumns = (cols + arrays - 1) / arrays;
        for (int j = 0; j < localColumns; j++) {
            int column = j * arrays + array;
            for (int e = 0; e < k; e++) {
                words.add(column < cols ? storeWord(column * k + e, weightBits) : BigInteger.ZERO);
            }
        }
        return words;
    }

    /**
     * What a fired column does to the delta memory: for every PE p and each of its K entries of
     * {@code column} in address order, memory[p][row] = acc.saturate(memory[p][row] + w * delta).
     *
     * @param memory per PE, its local rows (at least {@code mapping().localRows()})
     */
    public void accumulate(long[][] memory, int column, long delta, FixedFormat acc) {
        for (int p = 0; p < mapping.pes(); p++) {
            for (int e = column * k; e < (column + 1) * k; e++) {
                memory[p][rows[p][e]] = acc.saturate(memory[p][rows[p][e]] + weights[p][e] * delta);
            }
        }
    }

    /** The quantized matrix back (rows x cols), for checking. */
    public long[][] decode() {
        long[][] m = new long[mapping.rows()][cols];
        int[][] global = mapping.globalRows();
        for (int p = 0; p < mapping.pes(); p++) {
            for (int e = 0; e < entriesPerPe(); e++) {
                m[global[p][rows[p][e]]][e / k] = weights[p][e];
            }
        }
        return m;
    }
}
