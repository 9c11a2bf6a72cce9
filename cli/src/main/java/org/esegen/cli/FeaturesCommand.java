package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.io.Json;
import org.esegen.io.Npy;
import org.esegen.io.OutputFolder;
import org.esegen.speech.Dataset;
import org.esegen.speech.FeatureSet;
import org.esegen.speech.Features;
import org.esegen.speech.Normalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen features}: the speech front end over a data set, one .npy per utterance. */
@Command(name = "features", mixinStandardHelpOptions = true,
        description = {"Compute the speech features of every recording of a data set (FSDD folder or manifest .csv): "
                + "40 log-mel bands of 25 ms windows every 10 ms with first and second differences, 120 per frame, "
                + "normalized by the training split's statistics. Writes one T x 120 .npy (float32) per utterance, "
                + "manifest.csv (path,label,split,speaker,frames), normalization.json and features.json (the front "
                + "end, the counts, and how much consecutive frames differ).",
                "The .npy files are inputs for infer, compile and cosim (--frames)."})
public final class FeaturesCommand implements Callable<Integer> {
    /** Thresholds of the consecutive-frame statistics (normalized units). */
    static final double[] CHANGE_THRESHOLDS = {0.05, 0.1, 0.25, 0.5, 1.0};

    @Option(names = "--data", paramLabel = "D", required = true,
            description = "a folder in FSDD layout ({label}_{speaker}_{index}.wav) or a manifest .csv")
    Path data;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (replaced)")
    Path out;

    @Option(names = "--normalize", paramLabel = "train|none", defaultValue = "train",
            description = "train (default): subtract the training split's mean and divide by its deviation; none")
    String normalize;

    @Option(names = "--threads", paramLabel = "N", description = "threads (default: the cores)")
    Integer threads;

    @Option(names = "--json", description = "print one JSON object with the counts")
    boolean json;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() throws IOException {
        boolean normalized = switch (normalize.toLowerCase(Locale.ROOT)) {
            case "train" -> true;
            case "none" -> false;
            default -> throw new EsegenException("--normalize " + normalize + ": allowed are train and none");
        };
        long start = System.nanoTime();
        force.check("--out", out, "features", data);
        Dataset dataset = Dataset.load(data);
        FeatureSet set = FeatureSet.extract(dataset, threads == null ? Runtime.getRuntime().availableProcessors()
                : Math.max(1, threads));
        Normalization norm = normalized ? set.trainingNormalization() : null;
        List<double[][]> written = new ArrayList<>();
        Map<String, Object> summary = new LinkedHashMap<>();
        try (OutputFolder folder = force.create("--out", out, "features", data)) {
            StringBuilder manifest = new StringBuilder("path,label,split,speaker,frames\n");
            long frames = 0;
            for (int i = 0; i < set.features().size(); i++) {
                Dataset.Utterance u = dataset.utterances().get(i);
                double[][] f = norm == null ? set.features().get(i) : norm.apply(set.features().get(i));
                written.add(f);
                String name = u.id() + ".npy";
                Path file = folder.resolve(name);
                Files.createDirectories(file.getParent());
                Npy.write(file, f, "<f4");
                manifest.append(csv(name)).append(',').append(csv(u.label())).append(',').append(u.split().cliName())
                        .append(',').append(csv(u.speaker())).append(',').append(f.length).append('\n');
                frames += f.length;
            }
            folder.write("manifest.csv", manifest.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (norm != null) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("features", Features.DIMENSION);
                n.put("mean", norm.mean());
                n.put("std", norm.std());
                folder.write("normalization.json", Json.pretty(n));
            }
            summary.put("data", dataset.source().toString());
            summary.put("utterances", dataset.utterances().size());
            summary.put("train_utterances", dataset.split(Dataset.Split.TRAIN).size());
            summary.put("test_utterances", dataset.split(Dataset.Split.TEST).size());
            summary.put("labels", dataset.labels());
            summary.put("sample_rate", set.sampleRate());
            summary.put("frames", frames);
            summary.put("features_per_frame", Features.DIMENSION);
            summary.put("window_ms", Features.WINDOW_MS);
            summary.put("hop_ms", Features.HOP_MS);
            summary.put("mel_bands", Features.BANDS);
            summary.put("normalized", normalized);
            Map<String, Double> changed = new LinkedHashMap<>();
            double[] fractions = FeatureSet.changedFraction(written, CHANGE_THRESHOLDS);
            for (int k = 0; k < CHANGE_THRESHOLDS.length; k++) {
                changed.put(String.valueOf(CHANGE_THRESHOLDS[k]), fractions[k]);
            }
            summary.put("consecutive_frames_changed_fraction", changed);
            folder.write("features.json", Json.pretty(summary));
            folder.commit();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>(summary);
            line.put("out", out.toAbsolutePath().toString());
            line.put("wall_seconds", seconds);
            System.out.println(Json.line(line));
        } else {
            System.out.printf(Locale.ROOT, "features of %d utterances (%d train, %d test, labels %s), %d frames at %d Hz "
                            + "-> %s in %.1f s%n", dataset.utterances().size(), summary.get("train_utterances"),
                    summary.get("test_utterances"), dataset.labels(), summary.get("frames"), set.sampleRate(), out,
                    seconds);
            System.out.println("consecutive frames: fraction of |x_t - x_(t-1)| >= threshold " + summary.get(
                    "consecutive_frames_changed_fraction"));
        }
        return 0;
    }

    private static String csv(String cell) {
        return cell.contains(",") || cell.contains("\"") ? '"' + cell.replace("\"", "\"\"") + '"' : cell;
    }
}
