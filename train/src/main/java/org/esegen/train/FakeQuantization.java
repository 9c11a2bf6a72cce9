package org.esegen.train;

import ai.djl.ndarray.NDArray;
import org.esegen.fixed.FixedFormat;
import org.esegen.quant.Quantizer;

/**
 * Fake quantization for quantization-aware training, at the accelerator's formats: the forward pass
 * sees the values the hardware would hold, the backward pass the identity (straight-through).
 *
 * @param weightBits weight width; each matrix gets the binary point {@link Quantizer#weightFracBits}
 *                   chooses for its current largest magnitude
 * @param activation the activation format
 */
public record FakeQuantization(int weightBits, FixedFormat activation) {

    /** {@code w} quantized to {@code weightBits} at its binary point, gradients straight through. */
    NDArray weights(NDArray w) {
        double maxAbs = w.abs().max().getFloat();
        int frac = Quantizer.weightFracBits(maxAbs, weightBits);
        return straightThrough(w, new FixedFormat(weightBits, frac));
    }

    /** {@code a} quantized to the activation format, gradients straight through. */
    NDArray activations(NDArray a) {
        return straightThrough(a, activation);
    }

    private static NDArray straightThrough(NDArray a, FixedFormat format) {
        float scale = (float) Math.scalb(1.0, format.fracBits());
        NDArray q = a.mul(scale).add(0.5f).floor().clip(format.minRaw(), format.maxRaw()).div(scale);
        return a.add(q.sub(a).stopGradient());
    }
}
