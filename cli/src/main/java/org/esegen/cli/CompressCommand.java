package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.circulant.BlockCirculant;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.io.Json;
import org.esegen.io.OutputFolder;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.esegen.prune.PruningMethod;
import org.esegen.speech.Dataset;
import org.esegen.speech.FeatureSet;
import org.esegen.speech.SpeechEvaluation;
import org.esegen.speech.SpeechModel;
import org.esegen.train.FakeQuantization;
import org.esegen.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen compress}: prune a trained model and retrain it with the masks fixed. */
@Command(name = "compress", mixinStandardHelpOptions = true,
        description = {"Prune a trained model to --density with --method (ese: every PE's row slice keeps the same "
                + "count, as the compiler maps rows for the configuration's PEs; cbtd: the same count in every "
                + "column of every PE's slice; global: the largest magnitudes), iteratively: --stages steps of "
                + "geometrically falling density, each followed by retraining with the masks fixed (pruned weights stay "
                + "exactly zero). The written model's zeros are its mask: compile, infer and cosim it with --pruning none.",
                "cbtd with 2 or more retraining epochs trains as Spartus does: targeted dropout towards the "
                        + "column-balanced choice, the drop probability ramping from 0 to 1 over the first half, then the "
                        + "cut and one epoch with the masks fixed (--stages does not apply).",
                "circulant (with --block b, no --density) trains every matrix towards block-circulant b x b blocks as "
                        + "E-RNN does: --admm-epochs of ADMM (penalty --rho), the hard projection, then --retrain-epochs "
                        + "of fine-tuning projected after every step; the written matrices are block-circulant."})
public final class CompressCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--model", paramLabel = "M.safetensors", required = true, description = "a model from esegen train")
    Path model;

    @Option(names = "--data", paramLabel = "D", required = true, description = "the data set it was trained on")
    Path data;

    @Option(names = "--method", paramLabel = "ese|cbtd|global|circulant", required = true,
            description = "pruning method, or circulant")
    String method;

    @Option(names = "--density", paramLabel = "X", description = "fraction of matrix weights kept, (0, 1]; "
            + "required by the pruning methods")
    Double density;

    @Option(names = "--block", paramLabel = "B", description = "circulant: the block size, a power of two in 2..32")
    Integer block;

    @Option(names = "--admm-epochs", paramLabel = "N", defaultValue = "4",
            description = "circulant: ADMM epochs before the hard projection (default ${DEFAULT-VALUE})")
    int admmEpochs;

    @Option(names = "--rho", paramLabel = "R", defaultValue = "0.01",
            description = "circulant: ADMM's penalty weight (default ${DEFAULT-VALUE})")
    double rho;

    @Option(names = "--retrain-epochs", paramLabel = "N", defaultValue = "9",
            description = "retraining epochs in all, shared by the stages (default ${DEFAULT-VALUE}; 0: one-shot)")
    int retrainEpochs;

    @Option(names = "--stages", paramLabel = "S", defaultValue = "3", description = "pruning steps (default ${DEFAULT-VALUE})")
    int stages;

    @Option(names = "--lr", paramLabel = "R", defaultValue = "0.002", description = "Adam's step (default ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--qat", description = "after pruning, fine-tune at the configuration's weight and activation "
            + "formats (fake quantization, straight-through), masks fixed")
    boolean qat;

    @Option(names = "--qat-epochs", paramLabel = "N", defaultValue = "2",
            description = "epochs of quantization-aware fine-tuning (default ${DEFAULT-VALUE})")
    int qatEpochs;

    @Mixin
    TrainingOptions training;

    @Option(names = "--out", paramLabel = "M2.safetensors", required = true, description = "the compressed model written")
    Path out;

    @Option(names = "--json", description = "print one JSON object with the figures")
    boolean json;

    @Override
    public Integer call() {
        if (method.equalsIgnoreCase(CIRCULANT)) {
            return circulant();
        }
        if (block != null) {
            throw new EsegenException("--block applies to --method circulant only");
        }
        PruningMethod pruning = PruningMethod.parse(method);
        if (pruning == PruningMethod.NONE) {
            throw new EsegenException("--method none prunes nothing; choose ese, cbtd, global or circulant");
        }
        if (density == null) {
            throw new EsegenException("--method " + method + " needs --density X, the fraction of weights kept, (0, 1]");
        }
        if (!(density > 0 && density <= 1)) {
            throw new EsegenException("--density " + density + ": must be in (0, 1]");
        }
        if (stages < 1 || stages > 20 || retrainEpochs < 0 || retrainEpochs > 10_000) {
            throw new EsegenException("--stages " + stages + " --retrain-epochs " + retrainEpochs
                    + ": stages must be in 1..20, epochs in 0..10000");
        }
        OutputFolder.checkOutputFile(out, "--out", List.of(model, data));
        long start = System.nanoTime();
        AcceleratorConfig cfg = config.resolve();
        int n = training.threads();
        Loaded loaded = load(n);
        SpeechModel dense = loaded.dense();
        SpeechData speech = loaded.speech();
        Trainer.Examples train = loaded.train();
        Trainer.Examples validation = loaded.validation();
        double before = testAccuracy(dense, speech, n, training.delta());
        SpeechModel current = dense;
        SpeechModel oneShot = withLayer(dense, Compiler.prune(cfg, dense.model(), pruning, density));
        double oneShotAccuracy = testAccuracy(oneShot, speech, n, training.delta());
        if (pruning == PruningMethod.CBTD && retrainEpochs >= 2) {
            current = targetedDropout(cfg, current, train, validation, n);
        }
        for (int s = 1; s <= (pruning == PruningMethod.CBTD && retrainEpochs >= 2 ? 0 : stages); s++) {
            double stageDensity = Math.pow(density, s / (double) stages);
            LayerStack pruned = Compiler.prune(cfg, current.model(), pruning, stageDensity);
            int epochs = retrainEpochs * s / stages - retrainEpochs * (s - 1) / stages;
            System.err.printf(Locale.ROOT, "stage %d/%d: %s pruning to density %.4f, %d retraining epoch(s)%n", s,
                    stages, pruning.cliName(), stageDensity, epochs);
            if (epochs == 0) {
                current = withLayer(current, pruned);
                continue;
            }
            Trainer.Trained t = Trainer.train(new Trainer.From(pruned, current.classifierWeight(),
                            current.classifierBias()), train, validation,
                    new Trainer.Options(epochs, training.batch, lr, training.seed + s, n, training.delta()),
                    masks(pruned), null, null,
                    TrainCommand::progress);
            current = trained(dense, t);
        }
        if (qat) {
            current = quantizationAware(cfg, current, loaded, n, training.seed + stages + 1, masks(current.model()), null);
        }
        current.write(out);
        double after = testAccuracy(current, speech, n, training.delta());
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("model", out.toAbsolutePath().toString());
        figures.put("method", pruning.cliName());
        figures.put("pes", cfg.pes());
        figures.put("target_density", density);
        figures.put("density", current.model().matrixDensity());
        figures.put("accuracy_before", before);
        figures.put("accuracy_one_shot", oneShotAccuracy);
        figures.put("accuracy_after", after);
        figures.put("retrain_epochs", retrainEpochs);
        figures.put("stages", stages);
        figures.put("qat", qat);
        figures.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        System.out.println(json ? Json.line(figures) : String.format(Locale.ROOT, "%s pruning to density %.4f "
                        + "(%d PEs): test accuracy %.2f %% dense, %.2f %% one-shot, %.2f %% after retraining (float) in "
                        + "%.0f s -> %s", pruning.cliName(), current.model().matrixDensity(), cfg.pes(), 100 * before,
                100 * oneShotAccuracy, 100 * after, (double) figures.get("wall_seconds"), out));
        return 0;
    }

    /** The method name of block-circulant training. */
    static final String CIRCULANT = "circulant";

    /** {@code --method circulant}: ADMM, the hard projection and projected fine-tuning (see the command's description). */
    private int circulant() {
        if (block == null) {
            throw new EsegenException("--method circulant needs --block B, a power of two in 2..32");
        }
        if (density != null) {
            throw new EsegenException("--density does not apply to --method circulant (a block of b x b weights keeps b)");
        }
        if (retrainEpochs < 0 || retrainEpochs > 10_000) {
            throw new EsegenException("--retrain-epochs " + retrainEpochs + ": must be in 0..10000");
        }
        Trainer.CirculantAdmm admm = new Trainer.CirculantAdmm(block, rho, admmEpochs);
        OutputFolder.checkOutputFile(out, "--out", List.of(model, data));
        long start = System.nanoTime();
        AcceleratorConfig cfg = config.resolve();
        int n = training.threads();
        Loaded loaded = load(n);
        SpeechModel dense = loaded.dense();
        SpeechData speech = loaded.speech();
        Trainer.Examples train = loaded.train();
        Trainer.Examples validation = loaded.validation();
        double before = testAccuracy(dense, speech, n, training.delta());
        SpeechModel oneShot = withLayer(dense, BlockCirculant.project(dense.model(), block));
        double oneShotAccuracy = testAccuracy(oneShot, speech, n, training.delta());
        SpeechModel current = oneShot;
        int epochs = admmEpochs + retrainEpochs;
        if (epochs > 0) {
            System.err.printf(Locale.ROOT, "circulant b = %d: %d ADMM epoch(s) (rho %s), the hard projection, %d "
                    + "fine-tuning epoch(s)%n", block, admmEpochs, rho, retrainEpochs);
            Trainer.Trained t = Trainer.train(new Trainer.From(dense.model(), dense.classifierWeight(),
                            dense.classifierBias()), train, validation,
                    new Trainer.Options(epochs, training.batch, lr, training.seed, n, training.delta()), null, null, null,
                    admm, TrainCommand::progress);
            current = trained(dense, t);
        }
        if (qat) {
            current = quantizationAware(cfg, current, loaded, n, training.seed + 1, null,
                    new Trainer.CirculantAdmm(block, rho, 0));
        }
        current.write(out);
        double after = testAccuracy(current, speech, n, training.delta());
        long stored = 0;
        long full = 0;
        for (LayerWeights layer : current.model().layers()) {
            for (double[][] w : matricesOf(layer)) {
                stored += BlockCirculant.project(w, block).parameters();
                full += (long) w.length * w[0].length;
            }
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("model", out.toAbsolutePath().toString());
        figures.put("method", CIRCULANT);
        figures.put("block", block);
        figures.put("stored_weights", stored);
        figures.put("dense_weights", full);
        figures.put("weight_reduction", (double) full / stored);
        figures.put("accuracy_before", before);
        figures.put("accuracy_one_shot", oneShotAccuracy);
        figures.put("accuracy_after", after);
        figures.put("admm_epochs", admmEpochs);
        figures.put("retrain_epochs", retrainEpochs);
        figures.put("rho", rho);
        figures.put("qat", qat);
        figures.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        System.out.println(json ? Json.line(figures) : String.format(Locale.ROOT, "circulant b = %d (%.1fx fewer "
                        + "weights): test accuracy %.2f %% dense, %.2f %% one-shot projection, %.2f %% after training (float) "
                        + "in %.0f s -> %s", block, (double) full / stored, 100 * before, 100 * oneShotAccuracy, 100 * after,
                (double) figures.get("wall_seconds"), out));
        return 0;
    }

    /** A layer's matrices in training order: W_ih, W_hh, and W_hr with a projection. */
    static List<double[][]> matricesOf(LayerWeights layer) {
        return layer.wHr() == null ? List.of(layer.wIh(), layer.wHh()) : List.of(layer.wIh(), layer.wHh(), layer.wHr());
    }

    /**
     * CBTD as Spartus trains it: retrainEpochs - 1 epochs of targeted dropout towards the column-balanced
     * choice at the target density (alpha ramping to 1 over the first half), then the hard cut and one
     * epoch with the masks fixed.
     */
    private SpeechModel targetedDropout(AcceleratorConfig cfg, SpeechModel start, Trainer.Examples train,
                                        Trainer.Examples validation, int n) {
        int dropoutEpochs = retrainEpochs - 1;
        int ramp = Math.max(1, dropoutEpochs / 2);
        System.err.printf(Locale.ROOT, "cbtd: %d epoch(s) of targeted dropout towards density %.4f (ramp over %d), "
                + "then the cut and 1 epoch with the masks fixed%n", dropoutEpochs, density, ramp);
        Trainer.Trained t = Trainer.train(new Trainer.From(start.model(), start.classifierWeight(),
                        start.classifierBias()), train, validation,
                new Trainer.Options(dropoutEpochs, training.batch, lr, training.seed, n, training.delta()), null, null,
                new Trainer.TargetedDropout(stack -> masks(Compiler.prune(cfg, stack, PruningMethod.CBTD, density)),
                        ramp), TrainCommand::progress);
        LayerStack cut = Compiler.prune(cfg, t.stack(), PruningMethod.CBTD, density);
        Trainer.Trained tuned = Trainer.train(new Trainer.From(cut, t.classifierWeight(), t.classifierBias()), train,
                validation, new Trainer.Options(1, training.batch, lr, training.seed + 1, n, training.delta()),
                masks(cut), null, null,
                TrainCommand::progress);
        return trained(start, tuned);
    }

    /**
     * The model, the data and the data's training and validation examples (the model's normalization
     * applied); refuses data whose labels are not the model's.
     */
    private record Loaded(SpeechModel dense, SpeechData speech, Trainer.Examples train, Trainer.Examples validation) {
    }

    private Loaded load(int threads) {
        SpeechModel dense = SpeechModel.read(model);
        SpeechData speech = SpeechData.load(data, threads);
        if (!speech.labels().equals(dense.labels())) {
            throw new EsegenException("--data " + data + ": labels " + speech.labels() + ", the model knows "
                    + dense.labels());
        }
        return new Loaded(dense, speech, speech.training(false, dense.normalization()),
                speech.training(true, dense.normalization()));
    }

    /**
     * --qat: qatEpochs of fine-tuning at the configuration's formats (fake quantization), half the
     * learning rate, keeping {@code masks} (pruning) or the block-circulant form ({@code circulant}).
     */
    private SpeechModel quantizationAware(AcceleratorConfig cfg, SpeechModel current, Loaded loaded, int n, long seed,
                                          Trainer.Masks masks, Trainer.CirculantAdmm circulant) {
        FakeQuantization formats = new FakeQuantization(cfg.formats().weightBits(), cfg.activationFormat());
        System.err.printf(Locale.ROOT, "quantization-aware fine-tuning: %d-bit weights, %s activations, %d epoch(s)%n",
                formats.weightBits(), formats.activation(), qatEpochs);
        Trainer.Trained t = Trainer.train(new Trainer.From(current.model(), current.classifierWeight(),
                        current.classifierBias()), loaded.train(), loaded.validation(),
                new Trainer.Options(qatEpochs, training.batch, lr / 2, seed, n, training.delta()), masks, formats, null,
                circulant, TrainCommand::progress);
        return trained(loaded.dense(), t);
    }

    /** The trained stack and classifier with {@code like}'s normalization and labels. */
    private static SpeechModel trained(SpeechModel like, Trainer.Trained t) {
        return new SpeechModel(t.stack(), t.classifierWeight(), t.classifierBias(), like.normalization(), like.labels());
    }

    private static SpeechModel withLayer(SpeechModel m, LayerStack stack) {
        return new SpeechModel(stack, m.classifierWeight(), m.classifierBias(), m.normalization(), m.labels());
    }

    /** Float test accuracy, run as a delta network with {@code delta}'s thresholds when it is not null. */
    private static double testAccuracy(SpeechModel m, SpeechData speech, int threads, double[] delta) {
        FeatureSet.Labelled test = speech.set().select(Dataset.Split.TEST);
        return delta == null ? SpeechEvaluation.run(m, null, test.features(), test.labels(), threads).accuracy()
                : SpeechEvaluation.runDelta(m, null, test.features(), test.labels(), threads, delta[0], delta[1]).evaluation()
                .accuracy();
    }

    /** 1 where the pruned stack keeps a nonzero weight: per layer W_ih, W_hh, and W_hr with a projection. */
    static Trainer.Masks masks(LayerStack pruned) {
        List<double[][]> masks = new ArrayList<>();
        for (LayerWeights layer : pruned.layers()) {
            matricesOf(layer).forEach(w -> masks.add(mask(w)));
        }
        return new Trainer.Masks(masks);
    }

    private static double[][] mask(double[][] w) {
        double[][] m = new double[w.length][w[0].length];
        for (int r = 0; r < w.length; r++) {
            for (int c = 0; c < w[r].length; c++) {
                m[r][c] = w[r][c] != 0 ? 1 : 0;
            }
        }
        return m;
    }
}
