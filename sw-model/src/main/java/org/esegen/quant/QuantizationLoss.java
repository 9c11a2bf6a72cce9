package org.esegen.quant;

import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.LayerWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What quantization did to one tensor: how many of its nonzero values became zero and how many
 * saturated. A model whose weights are all denormal, or whose frames are 1e30, runs silently to
 * noise; these counts make it say so.
 *
 * @param tensor    the tensor's name, as the user knows it (W_a, W_hr, biases, peepholes, input frames)
 * @param nonzeros  values that are not zero before quantization
 * @param zeroed    of those, values that quantize to 0
 * @param saturated of those, values beyond the format's range, clamped to its largest or smallest value
 */
public record QuantizationLoss(String tensor, long nonzeros, long zeroed, long saturated) {
    /** A tensor is warned about when more than this fraction of its nonzero values is zeroed or saturated. */
    public static final double WARN_FRACTION = 0.05;

    /** Counts over {@code values} quantized to {@code format}. */
    public static QuantizationLoss of(String tensor, double[] values, FixedFormat format) {
        long nonzeros = 0;
        long zeroed = 0;
        long saturated = 0;
        double top = format.toDouble(format.maxRaw()) + format.lsb() / 2;
        double bottom = format.toDouble(format.minRaw()) - format.lsb() / 2;
        for (double v : values) {
            if (v == 0) {
                continue;
            }
            nonzeros++;
            if (v >= top || v < bottom) {
                saturated++;
            } else if (format.quantize(v) == 0) {
                zeroed++;
            }
        }
        return new QuantizationLoss(tensor, nonzeros, zeroed, saturated);
    }

    /** Counts over a matrix, row by row. */
    public static QuantizationLoss of(String tensor, double[][] values, FixedFormat format) {
        long nonzeros = 0;
        long zeroed = 0;
        long saturated = 0;
        for (double[] row : values) {
            QuantizationLoss r = of(tensor, row, format);
            nonzeros += r.nonzeros;
            zeroed += r.zeroed;
            saturated += r.saturated;
        }
        return new QuantizationLoss(tensor, nonzeros, zeroed, saturated);
    }

    /**
     * A layer's tensors as the compiler quantizes them: both matrices at their binary points (W_hr
     * only for a projection), biases (the two added) and peepholes in the activation format.
     *
     * @param prefix put before each tensor's name (e.g. {@code "layer 1 "}; empty for a one-layer model)
     */
    public static List<QuantizationLoss> ofLayer(AcceleratorConfig config, LayerWeights pruned, int waFracBits,
                                                 int whrFracBits, String prefix) {
        int weightBits = config.formats().weightBits();
        FixedFormat act = config.activationFormat();
        List<QuantizationLoss> losses = new ArrayList<>();
        losses.add(of(prefix + "W_a", pruned.combinedInputMatrix(), new FixedFormat(weightBits, waFracBits)));
        if (pruned.cell().hasProjection()) {
            losses.add(of(prefix + "W_hr", pruned.wHr(), new FixedFormat(weightBits, whrFracBits)));
        }
        losses.add(of(prefix + "biases", pruned.combinedBias(), act));
        if (pruned.hasPeepholes()) {
            losses.add(of(prefix + "peepholes", new double[][]{pruned.wIc(), pruned.wFc(), pruned.wOc()}, act));
        }
        return losses;
    }

    /** Whether more than {@link #WARN_FRACTION} of the nonzero values were zeroed or saturated. */
    public boolean warns() {
        return nonzeros > 0 && (zeroed > WARN_FRACTION * nonzeros || saturated > WARN_FRACTION * nonzeros);
    }

    /** A one-line warning for the user. */
    public String message() {
        return String.format(Locale.ROOT, "quantization of %s zeroes %d and saturates %d of its %d nonzero values "
                        + "(%.1f %% and %.1f %%; warned above %.0f %%): the fixed-point result may be far from the "
                        + "float model; check the tensor's scale or the format's widths", tensor, zeroed, saturated,
                nonzeros, 100.0 * zeroed / nonzeros, 100.0 * saturated / nonzeros, 100 * WARN_FRACTION);
    }

    /** The warnings among {@code losses}. */
    public static List<String> warnings(List<QuantizationLoss> losses) {
        return losses.stream().filter(QuantizationLoss::warns).map(QuantizationLoss::message).toList();
    }
}
