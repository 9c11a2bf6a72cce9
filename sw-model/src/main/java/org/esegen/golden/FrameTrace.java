package org.esegen.golden;

import org.esegen.rnn.CellKind;

import java.util.List;
import java.util.Map;

/**
 * Every stage of one layer in one frame of one channel, raw activation-format values in global order.
 * The stages, in datapath order ({@link #stageNames}):
 * <ul>
 *   <li>{@code z}: SpMV 1, W_a [x_t; y_(t-1)] after rescaling, 4H (rows i, f, g, o; GRU r, u, n_x, n_h);</li>
 *   <li>LSTMs: {@code i}, {@code f}, {@code g}, {@code o} (gates), {@code c} (cell state c_t),
 *       {@code m} (o tanh(c_t));</li>
 *   <li>GRU: {@code r} (reset), {@code u} (update), {@code nh} (W_hn h + b_hn), {@code n} (candidate),
 *       {@code h} (the new state h_t);</li>
 *   <li>{@code y}: SpMV 2, W_hr m (or W_hr h): the projection of an {@code lstmp}, equal to m (or h)
 *       for the cells without projection, whose W_hr is the identity.</li>
 * </ul>
 *
 * @param channel channel
 * @param frame   frame index t
 * @param layer   layer index k
 * @param cell    the layer's cell
 * @param stages  stage name to values
 */
public record FrameTrace(int channel, int frame, int layer, CellKind cell, Map<String, long[]> stages) {

    /**
     * The stage names of a cell in datapath order, as used in mismatch reports and trace files; the
     * names between {@code z} and {@code y} are those of the element-wise twin's {@code stages()}.
     */
    public static List<String> stageNames(CellKind cell) {
        return switch (cell) {
            case LSTMP, LSTM -> List.of("z", "i", "f", "g", "o", "c", "m", "y");
            case GRU -> List.of("z", "r", "u", "nh", "n", "h", "y");
        };
    }

    /** The values of a stage by name. */
    public long[] stage(String name) {
        long[] values = stages.get(name);
        if (values == null) {
            throw new IllegalArgumentException("a " + cell.cliName() + " layer has no stage " + name + "; it has "
                    + stageNames(cell));
        }
        return values;
    }

    /** The layer's output y_t. */
    public long[] y() {
        return stages.get("y");
    }
}
