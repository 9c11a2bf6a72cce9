package org.esegen.circulant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.esegen.fixed.FixedFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fixed-point circulant product: within its derived bound of the exact product of the stored
 * weights, close to the float block-circulant product, saturating like the activation format, and
 * its stages consistent (bins 0 and b/2 real, U the scaled MAC).
 */
class FixedCirculantTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_206L);

    @ParameterizedTest(name = "{0} x {1} at b = {2}, {3}-bit weights, {4}-bit twiddles")
    @CsvSource({"13, 10, 2, 16, 16", "20, 24, 4, 16, 16", "64, 48, 8, 16, 16", "40, 33, 8, 12, 10", "48, 70, 16, 16, 16",
            "64, 64, 32, 16, 18"})
    void staysWithinItsBoundOfTheExactProduct(int rows, int cols, int block, int weightBits, int twiddleBits) {
        long seed = SEED + 1_000L * block + rows + cols;
        System.out.println("FixedCirculantTest seed " + seed + " (-Desegen.seed=" + SEED + ")");
        Random random = new Random(seed);
        double[][][] vectors = new double[BlockCirculant.blocks(rows, block)][BlockCirculant.blocks(cols, block)][block];
        for (double[][] row : vectors) {
            for (double[] v : row) {
                for (int k = 0; k < block; k++) {
                    v[k] = random.nextGaussian() * 0.3 / Math.sqrt(cols);
                }
            }
        }
        BlockCirculant matrix = new BlockCirculant(rows, cols, block, vectors);
        FixedFormat act = new FixedFormat(16, 11);
        FixedCirculant fixed = new FixedCirculant(matrix, act, weightBits, twiddleBits);
        double bound = fixed.errorBound();
        double worst = 0;
        double worstFloat = 0;
        for (int trial = 0; trial < 20; trial++) {
            long[] x = new long[cols];
            for (int c = 0; c < cols; c++) {
                x[c] = act.quantize(Math.max(-3.9, Math.min(3.9, random.nextGaussian() * 1.5)));
            }
            FixedCirculant.Trace trace = fixed.trace(x);
            double[] exact = fixed.exact(x);
            double[] xd = new double[cols];
            for (int c = 0; c < cols; c++) {
                xd[c] = act.toDouble(x[c]);
            }
            double[] reference = matrix.multiply(xd);
            for (int r = 0; r < rows; r++) {
                assertEquals(act.saturate(trace.y()[r]), trace.z()[r], "z is y saturated, row " + r);
                if (act.holds(trace.y()[r])) {
                    worst = Math.max(worst, Math.abs(trace.y()[r] - exact[r]));
                    worstFloat = Math.max(worstFloat, Math.abs(act.toDouble(trace.z()[r]) - reference[r]));
                }
            }
            for (long[][] bins : trace.scaled()) {
                assertEquals(0, bins[0][1], "bin 0 is real");
                assertEquals(0, bins[block / 2][1], "bin b/2 is real");
            }
        }
        System.out.printf("FixedCirculantTest b=%d: worst %.3f LSB against the bound %.3f; float %.5f%n", block, worst,
                bound, worstFloat);
        assertTrue(worst <= bound, "seed " + seed + ": worst error " + worst + " LSB above the bound " + bound);
        assertTrue(worstFloat < 0.05, "seed " + seed + ": the fixed product is close to the float one: " + worstFloat);
    }

    @ParameterizedTest(name = "b = {0}")
    @CsvSource({"4", "8", "16"})
    void largeProductsSaturateToTheActivationRange(int block) {
        double[][][] vectors = new double[2][3][block];
        for (double[][] row : vectors) {
            for (double[] v : row) {
                v[0] = 0.9;
            }
        }
        BlockCirculant matrix = new BlockCirculant(2 * block, 3 * block, block, vectors);
        FixedFormat act = new FixedFormat(12, 8);
        FixedCirculant fixed = new FixedCirculant(matrix, act, 16, 16);
        long[] x = new long[3 * block];
        java.util.Arrays.fill(x, act.maxRaw());
        long[] z = fixed.multiply(x);
        for (long value : z) {
            assertEquals(act.maxRaw(), value, "3 x 0.9 x max saturates at the top of the activation format");
        }
        java.util.Arrays.fill(x, act.minRaw());
        for (long value : fixed.multiply(x)) {
            assertEquals(act.minRaw(), value, "and at the bottom for the most negative input");
        }
    }
}
