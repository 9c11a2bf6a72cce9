package org.esegen.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.esegen.fixed.FixedFormat;
import org.esegen.quant.Quantizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Fake quantization on PyTorch's engine: the forward values are FixedFormat's, the gradient passes straight through. */
class FakeQuantizationTest {
    private static final float[] VALUES = {0f, 0.3f, -0.3f, 1.0f / 64, -1.0f / 64, 0.4999f, 3.2f, -7.9f, 100f, -100f};

    @Test
    void activationsRoundHalfUpAndSaturateAsFixedFormatAndPassGradientsStraightThrough() {
        Engine engine = Trainer.engine(1);
        FixedFormat act = new FixedFormat(8, 4);
        FakeQuantization q = new FakeQuantization(6, act);
        try (NDManager m = engine.newBaseManager()) {
            NDArray x = m.create(VALUES);
            x.setRequiresGradient(true);
            NDArray y;
            try (GradientCollector g = engine.newGradientCollector()) {
                y = q.activations(x);
                g.backward(y.mul(m.create(new float[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10})).sum());
            }
            float[] out = y.toFloatArray();
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < VALUES.length; i++) {
                assertEquals(act.toDouble(act.quantize(VALUES[i])), out[i], 1e-6, "value " + VALUES[i]);
                assertEquals(i + 1, grad[i], 1e-6, "straight-through gradient at " + VALUES[i]);
            }
        }
    }

    @Test
    void weightsUseTheBinaryPointTheCompilerChooses() {
        Engine engine = Trainer.engine(1);
        FakeQuantization q = new FakeQuantization(6, new FixedFormat(16, 11));
        try (NDManager m = engine.newBaseManager()) {
            float[] w = {0.011f, -0.25f, 0.7f, 0.0f};
            int frac = Quantizer.weightFracBits(new double[][]{{0.011, -0.25, 0.7, 0.0}}, 6);
            assertEquals(frac, Quantizer.weightFracBits(0.7f, 6));
            FixedFormat format = new FixedFormat(6, frac);
            float[] out = q.weights(m.create(w)).toFloatArray();
            for (int i = 0; i < w.length; i++) {
                assertEquals(format.toDouble(format.quantize(w[i])), out[i], 1e-6, "weight " + w[i]);
            }
        }
    }
}
