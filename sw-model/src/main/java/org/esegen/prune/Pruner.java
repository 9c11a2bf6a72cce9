package org.esegen.prune;

import org.esegen.EsegenException;
import org.esegen.compile.RowMapping;

import java.util.Arrays;
import java.util.Objects;

/**
 * Magnitude pruning of one weight matrix whose rows are distributed over a PE array.
 *
 * <p>Matrices are row-major {@code double[rows][cols]}. {@code rowToPe[r]} is the PE (0 to pes - 1)
 * that owns row r; a PE's rows are its <em>slice</em>, and slices may differ in size or be empty.
 *
 * <p>Ranking: entry a ranks above entry b when |a| &gt; |b|, or |a| = |b| and a's flat index
 * {@code row * cols + col} is lower. Every method keeps, in each group it balances, that group's
 * top-ranked entries, so the result is a function of the inputs alone. Entries that are already 0.0
 * are candidates like any other; they rank below every nonzero entry, so a kept 0.0 only occurs where
 * a group has fewer nonzeros than its kept count.
 *
 * <p>The kept count k = round(density * rows * cols) (round half up) for {@link PruningMethod#GLOBAL}
 * and {@link PruningMethod#ESE}; {@link PruningMethod#CBTD} comes as close to density * rows * cols
 * as its per-column balance allows. See {@link #prune} for each method's rule.
 */
public final class Pruner {
    private Pruner() {
    }

    /**
     * The weights with the pruned entries set to exactly 0.0; kept entries are copied unchanged.
     * The input is not modified.
     *
     * <ul>
     *   <li>{@link PruningMethod#GLOBAL}: the k top-ranked entries of the whole matrix.</li>
     *   <li>{@link PruningMethod#ESE}: k is split over the PEs, floor(k / pes) each and one more to
     *   each of the k mod pes lowest-numbered PEs. A slice with fewer entries than its share keeps
     *   all of them, and the surplus is split the same way over the other PEs, until no share
     *   exceeds its slice. Each PE keeps its share of top-ranked entries of its own slice. So the
     *   total is k, and the kept counts of the PEs whose slice is not kept whole differ by at most 1.</li>
     *   <li>{@link PruningMethod#CBTD}: each column c has a per-PE count k_c; the k_c differ by at
     *   most 1, the larger ones on the lowest-numbered columns. Each PE keeps the min(k_c, slice rows)
     *   top-ranked entries of its slice in column c. The sum K of the k_c is chosen so that the total
     *   kept, the sum over PEs and columns of min(k_c, slice rows), is as close as possible to
     *   density * rows * cols (a tie goes to the larger K). When all slices have the same row count
     *   this is K = round(density * rows * cols / pes); with unequal slices it is the K that makes
     *   density 1.0 keep every entry.</li>
     * </ul>
     *
     * @param weights rectangular, at least one row and one column, all entries finite
     * @param density fraction of entries to keep, in (0, 1]
     * @param rowToPe one entry per row of {@code weights}, each in 0 to pes - 1
     * @param pes     number of PEs, at least 1
     * @param method  which rule chooses the kept entries
     * @throws EsegenException if any of the conditions above does not hold
     */
    public static double[][] prune(double[][] weights, double density, int[] rowToPe, int pes,
                                   PruningMethod method) {
        boolean[][] keep = keepMask(weights, density, rowToPe, pes, method);
        double[][] pruned = new double[weights.length][weights[0].length];
        for (int r = 0; r < pruned.length; r++) {
            for (int c = 0; c < pruned[r].length; c++) {
                pruned[r][c] = keep[r][c] ? weights[r][c] : 0.0;
            }
        }
        return pruned;
    }

    /**
     * Which entries {@link #prune} keeps, including kept entries that are 0.0 in the input
     * (which {@link #prune}'s result cannot show). Same arguments and checks as {@link #prune}.
     */
    static boolean[][] keepMask(double[][] weights, double density, int[] rowToPe, int pes,
                                PruningMethod method) {
        Objects.requireNonNull(method, "method");
        checkShape(weights);
        checkFinite(weights);
        checkMapping(rowToPe, weights.length, pes);
        if (!(density > 0.0 && density <= 1.0)) {
            throw new EsegenException("pruning density must be in (0, 1], got " + density);
        }
        int[][] slices = slices(rowToPe, pes);
        boolean[][] keep = new boolean[weights.length][weights[0].length];
        switch (method) {
            case GLOBAL -> keepGlobal(weights, density, keep);
            case ESE -> keepEse(weights, density, slices, keep);
            case CBTD -> keepCbtd(weights, density, slices, keep);
            case NONE -> {
                if (density != 1.0) {
                    throw new EsegenException("pruning none keeps the model's weights as they are; its density must be "
                            + "1 (the model's own zeros are the mask), got --density " + density);
                }
                for (boolean[] row : keep) {
                    java.util.Arrays.fill(row, true);
                }
            }
        }
        return keep;
    }

    /** ESE's mapping of a matrix's rows: row r belongs to PE r mod pes ({@link RowMapping#interleaved}). */
    public static int[] interleavedRowToPe(int rows, int pes) {
        checkPositive("row count", rows);
        checkPositive("PE count", pes);
        return RowMapping.interleaved(rows, pes).pe();
    }

    /**
     * ESE's mapping of the 4H x (I + P) gate matrix (gate order i, f, g, o): row g * H + k belongs to
     * PE k mod pes, so all four gate rows of cell k are on the PE that owns the cell
     * ({@link RowMapping#gates}).
     *
     * @param hidden H, the number of cells
     * @return 4 * hidden entries
     */
    public static int[] gateRowToPe(int hidden, int pes) {
        checkPositive("hidden size", hidden);
        checkPositive("PE count", pes);
        return RowMapping.gates(hidden, pes).pe();
    }

    /**
     * Entries other than 0.0 (and -0.0) in each PE's slice.
     *
     * @return pes counts, indexed by PE
     * @throws EsegenException if {@code w} is not rectangular or {@code rowToPe} does not fit it
     */
    public static long[] nonzerosPerPe(double[][] w, int[] rowToPe, int pes) {
        long[][] perColumn = nonzerosPerPePerColumn(w, rowToPe, pes);
        long[] perPe = new long[pes];
        for (int pe = 0; pe < pes; pe++) {
            perPe[pe] = Arrays.stream(perColumn[pe]).sum();
        }
        return perPe;
    }

    /**
     * Entries other than 0.0 (and -0.0) in each PE's slice, per column.
     *
     * @return counts indexed [PE][column]
     * @throws EsegenException if {@code w} is not rectangular or {@code rowToPe} does not fit it
     */
    public static long[][] nonzerosPerPePerColumn(double[][] w, int[] rowToPe, int pes) {
        checkShape(w);
        checkMapping(rowToPe, w.length, pes);
        long[][] counts = new long[pes][w[0].length];
        for (int r = 0; r < w.length; r++) {
            for (int c = 0; c < w[r].length; c++) {
                if (w[r][c] != 0.0) {
                    counts[rowToPe[r]][c]++;
                }
            }
        }
        return counts;
    }

    private static void keepGlobal(double[][] w, double density, boolean[][] keep) {
        int rows = w.length;
        int cols = w[0].length;
        int[] all = new int[rows * cols];
        Arrays.setAll(all, flat -> flat);
        keepTopRanked(w, all, roundedKeptCount(density, rows, cols), keep);
    }

    private static void keepEse(double[][] w, double density, int[][] slices, boolean[][] keep) {
        int cols = w[0].length;
        int[] capacities = new int[slices.length];
        for (int pe = 0; pe < slices.length; pe++) {
            capacities[pe] = slices[pe].length * cols;
        }
        int[] shares = eseShares(roundedKeptCount(density, w.length, cols), capacities);
        for (int pe = 0; pe < slices.length; pe++) {
            int[] positions = new int[capacities[pe]];
            int i = 0;
            for (int row : slices[pe]) {
                for (int c = 0; c < cols; c++) {
                    positions[i++] = row * cols + c;
                }
            }
            keepTopRanked(w, positions, shares[pe], keep);
        }
    }

    /**
     * Splits {@code total} over the PEs as evenly as possible (one more to the lowest-numbered
     * PEs), capping each at its capacity and re-splitting the surplus over the uncapped PEs.
     * Requires total &lt;= the sum of the capacities.
     */
    private static int[] eseShares(int total, int[] capacities) {
        int pes = capacities.length;
        int[] shares = new int[pes];
        boolean[] capped = new boolean[pes];
        int uncappedTotal = total;
        boolean anyNewlyCapped = true;
        while (anyNewlyCapped) {
            int uncapped = 0;
            for (boolean c : capped) {
                uncapped += c ? 0 : 1;
            }
            int base = uncappedTotal / uncapped;
            int withOneMore = uncappedTotal % uncapped;
            int rank = 0;
            for (int pe = 0; pe < pes; pe++) {
                if (!capped[pe]) {
                    shares[pe] = base + (rank++ < withOneMore ? 1 : 0);
                }
            }
            anyNewlyCapped = false;
            for (int pe = 0; pe < pes; pe++) {
                if (!capped[pe] && shares[pe] > capacities[pe]) {
                    capped[pe] = true;
                    shares[pe] = capacities[pe];
                    uncappedTotal -= capacities[pe];
                    anyNewlyCapped = true;
                }
            }
        }
        return shares;
    }

    private static void keepCbtd(double[][] w, double density, int[][] slices, boolean[][] keep) {
        int cols = w[0].length;
        int[] perPeInColumn = cbtdPerPeCountPerColumn(density, w.length, cols, slices);
        for (int[] slice : slices) {
            int[] positions = new int[slice.length];
            for (int c = 0; c < cols; c++) {
                for (int i = 0; i < slice.length; i++) {
                    positions[i] = slice[i] * cols + c;
                }
                keepTopRanked(w, positions, Math.min(perPeInColumn[c], slice.length), keep);
            }
        }
    }

    /** The k_c of CBTD (see {@link #prune}). */
    private static int[] cbtdPerPeCountPerColumn(double density, int rows, int cols, int[][] slices) {
        double target = density * rows * cols;
        int largestSlice = Arrays.stream(slices).mapToInt(s -> s.length).max().orElseThrow();
        // cbtdTotal is strictly increasing in K on [0, cols * largestSlice] and reaches rows * cols
        // (>= target) at the top: find the smallest K whose total reaches the target.
        int low = 0;
        int high = cols * largestSlice;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (cbtdTotal(mid, cols, slices) >= target) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        int sum = low;
        if (sum > 0 && target - cbtdTotal(sum - 1, cols, slices) < cbtdTotal(sum, cols, slices) - target) {
            sum--;
        }
        int[] perColumn = new int[cols];
        for (int c = 0; c < cols; c++) {
            perColumn[c] = sum / cols + (c < sum % cols ? 1 : 0);
        }
        return perColumn;
    }

    /** Entries CBTD keeps when its per-PE per-column counts sum to {@code sum}. */
    private static long cbtdTotal(int sum, int cols, int[][] slices) {
        int base = sum / cols;
        int columnsWithOneMore = sum % cols;
        return (long) columnsWithOneMore * keptInColumn(base + 1, slices)
                + (long) (cols - columnsWithOneMore) * keptInColumn(base, slices);
    }

    private static long keptInColumn(int perPe, int[][] slices) {
        long kept = 0;
        for (int[] slice : slices) {
            kept += Math.min(perPe, slice.length);
        }
        return kept;
    }

    private static int roundedKeptCount(double density, int rows, int cols) {
        return (int) Math.round(density * rows * cols);
    }

    /**
     * Marks the {@code count} top-ranked entries among {@code positions} as kept.
     *
     * @param positions flat indices (row * cols + col), ascending
     * @param count     0 to positions.length
     */
    private static void keepTopRanked(double[][] w, int[] positions, int count, boolean[][] keep) {
        if (count == 0) {
            return;
        }
        int cols = w[0].length;
        double[] magnitudes = new double[positions.length];
        for (int i = 0; i < positions.length; i++) {
            magnitudes[i] = Math.abs(w[positions[i] / cols][positions[i] % cols]);
        }
        double[] ascending = magnitudes.clone();
        Arrays.sort(ascending);
        double threshold = ascending[ascending.length - count];
        int tiesToKeep = count;
        for (double magnitude : magnitudes) {
            tiesToKeep -= magnitude > threshold ? 1 : 0;
        }
        for (int i = 0; i < positions.length; i++) {
            boolean keptTie = magnitudes[i] == threshold && tiesToKeep > 0;
            if (keptTie) {
                tiesToKeep--;
            }
            if (magnitudes[i] > threshold || keptTie) {
                keep[positions[i] / cols][positions[i] % cols] = true;
            }
        }
    }

    /** Each PE's rows, ascending. */
    private static int[][] slices(int[] rowToPe, int pes) {
        int[] sizes = new int[pes];
        for (int pe : rowToPe) {
            sizes[pe]++;
        }
        int[][] slices = new int[pes][];
        for (int pe = 0; pe < pes; pe++) {
            slices[pe] = new int[sizes[pe]];
        }
        int[] filled = new int[pes];
        for (int r = 0; r < rowToPe.length; r++) {
            int pe = rowToPe[r];
            slices[pe][filled[pe]++] = r;
        }
        return slices;
    }

    private static void checkShape(double[][] w) {
        if (w == null || w.length == 0 || w[0] == null || w[0].length == 0) {
            throw new EsegenException("weight matrix must have at least one row and one column");
        }
        for (int r = 0; r < w.length; r++) {
            if (w[r] == null || w[r].length != w[0].length) {
                throw new EsegenException("weight matrix is not rectangular: row " + r + " has "
                        + (w[r] == null ? "no" : w[r].length) + " columns, row 0 has " + w[0].length);
            }
        }
        if ((long) w.length * w[0].length > Integer.MAX_VALUE - 8) {
            throw new EsegenException("weight matrix " + w.length + " x " + w[0].length
                    + " is too large; at most " + (Integer.MAX_VALUE - 8) + " entries");
        }
    }

    private static void checkFinite(double[][] w) {
        for (int r = 0; r < w.length; r++) {
            for (int c = 0; c < w[r].length; c++) {
                if (!Double.isFinite(w[r][c])) {
                    throw new EsegenException("weight matrix entry [" + r + "][" + c + "] is " + w[r][c]
                            + "; weights must be finite");
                }
            }
        }
    }

    private static void checkMapping(int[] rowToPe, int rows, int pes) {
        checkPositive("PE count", pes);
        if (rowToPe == null || rowToPe.length != rows) {
            throw new EsegenException("rowToPe has " + (rowToPe == null ? "no" : rowToPe.length)
                    + " entries but the weight matrix has " + rows + " rows");
        }
        for (int r = 0; r < rows; r++) {
            if (rowToPe[r] < 0 || rowToPe[r] >= pes) {
                throw new EsegenException("rowToPe[" + r + "] = " + rowToPe[r] + " is not a PE; allowed 0 to "
                        + (pes - 1));
            }
        }
    }

    private static void checkPositive(String what, int value) {
        if (value < 1) {
            throw new EsegenException(what + " must be at least 1, got " + value);
        }
    }
}
