package org.esegen.rnn;

import org.esegen.EsegenException;

/**
 * The float reference of delta networks (DeltaLSTM, DeltaGRU; DESIGN.md section 3, Spartus): per layer
 * the input x_t and the recurrent input y_(t-1) are compared with the values last sent, x^ and y^
 * (zero at the start); an element fires when |value - last sent| >= its threshold (theta_x for the
 * features, the inputs of layer 0; theta_h for the recurrent inputs and for the inputs of the layers
 * above, which are outputs of the layer below, in the same units), and only then is the difference multiplied into the
 * delta memory M and the last-sent value updated. M starts at the accumulator rows' biases
 * ({@link LayerWeights#combinedBias}) and persists across frames, so M = b + W_a [x^; y^]: with both
 * thresholds 0 every changed element fires and the network equals {@link FloatReference}. The cell
 * reads M as the plain cell reads its pre-activations (peepholes and projection as there).
 */
public final class DeltaReference {
    private DeltaReference() {
    }

    /**
     * Parses {@code THETA_X,THETA_H}: two finite numbers >= 0.
     *
     * @param option the option that gave it, for the message
     */
    public static double[] thresholds(String text, String option) {
        String[] parts = text.split(",", -1);
        double[] t = parts.length == 2 ? new double[]{number(parts[0]), number(parts[1])} : new double[0];
        if (t.length == 2 && t[0] >= 0 && t[1] >= 0 && Double.isFinite(t[0]) && Double.isFinite(t[1])) {
            return t;
        }
        throw new EsegenException(option + " '" + text + "': expected THETA_X,THETA_H, two finite numbers >= 0 "
                + "(normalized feature units for x, the layer's output units for h), e.g. 0.1,0.05");
    }

    private static double number(String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /**
     * Outputs of a run and how sparse it was.
     *
     * @param outputs      T x (last layer's P)
     * @param firedInputs  per layer, input elements fired over input elements seen (T x I)
     * @param firedStates  per layer, recurrent elements fired over recurrent elements seen (T x P)
     */
    public record Result(double[][] outputs, double[] firedInputs, double[] firedStates) {
    }

    /**
     * Runs the stack over frames.
     *
     * @param thetaX threshold on the deltas of the features (layer 0's inputs), >= 0
     * @param thetaH threshold on the deltas of every layer's recurrent inputs and of the inputs of
     *               layers 1 and above, >= 0
     */
    public static Result run(LayerStack model, double[][] frames, double thetaX, double thetaH) {
        if (!(thetaX >= 0) || !(thetaH >= 0) || Double.isInfinite(thetaX) || Double.isInfinite(thetaH)) {
            throw new EsegenException("delta thresholds " + thetaX + ", " + thetaH + ": must be finite and >= 0");
        }
        double[] firedX = new double[model.depth()];
        double[] firedH = new double[model.depth()];
        double[][] x = frames;
        for (LayerWeights layer : model.layers()) {
            long[] counts = new long[2];
            x = run(layer, x, layer.layer() == 0 ? thetaX : thetaH, thetaH, counts);
            int k = layer.layer();
            firedX[k] = frames.length == 0 ? 0 : counts[0] / ((double) frames.length * layer.inputSize());
            firedH[k] = frames.length == 0 ? 0 : counts[1] / ((double) frames.length * layer.projSize());
        }
        return new Result(x, firedX, firedH);
    }

    private static double[][] run(LayerWeights model, double[][] frames, double thetaX, double thetaH, long[] fired) {
        int h = model.hiddenSize();
        int p = model.projSize();
        int in = model.inputSize();
        double[][] columns = transpose(model.combinedInputMatrix());
        double[] memory = model.combinedBias();
        double[] sentX = new double[in];
        double[] sentY = new double[p];
        double[] c = new double[h];
        double[] y = new double[p];
        double[][] out = new double[frames.length][];
        for (int t = 0; t < frames.length; t++) {
            for (int k = 0; k < in; k++) {
                double delta = frames[t][k] - sentX[k];
                if (Math.abs(delta) >= thetaX) {
                    sentX[k] = frames[t][k];
                    addColumn(columns[k], delta, memory);
                    fired[0]++;
                }
            }
            for (int k = 0; k < p; k++) {
                double delta = y[k] - sentY[k];
                if (Math.abs(delta) >= thetaH) {
                    sentY[k] = y[k];
                    addColumn(columns[in + k], delta, memory);
                    fired[1]++;
                }
            }
            out[t] = y = switch (model.cell()) {
                case GRU -> FloatReference.gru(memory, y, h);
                case LSTM -> FloatReference.lstm(model, memory, c);
                case LSTMP -> FloatReference.project(model.wHr(), FloatReference.lstm(model, memory, c));
            };
        }
        return out;
    }

    private static void addColumn(double[] column, double delta, double[] memory) {
        for (int r = 0; r < memory.length; r++) {
            memory[r] += column[r] * delta;
        }
    }

    private static double[][] transpose(double[][] m) {
        double[][] t = new double[m[0].length][m.length];
        for (int r = 0; r < m.length; r++) {
            for (int c = 0; c < m[r].length; c++) {
                t[c][r] = m[r][c];
            }
        }
        return t;
    }
}
