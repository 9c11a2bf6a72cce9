package org.esegen.circulant;

import java.util.Arrays;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;
import org.esegen.EsegenException;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

/**
 * A block-circulant matrix (C-LSTM, E-RNN; DESIGN.md section 3): a rows x cols matrix padded with
 * zeros to multiples of the block size b, cut into b x b blocks, block (i, j) the circulant matrix
 * of one vector w_ij with w_ij as its first column: block(i, j)[r][c] = w_ij[(r - c) mod b]. It
 * stores rowBlocks x colBlocks x b numbers instead of rows x cols, and y = W x is, per output block,
 * y_i = IFFT(sum_j FFT(w_ij) . FFT(x_j)) (a circulant is diagonal in the Fourier basis).
 *
 * @param rows    rows of the matrix (before padding)
 * @param cols    columns of the matrix (before padding)
 * @param block   b, a power of two in 2..32
 * @param vectors w_ij: [row block i][column block j][k], k = 0 .. b - 1
 */
public record BlockCirculant(int rows, int cols, int block, double[][][] vectors) {
    /** Block sizes the engine takes: powers of two in this range. */
    public static final int MIN_BLOCK = 2;
    public static final int MAX_BLOCK = 32;

    public BlockCirculant {
        requireBlock(block);
        if (rows < 1 || cols < 1) {
            throw new EsegenException("block-circulant matrix: " + rows + " x " + cols + " has no entries");
        }
        if (vectors.length != blocks(rows, block) || vectors[0].length != blocks(cols, block)
                || vectors[0][0].length != block) {
            throw new EsegenException("block-circulant matrix " + rows + " x " + cols + " at b = " + block + ": expected "
                    + blocks(rows, block) + " x " + blocks(cols, block) + " vectors of " + block + ", got "
                    + vectors.length + " x " + vectors[0].length + " of " + vectors[0][0].length);
        }
    }

    /** Refuses a block size that is not a power of two in {@value #MIN_BLOCK}..{@value #MAX_BLOCK}. */
    public static void requireBlock(int block) {
        if (block < MIN_BLOCK || block > MAX_BLOCK || Integer.bitCount(block) != 1) {
            throw new EsegenException("block size " + block + ": allowed is a power of two in " + MIN_BLOCK + ".."
                    + MAX_BLOCK);
        }
    }

    /** Blocks along a side of {@code size}: ceil(size / b). */
    public static int blocks(int size, int block) {
        return (size + block - 1) / block;
    }

    /** Row blocks, ceil(rows / b). */
    public int rowBlocks() {
        return vectors.length;
    }

    /** Column blocks, ceil(cols / b). */
    public int colBlocks() {
        return vectors[0].length;
    }

    /** Numbers stored: rowBlocks x colBlocks x b. */
    public long parameters() {
        return (long) rowBlocks() * colBlocks() * block;
    }

    /**
     * The nearest block-circulant matrix to {@code dense} in the Frobenius norm over its entries: in each
     * block every wrapped diagonal replaced by the mean of its entries inside the matrix,
     * w_ij[k] = mean over r with ib + r &lt; rows and jb + (r - k) mod b &lt; cols of D[ib + r][jb + (r - k) mod b]
     * (0 for a diagonal wholly in the padding). The padding is free, so the projection is idempotent on
     * every size: a trained circulant matrix read back as a dense one gives its vectors again.
     */
    public static BlockCirculant project(double[][] dense, int block) {
        requireBlock(block);
        int rows = dense.length;
        int cols = rows == 0 ? 0 : dense[0].length;
        if (rows == 0 || cols == 0) {
            throw new EsegenException("block-circulant projection: the matrix is empty");
        }
        double[][][] w = new double[blocks(rows, block)][blocks(cols, block)][block];
        for (int i = 0; i < w.length; i++) {
            for (int j = 0; j < w[i].length; j++) {
                for (int k = 0; k < block; k++) {
                    double sum = 0;
                    int inside = 0;
                    for (int r = 0; r < block; r++) {
                        int row = i * block + r;
                        int col = j * block + Math.floorMod(r - k, block);
                        if (row < rows && col < cols) {
                            sum += dense[row][col];
                            inside++;
                        }
                    }
                    w[i][j][k] = inside == 0 ? 0 : sum / inside;
                }
            }
        }
        return new BlockCirculant(rows, cols, block, w);
    }

    /**
     * {@code layer} with W_ih, W_hh and (when present) W_hr each replaced by its nearest block-circulant
     * matrix of block {@code block} ({@link #project(double[][], int)}); biases and peepholes kept.
     */
    public static LayerWeights project(LayerWeights layer, int block) {
        return new LayerWeights(layer.layer(), layer.cell(), layer.inputSize(), layer.hiddenSize(), layer.projSize(),
                project(layer.wIh(), block).dense(), project(layer.wHh(), block).dense(), layer.bIh(), layer.bHh(),
                layer.wHr() == null ? null : project(layer.wHr(), block).dense(), layer.wIc(), layer.wFc(),
                layer.wOc());
    }

    /** Every layer of {@code stack} projected as {@link #project(LayerWeights, int)}. */
    public static LayerStack project(LayerStack stack, int block) {
        return new LayerStack(stack.layers().stream().map(l -> project(l, block)).toList());
    }

    /** The rows x cols matrix this stands for (padding cut off). */
    public double[][] dense() {
        double[][] d = new double[rows][cols];
        for (int row = 0; row < rows; row++) {
            for (int col = 0; col < cols; col++) {
                d[row][col] = vectors[row / block][col / block][Math.floorMod(row - col, block)];
            }
        }
        return d;
    }

    /** y = W x through FFTs (double precision): per output block IFFT(sum_j FFT(w_ij) . FFT(x_j)). */
    public double[] multiply(double[] x) {
        if (x.length != cols) {
            throw new EsegenException("block-circulant multiply: x has " + x.length + " values, the matrix " + cols
                    + " columns");
        }
        FastFourierTransformer fft = new FastFourierTransformer(DftNormalization.STANDARD);
        Complex[][] xf = new Complex[colBlocks()][];
        for (int j = 0; j < colBlocks(); j++) {
            double[] part = new double[block];
            for (int k = 0; k < block && j * block + k < cols; k++) {
                part[k] = x[j * block + k];
            }
            xf[j] = fft.transform(part, TransformType.FORWARD);
        }
        double[] y = new double[rows];
        for (int i = 0; i < rowBlocks(); i++) {
            Complex[] sum = new Complex[block];
            Arrays.fill(sum, Complex.ZERO);
            for (int j = 0; j < colBlocks(); j++) {
                Complex[] wf = fft.transform(vectors[i][j], TransformType.FORWARD);
                for (int k = 0; k < block; k++) {
                    sum[k] = sum[k].add(wf[k].multiply(xf[j][k]));
                }
            }
            Complex[] out = fft.transform(sum, TransformType.INVERSE);
            for (int k = 0; k < block && i * block + k < rows; k++) {
                y[i * block + k] = out[k].getReal();
            }
        }
        return y;
    }
}
