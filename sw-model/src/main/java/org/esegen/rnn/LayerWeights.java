package org.esegen.lstm;

import org.esegen.EsegenException;

/**
 * One LSTM layer with projection (LSTMP) as in ESE, in PyTorch {@code nn.LSTM(proj_size=P)} layout.
 * Gate order in the 4H rows is i, f, g, o. Matrices are row-major {@code double[rows][cols]}.
 *
 * @param inputSize  I
 * @param hiddenSize H (cells)
 * @param projSize   P
 * @param wIh        4H x I   ({@code weight_ih_l0})
 * @param wHh        4H x P   ({@code weight_hh_l0})
 * @param bIh        4H       ({@code bias_ih_l0})
 * @param bHh        4H       ({@code bias_hh_l0})
 * @param wHr        P x H    ({@code weight_hr_l0})
 * @param wIc        H peephole of the input gate ({@code weight_ic_l0}), or null
 * @param wFc        H peephole of the forget gate ({@code weight_fc_l0}), or null
 * @param wOc        H peephole of the output gate ({@code weight_oc_l0}), or null
 */
public record LstmpWeights(int inputSize, int hiddenSize, int projSize,
                           double[][] wIh, double[][] wHh, double[] bIh, double[] bHh, double[][] wHr,
                           double[] wIc, double[] wFc, double[] wOc) {

    public LstmpWeights {
        if (inputSize < 1 || hiddenSize < 1 || projSize < 1) {
            throw new EsegenException("LSTMP dims must be at least 1, got I=" + inputSize + " H=" + hiddenSize
                    + " P=" + projSize);
        }
        int g = 4 * hiddenSize;
        checkMatrix("weight_ih_l0", wIh, g, inputSize);
        checkMatrix("weight_hh_l0", wHh, g, projSize);
        checkVector("bias_ih_l0", bIh, g);
        checkVector("bias_hh_l0", bHh, g);
        checkMatrix("weight_hr_l0", wHr, projSize, hiddenSize);
        boolean anyPeep = wIc != null || wFc != null || wOc != null;
        boolean allPeep = wIc != null && wFc != null && wOc != null;
        if (anyPeep && !allPeep) {
            throw new EsegenException("peepholes: weight_ic_l0, weight_fc_l0 and weight_oc_l0 must be given together"
                    + " or not at all");
        }
        if (allPeep) {
            checkVector("weight_ic_l0", wIc, hiddenSize);
            checkVector("weight_fc_l0", wFc, hiddenSize);
            checkVector("weight_oc_l0", wOc, hiddenSize);
        }
    }

    /** True when the peephole vectors are present. */
    public boolean hasPeepholes() {
        return wIc != null;
    }

    /** Combined bias b = bias_ih + bias_hh, length 4H. */
    public double[] combinedBias() {
        double[] b = new double[4 * hiddenSize];
        for (int r = 0; r < b.length; r++) {
            b[r] = bIh[r] + bHh[r];
        }
        return b;
    }

    /** W_a = [W_ih | W_hh], 4H x (I + P): the matrix of the first SpMV. */
    public double[][] combinedInputMatrix() {
        double[][] a = new double[4 * hiddenSize][inputSize + projSize];
        for (int r = 0; r < a.length; r++) {
            System.arraycopy(wIh[r], 0, a[r], 0, inputSize);
            System.arraycopy(wHh[r], 0, a[r], inputSize, projSize);
        }
        return a;
    }

    /** Nonzero matrix weights over all matrix weights (W_ih, W_hh, W_hr). */
    public double matrixDensity() {
        long nonzeros = 0;
        for (double[][] m : new double[][][]{wIh, wHh, wHr}) {
            for (double[] row : m) {
                for (double w : row) {
                    nonzeros += w != 0 ? 1 : 0;
                }
            }
        }
        return nonzeros / (double) matrixWeights();
    }

    /** Count of matrix weights (W_ih, W_hh, W_hr), dense. */
    public long matrixWeights() {
        return 4L * hiddenSize * (inputSize + projSize) + (long) projSize * hiddenSize;
    }

    private static void checkMatrix(String name, double[][] m, int rows, int cols) {
        if (m == null) {
            throw new EsegenException("tensor '" + name + "' is missing; expected shape [" + rows + ", " + cols + "]");
        }
        if (m.length != rows) {
            throw new EsegenException("tensor '" + name + "' has " + m.length + " rows; expected shape [" + rows
                    + ", " + cols + "]");
        }
        for (int r = 0; r < rows; r++) {
            if (m[r].length != cols) {
                throw new EsegenException("tensor '" + name + "' row " + r + " has " + m[r].length
                        + " columns; expected shape [" + rows + ", " + cols + "]");
            }
            for (int c = 0; c < cols; c++) {
                if (!Double.isFinite(m[r][c])) {
                    throw new EsegenException("tensor '" + name + "' holds " + m[r][c] + " at [" + r + ", " + c
                            + "]; weights must be finite");
                }
            }
        }
    }

    private static void checkVector(String name, double[] v, int len) {
        if (v == null) {
            throw new EsegenException("tensor '" + name + "' is missing; expected shape [" + len + "]");
        }
        if (v.length != len) {
            throw new EsegenException("tensor '" + name + "' has " + v.length + " elements; expected shape [" + len
                    + "]");
        }
        for (int i = 0; i < len; i++) {
            if (!Double.isFinite(v[i])) {
                throw new EsegenException("tensor '" + name + "' holds " + v[i] + " at [" + i
                        + "]; weights must be finite");
            }
        }
    }
}
