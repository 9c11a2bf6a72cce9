package org.esegen.prune;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The contracts of {@link Pruner#prune} on random matrices over PE counts 1 to 32 (powers of two and
 * their neighbours), row counts divisible and not divisible by the PE count, fewer rows than PEs, the
 * gate mapping, and densities from 0.01 to 1.0.
 *
 * <p>Every case's matrix comes from its own seed, derived from the base seed and shown in the case's
 * name and in every failure message. The base seed is {@value #DEFAULT_BASE_SEED} unless the system
 * property {@code esegen.test.seed} sets another, so a failure is re-run with the same seed.
 */
class PrunerPropertyTest {
    private static final long DEFAULT_BASE_SEED = 20170222L;
    private static final long BASE_SEED = Long.getLong("esegen.test.seed", DEFAULT_BASE_SEED);

    private static final int[] PE_COUNTS = {1, 2, 3, 4, 7, 8, 16, 32};
    private static final double[] DENSITIES = {0.01, 0.112, 0.5, 0.99, 1.0};
    private static final int[] COLUMN_COUNTS = {1, 13};

    /** Gaussian values have no zeros and no ties; small integers have many of both. */
    enum Values { GAUSSIAN, SMALL_INTEGERS }

    record Case(int rows, int cols, int pes, String mapping, int[] rowToPe, double density, Values values, long seed) {
        double[][] matrix() {
            Random random = new Random(seed);
            double[][] w = new double[rows][cols];
            for (double[] row : w) {
                for (int c = 0; c < cols; c++) {
                    row[c] = values == Values.GAUSSIAN ? random.nextGaussian() : random.nextInt(7) - 3;
                }
            }
            return w;
        }

        int[] sliceRows() {
            int[] rowsPerPe = new int[pes];
            for (int pe : rowToPe) {
                rowsPerPe[pe]++;
            }
            return rowsPerPe;
        }

        int roundedKeptCount() {
            return (int) Math.round(density * rows * cols);
        }

        @Override
        public String toString() {
            return rows + "x" + cols + " pes=" + pes + " " + mapping + " density=" + density + " " + values
                    + " seed=" + seed;
        }
    }

    @BeforeAll
    static void printBaseSeed() {
        System.out.println("PrunerPropertyTest base seed " + BASE_SEED + " (set with -Desegen.test.seed=...)");
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (int pes : PE_COUNTS) {
            int[] rowCounts = pes == 1 ? new int[]{1, 5} : new int[]{3 * pes, 3 * pes + 1, pes / 2};
            for (int rows : rowCounts) {
                for (int cols : COLUMN_COUNTS) {
                    addCases(cases, rows, cols, pes, "interleaved", Pruner.interleavedRowToPe(rows, pes));
                }
            }
        }
        for (int[] hiddenAndPes : new int[][]{{3, 2}, {5, 4}, {8, 8}, {6, 16}}) {
            int hidden = hiddenAndPes[0];
            int pes = hiddenAndPes[1];
            addCases(cases, 4 * hidden, 11, pes, "gates", Pruner.gateRowToPe(hidden, pes));
        }
        return cases.stream();
    }

    private static void addCases(List<Case> cases, int rows, int cols, int pes, String mapping, int[] rowToPe) {
        for (double density : DENSITIES) {
            for (Values values : Values.values()) {
                long seed = BASE_SEED + 1_000_003L * cases.size();
                cases.add(new Case(rows, cols, pes, mapping, rowToPe, density, values, seed));
            }
        }
    }

    static Stream<Case> fullDensityCases() {
        return cases().filter(c -> c.density() == 1.0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyMethodKeepsTheExpectedCountOfOriginalValues(Case tc) {
        double[][] w = tc.matrix();
        double[][] original = deepCopy(w);
        for (PruningMethod method : PruningMethod.PRUNING) {
            String context = method.cliName() + " " + tc;
            boolean[][] keep = Pruner.keepMask(w, tc.density(), tc.rowToPe(), tc.pes(), method);
            double[][] pruned = Pruner.prune(w, tc.density(), tc.rowToPe(), tc.pes(), method);
            assertArrayEquals(original, w, "input modified: " + context);
            long expectedKept = method == PruningMethod.CBTD ? cbtdExpectedTotal(tc) : tc.roundedKeptCount();
            assertEquals(expectedKept, countKept(keep), "kept entries: " + context);
            long nonzeroInputsKept = 0;
            for (int r = 0; r < tc.rows(); r++) {
                for (int c = 0; c < tc.cols(); c++) {
                    long expectedBits = Double.doubleToRawLongBits(keep[r][c] ? w[r][c] : 0.0);
                    assertEquals(expectedBits, Double.doubleToRawLongBits(pruned[r][c]),
                            "entry [" + r + "][" + c + "]: " + context);
                    nonzeroInputsKept += keep[r][c] && w[r][c] != 0.0 ? 1 : 0;
                }
            }
            long nonzeros = Arrays.stream(Pruner.nonzerosPerPe(pruned, tc.rowToPe(), tc.pes())).sum();
            assertEquals(nonzeroInputsKept, nonzeros, "nonzeros: " + context);
            if (tc.values() == Values.GAUSSIAN) {
                assertEquals(expectedKept, nonzeros, "nonzeros of a matrix without zeros: " + context);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fullDensityCases")
    void densityOneKeepsEverything(Case tc) {
        double[][] w = tc.matrix();
        for (PruningMethod method : PruningMethod.PRUNING) {
            assertArrayEquals(w, Pruner.prune(w, 1.0, tc.rowToPe(), tc.pes(), method), method.cliName() + " " + tc);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void globalKeepsTheTopRankedEntries(Case tc) {
        double[][] w = tc.matrix();
        boolean[][] keep = Pruner.keepMask(w, tc.density(), tc.rowToPe(), tc.pes(), PruningMethod.GLOBAL);
        assertEquals(tc.roundedKeptCount(), countKept(keep), tc.toString());
        int[] all = IntStream.range(0, tc.rows() * tc.cols()).toArray();
        assertKeptOutrankPruned(w, keep, all, tc.toString());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eseBalancesPerPeAndKeepsEachPesTopRankedEntries(Case tc) {
        double[][] w = tc.matrix();
        boolean[][] keep = Pruner.keepMask(w, tc.density(), tc.rowToPe(), tc.pes(), PruningMethod.ESE);
        int[] sliceRows = tc.sliceRows();
        long[] keptPerPe = new long[tc.pes()];
        for (int r = 0; r < tc.rows(); r++) {
            for (int c = 0; c < tc.cols(); c++) {
                keptPerPe[tc.rowToPe()[r]] += keep[r][c] ? 1 : 0;
            }
        }
        String context = tc + " kept per PE " + Arrays.toString(keptPerPe);
        assertEquals(tc.roundedKeptCount(), Arrays.stream(keptPerPe).sum(), context);
        long mostInAPartialSlice = -1;
        long fewestInAPartialSlice = Long.MAX_VALUE;
        long previousPartial = Long.MAX_VALUE;
        for (int pe = 0; pe < tc.pes(); pe++) {
            boolean full = keptPerPe[pe] == (long) sliceRows[pe] * tc.cols();
            if (!full) {
                assertTrue(keptPerPe[pe] <= previousPartial, "lower-numbered PEs get the extra one: " + context);
                previousPartial = keptPerPe[pe];
                mostInAPartialSlice = Math.max(mostInAPartialSlice, keptPerPe[pe]);
                fewestInAPartialSlice = Math.min(fewestInAPartialSlice, keptPerPe[pe]);
            }
        }
        if (mostInAPartialSlice >= 0) {
            assertTrue(mostInAPartialSlice - fewestInAPartialSlice <= 1, "partial slices within 1: " + context);
            for (int pe = 0; pe < tc.pes(); pe++) {
                assertTrue(keptPerPe[pe] <= mostInAPartialSlice + 1, "a full slice above the level: " + context);
            }
        }
        for (int pe = 0; pe < tc.pes(); pe++) {
            int owner = pe;
            int[] slice = IntStream.range(0, tc.rows() * tc.cols())
                    .filter(flat -> tc.rowToPe()[flat / tc.cols()] == owner).toArray();
            assertKeptOutrankPruned(w, keep, slice, "PE " + pe + " " + context);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void cbtdKeepsTheSameCountPerColumnOnEveryPe(Case tc) {
        double[][] w = tc.matrix();
        boolean[][] keep = Pruner.keepMask(w, tc.density(), tc.rowToPe(), tc.pes(), PruningMethod.CBTD);
        int[] perPeInColumn = cbtdExpectedPerPeInColumn(tc);
        int[] sliceRows = tc.sliceRows();
        String context = tc + " k_c " + Arrays.toString(perPeInColumn);
        for (int c = 0; c < tc.cols(); c++) {
            for (int pe = 0; pe < tc.pes(); pe++) {
                int column = c;
                int owner = pe;
                int[] cell = IntStream.range(0, tc.rows()).filter(r -> tc.rowToPe()[r] == owner)
                        .map(r -> r * tc.cols() + column).toArray();
                long kept = Arrays.stream(cell).filter(flat -> keep[flat / tc.cols()][column]).count();
                assertEquals(Math.min(perPeInColumn[c], sliceRows[pe]), kept,
                        "PE " + pe + " column " + c + ": " + context);
                assertKeptOutrankPruned(w, keep, cell, "PE " + pe + " column " + c + ": " + context);
            }
        }
        if (Arrays.stream(sliceRows).distinct().count() == 1) {
            long perPeTotal = Arrays.stream(perPeInColumn).sum();
            assertEquals(Math.round(tc.density() * tc.rows() * tc.cols() / tc.pes()), perPeTotal,
                    "equal slices: per-PE total is round(density * rows * cols / pes): " + context);
        }
    }

    /**
     * CBTD's k_c by exhaustive search: per-column counts differing by at most one (larger ones first)
     * whose kept total is closest to density * rows * cols, the larger sum on a tie.
     */
    private static int[] cbtdExpectedPerPeInColumn(Case tc) {
        double target = tc.density() * tc.rows() * tc.cols();
        int[] sliceRows = tc.sliceRows();
        int largestSlice = Arrays.stream(sliceRows).max().orElseThrow();
        int[] best = null;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int sum = 0; sum <= tc.cols() * largestSlice; sum++) {
            int[] perColumn = new int[tc.cols()];
            for (int c = 0; c < tc.cols(); c++) {
                perColumn[c] = sum / tc.cols() + (c < sum % tc.cols() ? 1 : 0);
            }
            double distance = Math.abs(cbtdKept(perColumn, sliceRows) - target);
            if (distance <= bestDistance) {
                best = perColumn;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static long cbtdExpectedTotal(Case tc) {
        return cbtdKept(cbtdExpectedPerPeInColumn(tc), tc.sliceRows());
    }

    private static long cbtdKept(int[] perPeInColumn, int[] sliceRows) {
        long kept = 0;
        for (int k : perPeInColumn) {
            for (int rows : sliceRows) {
                kept += Math.min(k, rows);
            }
        }
        return kept;
    }

    /**
     * Within {@code group} (flat indices), the lowest-ranked kept entry outranks the highest-ranked
     * pruned one: larger magnitude, or equal magnitude and lower flat index.
     */
    private static void assertKeptOutrankPruned(double[][] w, boolean[][] keep, int[] group, String context) {
        int cols = w[0].length;
        int weakestKept = -1;
        int strongestPruned = -1;
        for (int flat : group) {
            if (keep[flat / cols][flat % cols]) {
                if (weakestKept < 0 || outranks(w, weakestKept, flat)) {
                    weakestKept = flat;
                }
            } else if (strongestPruned < 0 || outranks(w, flat, strongestPruned)) {
                strongestPruned = flat;
            }
        }
        if (weakestKept >= 0 && strongestPruned >= 0 && !outranks(w, weakestKept, strongestPruned)) {
            fail("kept flat index " + weakestKept + " (|w| " + magnitude(w, weakestKept) + ") does not outrank pruned "
                    + strongestPruned + " (|w| " + magnitude(w, strongestPruned) + "): " + context);
        }
    }

    private static boolean outranks(double[][] w, int a, int b) {
        double ma = magnitude(w, a);
        double mb = magnitude(w, b);
        return ma > mb || (ma == mb && a < b);
    }

    private static double magnitude(double[][] w, int flat) {
        return Math.abs(w[flat / w[0].length][flat % w[0].length]);
    }

    private static long countKept(boolean[][] keep) {
        long kept = 0;
        for (boolean[] row : keep) {
            for (boolean k : row) {
                kept += k ? 1 : 0;
            }
        }
        return kept;
    }

    private static double[][] deepCopy(double[][] w) {
        return Arrays.stream(w).map(double[]::clone).toArray(double[][]::new);
    }
}
