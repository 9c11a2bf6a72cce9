package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.rnn.CellKind;
import org.esegen.io.Json;
import org.esegen.io.OutputFolder;
import org.esegen.speech.Features;
import org.esegen.speech.SpeechModel;
import org.esegen.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen train}: a recurrent speech classifier (any cell, L layers) trained on PyTorch's engine through DJL. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a stack of recurrent layers (--cell, --layers; with a linear classifier on the last layer's "
                + "outputs averaged over the utterance, "
                + "the host's part) on a data set's features: Adam, softmax cross-entropy, PyTorch's engine through "
                + "DJL, offline. Every tenth training utterance is held out for validation; the test split is not "
                + "touched. Writes safetensors in PyTorch naming plus classifier.weight/bias, the feature "
                + "normalization and metadata (cell, features, labels). Same seed and thread count, same bytes.",
                "A progress line per epoch goes to stderr: loss, train and validation accuracy, ETA."})
public final class TrainCommand implements Callable<Integer> {
    @Option(names = "--data", paramLabel = "D", required = true, description = "FSDD folder or manifest .csv")
    Path data;

    @Option(names = "--hidden", paramLabel = "H", required = true, description = "cells")
    int hidden;

    @Option(names = "--cell", paramLabel = "lstmp|lstm|gru", defaultValue = "lstmp",
            description = "the cell (default ${DEFAULT-VALUE})")
    String cell;

    @Option(names = "--proj", paramLabel = "P", description = "projection size of an lstmp (default: H / 2)")
    Integer proj;

    @Option(names = "--peepholes", description = "train peephole vectors (the LSTMs)")
    boolean peepholes;

    @Option(names = "--layers", paramLabel = "L", defaultValue = "1",
            description = "layers, 1.." + AcceleratorConfig.MAX_LAYERS + " (default ${DEFAULT-VALUE})")
    int layers;

    @Option(names = "--epochs", paramLabel = "E", defaultValue = "20", description = "epochs (default ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--lr", paramLabel = "R", defaultValue = "0.005", description = "Adam's step (default ${DEFAULT-VALUE})")
    double lr;

    @Mixin
    TrainingOptions training;

    @Option(names = "--out", paramLabel = "M.safetensors", required = true, description = "the model file written")
    Path out;

    @Option(names = "--json", description = "print one JSON object with the figures")
    boolean json;

    @Override
    public Integer call() {
        CellKind kind = CellKind.parse(cell, "--cell");
        if (layers < 1 || layers > AcceleratorConfig.MAX_LAYERS) {
            throw new EsegenException("--layers " + layers + ": must be in 1.." + AcceleratorConfig.MAX_LAYERS);
        }
        if (!kind.hasProjection() && proj != null && proj != hidden) {
            throw new EsegenException("--proj " + proj + ": a " + kind.cliName() + " layer has no projection (its "
                    + "output is its H = " + hidden + " hidden values); leave --proj out");
        }
        if (peepholes && !kind.allowsPeepholes()) {
            throw new EsegenException("--peepholes: a gru cell has none");
        }
        int p = !kind.hasProjection() ? hidden : proj == null ? Math.max(1, hidden / 2) : proj;
        if (hidden < 1 || hidden > 4096 || p < 1 || p > 4096) {
            throw new EsegenException("--hidden " + hidden + " --proj " + p + ": both must be in 1..4096");
        }
        int n = training.threads();
        Trainer.Options options = new Trainer.Options(epochs, training.batch, lr, training.seed, n, training.delta());
        OutputFolder.checkOutputFile(out, "--out", List.of(data));
        long start = System.nanoTime();
        SpeechData speech = SpeechData.load(data, n);
        Trainer.Examples train = speech.training(false, speech.normalization());
        Trainer.Examples validation = speech.training(true, speech.normalization());
        Trainer.Trained trained = Trainer.train(new Trainer.Fresh(kind, layers, Features.DIMENSION, hidden, p,
                speech.labels().size(), peepholes), train, validation, options, null, null, null, TrainCommand::progress);
        SpeechModel model = new SpeechModel(trained.stack(), trained.classifierWeight(), trained.classifierBias(),
                speech.normalization(), speech.labels());
        model.write(out);
        Trainer.EpochReport last = trained.epochs().get(trained.epochs().size() - 1);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("model", out.toAbsolutePath().toString());
        figures.put("cell", kind.cliName());
        figures.put("layers", layers);
        figures.put("input_size", Features.DIMENSION);
        figures.put("hidden_size", hidden);
        figures.put("proj_size", p);
        figures.put("peepholes", peepholes);
        figures.put("classes", speech.labels().size());
        figures.put("train_utterances", train.size());
        figures.put("validation_utterances", validation.size());
        figures.put("epochs", epochs);
        figures.put("loss", last.loss());
        figures.put("train_accuracy", last.trainAccuracy());
        figures.put("validation_accuracy", last.validationAccuracy());
        figures.put("wall_seconds", (System.nanoTime() - start) / 1e9);
        System.out.println(json ? Json.line(figures) : String.format(Locale.ROOT, "trained %s x %d, %d/%d/%d on %d "
                        + "utterances: train %.1f %%, validation %.1f %% after %d epochs in %.0f s -> %s", kind.cliName(),
                layers, Features.DIMENSION, hidden, p, train.size(), 100 * last.trainAccuracy(), 100 * last.validationAccuracy(), epochs,
                (double) figures.get("wall_seconds"), out));
        return 0;
    }

    static void progress(Trainer.EpochReport r) {
        System.err.printf(Locale.ROOT, "epoch %d/%d: loss %.4f, train %.1f %%, validation %.1f %%, %.1f s, ETA %s%n",
                r.epoch(), r.epochs(), r.loss(), 100 * r.trainAccuracy(), 100 * r.validationAccuracy(), r.seconds(),
                clock(r.etaSeconds()));
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
