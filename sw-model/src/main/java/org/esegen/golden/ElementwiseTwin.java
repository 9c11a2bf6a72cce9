package org.esegen.golden;

import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.quant.ActivationTables;

/**
 * The golden twin of the hardware element-wise unit: one cell's gates, cell update and output from
 * its four rescaled pre-activations, all raw activation-format values (A = actBits, F = actFracBits):
 * <pre>
 * i  = s(sat(z_i + b_i + p_i*c))      f = s(sat(z_f + b_f + p_f*c))      g = tanh(sat(z_g + b_g))
 * c' = sat(f*c + i*g)                 o = s(sat(z_o + b_o + p_o*c'))     m = o*tanh(c')
 * </pre>
 * and for the GRU ({@link #gru}; r reset, u update gate, rows z = (r, u, n_x, n_h)):
 * <pre>
 * r  = s(sat(z_r + b_r))              u = s(sat(z_u + b_u))              n_h = sat(z_nh + b_hn)
 * n  = tanh(sat(z_nx + b_in + r*n_h)) h' = sat(n + u*sat(h - n))
 * </pre>
 * (h' = (1 - u) n + u h rewritten with one product). Each sum is exact before its one saturation;
 * each product is {@link FixedFormat#multiply} (round half up at F, saturate to A); s and tanh read
 * the {@link ActivationTables}.
 */
public final class ElementwiseTwin {
    private final AcceleratorConfig config;
    private final FixedFormat act;
    private final long[] sigmoid;
    private final long[] tanh;

    public ElementwiseTwin(AcceleratorConfig config) {
        this.config = config;
        this.act = config.activationFormat();
        this.sigmoid = ActivationTables.sigmoid(config);
        this.tanh = ActivationTables.tanh(config);
    }

    /** Result of one cell. */
    public record Cell(long i, long f, long g, long o, long c, long m) {
        /** The values in {@link FrameTrace#stageNames} order (i, f, g, o, c, m). */
        public long[] stages() {
            return new long[]{i, f, g, o, c, m};
        }
    }

    /**
     * One cell.
     *
     * @param z     pre-activations i, f, g, o (already rescaled from the accumulators)
     * @param b     biases i, f, g, o
     * @param p     peepholes i, f, o
     * @param cPrev previous cell state
     */
    public Cell cell(long[] z, long[] b, long[] p, long cPrev) {
        int fr = act.fracBits();
        long i = sigmoid(act.saturate(z[0] + b[0] + act.multiply(p[0], fr, cPrev, fr)));
        long f = sigmoid(act.saturate(z[1] + b[1] + act.multiply(p[1], fr, cPrev, fr)));
        long g = tanh(act.saturate(z[2] + b[2]));
        long c = act.saturate(act.multiply(f, fr, cPrev, fr) + act.multiply(i, fr, g, fr));
        long o = sigmoid(act.saturate(z[3] + b[3] + act.multiply(p[2], fr, c, fr)));
        long m = act.multiply(o, fr, tanh(c), fr);
        return new Cell(i, f, g, o, c, m);
    }

    /** Result of one GRU cell: reset gate, update gate, n_h = W_hn h + b_hn, candidate n, new state h. */
    public record GruCell(long r, long u, long nh, long n, long h) {
        /** The values in {@link FrameTrace#stageNames} order (r, u, nh, n, h). */
        public long[] stages() {
            return new long[]{r, u, nh, n, h};
        }
    }

    /**
     * One GRU cell.
     *
     * @param z     accumulator rows r, u, n_x, n_h (already rescaled)
     * @param b     their biases b_ir + b_hr, b_iz + b_hz, b_in, b_hn
     * @param hPrev previous state
     */
    public GruCell gru(long[] z, long[] b, long hPrev) {
        int fr = act.fracBits();
        long r = sigmoid(act.saturate(z[0] + b[0]));
        long u = sigmoid(act.saturate(z[1] + b[1]));
        long nh = act.saturate(z[3] + b[3]);
        long n = tanh(act.saturate(z[2] + b[2] + act.multiply(r, fr, nh, fr)));
        long h = act.saturate(n + act.multiply(u, fr, act.saturate(hPrev - n), fr));
        return new GruCell(r, u, nh, n, h);
    }

    /** Sigmoid table lookup of a raw input. */
    public long sigmoid(long raw) {
        return sigmoid[ActivationTables.index(config, raw)];
    }

    /** Tanh table lookup of a raw input. */
    public long tanh(long raw) {
        return tanh[ActivationTables.index(config, raw)];
    }
}
