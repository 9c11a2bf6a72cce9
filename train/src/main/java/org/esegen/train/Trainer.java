package org.esegen.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.esegen.EsegenException;
import org.esegen.circulant.BlockCirculant;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Training of a stack of recurrent layers (any cell) with its classifier on PyTorch's engine through DJL: Adam, softmax
 * cross-entropy over utterances, gradients clipped to a global norm of {@value #CLIP_NORM}, batches
 * drawn in a seeded order. Offline: DJL takes PyTorch's native libraries from the Maven jars
 * ({@code ai.djl.offline=true}). Deterministic at a fixed seed and thread count: parameters start
 * from a seeded Java generator, batches follow a seeded shuffle, and PyTorch runs {@code threads}
 * intra-op threads and one inter-op thread.
 *
 * <p>Pruned retraining: with masks, every weight a mask zeroes stays exactly zero (re-masked after
 * each step).
 *
 * <p>Block-circulant training ({@link CirculantAdmm}, E-RNN): ADMM first, then the hard projection
 * and projected fine-tuning, so that the matrices end block-circulant exactly.
 */
public final class Trainer {
    /** Gradients are scaled down to this global norm when larger. */
    public static final double CLIP_NORM = 5.0;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;

    private Trainer() {
    }

    /**
     * @param epochs       passes over the training examples, 1..10000
     * @param batch        utterances per step, 1..4096
     * @param learningRate Adam's step size, in (0, 1]
     * @param seed         initialization and batch order
     * @param threads      PyTorch's intra-op threads, 1..256
     * @param delta        null, or {theta_x, theta_h}: train the layers as delta networks (thresholds in
     *                     the forward pass, straight-through)
     */
    public record Options(int epochs, int batch, double learningRate, long seed, int threads, double[] delta) {
        /** Options without deltas. */
        public Options(int epochs, int batch, double learningRate, long seed, int threads) {
            this(epochs, batch, learningRate, seed, threads, null);
        }

        public Options {
            if (delta != null && (delta.length != 2 || !(delta[0] >= 0) || !(delta[1] >= 0)
                    || Double.isInfinite(delta[0]) || Double.isInfinite(delta[1]))) {
                throw new EsegenException("--delta: expected two finite thresholds >= 0");
            }
            if (epochs < 1 || epochs > 10_000) {
                throw new EsegenException("--epochs " + epochs + ": must be in 1..10000");
            }
            if (batch < 1 || batch > 4096) {
                throw new EsegenException("--batch " + batch + ": must be in 1..4096");
            }
            if (!(learningRate > 0 && learningRate <= 1)) {
                throw new EsegenException("--lr " + learningRate + ": must be in (0, 1]");
            }
            if (threads < 1 || threads > 256) {
                throw new EsegenException("--threads " + threads + ": must be in 1..256");
            }
        }
    }

    /**
     * Labelled utterances.
     *
     * @param features per utterance T x I, normalized
     * @param labels   per utterance, the class index
     */
    public record Examples(List<double[][]> features, int[] labels) {
        public Examples {
            if (features.size() != labels.length) {
                throw new IllegalArgumentException(features.size() + " utterances, " + labels.length + " labels");
            }
        }

        public int size() {
            return labels.length;
        }
    }

    /**
     * The weights pruning keeps: 1 kept, 0 pruned, per matrix layer by layer (W_ih, W_hh, then W_hr
     * for a layer with a projection).
     */
    public record Masks(List<double[][]> matrices) {
        public Masks {
            matrices = List.copyOf(matrices);
        }
    }

    /** One epoch's figures. */
    public record EpochReport(int epoch, int epochs, double loss, double trainAccuracy, double validationAccuracy,
                              double seconds, double etaSeconds) {
    }

    /**
     * Targeted dropout (Spartus's CBTD training): at the start of every epoch {@code targets} names the
     * weights to keep (the pruner's choice on the current weights); during the epoch every other weight
     * is dropped from each step's forward pass with probability alpha = min(1, epoch / rampEpochs), so at
     * the end of the ramp the network already runs without them.
     */
    public record TargetedDropout(java.util.function.Function<LayerStack, Masks> targets, int rampEpochs) {
    }

    /**
     * ADMM towards block-circulant matrices as E-RNN trains them. Per matrix W (W_ih, W_hh, W_hr)
     * Z = P(W) and U = 0 at the start, P the projection onto block-circulant matrices of block b
     * ({@code BlockCirculant.project}); in each of the first {@code admmEpochs} epochs every step
     * minimizes the loss plus rho / 2 ||W - Z + U||^2 (Z and U constants), and after the epoch
     * Z = P(W + U), U = U + W - Z. Then W = P(W) (the hard projection), and every later step is
     * followed by W = P(W): gradient descent within the block-circulant matrices (the projection is
     * orthogonal and linear), the fine-tuning in the circulant parameterization.
     *
     * @param block      b, a power of two in 2..32
     * @param rho        the penalty's weight, in (0, 100]
     * @param admmEpochs epochs of ADMM before the hard projection, 0 .. the run's epochs
     */
    public record CirculantAdmm(int block, double rho, int admmEpochs) {
        public CirculantAdmm {
            BlockCirculant.requireBlock(block);
            if (!(rho > 0 && rho <= 100)) {
                throw new EsegenException("--rho " + rho + ": must be in (0, 100]");
            }
            if (admmEpochs < 0 || admmEpochs > 10_000) {
                throw new EsegenException("--admm-epochs " + admmEpochs + ": must be in 0..10000");
            }
        }
    }

    /** The trained stack and classifier, and the epochs' figures. */
    public record Trained(LayerStack stack, double[][] classifierWeight, double[] classifierBias,
                          List<EpochReport> epochs) {
    }

    /** Where training starts. */
    public sealed interface Start permits Fresh, From {
    }

    /**
     * Fresh parameters of the given shape: {@code layers} layers of {@code cell}, each of H cells and P
     * outputs (P = H without a projection).
     */
    public record Fresh(CellKind cell, int layers, int inputSize, int hiddenSize, int projSize, int classes,
                        boolean peepholes) implements Start {
    }

    /** An existing stack and classifier (retraining). */
    public record From(LayerStack stack, double[][] classifierWeight, double[] classifierBias) implements Start {
    }

    /** PyTorch through DJL, offline, with {@code threads} intra-op threads; the same engine for the whole JVM. */
    static synchronized Engine engine(int threads) {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty(
                "org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        // DJL asks for a GPU on every start and warns that this CPU-only machine has none
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        try {
            return Engine.getEngine("PyTorch");
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new EsegenException("PyTorch's engine could not start (DJL " + Engine.getDjlVersion() + ", offline, "
                    + "native libraries from the pytorch-native-cpu jar extracted under ~/.djl.ai): " + e, e);
        }
    }

    /**
     * Trains; {@code progress} hears every epoch.
     *
     * @param masks        null for dense training
     * @param quantization null, or the formats of quantization-aware training (straight-through)
     * @param dropout      null, or targeted dropout
     */
    public static Trained train(Start start, Examples train, Examples validation, Options options, Masks masks,
                                FakeQuantization quantization, TargetedDropout dropout,
                                Consumer<EpochReport> progress) {
        return train(start, train, validation, options, masks, quantization, dropout, null, progress);
    }

    /**
     * As {@link #train(Start, Examples, Examples, Options, Masks, FakeQuantization, TargetedDropout, Consumer)},
     * towards block-circulant matrices with {@code circulant} (null: unconstrained).
     */
    public static Trained train(Start start, Examples train, Examples validation, Options options, Masks masks,
                                FakeQuantization quantization, TargetedDropout dropout, CirculantAdmm circulant,
                                Consumer<EpochReport> progress) {
        if (circulant != null && circulant.admmEpochs() > options.epochs()) {
            throw new EsegenException("--admm-epochs " + circulant.admmEpochs() + ": at most the run's "
                    + options.epochs() + " epochs");
        }
        if (train.size() == 0) {
            throw new EsegenException("training: no training utterance");
        }
        Engine engine = engine(options.threads());
        engine.setRandomSeed((int) options.seed());
        try (NDManager manager = engine.newBaseManager();
             RecurrentNet net = start instanceof Fresh f
                     ? RecurrentNet.initial(manager, f.cell(), f.layers(), f.inputSize(), f.hiddenSize(), f.projSize(),
                     f.classes(), f.peepholes(), options.seed())
                     : RecurrentNet.of(manager, ((From) start).stack(), ((From) start).classifierWeight(),
                     ((From) start).classifierBias())) {
            List<NDArray> params = net.parameters();
            List<NDArray> maskArrays = masks == null ? List.of() : maskArrays(manager, masks, net);
            applyMasks(net.matrices(), maskArrays);
            Admm admm = circulant == null ? null : new Admm(circulant, net.matrices());
            if (admm != null && circulant.admmEpochs() == 0) {
                admm.project(net.matrices());
            }
            List<NDArray> first = new ArrayList<>();
            List<NDArray> second = new ArrayList<>();
            for (NDArray p : params) {
                first.add(manager.zeros(p.getShape()));
                second.add(manager.zeros(p.getShape()));
            }
            List<EpochReport> reports = new ArrayList<>();
            long step = 0;
            long trainingStart = System.nanoTime();
            for (int epoch = 1; epoch <= options.epochs(); epoch++) {
                long epochStart = System.nanoTime();
                int[] order = shuffled(train.size(), new Random(options.seed() * 31 + epoch));
                List<NDArray> keep = dropout == null ? null : maskArrays(manager, dropout.targets().apply(net.stack()), net);
                boolean admmEpoch = admm != null && epoch <= circulant.admmEpochs();
                List<NDArray> targets = admmEpoch ? admm.targets(manager) : null;
                float alpha = dropout == null ? 0 : (float) Math.min(1.0, epoch / (double) dropout.rampEpochs());
                double lossSum = 0;
                for (int from = 0; from < order.length; from += options.batch()) {
                    int to = Math.min(order.length, from + options.batch());
                    step++;
                    try (NDScope scope = new NDScope()) {
                        Batch b = Batch.of(manager, train, order, from, to, net.classes);
                        NDArray loss;
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            collector.zeroGradients();
                            NDArray logits = net.logits(b.x(), b.mask(), quantization, stepMasks(keep, alpha),
                                    options.delta());
                            loss = logits.logSoftmax(1).mul(b.oneHot()).sum().neg().div(to - from);
                            NDArray objective = targets == null ? loss
                                    : loss.add(Admm.penalty(net.matrices(), targets, circulant.rho()));
                            collector.backward(objective);
                        }
                        lossSum += loss.getFloat() * (to - from);
                        adam(params, first, second, step, options.learningRate());
                        applyMasks(net.matrices(), maskArrays);
                        if (admm != null && !admmEpoch) {
                            admm.project(net.matrices());
                        }
                    }
                }
                if (keep != null) {
                    keep.forEach(NDArray::close);
                }
                if (targets != null) {
                    targets.forEach(NDArray::close);
                    admm.update(net.matrices());
                    if (epoch == circulant.admmEpochs()) {
                        admm.project(net.matrices());
                    }
                }
                double trainAccuracy = accuracy(net, manager, train, options.batch(), quantization, options.delta());
                double validationAccuracy = validation.size() == 0 ? Double.NaN
                        : accuracy(net, manager, validation, options.batch(), quantization, options.delta());
                double seconds = (System.nanoTime() - epochStart) / 1e9;
                double elapsed = (System.nanoTime() - trainingStart) / 1e9;
                EpochReport r = new EpochReport(epoch, options.epochs(), lossSum / train.size(), trainAccuracy,
                        validationAccuracy, seconds, elapsed / epoch * (options.epochs() - epoch));
                reports.add(r);
                progress.accept(r);
            }
            return new Trained(net.stack(), net.classifierWeight(), net.classifierBias(), List.copyOf(reports));
        }
    }

    /** Top-1 accuracy of {@code net} on {@code examples}. */
    static double accuracy(RecurrentNet net, NDManager manager, Examples examples, int batch,
                           FakeQuantization quantization, double[] delta) {
        int correct = 0;
        int[] order = new int[examples.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int from = 0; from < order.length; from += batch) {
            int to = Math.min(order.length, from + batch);
            try (NDScope scope = new NDScope()) {
                Batch b = Batch.of(manager, examples, order, from, to, net.classes);
                long[] predicted = net.logits(b.x(), b.mask(), quantization, null, delta).argMax(1).toLongArray();
                for (int k = 0; k < predicted.length; k++) {
                    if (predicted[k] == examples.labels()[order[from + k]]) {
                        correct++;
                    }
                }
            }
        }
        return correct / (double) examples.size();
    }

    /** The masks as arrays aligned with {@link RecurrentNet#matrices}; their count must match. */
    private static List<NDArray> maskArrays(NDManager manager, Masks masks, RecurrentNet net) {
        if (masks.matrices().size() != net.matrices().size()) {
            throw new EsegenException("training: " + masks.matrices().size() + " masks for " + net.matrices().size()
                    + " matrices");
        }
        return masks.matrices().stream().map(m -> RecurrentNet.matrix(manager, m)).toList();
    }

    /** This step's masks: every kept weight, and each other one with probability 1 - alpha. */
    private static List<NDArray> stepMasks(List<NDArray> keep, float alpha) {
        if (keep == null) {
            return null;
        }
        List<NDArray> out = new ArrayList<>();
        for (NDArray k : keep) {
            NDArray survives = k.getManager().randomUniform(0f, 1f, k.getShape()).gte(alpha).toType(
                    ai.djl.ndarray.types.DataType.FLOAT32, false);
            out.add(k.add(k.neg().add(1f).mul(survives)));
        }
        return out;
    }

    private static void adam(List<NDArray> params, List<NDArray> first, List<NDArray> second, long step, double lr) {
        List<NDArray> grads = new ArrayList<>();
        double squares = 0;
        for (NDArray p : params) {
            NDArray g = p.getGradient();
            grads.add(g);
            squares += g.square().sum().getFloat();
        }
        double norm = Math.sqrt(squares);
        float scale = norm > CLIP_NORM ? (float) (CLIP_NORM / norm) : 1f;
        float correction1 = (float) (1 - Math.pow(BETA1, step));
        float correction2 = (float) (1 - Math.pow(BETA2, step));
        for (int k = 0; k < params.size(); k++) {
            NDArray g = grads.get(k).mul(scale);
            first.get(k).muli((float) BETA1).addi(g.mul((float) (1 - BETA1)));
            second.get(k).muli((float) BETA2).addi(g.square().mul((float) (1 - BETA2)));
            NDArray update = first.get(k).div(correction1).mul((float) lr)
                    .div(second.get(k).div(correction2).sqrt().add((float) EPSILON));
            params.get(k).subi(update);
        }
    }

    /** The ADMM state of {@link CirculantAdmm}: Z and U per matrix. */
    private static final class Admm {
        private final int block;
        private final List<double[][]> z = new ArrayList<>();
        private final List<double[][]> u = new ArrayList<>();

        Admm(CirculantAdmm options, List<NDArray> matrices) {
            this.block = options.block();
            for (NDArray m : matrices) {
                double[][] w = RecurrentNet.toMatrix(m);
                z.add(BlockCirculant.project(w, block).dense());
                u.add(new double[w.length][w[0].length]);
            }
        }

        /** Z - U per matrix, the penalty's constant targets for an epoch. */
        List<NDArray> targets(NDManager manager) {
            List<NDArray> t = new ArrayList<>();
            for (int k = 0; k < z.size(); k++) {
                double[][] target = new double[z.get(k).length][];
                for (int r = 0; r < target.length; r++) {
                    target[r] = new double[z.get(k)[r].length];
                    for (int c = 0; c < target[r].length; c++) {
                        target[r][c] = z.get(k)[r][c] - u.get(k)[r][c];
                    }
                }
                t.add(RecurrentNet.matrix(manager, target));
            }
            return t;
        }

        /** rho / 2 sum_k ||W_k - target_k||^2. */
        static NDArray penalty(List<NDArray> matrices, List<NDArray> targets, double rho) {
            NDArray sum = null;
            for (int k = 0; k < matrices.size(); k++) {
                NDArray term = matrices.get(k).sub(targets.get(k)).square().sum();
                sum = sum == null ? term : sum.add(term);
            }
            return sum.mul((float) (rho / 2));
        }

        /** After an ADMM epoch: Z = P(W + U), U = U + W - Z. */
        void update(List<NDArray> matrices) {
            for (int k = 0; k < matrices.size(); k++) {
                double[][] w = RecurrentNet.toMatrix(matrices.get(k));
                double[][] shifted = new double[w.length][w[0].length];
                for (int r = 0; r < w.length; r++) {
                    for (int c = 0; c < w[r].length; c++) {
                        shifted[r][c] = w[r][c] + u.get(k)[r][c];
                    }
                }
                double[][] next = BlockCirculant.project(shifted, block).dense();
                for (int r = 0; r < w.length; r++) {
                    for (int c = 0; c < w[r].length; c++) {
                        u.get(k)[r][c] += w[r][c] - next[r][c];
                    }
                }
                z.set(k, next);
            }
        }

        /** W = P(W) in place, every matrix. */
        void project(List<NDArray> matrices) {
            for (NDArray m : matrices) {
                double[][] projected = BlockCirculant.project(RecurrentNet.toMatrix(m), block).dense();
                float[] flat = new float[projected.length * projected[0].length];
                for (int r = 0; r < projected.length; r++) {
                    for (int c = 0; c < projected[r].length; c++) {
                        flat[r * projected[r].length + c] = (float) projected[r][c];
                    }
                }
                m.set(flat);
            }
        }
    }

    private static void applyMasks(List<NDArray> matrices, List<NDArray> masks) {
        for (int k = 0; k < masks.size(); k++) {
            matrices.get(k).muli(masks.get(k));
        }
    }

    private static int[] shuffled(int n, Random r) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** A padded batch: B x T x I features, B x T mask, B x K one-hot labels. */
    private record Batch(NDArray x, NDArray mask, NDArray oneHot) {
        static Batch of(NDManager manager, Examples examples, int[] order, int from, int to, int classes) {
            int b = to - from;
            int frames = 0;
            int inputs = examples.features().get(order[from])[0].length;
            for (int k = from; k < to; k++) {
                frames = Math.max(frames, examples.features().get(order[k]).length);
            }
            float[] x = new float[b * frames * inputs];
            float[] mask = new float[b * frames];
            float[] oneHot = new float[b * classes];
            for (int k = 0; k < b; k++) {
                double[][] u = examples.features().get(order[from + k]);
                for (int t = 0; t < u.length; t++) {
                    mask[k * frames + t] = 1;
                    for (int j = 0; j < inputs; j++) {
                        x[(k * frames + t) * inputs + j] = (float) u[t][j];
                    }
                }
                oneHot[k * classes + examples.labels()[order[from + k]]] = 1;
            }
            return new Batch(manager.create(x, new Shape(b, frames, inputs)), manager.create(mask, new Shape(b, frames)),
                    manager.create(oneHot, new Shape(b, classes)));
        }
    }
}
