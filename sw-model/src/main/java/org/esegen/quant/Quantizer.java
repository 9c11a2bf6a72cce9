package org.esegen.quant;

import org.esegen.EsegenException;
import org.esegen.fixed.FixedFormat;

/**
 * Quantization of weights, biases, peepholes and activations to the configured formats.
 * Weights of one matrix share one binary point, chosen as the finest that holds the largest
 * magnitude without saturating; biases, peepholes and activations use the activation format.
 */
public final class Quantizer {
    /** Finest weight binary point considered (weights down to 2^-30 of an LSB scale). */
    public static final int MAX_WEIGHT_FRAC_BITS = 30;

    private Quantizer() {
    }

    /**
     * Weight fractional bits for a matrix: the largest f in [0, {@value #MAX_WEIGHT_FRAC_BITS}] such
     * that every |w| quantizes within the signed weightBits range. An all-zero matrix gets the finest.
     */
    public static int weightFracBits(double[][] matrix, int weightBits) {
        double maxAbs = 0;
        for (double[] row : matrix) {
            for (double w : row) {
                maxAbs = Math.max(maxAbs, Math.abs(w));
            }
        }
        return weightFracBits(maxAbs, weightBits);
    }

    /** Weight fractional bits for a matrix whose largest magnitude is {@code maxAbs}; see above. */
    public static int weightFracBits(double maxAbs, int weightBits) {
        long maxRaw = (1L << (weightBits - 1)) - 1;
        for (int f = MAX_WEIGHT_FRAC_BITS; f > 0; f--) {
            if (Math.floor(Math.scalb(maxAbs, f) + 0.5) <= maxRaw) {
                return f;
            }
        }
        return 0;
    }

    /** Quantize every entry of a matrix to {@code format}; zeros stay zero. */
    public static long[][] quantize(double[][] matrix, FixedFormat format) {
        long[][] q = new long[matrix.length][];
        for (int r = 0; r < matrix.length; r++) {
            q[r] = quantize(matrix[r], format);
        }
        return q;
    }

    /** Quantize every entry of a vector to {@code format}. */
    public static long[] quantize(double[] vector, FixedFormat format) {
        long[] q = new long[vector.length];
        for (int i = 0; i < vector.length; i++) {
            q[i] = format.quantize(vector[i]);
        }
        return q;
    }

    /** Real values of a quantized matrix. */
    public static double[][] dequantize(long[][] q, FixedFormat format) {
        double[][] d = new double[q.length][];
        for (int r = 0; r < q.length; r++) {
            d[r] = new double[q[r].length];
            for (int c = 0; c < q[r].length; c++) {
                d[r][c] = format.toDouble(q[r][c]);
            }
        }
        return d;
    }

    /** Checks that frames have {@code width} columns; names the source on error. */
    public static void requireFrameWidth(double[][] frames, int width, String source) {
        for (int t = 0; t < frames.length; t++) {
            if (frames[t].length != width) {
                throw new EsegenException(source + ": frame " + t + " has " + frames[t].length
                        + " values; the model's input size is " + width);
            }
        }
    }
}
