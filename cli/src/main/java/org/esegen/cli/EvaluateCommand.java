package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.circulant.CirculantModel;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.config.AcceleratorConfig;
import org.esegen.io.Json;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.DeltaReference;
import org.esegen.speech.Dataset;
import org.esegen.speech.FeatureSet;
import org.esegen.speech.SpeechEvaluation;
import org.esegen.speech.SpeechModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen evaluate}: a speech model's accuracy, in float or through the bit-exact golden model. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Top-1 accuracy, per-class accuracy and confusion matrix of a trained model on a data set's "
                + "split. --mode float runs the double-precision reference; --mode fixed compiles the model for the "
                + "configuration (its own zeros kept: pruning none) and runs the bit-exact golden model (what the "
                + "Verilog computes), the classifier in float on the host; with engine=2 (--preset ernn) the golden "
                + "model is the circulant engine's: every matrix as circulant blocks through fixed-point FFTs.")
public final class EvaluateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--model", paramLabel = "M.safetensors", required = true, description = "a model from esegen train")
    Path model;

    @Option(names = "--data", paramLabel = "D", required = true, description = "FSDD folder or manifest .csv")
    Path data;

    @Option(names = "--split", paramLabel = "test|train|all", defaultValue = "test",
            description = "utterances evaluated (default ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--mode", paramLabel = "float|fixed", required = true, description = "float or fixed")
    String mode;

    @Option(names = "--delta", paramLabel = "THETA_X,THETA_H",
            description = "run the model as a delta network, in float or (--mode fixed) through the golden model: an "
                    + "input or recurrent element is sent only when it moved by at least its threshold since last sent; "
                    + "reports the fired fractions")
    String delta;

    @Option(names = "--threads", paramLabel = "N", description = "utterances at once (default: the cores)")
    Integer threads;

    @Option(names = "--json", description = "print one JSON object with the figures")
    boolean json;

    @Override
    public Integer call() {
        boolean fixed = switch (mode.toLowerCase(Locale.ROOT)) {
            case "float" -> false;
            case "fixed" -> true;
            default -> throw new EsegenException("--mode " + mode + ": allowed are float and fixed");
        };
        Dataset.Split only = split.equalsIgnoreCase("all") ? null : Dataset.Split.parse(split, "--split");
        double[] thresholds = delta == null ? null : DeltaReference.thresholds(delta, "--delta");
        long start = System.nanoTime();
        AcceleratorConfig cfg = config.resolve();
        SpeechModel m = SpeechModel.readForFeatures(model);
        if (threads != null && threads < 1) {
            throw new EsegenException("--threads " + threads + ": must be at least 1");
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        FeatureSet set = FeatureSet.extract(Dataset.load(data), n);
        FeatureSet.Labelled selected = set.select(only);
        List<double[][]> features = selected.features();
        List<String> truths = selected.labels();
        if (features.isEmpty()) {
            throw new EsegenException("--data " + data + ": no utterance in the " + split + " split");
        }
        CompiledModel compiled = null;
        CirculantModel circulant = null;
        String notCompiled = null;
        try {
            if (cfg.circulantEngine()) {
                if (thresholds != null) {
                    throw new EsegenException("--delta: the circulant engine (engine=2) runs every column every frame;"
                            + " delta networks run on engines 0 and 1");
                }
                circulant = CirculantModel.compile(cfg, m.model());
            } else {
                compiled = Compiler.compile(cfg, m.model(), PruningMethod.NONE, 1.0);
            }
        } catch (EsegenException notForThisConfig) {
            if (fixed) {
                throw notForThisConfig;
            }
            notCompiled = notForThisConfig.getMessage();
        }
        Metrics metrics = compiled == null ? null : Metrics.of(compiled);
        long modelStart = System.nanoTime();
        SpeechEvaluation.Delta deltaRun = thresholds == null ? null
                : SpeechEvaluation.runDelta(m, fixed ? compiled : null, features, truths, n, thresholds[0], thresholds[1]);
        SpeechEvaluation e = deltaRun != null ? deltaRun.evaluation()
                : fixed && circulant != null ? SpeechEvaluation.runFixed(m, cfg.activationFormat(), circulant::run,
                features, truths, n)
                : SpeechEvaluation.run(m, fixed ? compiled : null, features, truths, n);
        double modelSeconds = (System.nanoTime() - modelStart) / 1e9;
        long frames = features.stream().mapToLong(f -> f.length).sum();
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("model", model.toString());
        figures.put("mode", e.mode());
        figures.put("split", split.toLowerCase(Locale.ROOT));
        figures.put("utterances", e.utterances());
        figures.put("accuracy", e.accuracy());
        Map<String, Double> perClass = new LinkedHashMap<>();
        double[] pc = e.perClassAccuracy();
        for (int k = 0; k < pc.length; k++) {
            perClass.put(e.labels().get(k), pc[k]);
        }
        figures.put("per_class_accuracy", perClass);
        figures.put("labels", e.labels());
        figures.put("confusion", e.confusion());
        figures.put("density", m.model().matrixDensity());
        figures.put("compression_ratio", metrics == null ? null : metrics.compressionRatio());
        if (circulant != null) {
            figures.put("circulant_block", cfg.engine().circulantBlock());
            figures.put("weight_reduction", m.model().matrixWeights() / (double) circulant.parameters());
            figures.put("stored_weights", circulant.storedWeights());
        }
        figures.put("config", fixed ? cfg.toFieldMap() : null);
        if (deltaRun != null) {
            figures.put("delta_theta_x", thresholds[0]);
            figures.put("delta_theta_h", thresholds[1]);
            figures.put("fired_fraction_x", deltaRun.firedInputs());
            figures.put("fired_fraction_h", deltaRun.firedStates());
        }
        figures.put("frames", frames);
        figures.put("threads", n);
        figures.put("model_seconds", modelSeconds);
        figures.put("frames_per_second", frames / modelSeconds);
        figures.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        if (json) {
            System.out.println(Json.line(figures));
        } else {
            System.out.printf(Locale.ROOT, "%s accuracy on %d %s utterances: %.2f %% (density %.4f, %s) in %.1f s%n",
                    e.mode(), e.utterances(), split, 100 * e.accuracy(), m.model().matrixDensity(), circulant != null
                            ? String.format(Locale.ROOT, "circulant blocks of %d: %.2fx fewer weights",
                            cfg.engine().circulantBlock(), (double) figures.get("weight_reduction"))
                            : metrics == null
                            ? "no compression figure: the model does not compile for this configuration: " + notCompiled
                            : String.format(Locale.ROOT, "compression %.2fx vs fp32", metrics.compressionRatio()),
                    (double) figures.get("wall_seconds"));
            System.out.printf(Locale.ROOT, "%s model on %d thread(s): %d frames in %.2f s = %.0f frames/s%n",
                    fixed ? "golden" : "float reference", n, frames, modelSeconds, frames / modelSeconds);
            if (deltaRun != null) {
                System.out.printf(Locale.ROOT, "delta thresholds %s: fired fraction per layer, inputs %s, recurrent %s%n",
                        delta, java.util.Arrays.toString(deltaRun.firedInputs()),
                        java.util.Arrays.toString(deltaRun.firedStates()));
            }
            System.out.println("per class: " + perClass);
        }
        return 0;
    }
}
