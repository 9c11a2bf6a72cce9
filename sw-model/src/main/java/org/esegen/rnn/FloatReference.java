package org.esegen.lstm;

/**
 * The float reference: LSTMP with optional peepholes in double precision, zero initial state,
 * exactly the equations of DESIGN.md section 3:
 * i = s(W_i [x; y] + b_i + p_i c), f = s(W_f [x; y] + b_f + p_f c), g = tanh(W_g [x; y] + b_g),
 * c' = f c + i g, o = s(W_o [x; y] + b_o + p_o c'), m = o tanh(c'), y' = W_hr m.
 */
public final class FloatReference {
    private FloatReference() {
    }

    /**
     * Run the model over frames.
     *
     * @param model  weights
     * @param frames T x I inputs
     * @return T x P outputs y_t
     */
    public static double[][] run(LstmpWeights model, double[][] frames) {
        int h = model.hiddenSize();
        int p = model.projSize();
        int in = model.inputSize();
        double[] bias = model.combinedBias();
        double[] c = new double[h];
        double[] y = new double[p];
        double[][] out = new double[frames.length][];
        double[] z = new double[4 * h];
        for (int t = 0; t < frames.length; t++) {
            double[] x = frames[t];
            for (int r = 0; r < 4 * h; r++) {
                double s = bias[r];
                double[] wi = model.wIh()[r];
                for (int k = 0; k < in; k++) {
                    s += wi[k] * x[k];
                }
                double[] wh = model.wHh()[r];
                for (int k = 0; k < p; k++) {
                    s += wh[k] * y[k];
                }
                z[r] = s;
            }
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
            y = new double[p];
            for (int j = 0; j < p; j++) {
                double s = 0;
                double[] w = model.wHr()[j];
                for (int k = 0; k < h; k++) {
                    s += w[k] * m[k];
                }
                y[j] = s;
            }
            out[t] = y;
        }
        return out;
    }

    /** Logistic sigmoid. */
    public static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }
}
