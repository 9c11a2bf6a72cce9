package org.esegen.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerWeights;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The LSTMP layer and the host's classifier as PyTorch tensors (float32, on the CPU), trained through
 * autograd. The forward pass is the cell of DESIGN.md section 3 (PyTorch gate order i, f, g, o;
 * peepholes on c for i and f, on c' for o), frame by frame over a padded batch; an utterance's frames
 * past its length leave the state and the pooled sum unchanged. Logits = W mean_t(y_t) + b, as
 * {@code SpeechModel.logits} computes them in Java.
 */
final class LstmpNet implements AutoCloseable {
    final int inputSize;
    final int hiddenSize;
    final int projSize;
    final int classes;
    final boolean peepholes;
    final NDArray wIh;
    final NDArray wHh;
    final NDArray bIh;
    final NDArray bHh;
    final NDArray wHr;
    final NDArray wIc;
    final NDArray wFc;
    final NDArray wOc;
    final NDArray cW;
    final NDArray cB;

    private LstmpNet(int inputSize, int hiddenSize, int projSize, int classes, boolean peepholes,
                     List<NDArray> p) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.projSize = projSize;
        this.classes = classes;
        this.peepholes = peepholes;
        wIh = p.get(0);
        wHh = p.get(1);
        bIh = p.get(2);
        bHh = p.get(3);
        wHr = p.get(4);
        cW = p.get(5);
        cB = p.get(6);
        wIc = peepholes ? p.get(7) : null;
        wFc = peepholes ? p.get(8) : null;
        wOc = peepholes ? p.get(9) : null;
        for (NDArray a : parameters()) {
            a.setRequiresGradient(true);
        }
    }

    /** Fresh parameters, uniform in +-1/sqrt(H) (the classifier +-1/sqrt(P)) as PyTorch initializes, from {@code seed}. */
    static LstmpNet initial(NDManager manager, int inputSize, int hiddenSize, int projSize, int classes,
                            boolean peepholes, long seed) {
        Random r = new Random(seed);
        double a = 1 / Math.sqrt(hiddenSize);
        double c = 1 / Math.sqrt(projSize);
        List<NDArray> p = new ArrayList<>();
        p.add(uniform(manager, r, a, 4 * hiddenSize, inputSize));
        p.add(uniform(manager, r, a, 4 * hiddenSize, projSize));
        p.add(uniform(manager, r, a, 4 * hiddenSize));
        p.add(uniform(manager, r, a, 4 * hiddenSize));
        p.add(uniform(manager, r, a, projSize, hiddenSize));
        p.add(uniform(manager, r, c, classes, projSize));
        p.add(uniform(manager, r, c, classes));
        if (peepholes) {
            for (int k = 0; k < 3; k++) {
                p.add(uniform(manager, r, a, hiddenSize));
            }
        }
        return new LstmpNet(inputSize, hiddenSize, projSize, classes, peepholes, p);
    }

    /** Parameters of a model (layer and classifier). */
    static LstmpNet of(NDManager manager, LayerWeights layer, double[][] classifierWeight, double[] classifierBias) {
        List<NDArray> p = new ArrayList<>();
        p.add(matrix(manager, layer.wIh()));
        p.add(matrix(manager, layer.wHh()));
        p.add(vector(manager, layer.bIh()));
        p.add(vector(manager, layer.bHh()));
        p.add(matrix(manager, layer.wHr()));
        p.add(matrix(manager, classifierWeight));
        p.add(vector(manager, classifierBias));
        if (layer.hasPeepholes()) {
            p.add(vector(manager, layer.wIc()));
            p.add(vector(manager, layer.wFc()));
            p.add(vector(manager, layer.wOc()));
        }
        return new LstmpNet(layer.inputSize(), layer.hiddenSize(), layer.projSize(), classifierBias.length,
                layer.hasPeepholes(), p);
    }

    /** Every trained array, the layer's five matrices and vectors first. */
    List<NDArray> parameters() {
        List<NDArray> all = new ArrayList<>(List.of(wIh, wHh, bIh, bHh, wHr, cW, cB));
        if (peepholes) {
            all.addAll(List.of(wIc, wFc, wOc));
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
        return logits(x, mask, null, null);
    }

    /**
     * Logits with quantization-aware training when {@code formats} is not null: every matrix fake-quantized
     * to the weight format at the binary point the compiler will choose for it, and the input, the cell
     * state c, m and the output y fake-quantized to the activation format (round half up, saturate, as
     * {@code FixedFormat}); gradients pass straight through the rounding. With {@code weightMasks} (for
     * W_ih, W_hh, W_hr) the matrices are multiplied by them first (targeted dropout).
     */
    NDArray logits(NDArray x, NDArray mask, FakeQuantization formats, List<NDArray> weightMasks) {
        NDArray wIh = weightMasks == null ? this.wIh : this.wIh.mul(weightMasks.get(0));
        NDArray wHh = weightMasks == null ? this.wHh : this.wHh.mul(weightMasks.get(1));
        NDArray wHr = weightMasks == null ? this.wHr : this.wHr.mul(weightMasks.get(2));
        if (formats != null) {
            wIh = formats.weights(wIh);
            wHh = formats.weights(wHh);
            wHr = formats.weights(wHr);
        }
        if (formats != null) {
            x = formats.activations(x);
        }
        long batch = x.getShape().get(0);
        long frames = x.getShape().get(1);
        NDManager m = x.getManager();
        NDArray y = m.zeros(new Shape(batch, projSize), DataType.FLOAT32);
        NDArray c = m.zeros(new Shape(batch, hiddenSize), DataType.FLOAT32);
        NDArray sum = m.zeros(new Shape(batch, projSize), DataType.FLOAT32);
        NDArray wIhT = wIh.transpose();
        NDArray wHhT = wHh.transpose();
        NDArray wHrT = wHr.transpose();
        NDArray bias = bIh.add(bHh);
        for (long t = 0; t < frames; t++) {
            NDArray xt = x.get(new NDIndex(":, {}, :", t));
            NDArray mt = mask.get(new NDIndex(":, {}", t)).reshape(batch, 1);
            NDArray z = xt.matMul(wIhT).add(y.matMul(wHhT)).add(bias);
            NDList gates = z.split(4, 1);
            NDArray zi = gates.get(0);
            NDArray zf = gates.get(1);
            NDArray zg = gates.get(2);
            NDArray zo = gates.get(3);
            if (peepholes) {
                zi = zi.add(c.mul(wIc));
                zf = zf.add(c.mul(wFc));
            }
            NDArray i = Activation.sigmoid(zi);
            NDArray f = Activation.sigmoid(zf);
            NDArray g = zg.tanh();
            NDArray cNew = f.mul(c).add(i.mul(g));
            if (formats != null) {
                cNew = formats.activations(cNew);
            }
            if (peepholes) {
                zo = zo.add(cNew.mul(wOc));
            }
            NDArray o = Activation.sigmoid(zo);
            NDArray cellOut = o.mul(cNew.tanh());
            if (formats != null) {
                cellOut = formats.activations(cellOut);
            }
            NDArray yNew = cellOut.matMul(wHrT);
            if (formats != null) {
                yNew = formats.activations(yNew);
            }
            NDArray keep = mt.neg().add(1);
            c = cNew.mul(mt).add(c.mul(keep));
            y = yNew.mul(mt).add(y.mul(keep));
            sum = sum.add(yNew.mul(mt));
        }
        NDArray lengths = mask.sum(new int[]{1}).reshape(batch, 1).maximum(1f);
        return sum.div(lengths).matMul(cW.transpose()).add(cB);
    }

    /** The layer as esegen's weights (float32 values as doubles). */
    LayerWeights layer() {
        return new LayerWeights(0, CellKind.LSTMP, inputSize, hiddenSize, projSize, toMatrix(wIh), toMatrix(wHh), toVector(bIh),
                toVector(bHh), toMatrix(wHr), peepholes ? toVector(wIc) : null, peepholes ? toVector(wFc) : null,
                peepholes ? toVector(wOc) : null);
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
