package org.esegen.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A stack of recurrent layers (any cell of DESIGN.md section 3) and the host's classifier as PyTorch
 * tensors (float32, on the CPU), trained through autograd. The forward pass is each cell's equations
 * (PyTorch gate order: i, f, g, o with peepholes on c for i and f, on c' for o; r, z, n for the GRU,
 * b_hn inside the reset product), layer after layer over a padded batch; an utterance's frames past
 * its length leave every state and the pooled sum unchanged. Logits = W mean_t(y_t) + b over the
 * last layer's outputs, as {@code SpeechModel.logits} computes them in Java.
 */
final class RecurrentNet implements AutoCloseable {
    final int classes;
    final List<Layer> layers;
    final NDArray cW;
    final NDArray cB;

    /** One layer's parameters; wHr only with a projection, the peepholes only when present. */
    record Layer(CellKind cell, int inputSize, int hiddenSize, int projSize, NDArray wIh, NDArray wHh, NDArray bIh,
                 NDArray bHh, NDArray wHr, NDArray wIc, NDArray wFc, NDArray wOc) {
        boolean peepholes() {
            return wIc != null;
        }

        /** The matrices pruning masks, in order: W_ih, W_hh, then W_hr with a projection. */
        List<NDArray> matrices() {
            return wHr == null ? List.of(wIh, wHh) : List.of(wIh, wHh, wHr);
        }

        LayerWeights weights(int index) {
            return new LayerWeights(index, cell, inputSize, hiddenSize, projSize, toMatrix(wIh), toMatrix(wHh),
                    toVector(bIh), toVector(bHh), wHr == null ? null : toMatrix(wHr), peepholes() ? toVector(wIc) : null,
                    peepholes() ? toVector(wFc) : null, peepholes() ? toVector(wOc) : null);
        }
    }

    private RecurrentNet(List<Layer> layers, NDArray cW, NDArray cB) {
        this.layers = List.copyOf(layers);
        this.cW = cW;
        this.cB = cB;
        this.classes = (int) cB.getShape().get(0);
        for (NDArray a : parameters()) {
            a.setRequiresGradient(true);
        }
    }

    /**
     * Fresh parameters, uniform in +-1/sqrt(H) (the classifier +-1/sqrt(P)) as PyTorch initializes,
     * from {@code seed}: per layer W_ih, W_hh, b_ih, b_hh (and W_hr), then the classifier, then the
     * peepholes.
     */
    static RecurrentNet initial(NDManager manager, CellKind cell, int layerCount, int inputSize, int hiddenSize,
                                int projSize, int classes, boolean peepholes, long seed) {
        Random r = new Random(seed);
        double a = 1 / Math.sqrt(hiddenSize);
        int out = cell.hasProjection() ? projSize : hiddenSize;
        int gates = cell.gates() * hiddenSize;
        List<NDArray[]> drawn = new ArrayList<>();
        for (int k = 0; k < layerCount; k++) {
            int in = k == 0 ? inputSize : out;
            drawn.add(new NDArray[]{uniform(manager, r, a, gates, in), uniform(manager, r, a, gates, out),
                    uniform(manager, r, a, gates), uniform(manager, r, a, gates),
                    cell.hasProjection() ? uniform(manager, r, a, projSize, hiddenSize) : null});
        }
        double c = 1 / Math.sqrt(out);
        NDArray cW = uniform(manager, r, c, classes, out);
        NDArray cB = uniform(manager, r, c, classes);
        List<Layer> layers = new ArrayList<>();
        for (int k = 0; k < layerCount; k++) {
            NDArray[] p = drawn.get(k);
            NDArray[] peep = new NDArray[3];
            for (int q = 0; peepholes && q < 3; q++) {
                peep[q] = uniform(manager, r, a, hiddenSize);
            }
            layers.add(new Layer(cell, k == 0 ? inputSize : out, hiddenSize, out, p[0], p[1], p[2], p[3], p[4], peep[0],
                    peep[1], peep[2]));
        }
        return new RecurrentNet(layers, cW, cB);
    }

    /** Parameters of a model (stack and classifier). */
    static RecurrentNet of(NDManager manager, LayerStack stack, double[][] classifierWeight, double[] classifierBias) {
        List<Layer> layers = new ArrayList<>();
        for (LayerWeights w : stack.layers()) {
            layers.add(new Layer(w.cell(), w.inputSize(), w.hiddenSize(), w.projSize(), matrix(manager, w.wIh()),
                    matrix(manager, w.wHh()), vector(manager, w.bIh()), vector(manager, w.bHh()),
                    w.wHr() == null ? null : matrix(manager, w.wHr()),
                    w.hasPeepholes() ? vector(manager, w.wIc()) : null, w.hasPeepholes() ? vector(manager, w.wFc()) : null,
                    w.hasPeepholes() ? vector(manager, w.wOc()) : null));
        }
        return new RecurrentNet(layers, matrix(manager, classifierWeight), vector(manager, classifierBias));
    }

    /** Every trained array: each layer's matrices and biases, the classifier, then every layer's peepholes. */
    List<NDArray> parameters() {
        List<NDArray> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(List.of(l.wIh(), l.wHh(), l.bIh(), l.bHh()));
            if (l.wHr() != null) {
                all.add(l.wHr());
            }
        }
        all.add(cW);
        all.add(cB);
        for (Layer l : layers) {
            if (l.peepholes()) {
                all.addAll(List.of(l.wIc(), l.wFc(), l.wOc()));
            }
        }
        return all;
    }

    /** The matrices pruning masks, layer by layer ({@link Layer#matrices}). */
    List<NDArray> matrices() {
        List<NDArray> all = new ArrayList<>();
        for (Layer l : layers) {
            all.addAll(l.matrices());
        }
        return all;
    }

    /**
     * Logits (B x K) of a padded batch.
     *
     * @param x    B x T x I features
     * @param mask B x T, 1 for a frame of the utterance, 0 for padding
     */
    NDArray logits(NDArray x, NDArray mask) {
        return logits(x, mask, null, null, null);
    }

    /**
     * Logits with quantization-aware training when {@code formats} is not null: every matrix fake-quantized
     * to the weight format at the binary point the compiler will choose for it, and the input, the cell
     * state (c, or the GRU's h), m and every layer's output y fake-quantized to the activation format
     * (round half up, saturate, as {@code FixedFormat}); gradients pass straight through the rounding.
     * With {@code weightMasks} (aligned with {@link #matrices}) the matrices are multiplied by them first
     * (targeted dropout). With {@code delta} = {theta_x, theta_h} every layer runs as a delta network
     * (as {@code org.esegen.rnn.DeltaReference}: theta_x on the features, theta_h on every recurrent
     * input and on the inputs of layers 1 and above): its matrices see the last-sent values x^ and y^,
     * which take an element's new value only where it moved by at least the threshold; the firing decision
     * carries no gradient, the sent differences do (straight-through).
     */
    NDArray logits(NDArray x, NDArray mask, FakeQuantization formats, List<NDArray> weightMasks, double[] delta) {
        if (formats != null) {
            x = formats.activations(x);
        }
        long batch = x.getShape().get(0);
        long frames = x.getShape().get(1);
        List<NDArray> inputs = new ArrayList<>();
        for (long t = 0; t < frames; t++) {
            inputs.add(x.get(new NDIndex(":, {}, :", t)));
        }
        int at = 0;
        for (Layer l : layers) {
            List<NDArray> w = new ArrayList<>();
            for (NDArray matrix : l.matrices()) {
                NDArray masked = weightMasks == null ? matrix : matrix.mul(weightMasks.get(at));
                w.add(formats == null ? masked : formats.weights(masked));
                at++;
            }
            double[] layerDelta = delta == null || l == layers.get(0) ? delta : new double[]{delta[1], delta[1]};
            inputs = l.cell() == CellKind.GRU ? gru(l, w, inputs, mask, formats, layerDelta)
                    : lstm(l, w, inputs, mask, formats, layerDelta);
        }
        int out = layers.get(layers.size() - 1).projSize();
        NDArray sum = x.getManager().zeros(new Shape(batch, out), DataType.FLOAT32);
        for (long t = 0; t < frames; t++) {
            NDArray mt = mask.get(new NDIndex(":, {}", t)).reshape(batch, 1);
            sum = sum.add(inputs.get((int) t).mul(mt));
        }
        NDArray lengths = mask.sum(new int[]{1}).reshape(batch, 1).maximum(1f);
        return sum.div(lengths).matMul(cW.transpose()).add(cB);
    }

    /** An LSTM layer (with projection when it has W_hr) over the frames; returns y_t per frame. */
    private static List<NDArray> lstm(Layer l, List<NDArray> w, List<NDArray> xs, NDArray mask,
                                      FakeQuantization formats, double[] delta) {
        long batch = xs.get(0).getShape().get(0);
        NDManager m = xs.get(0).getManager();
        NDArray y = m.zeros(new Shape(batch, l.projSize()), DataType.FLOAT32);
        NDArray c = m.zeros(new Shape(batch, l.hiddenSize()), DataType.FLOAT32);
        NDArray wIhT = w.get(0).transpose();
        NDArray wHhT = w.get(1).transpose();
        NDArray wHrT = w.size() > 2 ? w.get(2).transpose() : null;
        NDArray bias = l.bIh().add(l.bHh());
        List<NDArray> ys = new ArrayList<>();
        MatrixInputs seen = new MatrixInputs(delta);
        for (int t = 0; t < xs.size(); t++) {
            NDArray mt = mask.get(new NDIndex(":, {}", t)).reshape(batch, 1);
            seen.next(xs.get(t), y, mt);
            NDArray z = seen.x.matMul(wIhT).add(seen.y.matMul(wHhT)).add(bias);
            NDList gates = z.split(4, 1);
            NDArray zi = gates.get(0);
            NDArray zf = gates.get(1);
            NDArray zg = gates.get(2);
            NDArray zo = gates.get(3);
            if (l.peepholes()) {
                zi = zi.add(c.mul(l.wIc()));
                zf = zf.add(c.mul(l.wFc()));
            }
            NDArray i = Activation.sigmoid(zi);
            NDArray f = Activation.sigmoid(zf);
            NDArray g = zg.tanh();
            NDArray cNew = f.mul(c).add(i.mul(g));
            if (formats != null) {
                cNew = formats.activations(cNew);
            }
            if (l.peepholes()) {
                zo = zo.add(cNew.mul(l.wOc()));
            }
            NDArray o = Activation.sigmoid(zo);
            NDArray cellOut = o.mul(cNew.tanh());
            if (formats != null) {
                cellOut = formats.activations(cellOut);
            }
            NDArray yNew = wHrT == null ? cellOut : cellOut.matMul(wHrT);
            if (formats != null && wHrT != null) {
                yNew = formats.activations(yNew);
            }
            NDArray keep = mt.neg().add(1);
            c = cNew.mul(mt).add(c.mul(keep));
            y = yNew.mul(mt).add(y.mul(keep));
            ys.add(y);
        }
        return ys;
    }

    /** A GRU layer over the frames (PyTorch's nn.GRU); returns h_t per frame. */
    private static List<NDArray> gru(Layer l, List<NDArray> w, List<NDArray> xs, NDArray mask,
                                     FakeQuantization formats, double[] delta) {
        long batch = xs.get(0).getShape().get(0);
        NDManager m = xs.get(0).getManager();
        NDArray h = m.zeros(new Shape(batch, l.hiddenSize()), DataType.FLOAT32);
        NDArray wIhT = w.get(0).transpose();
        NDArray wHhT = w.get(1).transpose();
        List<NDArray> hs = new ArrayList<>();
        MatrixInputs seen = new MatrixInputs(delta);
        for (int t = 0; t < xs.size(); t++) {
            NDArray mt = mask.get(new NDIndex(":, {}", t)).reshape(batch, 1);
            seen.next(xs.get(t), h, mt);
            NDList gi = seen.x.matMul(wIhT).add(l.bIh()).split(3, 1);
            NDList gh = seen.y.matMul(wHhT).add(l.bHh()).split(3, 1);
            NDArray r = Activation.sigmoid(gi.get(0).add(gh.get(0)));
            NDArray z = Activation.sigmoid(gi.get(1).add(gh.get(1)));
            NDArray n = gi.get(2).add(r.mul(gh.get(2))).tanh();
            NDArray hNew = n.add(z.mul(h.sub(n)));
            if (formats != null) {
                hNew = formats.activations(hNew);
            }
            h = hNew.mul(mt).add(h.mul(mt.neg().add(1)));
            hs.add(h);
        }
        return hs;
    }

    /**
     * What a layer's matrices see in each frame: the input and recurrent input themselves, or with
     * {@code delta} = {theta_x, theta_h} the last-sent values (zero at the start), which take an
     * element's new value only where it moved by at least its threshold, and keep it on padding.
     */
    private static final class MatrixInputs {
        private final double[] delta;
        NDArray x;
        NDArray y;

        MatrixInputs(double[] delta) {
            this.delta = delta;
        }

        /** Takes frame t's input and recurrent input; {@code mt} is 1 for a frame of the utterance. */
        void next(NDArray input, NDArray recurrent, NDArray mt) {
            if (delta == null) {
                x = input;
                y = recurrent;
                return;
            }
            x = send(x == null ? input.zerosLike() : x, input, delta[0], mt);
            y = send(y == null ? recurrent.zerosLike() : y, recurrent, delta[1], mt);
        }

        private static NDArray send(NDArray sent, NDArray value, double theta, NDArray mt) {
            NDArray difference = value.sub(sent);
            NDArray fires = difference.abs().gte((float) theta).toType(DataType.FLOAT32, false).stopGradient()
                    .mul(mt);
            return sent.add(difference.mul(fires));
        }
    }

    /** The stack as esegen's weights (float32 values as doubles). */
    LayerStack stack() {
        List<LayerWeights> out = new ArrayList<>();
        for (int k = 0; k < layers.size(); k++) {
            out.add(layers.get(k).weights(k));
        }
        return new LayerStack(out);
    }

    double[][] classifierWeight() {
        return toMatrix(cW);
    }

    double[] classifierBias() {
        return toVector(cB);
    }

    static double[][] toMatrix(NDArray a) {
        int rows = (int) a.getShape().get(0);
        int cols = (int) a.getShape().get(1);
        float[] flat = a.toFloatArray();
        double[][] out = new double[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r][c] = flat[r * cols + c];
            }
        }
        return out;
    }

    static double[] toVector(NDArray a) {
        float[] flat = a.toFloatArray();
        double[] out = new double[flat.length];
        for (int i = 0; i < flat.length; i++) {
            out[i] = flat[i];
        }
        return out;
    }

    static NDArray matrix(NDManager m, double[][] values) {
        int rows = values.length;
        int cols = values[0].length;
        float[] flat = new float[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                flat[r * cols + c] = (float) values[r][c];
            }
        }
        return m.create(flat, new Shape(rows, cols));
    }

    static NDArray vector(NDManager m, double[] values) {
        float[] flat = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            flat[i] = (float) values[i];
        }
        return m.create(flat, new Shape(values.length));
    }

    private static NDArray uniform(NDManager m, Random r, double bound, int... shape) {
        int n = 1;
        long[] dims = new long[shape.length];
        for (int k = 0; k < shape.length; k++) {
            n *= shape[k];
            dims[k] = shape[k];
        }
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) ((2 * r.nextDouble() - 1) * bound);
        }
        return m.create(values, new Shape(dims));
    }

    @Override
    public void close() {
        parameters().forEach(NDArray::close);
    }
}
