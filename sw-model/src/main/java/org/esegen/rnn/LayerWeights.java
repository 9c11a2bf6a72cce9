package org.esegen.rnn;

import org.esegen.EsegenException;

/**
 * One recurrent layer of a stack, in PyTorch's {@code nn.LSTM} / {@code nn.GRU} layout (DESIGN.md
 * section 3). Gate order in the gate rows is i, f, g, o for the LSTMs and r, z, n for the GRU.
 * Matrices are row-major {@code double[rows][cols]}; G is the cell's gate count (4 or 3).
 *
 * @param layer      the layer's index k in its stack (0 first); its tensors are named {@code ..._l{k}}
 * @param cell       the cell kind
 * @param inputSize  I (the features for layer 0, the previous layer's output size otherwise)
 * @param hiddenSize H (cells)
 * @param projSize   P, the size of the output y and of the recurrent input: the projection for
 *                   {@code lstmp}, H for {@code lstm} and {@code gru}
 * @param wIh        GH x I   ({@code weight_ih_l{k}})
 * @param wHh        GH x P   ({@code weight_hh_l{k}})
 * @param bIh        GH       ({@code bias_ih_l{k}})
 * @param bHh        GH       ({@code bias_hh_l{k}})
 * @param wHr        P x H    ({@code weight_hr_l{k}}) for {@code lstmp}, null otherwise
 * @param wIc        H peephole of the input gate ({@code weight_ic_l{k}}), or null
 * @param wFc        H peephole of the forget gate ({@code weight_fc_l{k}}), or null
 * @param wOc        H peephole of the output gate ({@code weight_oc_l{k}}), or null
 */
public record LayerWeights(int layer, CellKind cell, int inputSize, int hiddenSize, int projSize,
                           double[][] wIh, double[][] wHh, double[] bIh, double[] bHh, double[][] wHr,
                           double[] wIc, double[] wFc, double[] wOc) {

    public LayerWeights {
        if (layer < 0) {
            throw new EsegenException("layer index " + layer + " is negative");
        }
        if (cell == null) {
            throw new EsegenException("layer " + layer + ": the cell kind is missing");
        }
        if (inputSize < 1 || hiddenSize < 1 || projSize < 1) {
            throw new EsegenException("layer " + layer + " (" + cell.cliName() + "): sizes must be at least 1, got I="
                    + inputSize + " H=" + hiddenSize + " P=" + projSize);
        }
        if (!cell.hasProjection() && projSize != hiddenSize) {
            throw new EsegenException("layer " + layer + " (" + cell.cliName() + "): a cell without projection outputs"
                    + " its H = " + hiddenSize + " hidden values, got P = " + projSize);
        }
        int g = cell.gates() * hiddenSize;
        checkMatrix(name("weight_ih", layer), wIh, g, inputSize);
        checkMatrix(name("weight_hh", layer), wHh, g, projSize);
        checkVector(name("bias_ih", layer), bIh, g);
        checkVector(name("bias_hh", layer), bHh, g);
        if (cell.hasProjection()) {
            checkMatrix(name("weight_hr", layer), wHr, projSize, hiddenSize);
        } else if (wHr != null) {
            throw new EsegenException("tensor '" + name("weight_hr", layer) + "' is a projection; a " + cell.cliName()
                    + " layer has none");
        }
        boolean anyPeep = wIc != null || wFc != null || wOc != null;
        boolean allPeep = wIc != null && wFc != null && wOc != null;
        if (anyPeep && !cell.allowsPeepholes()) {
            throw new EsegenException("layer " + layer + ": a " + cell.cliName() + " cell has no peepholes, yet "
                    + name("weight_ic", layer) + "/" + name("weight_fc", layer) + "/" + name("weight_oc", layer)
                    + " are given");
        }
        if (anyPeep && !allPeep) {
            throw new EsegenException("peepholes: " + name("weight_ic", layer) + ", " + name("weight_fc", layer)
                    + " and " + name("weight_oc", layer) + " must be given together or not at all");
        }
        if (allPeep) {
            checkVector(name("weight_ic", layer), wIc, hiddenSize);
            checkVector(name("weight_fc", layer), wFc, hiddenSize);
            checkVector(name("weight_oc", layer), wOc, hiddenSize);
        }
    }

    /** PyTorch's name of tensor {@code base} (e.g. {@code weight_ih}) of layer {@code layer}. */
    public static String name(String base, int layer) {
        return base + "_l" + layer;
    }

    /** The same weights as layer {@code index} of a stack. */
    public LayerWeights atLayer(int index) {
        return new LayerWeights(index, cell, inputSize, hiddenSize, projSize, wIh, wHh, bIh, bHh, wHr, wIc, wFc, wOc);
    }

    /** Columns of the first SpMV's matrix, I + P. */
    public int waColumns() {
        return inputSize + projSize;
    }

    /** True when the peephole vectors are present. */
    public boolean hasPeepholes() {
        return wIc != null;
    }

    /**
     * The biases of the four accumulator rows per cell ({@link CellKind#ACCUMULATOR_ROWS}), 4H:
     * b_ih + b_hh per gate i, f, g, o for the LSTMs; for the GRU b_ir + b_hr, b_iz + b_hz, b_in and
     * b_hn (the last kept apart: the reset gate multiplies it).
     */
    public double[] combinedBias() {
        int h = hiddenSize;
        double[] b = new double[CellKind.ACCUMULATOR_ROWS * h];
        if (cell == CellKind.GRU) {
            for (int k = 0; k < h; k++) {
                b[k] = bIh[k] + bHh[k];
                b[h + k] = bIh[h + k] + bHh[h + k];
                b[2 * h + k] = bIh[2 * h + k];
                b[3 * h + k] = bHh[2 * h + k];
            }
            return b;
        }
        for (int r = 0; r < b.length; r++) {
            b[r] = bIh[r] + bHh[r];
        }
        return b;
    }

    /**
     * W_a, 4H x (I + P): the matrix of the first SpMV over v = [x; y_(t-1)], four accumulator rows per
     * cell. The LSTMs: [W_ih | W_hh]. The GRU: rows r and z [W_i | W_h], row n_x [W_in | 0] and row
     * n_h [0 | W_hn], so W_hn h is accumulated apart from W_in x.
     */
    public double[][] combinedInputMatrix() {
        double[][] a = new double[CellKind.ACCUMULATOR_ROWS * hiddenSize][inputSize + projSize];
        for (int r = 0; r < a.length; r++) {
            if (inputRow(r) != null) {
                System.arraycopy(inputRow(r), 0, a[r], 0, inputSize);
            }
            if (recurrentRow(r) != null) {
                System.arraycopy(recurrentRow(r), 0, a[r], inputSize, projSize);
            }
        }
        return a;
    }

    /**
     * The row of W_ih that accumulator row {@code r} (0 .. 4H-1) multiplies x with, or null: the GRU's
     * n_h rows take no input.
     */
    public double[] inputRow(int r) {
        return cell == CellKind.GRU && r >= 3 * hiddenSize ? null : wIh[r];
    }

    /**
     * The row of W_hh that accumulator row {@code r} (0 .. 4H-1) multiplies y_(t-1) with, or null: the
     * GRU's n_x rows take no recurrent input, its n_h rows take W_hn's.
     */
    public double[] recurrentRow(int r) {
        if (cell != CellKind.GRU || r < 2 * hiddenSize) {
            return wHh[r];
        }
        return r < 3 * hiddenSize ? null : wHh[r - hiddenSize];
    }

    /** Nonzero matrix weights over all matrix weights (W_ih, W_hh and W_hr when present). */
    public double matrixDensity() {
        long nonzeros = 0;
        for (double[][] m : new double[][][]{wIh, wHh, wHr}) {
            if (m == null) {
                continue;
            }
            for (double[] row : m) {
                for (double w : row) {
                    nonzeros += w != 0 ? 1 : 0;
                }
            }
        }
        return nonzeros / (double) matrixWeights();
    }

    /** Count of matrix weights (W_ih, W_hh and W_hr when present), dense. */
    public long matrixWeights() {
        long gateRows = (long) cell.gates() * hiddenSize;
        return gateRows * (inputSize + projSize) + (cell.hasProjection() ? (long) projSize * hiddenSize : 0);
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
