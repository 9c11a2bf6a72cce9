package org.esegen.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.FloatReference;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * esegen's float reference against PyTorch's own recurrent kernels ({@code torch::lstm} and
 * {@code torch::gru}, the ops behind {@code nn.LSTM(proj_size=P, num_layers=L)} and
 * {@code nn.GRU(num_layers=L)}) through DJL, in double precision, on stacks of one to three layers
 * (PyTorch has no peepholes, so none here). A stack of equal layers runs as one PyTorch call with
 * {@code num_layers = L}; PyTorch cannot size its layers apart, so a stack of unequal layers runs
 * layer by layer.
 */
class PyTorchRecurrentReferenceTest {

    static Stream<Arguments> stacks() {
        return Stream.of(
                Arguments.of(CellKind.LSTM, new int[]{5}, null, 11L),
                Arguments.of(CellKind.LSTM, new int[]{6, 6, 6}, null, 12L),
                Arguments.of(CellKind.LSTM, new int[]{6, 4, 7}, null, 17L),
                Arguments.of(CellKind.LSTMP, new int[]{8}, new int[]{3}, 13L),
                Arguments.of(CellKind.LSTMP, new int[]{8, 8}, new int[]{5, 5}, 14L),
                Arguments.of(CellKind.LSTMP, new int[]{8, 6}, new int[]{5, 4}, 18L),
                Arguments.of(CellKind.GRU, new int[]{5}, null, 15L),
                Arguments.of(CellKind.GRU, new int[]{9, 9, 9}, null, 16L),
                Arguments.of(CellKind.GRU, new int[]{4, 9, 3}, null, 19L));
    }

    @ParameterizedTest(name = "{0} hidden {1} seed {3}")
    @MethodSource("stacks")
    void floatReferenceEqualsPyTorch(CellKind cell, int[] hidden, int[] proj, long seed) {
        System.out.println("PyTorchRecurrentReferenceTest " + cell + " seed=" + seed);
        int inputs = 7;
        int frames = 9;
        LayerStack stack = SyntheticModel.stack(cell, inputs, hidden, proj, false, seed);
        double[][] x = SyntheticModel.frames(frames, inputs, seed);
        double[][] ours = FloatReference.run(stack, x);
        boolean uniform = stack.layers().stream().allMatch(w -> w.hiddenSize() == hidden[0]
                && w.projSize() == stack.layer(0).projSize());
        double[][] theirs = x;
        if (uniform) {
            theirs = torch(stack, x);
        } else {
            for (LayerWeights layer : stack.layers()) {
                theirs = torch(LayerStack.of(layer), theirs);
            }
        }
        for (int t = 0; t < frames; t++) {
            for (int j = 0; j < ours[t].length; j++) {
                assertEquals(theirs[t][j], ours[t][j], 1e-12, "frame " + t + " output " + j);
            }
        }
    }

    private static double[][] torch(LayerStack stack, double[][] x) {
        int layers = stack.depth();
        int frames = x.length;
        try (NDManager m = Trainer.engine(1).newBaseManager()) {
            NDList params = new NDList();
            for (LayerWeights w : stack.layers()) {
                params.add(m.create(w.wIh()));
                params.add(m.create(w.wHh()));
                params.add(m.create(w.bIh()));
                params.add(m.create(w.bHh()));
                if (w.cell().hasProjection()) {
                    params.add(m.create(w.wHr()));
                }
            }
            NDArray input = m.create(x).reshape(frames, 1, x[0].length);
            int out = stack.outputSize();
            NDList result;
            if (stack.cell() == CellKind.GRU) {
                NDArray h0 = m.zeros(new Shape(layers, 1, maxOutput(stack)), DataType.FLOAT64);
                result = input.getNDArrayInternal().gru(input, h0, params, true, layers,
                        0, false, false, false);
            } else {
                NDArray h0 = m.zeros(new Shape(layers, 1, maxOutput(stack)), DataType.FLOAT64);
                NDArray c0 = m.zeros(new Shape(layers, 1, stack.layer(0).hiddenSize()), DataType.FLOAT64);
                result = input.getNDArrayInternal().lstm(input, new NDList(h0, c0), params, true, layers, 0, false,
                        false, false);
            }
            double[] flat = result.get(0).toDoubleArray();
            double[][] y = new double[frames][out];
            for (int t = 0; t < frames; t++) {
                System.arraycopy(flat, t * out, y[t], 0, out);
            }
            return y;
        }
    }

    private static int maxOutput(LayerStack stack) {
        return stack.layer(0).projSize();
    }
}
