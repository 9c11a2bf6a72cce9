package org.esegen.rnn;

/**
 * The float reference: every cell of DESIGN.md section 3 in double precision, zero initial state,
 * PyTorch's equations (s = sigmoid):
 * <ul>
 *   <li>{@code lstmp}: i = s(W_i [x; y] + b_i + p_i c), f = s(W_f [x; y] + b_f + p_f c),
 *       g = tanh(W_g [x; y] + b_g), c' = f c + i g, o = s(W_o [x; y] + b_o + p_o c'),
 *       m = o tanh(c'), y' = W_hr m;</li>
 *   <li>{@code lstm}: the same with y' = m (peepholes optional);</li>
 *   <li>{@code gru}: r = s(W_ir x + b_ir + W_hr h + b_hr), z likewise,
 *       n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h.</li>
 * </ul>
 * A stack feeds layer k's output of frame t to layer k+1 at frame t.
 */
public final class FloatReference {
    private FloatReference() {
    }

    /**
     * Runs the stack over frames.
     *
     * @param frames T x I inputs
     * @return T x (last layer's output size) outputs
     */
    public static double[][] run(LayerStack model, double[][] frames) {
        double[][] x = frames;
        for (LayerWeights layer : model.layers()) {
            x = run(layer, x);
        }
        return x;
    }

    /**
     * Runs one layer over frames.
     *
     * @param frames T x I inputs
     * @return T x P outputs y_t
     */
    public static double[][] run(LayerWeights model, double[][] frames) {
        int h = model.hiddenSize();
        int p = model.projSize();
        double[] bias = model.combinedBias();
        double[] c = new double[h];
        double[] y = new double[p];
        double[][] out = new double[frames.length][];
        for (int t = 0; t < frames.length; t++) {
            double[] x = frames[t];
            double[] z = new double[bias.length];
            for (int r = 0; r < z.length; r++) {
                double[] wi = model.inputRow(r);
                double[] wh = model.recurrentRow(r);
                double s = bias[r];
                for (int k = 0; wi != null && k < model.inputSize(); k++) {
                    s += wi[k] * x[k];
                }
                for (int k = 0; wh != null && k < p; k++) {
                    s += wh[k] * y[k];
                }
                z[r] = s;
            }
            out[t] = y = switch (model.cell()) {
                case GRU -> gru(z, y, h);
                case LSTM -> lstm(model, z, c);
                case LSTMP -> project(model.wHr(), lstm(model, z, c));
            };
        }
        return out;
    }

    /** The LSTM cell on accumulator rows z (biases added): updates c in place, returns m. */
    static double[] lstm(LayerWeights model, double[] z, double[] c) {
        int h = c.length;
        double[] m = new double[h];
        for (int k = 0; k < h; k++) {
            double pi = model.hasPeepholes() ? model.wIc()[k] * c[k] : 0;
            double pf = model.hasPeepholes() ? model.wFc()[k] * c[k] : 0;
            double gi = sigmoid(z[k] + pi);
            double gf = sigmoid(z[h + k] + pf);
            double gg = Math.tanh(z[2 * h + k]);
            c[k] = gf * c[k] + gi * gg;
            double po = model.hasPeepholes() ? model.wOc()[k] * c[k] : 0;
            double go = sigmoid(z[3 * h + k] + po);
            m[k] = go * Math.tanh(c[k]);
        }
        return m;
    }

    /** The GRU cell on accumulator rows z = (r, z, n_x, n_h), biases added: returns h'. */
    static double[] gru(double[] acc, double[] hPrev, int h) {
        double[] out = new double[h];
        for (int k = 0; k < h; k++) {
            double r = sigmoid(acc[k]);
            double z = sigmoid(acc[h + k]);
            double n = Math.tanh(acc[2 * h + k] + r * acc[3 * h + k]);
            out[k] = (1 - z) * n + z * hPrev[k];
        }
        return out;
    }

    static double[] project(double[][] wHr, double[] m) {
        double[] y = new double[wHr.length];
        for (int j = 0; j < y.length; j++) {
            double s = 0;
            for (int k = 0; k < m.length; k++) {
                s += wHr[j][k] * m[k];
            }
            y[j] = s;
        }
        return y;
    }

    /** Logistic sigmoid. */
    public static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
