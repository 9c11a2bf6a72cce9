package org.esegen.rnn;

import org.esegen.io.SyntheticModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The float reference against a direct evaluation of DESIGN.md section 3's equations, written here
 * from the PyTorch tensors gate by gate (not through the accumulator-row layout the reference and the
 * compiler share), peepholes included. train/'s PyTorchRecurrentReferenceTest checks the cells without
 * peepholes against PyTorch's own kernels.
 */
class FloatReferenceTest {

    static Stream<Arguments> stacks() {
        return Stream.of(
                Arguments.of(CellKind.LSTMP, new int[]{7}, new int[]{4}, true, 31L),
                Arguments.of(CellKind.LSTMP, new int[]{7, 5}, new int[]{4, 6}, true, 32L),
                Arguments.of(CellKind.LSTM, new int[]{6}, null, true, 33L),
                Arguments.of(CellKind.LSTM, new int[]{6, 3, 5}, null, false, 34L),
                Arguments.of(CellKind.GRU, new int[]{5}, null, false, 35L),
                Arguments.of(CellKind.GRU, new int[]{5, 8}, null, false, 36L));
    }

    @ParameterizedTest(name = "{0} hidden {1} peepholes {3} seed {4}")
    @MethodSource("stacks")
    void referenceFollowsTheEquationsPerCellAndStack(CellKind cell, int[] hidden, int[] proj, boolean peep, long seed) {
        System.out.println("FloatReferenceTest " + cell + " seed=" + seed);
        LayerStack stack = SyntheticModel.stack(cell, 4, hidden, proj, peep, seed);
        double[][] x = SyntheticModel.frames(12, 4, seed);
        double[][] expected = x;
        for (LayerWeights layer : stack.layers()) {
            expected = direct(layer, expected);
        }
        double[][] actual = FloatReference.run(stack, x);
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < expected[t].length; j++) {
                assertEquals(expected[t][j], actual[t][j], 1e-12, "frame " + t + " output " + j);
            }
        }
    }

    private static double[][] direct(LayerWeights w, double[][] x) {
        int h = w.hiddenSize();
        double[] state = new double[w.projSize()];
        double[] c = new double[h];
        double[][] out = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            double[] next = new double[h];
            double[] m = new double[h];
            for (int k = 0; k < h; k++) {
                if (w.cell() == CellKind.GRU) {
                    double r = s(dot(w.wIh()[k], x[t]) + w.bIh()[k] + dot(w.wHh()[k], state) + w.bHh()[k]);
                    double z = s(dot(w.wIh()[h + k], x[t]) + w.bIh()[h + k] + dot(w.wHh()[h + k], state) + w.bHh()[h + k]);
                    double n = Math.tanh(dot(w.wIh()[2 * h + k], x[t]) + w.bIh()[2 * h + k]
                            + r * (dot(w.wHh()[2 * h + k], state) + w.bHh()[2 * h + k]));
                    next[k] = (1 - z) * n + z * state[k];
                    continue;
                }
                double[] pre = new double[4];
                for (int g = 0; g < 4; g++) {
                    int row = g * h + k;
                    pre[g] = dot(w.wIh()[row], x[t]) + dot(w.wHh()[row], state) + w.bIh()[row] + w.bHh()[row];
                }
                double pi = w.hasPeepholes() ? w.wIc()[k] * c[k] : 0;
                double pf = w.hasPeepholes() ? w.wFc()[k] * c[k] : 0;
                double cNew = s(pre[1] + pf) * c[k] + s(pre[0] + pi) * Math.tanh(pre[2]);
                double po = w.hasPeepholes() ? w.wOc()[k] * cNew : 0;
                c[k] = cNew;
                m[k] = s(pre[3] + po) * Math.tanh(cNew);
            }
            if (w.cell() == CellKind.LSTMP) {
                next = new double[w.projSize()];
                for (int j = 0; j < next.length; j++) {
                    next[j] = dot(w.wHr()[j], m);
                }
            } else if (w.cell() == CellKind.LSTM) {
                next = m;
            }
            state = next;
            out[t] = next;
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double s(double v) {
        return 1 / (1 + Math.exp(-v));
    }
}
