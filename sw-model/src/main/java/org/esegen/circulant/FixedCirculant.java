package org.esegen.circulant;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.esegen.EsegenException;
import org.esegen.fixed.FixedFormat;
import org.esegen.quant.Quantizer;

/**
 * The circulant engine's matrix-vector product in fixed point, defined once (the hardware is its
 * twin): z = sat_A(W x) for a {@link BlockCirculant} W, x and z raw values of the activation format A
 * (actBits, F fractional bits).
 *
 * <ol>
 *   <li><b>Weights</b> are stored in the frequency domain: for block (i, j) the bins k = 0 .. b/2 of
 *       FFT(w_ij) (b/2 + 1 complex numbers; w_ij is real, so the other bins are their conjugates and
 *       bins 0 and b/2 are real: their imaginary parts are not stored), each part quantized (round to
 *       nearest) to weightBits with the fractional bits {@link Quantizer#weightFracBits} gives for the
 *       largest part of the matrix, G.</li>
 *   <li><b>Input FFT</b>: each input block x_j (zero past the last column) goes through the forward
 *       {@link FixedFft} of b points with data width actBits + 1 (the guard bit), giving X_j = FFT(x_j)
 *       / b in A's LSBs; only its bins 0 .. b/2 are used.</li>
 *   <li><b>Frequency-domain MAC</b>: per output block i and bin k, P = sum over j of W_ij[k] X_j[k],
 *       complex, exact (no rounding, no saturation: 2 (weightBits + actBits + 1) + log2(2 colBlocks)
 *       bits hold it), with G + F fractional bits.</li>
 *   <li><b>Back to the data scale</b>: U[k] = sat(shiftRound(P, G - log2 b)) per part (A's LSBs, times
 *       b, since X carries the forward FFT's 1 / b), saturated to +-2^(inverseBits - 2), inverseBits =
 *       actBits + log2 b + 2; the imaginary parts of bins 0 and b/2 are taken as 0, and the bins above
 *       b/2 are the conjugates U[b - k].</li>
 *   <li><b>Inverse FFT</b>: the inverse {@link FixedFft} of b points at inverseBits gives y_i =
 *       IFFT(U) in A's LSBs (its real parts); z = sat_A(y), rows past the last cut off.</li>
 * </ol>
 *
 * <p><b>Error bound</b> ({@link #errorBound}), in A's LSBs, of y against the exact product of the
 * stored (quantized) weights with x, while nothing saturates: the forward FFT's bound E_X (its
 * {@link FixedFft#errorBound} for inputs of modulus up to sqrt(2) 2^(actBits-1)) times b sum_j
 * |W_ij[k]| (the MAC carries each bin's error, scaled by b), plus sqrt(2) / 2 for the rounding to U;
 * the inverse FFT averages the bins (so the worst bin's error bounds every output) and adds its own
 * bound E_IFFT (for inputs of modulus up to sqrt(2) 2^(inverseBits-2)).
 */
public final class FixedCirculant {
    private final BlockCirculant matrix;
    private final FixedFormat act;
    private final int weightBits;
    private final int weightFracBits;
    private final int twiddleBits;
    /** [i][j][k][part] raw stored weights, k = 0 .. b/2, part 0 real and 1 imaginary. */
    private final long[][][][] weights;
    private final FixedFft forward;
    private final FixedFft inverse;

    /**
     * @param matrix      the block-circulant weights (real units)
     * @param act         the activation format of x and z
     * @param weightBits  width of each stored frequency-domain part, 4..32
     * @param twiddleBits width of the FFTs' twiddle parts, 4..24
     */
    public FixedCirculant(BlockCirculant matrix, FixedFormat act, int weightBits, int twiddleBits) {
        if (weightBits < 4 || weightBits > 32) {
            throw new EsegenException("circulant weight width " + weightBits + " is outside 4..32");
        }
        this.matrix = matrix;
        this.act = act;
        this.weightBits = weightBits;
        this.twiddleBits = twiddleBits;
        int b = matrix.block();
        int bins = bins(b);
        FastFourierTransformer fft = new FastFourierTransformer(DftNormalization.STANDARD);
        Complex[][][] spectra = new Complex[matrix.rowBlocks()][matrix.colBlocks()][];
        double maxPart = 0;
        for (int i = 0; i < matrix.rowBlocks(); i++) {
            for (int j = 0; j < matrix.colBlocks(); j++) {
                spectra[i][j] = fft.transform(matrix.vectors()[i][j], TransformType.FORWARD);
                for (int k = 0; k < bins; k++) {
                    maxPart = Math.max(maxPart, Math.max(Math.abs(spectra[i][j][k].getReal()),
                            Math.abs(spectra[i][j][k].getImaginary())));
                }
            }
        }
        this.weightFracBits = Quantizer.weightFracBits(maxPart, weightBits);
        FixedFormat weightFormat = new FixedFormat(weightBits, weightFracBits);
        this.weights = new long[matrix.rowBlocks()][matrix.colBlocks()][bins][2];
        for (int i = 0; i < matrix.rowBlocks(); i++) {
            for (int j = 0; j < matrix.colBlocks(); j++) {
                for (int k = 0; k < bins; k++) {
                    boolean real = k == 0 || k == b / 2;
                    weights[i][j][k][0] = weightFormat.quantize(spectra[i][j][k].getReal());
                    weights[i][j][k][1] = real ? 0 : weightFormat.quantize(spectra[i][j][k].getImaginary());
                }
            }
        }
        this.forward = new FixedFft(b, forwardBits(act.totalBits()), twiddleBits);
        this.inverse = new FixedFft(b, inverseBits(act.totalBits(), b), twiddleBits);
    }

    /** Bins stored per block: b / 2 + 1. */
    public static int bins(int block) {
        return block / 2 + 1;
    }

    /** Data width of the input FFT: actBits + 1 (the guard bit). */
    public static int forwardBits(int actBits) {
        return actBits + 1;
    }

    /** Data width of the inverse FFT: actBits + log2 b + 2 (room for |y| up to 2^actBits, and the guard bit). */
    public static int inverseBits(int actBits, int block) {
        return actBits + Integer.numberOfTrailingZeros(block) + 2;
    }

    /** The fractional bits G of the stored weights. */
    public int weightFracBits() {
        return weightFracBits;
    }

    /** Stored weight part: block (i, j), bin k (0 .. b/2), part 0 real or 1 imaginary. */
    public long weight(int i, int j, int k, int part) {
        return weights[i][j][k][part];
    }

    /**
     * The weight store's word of block (i, j), at address i colBlocks + j: bin k's real part at bits
     * [2k weightBits, (2k + 1) weightBits) and its imaginary part above it (two's complement), for k = 0 .. b/2.
     */
    public java.math.BigInteger storeWord(int i, int j) {
        java.math.BigInteger word = java.math.BigInteger.ZERO;
        long mask = (1L << weightBits) - 1;
        for (int k = 0; k < bins(matrix.block()); k++) {
            for (int part = 0; part < 2; part++) {
                word = word.or(java.math.BigInteger.valueOf(weights[i][j][k][part] & mask)
                        .shiftLeft((2 * k + part) * weightBits));
            }
        }
        return word;
    }

    /** The shift from the MAC's G + F fractional bits to U's F, times b: G - log2 b (negative: a left shift). */
    public int scaleShift() {
        return weightFracBits - Integer.numberOfTrailingZeros(matrix.block());
    }

    /** The block-circulant matrix this was quantized from. */
    public BlockCirculant matrix() {
        return matrix;
    }

    /** The FFT twiddle width. */
    public int twiddleBits() {
        return twiddleBits;
    }

    /** The stored weight width. */
    public int weightBits() {
        return weightBits;
    }

    /**
     * Every stage of one product, raw.
     *
     * @param spectra X_j: [j][k][part], k = 0 .. b/2
     * @param scaled  U_i: [i][k][part], k = 0 .. b/2 (imaginary parts of bins 0 and b/2 zero)
     * @param y       y before the activation saturation, one per padded row
     * @param z       the result, rows values of A
     */
    public record Trace(long[][][] spectra, long[][][] scaled, long[] y, long[] z) {
    }

    /** z = sat_A(W x) for raw x of A (cols values). */
    public long[] multiply(long[] x) {
        return trace(x).z();
    }

    /** {@link #multiply} with every stage kept. */
    public Trace trace(long[] x) {
        if (x.length != matrix.cols()) {
            throw new EsegenException("circulant multiply: x has " + x.length + " values, the matrix " + matrix.cols()
                    + " columns");
        }
        int b = matrix.block();
        int bins = bins(b);
        long[][][] spectra = new long[matrix.colBlocks()][bins][2];
        for (int j = 0; j < matrix.colBlocks(); j++) {
            long[] re = new long[b];
            for (int n = 0; n < b && j * b + n < x.length; n++) {
                re[n] = x[j * b + n];
            }
            long[][] out = forward.forward(re, new long[b]);
            for (int k = 0; k < bins; k++) {
                spectra[j][k][0] = out[0][k];
                spectra[j][k][1] = out[1][k];
            }
        }
        long limit = (1L << (inverseBits(act.totalBits(), b) - 2));
        long[][][] scaled = new long[matrix.rowBlocks()][bins][2];
        long[] y = new long[matrix.rowBlocks() * b];
        long[] z = new long[matrix.rows()];
        for (int i = 0; i < matrix.rowBlocks(); i++) {
            for (int k = 0; k < bins; k++) {
                long pr = 0;
                long pi = 0;
                for (int j = 0; j < matrix.colBlocks(); j++) {
                    long wr = weights[i][j][k][0];
                    long wi = weights[i][j][k][1];
                    pr += wr * spectra[j][k][0] - wi * spectra[j][k][1];
                    pi += wr * spectra[j][k][1] + wi * spectra[j][k][0];
                }
                boolean real = k == 0 || k == b / 2;
                scaled[i][k][0] = clamp(FixedFormat.shiftRound(pr, scaleShift()), limit);
                scaled[i][k][1] = real ? 0 : clamp(FixedFormat.shiftRound(pi, scaleShift()), limit);
            }
            long[] ure = new long[b];
            long[] uim = new long[b];
            for (int k = 0; k < b; k++) {
                int source = k < bins ? k : b - k;
                ure[k] = scaled[i][source][0];
                uim[k] = k < bins ? scaled[i][source][1] : -scaled[i][source][1];
            }
            long[][] out = inverse.inverse(ure, uim);
            for (int n = 0; n < b; n++) {
                y[i * b + n] = out[0][n];
                if (i * b + n < z.length) {
                    z[i * b + n] = act.saturate(out[0][n]);
                }
            }
        }
        return new Trace(spectra, scaled, y, z);
    }

    /**
     * The exact product of the stored weights (dequantized, the conjugate-symmetric spectra they stand
     * for) with raw x, in A's LSBs (unsaturated), one per row.
     */
    public double[] exact(long[] x) {
        int b = matrix.block();
        int bins = bins(b);
        FastFourierTransformer fft = new FastFourierTransformer(DftNormalization.STANDARD);
        double scale = Math.scalb(1.0, -weightFracBits);
        double[] y = new double[matrix.rows()];
        Complex[][] xf = new Complex[matrix.colBlocks()][];
        for (int j = 0; j < matrix.colBlocks(); j++) {
            double[] part = new double[b];
            for (int n = 0; n < b && j * b + n < x.length; n++) {
                part[n] = x[j * b + n];
            }
            xf[j] = fft.transform(part, TransformType.FORWARD);
        }
        for (int i = 0; i < matrix.rowBlocks(); i++) {
            Complex[] sum = new Complex[b];
            java.util.Arrays.fill(sum, Complex.ZERO);
            for (int j = 0; j < matrix.colBlocks(); j++) {
                for (int k = 0; k < b; k++) {
                    int source = k < bins ? k : b - k;
                    Complex w = new Complex(weights[i][j][source][0] * scale,
                            (k < bins ? 1 : -1) * weights[i][j][source][1] * scale);
                    sum[k] = sum[k].add(w.multiply(xf[j][k]));
                }
            }
            Complex[] out = fft.transform(sum, TransformType.INVERSE);
            for (int n = 0; n < b && i * b + n < y.length; n++) {
                y[i * b + n] = out[n].getReal();
            }
        }
        return y;
    }

    /** The class comment's bound, in A's LSBs, on |y - exact| for every row while nothing saturates. */
    public double errorBound() {
        int b = matrix.block();
        double forwardError = forward.errorBound(Math.sqrt(2) * Math.scalb(1.0, act.totalBits() - 1));
        double scale = Math.scalb(1.0, -weightFracBits);
        double worstBin = 0;
        for (int i = 0; i < matrix.rowBlocks(); i++) {
            for (int k = 0; k < bins(b); k++) {
                double sum = 0;
                for (int j = 0; j < matrix.colBlocks(); j++) {
                    sum += Math.hypot(weights[i][j][k][0], weights[i][j][k][1]) * scale;
                }
                worstBin = Math.max(worstBin, b * sum * forwardError + Math.sqrt(2) / 2);
            }
        }
        double inverseError = inverse.errorBound(Math.sqrt(2) * Math.scalb(1.0, inverseBits(act.totalBits(), b) - 2));
        return worstBin + inverseError;
    }

    private static long clamp(long value, long limit) {
        return Math.max(-limit, Math.min(limit, value));
    }
}
