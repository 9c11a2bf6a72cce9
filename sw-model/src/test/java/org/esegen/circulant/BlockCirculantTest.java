package org.esegen.circulant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.stream.LongStream;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Block-circulant matrices and the fixed-point FFT: the projection is the Frobenius-nearest
 * block-circulant matrix (idempotent, residual orthogonal to every block-circulant matrix), the FFT
 * product equals the dense product on sizes that are not multiples of b, and the fixed-point FFT and
 * its inverse stay within their derived error bound.
 */
class BlockCirculantTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_190_216L);

    @ParameterizedTest(name = "{0} x {1}, b = {2}")
    @CsvSource({"8, 8, 2", "13, 10, 4", "24, 40, 8", "7, 33, 16", "40, 9, 32"})
    void projectionIsTheNearestBlockCirculantMatrixAndTheFftProductIsTheDenseOne(int rows, int cols, int block) {
        long seed = SEED + rows * 100L + cols + block;
        System.out.println("BlockCirculantTest seed " + seed + " (rerun with -Desegen.seed=" + (seed - rows * 100L - cols
                - block) + ")");
        Random random = new Random(seed);
        double[][] dense = randomMatrix(random, rows, cols);
        BlockCirculant p = BlockCirculant.project(dense, block);
        assertEquals((long) BlockCirculant.blocks(rows, block) * BlockCirculant.blocks(cols, block) * block,
                p.parameters());
        double[][] projected = p.dense();
        BlockCirculant again = BlockCirculant.project(projected, block);
        for (int r = 0; r < rows; r++) {
            assertArrayEquals(projected[r], again.dense()[r], 1e-12, "the projection is idempotent, row " + r);
        }
        BlockCirculant other = BlockCirculant.project(randomMatrix(random, rows, cols), block);
        double[][] c = other.dense();
        double inner = 0;
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                inner += (dense[r][k] - projected[r][k]) * c[r][k];
            }
        }
        assertEquals(0, inner, 1e-9, "the residual is orthogonal to every block-circulant matrix");
        double[] x = random.doubles(cols, -1, 1).toArray();
        double[] expected = new double[rows];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < cols; k++) {
                expected[r] += projected[r][k] * x[k];
            }
        }
        assertArrayEquals(expected, p.multiply(x), 1e-9, "IFFT(sum_j FFT(w_ij) . FFT(x_j)) = W x");
    }

    @Test
    void badBlockSizesAndShapesAreRefused() {
        for (int b : new int[]{1, 3, 12, 64}) {
            EsegenException e = assertThrows(EsegenException.class, () -> BlockCirculant.project(new double[4][4], b));
            assertTrue(e.getMessage().contains("power of two in 2..32"), e.getMessage());
        }
        BlockCirculant p = BlockCirculant.project(new double[5][6], 4);
        assertThrows(EsegenException.class, () -> p.multiply(new double[5]));
    }

    @ParameterizedTest(name = "b = {0}, {1}-bit data, {2}-bit twiddles")
    @CsvSource({"2, 16, 16", "4, 16, 16", "8, 16, 16", "8, 16, 10", "16, 16, 16", "32, 16, 16", "32, 20, 12"})
    void fixedPointFftStaysWithinItsBound(int points, int dataBits, int twiddleBits) {
        FixedFft fft = new FixedFft(points, dataBits, twiddleBits);
        long[][] table = FixedFft.twiddles(points, twiddleBits);
        long one = 1L << (twiddleBits - 2);
        assertArrayEquals(new long[]{one, 0}, table[0], "W^0 = 1");
        if (points >= 4) {
            assertArrayEquals(new long[]{0, -one}, table[points / 4], "W^(b/4) = -i");
        }
        Random random = new Random(SEED + points * 31L + twiddleBits);
        long limit = 1L << (dataBits - 2);
        FastFourierTransformer exact = new FastFourierTransformer(DftNormalization.STANDARD);
        double worstForward = 0;
        double worstInverse = 0;
        for (int trial = 0; trial < 300; trial++) {
            long[] re = new long[points];
            long[] im = new long[points];
            for (int n = 0; n < points; n++) {
                re[n] = trial == 0 ? limit : random.nextLong(-limit, limit + 1);
                im[n] = trial == 0 ? -limit : random.nextLong(-limit, limit + 1);
            }
            Complex[] input = new Complex[points];
            for (int n = 0; n < points; n++) {
                input[n] = new Complex(re[n], im[n]);
            }
            Complex[] forward = exact.transform(input, TransformType.FORWARD);
            Complex[] inverse = exact.transform(input, TransformType.INVERSE);
            long[][] f = fft.forward(re, im);
            long[][] g = fft.inverse(re, im);
            for (int k = 0; k < points; k++) {
                worstForward = Math.max(worstForward, forward[k].divide(points).subtract(new Complex(f[0][k], f[1][k]))
                        .abs());
                worstInverse = Math.max(worstInverse, inverse[k].subtract(new Complex(g[0][k], g[1][k])).abs());
            }
        }
        double bound = fft.errorBound(Math.sqrt(2) * limit);
        System.out.printf("FixedFft b=%d data %d twiddle %d: worst error forward %.2f, inverse %.2f LSB; bound %.2f LSB%n",
                points, dataBits, twiddleBits, worstForward, worstInverse, bound);
        assertTrue(worstForward <= bound && worstInverse <= bound, "worst " + worstForward + " / " + worstInverse
                + " above the bound " + bound);
        assertTrue(worstForward > 0, "rounding shows at " + points + " points");
        EsegenException e = assertThrows(EsegenException.class,
                () -> fft.forward(new long[points], LongStream.range(0, points)
                        .map(n -> n == 0 ? limit + 1 : 0).toArray()));
        assertTrue(e.getMessage().contains("guard bit"), e.getMessage());
    }

    private static double[][] randomMatrix(Random random, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int k = 0; k < cols; k++) {
                row[k] = random.nextGaussian();
            }
        }
        return m;
    }
}
