package org.esegen.prune;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.esegen.prune.PruningMethod.CBTD;
import static org.esegen.prune.PruningMethod.ESE;
import static org.esegen.prune.PruningMethod.GLOBAL;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Small hand-worked examples, argument checks and the row mappings. See PrunerPropertyTest for random matrices. */
class PrunerTest {

    private static final double[][] ALL_MAGNITUDE_ONE = {
            {1, -1, 1, -1},
            {-1, 1, -1, 1},
            {1, 1, -1, -1},
    };

    @Test
    void globalBreaksTiesByLowerFlatIndex() {
        double[][] pruned = Pruner.prune(ALL_MAGNITUDE_ONE, 0.5, Pruner.interleavedRowToPe(3, 1), 1, GLOBAL);
        assertArrayEquals(new double[][]{{1, -1, 1, -1}, {-1, 1, 0, 0}, {0, 0, 0, 0}}, pruned);
    }

    @Test
    void eseBreaksTiesByLowerFlatIndexWithinEachPe() {
        // PE 0 owns rows 0 and 2, PE 1 owns row 1; k = 6 gives each PE 3.
        double[][] pruned = Pruner.prune(ALL_MAGNITUDE_ONE, 0.5, Pruner.interleavedRowToPe(3, 2), 2, ESE);
        assertArrayEquals(new double[][]{{1, -1, 1, 0}, {-1, 1, -1, 0}, {0, 0, 0, 0}}, pruned);
    }

    @Test
    void sameInputGivesSameResult() {
        for (PruningMethod method : PruningMethod.PRUNING) {
            assertArrayEquals(Pruner.prune(ALL_MAGNITUDE_ONE, 0.3, new int[]{0, 1, 0}, 2, method),
                    Pruner.prune(ALL_MAGNITUDE_ONE, 0.3, new int[]{0, 1, 0}, 2, method), method.cliName());
        }
    }

    @Test
    void globalKeepsLargestMagnitudesWhateverTheirSign() {
        double[][] w = {{0.5, -3, 0.1}, {2, -0.2, -1}};
        double[][] pruned = Pruner.prune(w, 0.5, new int[]{0, 0}, 1, GLOBAL);
        assertArrayEquals(new double[][]{{0, -3, 0}, {2, 0, -1}}, pruned);
    }

    @Test
    void zerosInTheInputAreCandidatesThatRankLast() {
        double[][] w = {{0, 5, 0, -2}};
        // k = 3 but only two nonzeros: the zero with the lower flat index is the third kept entry.
        boolean[][] keep = Pruner.keepMask(w, 0.75, new int[]{0}, 1, GLOBAL);
        assertArrayEquals(new boolean[][]{{true, true, false, true}}, keep);
        assertArrayEquals(new double[][]{{0, 5, 0, -2}}, Pruner.prune(w, 0.75, new int[]{0}, 1, GLOBAL));
    }

    @Test
    void eseGivesTheRemainderToTheLowestNumberedPes() {
        double[][] w = rampMatrix(4, 3);
        // k = 6 over 4 PEs with one row each: 2, 2, 1, 1.
        double[][] pruned = Pruner.prune(w, 0.5, Pruner.interleavedRowToPe(4, 4), 4, ESE);
        assertArrayEquals(new long[]{2, 2, 1, 1}, Pruner.nonzerosPerPe(pruned, Pruner.interleavedRowToPe(4, 4), 4));
    }

    @Test
    void eseMovesTheSurplusOfAFullSliceToTheOtherPes() {
        int[] rowToPe = {0, 1, 1, 1, 1, 1, 1};
        double[][] w = rampMatrix(7, 2);
        // k = 7: shares 4 and 3, but PE 0 holds only 2 entries; PE 1 takes the other 5.
        double[][] pruned = Pruner.prune(w, 0.5, rowToPe, 2, ESE);
        assertArrayEquals(new long[]{2, 5}, Pruner.nonzerosPerPe(pruned, rowToPe, 2));
    }

    @Test
    void eseSplitsTheSurplusEvenlyOverTheRemainingPes() {
        int[] rowToPe = {0, 1, 1, 1, 2, 2, 2, 3, 3, 3};
        double[][] w = rampMatrix(10, 1);
        // k = 9: shares 3, 2, 2, 2; PE 0 holds 1, so its surplus 2 goes one each to PEs 1 and 2.
        double[][] pruned = Pruner.prune(w, 0.9, rowToPe, 4, ESE);
        assertArrayEquals(new long[]{1, 3, 3, 2}, Pruner.nonzerosPerPe(pruned, rowToPe, 4));
    }

    @Test
    void cbtdGivesTheExtraPerColumnCountToTheLowestNumberedColumns() {
        int[] rowToPe = Pruner.interleavedRowToPe(8, 2);
        double[][] w = rampMatrix(8, 3);
        // target 0.3 * 24 = 7.2: per-PE total 4 (kept 8) beats 3 (kept 6), so k_c = 2, 1, 1.
        double[][] pruned = Pruner.prune(w, 0.3, rowToPe, 2, CBTD);
        assertArrayEquals(new long[][]{{2, 1, 1}, {2, 1, 1}}, Pruner.nonzerosPerPePerColumn(pruned, rowToPe, 2));
    }

    @Test
    void cbtdKeepsEverythingAtDensityOneWhenSlicesDiffer() {
        // Slices of 3 and 2 rows: round(15 / 2) = 8 per PE would give k_c = 3, 3, 2 and prune one entry
        // of PE 0; the closest total to 15 is k_c = 3, 3, 3 instead.
        double[][] w = rampMatrix(5, 3);
        assertArrayEquals(w, Pruner.prune(w, 1.0, Pruner.interleavedRowToPe(5, 2), 2, CBTD));
    }

    @Test
    void cbtdLetsASmallSliceKeepAllItsRows() {
        int[] rowToPe = {0, 1, 1, 1, 1};
        double[][] w = rampMatrix(5, 2);
        // k_c = 2 in both columns: PE 1 keeps 2 per column, PE 0 (one row) keeps its single row.
        // Total 6 is the closest to 0.6 * 10 = 6.
        double[][] pruned = Pruner.prune(w, 0.6, rowToPe, 2, CBTD);
        assertArrayEquals(new long[][]{{1, 1}, {2, 2}}, Pruner.nonzerosPerPePerColumn(pruned, rowToPe, 2));
    }

    @ParameterizedTest
    @EnumSource(value = PruningMethod.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void tinyDensityMayKeepNothing(PruningMethod method) {
        double[][] pruned = Pruner.prune(rampMatrix(3, 3), 0.01, Pruner.interleavedRowToPe(3, 2), 2, method);
        assertArrayEquals(new double[3][3], pruned);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.5, 1.0000001, 2.0, Double.NaN, Double.POSITIVE_INFINITY})
    void densityOutsideZeroToOneIsRejectedNamingValueAndRange(double density) {
        for (PruningMethod method : PruningMethod.PRUNING) {
            EsegenException e = assertThrows(EsegenException.class,
                    () -> Pruner.prune(rampMatrix(2, 2), density, new int[]{0, 0}, 1, method));
            assertTrue(e.getMessage().contains(String.valueOf(density)), e.getMessage());
            assertTrue(e.getMessage().contains("(0, 1]"), e.getMessage());
        }
    }

    @Test
    void rowToPeOfTheWrongLengthIsRejected() {
        EsegenException e = assertThrows(EsegenException.class,
                () -> Pruner.prune(rampMatrix(4, 2), 0.5, new int[]{0, 1, 0}, 2, ESE));
        assertTrue(e.getMessage().contains("3 entries") && e.getMessage().contains("4 rows"), e.getMessage());
        assertThrows(EsegenException.class, () -> Pruner.nonzerosPerPe(rampMatrix(4, 2), new int[]{0}, 2));
        assertThrows(EsegenException.class, () -> Pruner.prune(rampMatrix(4, 2), 0.5, null, 2, ESE));
    }

    @ParameterizedTest
    @CsvSource({"-1, 2", "2, 2", "0, 0"})
    void rowToPeNamingAMissingPeIsRejected(int pe, int pes) {
        assertThrows(EsegenException.class, () -> Pruner.prune(rampMatrix(2, 2), 0.5, new int[]{0, pe}, pes, CBTD));
    }

    @Test
    void malformedMatricesAreRejected() {
        int[] oneRow = {0};
        assertThrows(EsegenException.class, () -> Pruner.prune(new double[0][0], 0.5, new int[0], 1, GLOBAL));
        assertThrows(EsegenException.class, () -> Pruner.prune(new double[1][0], 0.5, oneRow, 1, GLOBAL));
        assertThrows(EsegenException.class,
                () -> Pruner.prune(new double[][]{{1, 2}, {3}}, 0.5, new int[]{0, 0}, 1, GLOBAL));
        EsegenException e = assertThrows(EsegenException.class,
                () -> Pruner.prune(new double[][]{{1, Double.NaN}}, 0.5, oneRow, 1, GLOBAL));
        assertTrue(e.getMessage().contains("[0][1]"), e.getMessage());
    }

    @Test
    void interleavedMappingIsRowModPes() {
        assertArrayEquals(new int[]{0, 1, 2, 0, 1, 2, 0}, Pruner.interleavedRowToPe(7, 3));
        assertArrayEquals(new int[]{0, 0, 0}, Pruner.interleavedRowToPe(3, 1));
        assertThrows(EsegenException.class, () -> Pruner.interleavedRowToPe(3, 0));
        assertThrows(EsegenException.class, () -> Pruner.interleavedRowToPe(0, 2));
    }

    @ParameterizedTest
    @CsvSource({"1, 1", "5, 1", "5, 2", "8, 4", "7, 8", "64, 32", "100, 32"})
    void gateMappingPutsAllFourGateRowsOfACellOnItsPe(int hidden, int pes) {
        int[] rowToPe = Pruner.gateRowToPe(hidden, pes);
        assertEquals(4 * hidden, rowToPe.length);
        for (int cell = 0; cell < hidden; cell++) {
            for (int gate = 0; gate < 4; gate++) {
                assertEquals(cell % pes, rowToPe[gate * hidden + cell], "gate " + gate + " of cell " + cell);
            }
        }
    }

    @Test
    void gateMappingRejectsEmptySizes() {
        assertThrows(EsegenException.class, () -> Pruner.gateRowToPe(0, 2));
        assertThrows(EsegenException.class, () -> Pruner.gateRowToPe(4, 0));
    }

    @Test
    void nonzeroCountsIgnoreBothZeros() {
        double[][] w = {{1, 0, -0.0}, {0, 2, 3}, {4, 0, 0}};
        int[] rowToPe = {1, 0, 1};
        assertArrayEquals(new long[]{2, 2}, Pruner.nonzerosPerPe(w, rowToPe, 2));
        assertArrayEquals(new long[][]{{0, 1, 1}, {2, 0, 0}}, Pruner.nonzerosPerPePerColumn(w, rowToPe, 2));
        assertArrayEquals(new long[]{2, 2, 0}, Pruner.nonzerosPerPe(w, rowToPe, 3));
    }

    /** Distinct magnitudes that grow with the flat index, so the largest ones sit at the end. */
    private static double[][] rampMatrix(int rows, int cols) {
        double[][] w = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                w[r][c] = (r * cols + c + 1) * ((r + c) % 2 == 0 ? 1 : -1);
            }
        }
        return w;
    }
}
