package org.esegen.golden;

/**
 * Every stage of one frame of one channel, raw activation-format values in global order.
 *
 * @param channel channel
 * @param frame   frame index t
 * @param z       SpMV 1 result W_a [x_t; y_(t-1)] after rescaling, 4H (gate order i, f, g, o)
 * @param i       input gate, H
 * @param f       forget gate, H
 * @param g       cell candidate tanh, H
 * @param o       output gate, H
 * @param c       cell state c_t, H
 * @param m       cell output o * tanh(c_t), H
 * @param y       projection y_t = W_hr m_t, P
 */
public record FrameTrace(int channel, int frame, long[] z, long[] i, long[] f, long[] g, long[] o, long[] c,
                         long[] m, long[] y) {

    /** Stage names in datapath order, as used in mismatch reports. */
    public static final String[] STAGES = {"z", "i", "f", "g", "o", "c", "m", "y"};

    /** The values of a stage by name. */
    public long[] stage(String name) {
        return switch (name) {
            case "z" -> z;
            case "i" -> i;
            case "f" -> f;
            case "g" -> g;
            case "o" -> o;
            case "c" -> c;
            case "m" -> m;
            case "y" -> y;
            default -> throw new IllegalArgumentException("unknown stage " + name);
        };
    }
}
