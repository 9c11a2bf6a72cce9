package org.esegen.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.DeltaReference;
import org.esegen.rnn.FloatReference;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The training forward pass with deltas on PyTorch's engine (float32) equals the Java delta reference
 * (float64) for every cell and a stack, and without deltas the plain reference: the logits of the
 * host's classifier over the last layer's mean output, to float32 precision.
 */
class DeltaForwardTest {

    @ParameterizedTest(name = "{0} x {1}, thresholds {2} {3}")
    @CsvSource({"LSTM, 2, 0.3, 0.1", "LSTMP, 1, 0.5, 0.05", "GRU, 2, 0.3, 0.1", "GRU, 1, 0, 0"})
    void forwardWithDeltasEqualsTheReference(CellKind cell, int layers, double thetaX, double thetaH) {
        long seed = 61 + cell.ordinal() * 7L + layers;
        System.out.println("DeltaForwardTest " + cell + " x " + layers + " seed=" + seed);
        int[] hidden = new int[layers];
        int[] proj = new int[layers];
        java.util.Arrays.fill(hidden, 6);
        java.util.Arrays.fill(proj, 4);
        LayerStack stack = SyntheticModel.stack(cell, 5, hidden, proj, false, seed);
        double[][] x = SyntheticModel.frames(12, 5, seed);
        Random r = new Random(seed);
        double[][] classifier = new double[3][stack.outputSize()];
        for (double[] row : classifier) {
            for (int j = 0; j < row.length; j++) {
                row[j] = r.nextGaussian();
            }
        }
        double[] bias = {0.1, -0.2, 0.3};
        double[][] outputs = DeltaReference.run(stack, x, thetaX, thetaH).outputs();
        double[] expected = logits(classifier, bias, outputs);
        double[] plain = logits(classifier, bias, FloatReference.run(stack, x));
        try (NDManager m = Trainer.engine(1).newBaseManager();
             RecurrentNet net = RecurrentNet.of(m, stack, classifier, bias)) {
            float[] flat = new float[x.length * 5];
            for (int t = 0; t < x.length; t++) {
                for (int k = 0; k < 5; k++) {
                    flat[t * 5 + k] = (float) x[t][k];
                }
            }
            NDArray input = m.create(flat, new Shape(1, x.length, 5));
            NDArray mask = m.ones(new Shape(1, x.length));
            float[] got = net.logits(input, mask, null, null, new double[]{thetaX, thetaH}).toFloatArray();
            float[] gotPlain = net.logits(input, mask, null, null, null).toFloatArray();
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[k], got[k], 1e-4, "delta logit " + k);
                assertEquals(plain[k], gotPlain[k], 1e-4, "plain logit " + k);
            }
        }
    }

    private static double[] logits(double[][] w, double[] b, double[][] y) {
        double[] out = b.clone();
        for (int k = 0; k < out.length; k++) {
            for (int j = 0; j < w[k].length; j++) {
                double mean = 0;
                for (double[] frame : y) {
                    mean += frame[j] / y.length;
                }
                out[k] += w[k][j] * mean;
            }
        }
        return out;
    }
}
