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
 * Each sum is exact before its one saturation; each product is {@link FixedFormat#multiply}
 * (round half up at F, saturate to A); s and tanh read the {@link ActivationTables}.
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

    /** Sigmoid table lookup of a raw input. */
    public long sigmoid(long raw) {
        return sigmoid[ActivationTables.index(config, raw)];
    }

    /** Tanh table lookup of a raw input. */
    public long tanh(long raw) {
        return tanh[ActivationTables.index(config, raw)];
    }
}
