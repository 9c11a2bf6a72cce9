package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.cli.sweep.DesignSearch;
import org.esegen.cli.sweep.ModelSource;
import org.esegen.cli.sweep.SearchFolder;
import org.esegen.cli.sweep.SearchQuality;
import org.esegen.cli.sweep.SearchSpace;
import org.esegen.cli.sweep.Shard;
import org.esegen.cli.sweep.Sweep;
import org.esegen.config.AcceleratorConfig;
import org.esegen.hdl.Generator;
import org.esegen.io.Json;
import org.esegen.io.ModelFile;
import org.esegen.io.Npy;
import org.esegen.io.OutputFolder;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.LayerStack;
import org.esegen.speech.Dataset;
import org.esegen.speech.FeatureSet;
import org.esegen.speech.SpeechEvaluation;
import org.esegen.speech.SpeechModel;
import org.esegen.synth.Device;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen search}: the best design for a model on the device at an accuracy floor. */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search PE count, channels, weight and activation widths, pruning method and density for the "
                + "best design that fits the device at an accuracy floor: every candidate is bounded by the compiler "
                + "(stall-free and DDR bounds) and its resources predicted by a model fitted to Yosys runs; accuracy "
                + "is measured through the bit-exact golden model from the best bound down; the best --budget-points "
                + "candidates that reach the floor are co-simulated and synthesized (as a sweep, in DIR/measured), "
                + "and the best measured one that is bit-exact and fits is chosen.",
                "Writes DIR/search.json, candidates.csv|json (every candidate's figures and why it lost), best.json "
                        + "(the pick and the commands that build it) and report.html (with the Pareto front).",
                "Weights stream from DDR or stay on chip (--stores); the engine is the sparse-column one, the only "
                        + "engine built so far.",
                "On a cluster: --shard k/n measures slice k of the shortlist in its own --out; merge the slices' "
                        + "DIR/measured folders with sweep-merge and finish with --measured MERGED "
                        + "(scripts/slurm-sweep.sh --search does all three)."})
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Option(names = "--model", paramLabel = "M.safetensors", required = true,
            description = "the model: a PyTorch state_dict (with --frames) or a model from esegen train (with --data)")
    Path model;

    /** What accuracy is measured on. */
    static final class Data {
        @Option(names = "--data", paramLabel = "D", description = "a speech data set (FSDD folder or manifest .csv): "
                + "top-1 accuracy on its test split through the golden model")
        Path data;

        @Option(names = "--frames", paramLabel = "X.npy", description = "input frames (T x I): SNR of the golden model "
                + "against the unpruned float model")
        Path frames;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Data data;

    /** The floor. */
    static final class Floor {
        @Option(names = "--min-accuracy", paramLabel = "A", description = "least top-1 accuracy, percent (with --data; "
                + "default: the dense float model's accuracy less 1 point)")
        Double minAccuracy;

        @Option(names = "--min-snr", paramLabel = "S", description = "least SNR, dB (with --frames; default 30)")
        Double minSnr;
    }

    @ArgGroup(exclusive = true)
    Floor floor;

    @Option(names = "--snr-against", paramLabel = "dense|pruned", defaultValue = "dense",
            description = "with --frames: the float model the SNR is measured against: dense (pruning and "
                    + "quantization; default) or pruned (quantization alone, for a model whose sparsity is given)")
    String snrAgainst;

    @Option(names = "--device", paramLabel = "ku060", defaultValue = "ku060",
            description = "the device the design must fit (only ku060, the XCKU060, so far)")
    String device;

    @Option(names = "--objective", paramLabel = "latency|throughput", defaultValue = "latency",
            description = "latency: least time per frame; throughput: most frames per second over all channels "
                    + "(default ${DEFAULT-VALUE})")
    String objective;

    @Option(names = "--budget-points", paramLabel = "N", defaultValue = "4",
            description = "candidates co-simulated and synthesized (default ${DEFAULT-VALUE}; 0 picks by bound and "
                    + "predicted fit alone, unconfirmed)")
    int budget;

    @Option(names = "--pes", paramLabel = "N,...", description = "PEs per channel (default "
            + SearchSpace.DEFAULT_PES + ")")
    String pes;

    @Option(names = "--channels", paramLabel = "C,...", description = "channel counts (default "
            + SearchSpace.DEFAULT_CHANNELS + ")")
    String channels;

    @Option(names = "--weight-bits", paramLabel = "B,...", description = "weight widths (default "
            + SearchSpace.DEFAULT_WEIGHT_BITS + ")")
    String weightBits;

    @Option(names = "--act-bits", paramLabel = "B,...", description = "activation widths (default: the preset's; each "
            + "keeps the preset's integer bits)")
    String actBits;

    @Option(names = "--pruning", paramLabel = "M,...", description = "pruning methods: ese, cbtd, global, or none for a "
            + "model pruned in training (default " + SearchSpace.DEFAULT_PRUNING + ")")
    String pruning;

    @Option(names = "--densities", paramLabel = "D,...", description = "fractions of matrix weights kept (default "
            + SearchSpace.DEFAULT_DENSITIES + "; 1 with --pruning none)")
    String densities;

    @Option(names = "--stores", paramLabel = "S,...", description = "weight stores: ddr, onchip (default "
            + SearchSpace.DEFAULT_STORES + ")")
    String stores;

    @Option(names = "--frames-per-point", paramLabel = "T", defaultValue = "4",
            description = "synthetic frames per channel each measured candidate co-simulates (default ${DEFAULT-VALUE})")
    int framesPerPoint;

    @Option(names = "--threads", paramLabel = "N", description = "designs compiled and utterances evaluated at once "
            + "(default: the cores)")
    Integer threads;

    @Option(names = "--jobs", paramLabel = "J", defaultValue = "0",
            description = "candidates measured at once (default: as many as cores and memory allow)")
    int jobs;

    @Option(names = "--shard", paramLabel = "k/n", defaultValue = "1/1",
            description = "measure only slice k of n of the shortlist (the rest of the search is the same in every "
                    + "slice); the pick then waits for --measured")
    String shard;

    @Option(names = "--resume", description = "continue the search in --out: finished measurements are kept")
    boolean resume;

    @Option(names = "--measured", paramLabel = "DIR", description = "take the shortlist's measurements from this "
            + "sweep folder (sweep-merge of the --shard runs' DIR/measured) instead of measuring")
    Path measured;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "search folder")
    Path out;

    @Option(names = "--json", description = "print best.json as one line")
    boolean json;

    @Override
    public Integer call() {
        if (!device.equalsIgnoreCase("ku060")) {
            throw new EsegenException("--device " + device + ": only ku060 (the XCKU060) is supported");
        }
        DesignSearch.Objective goal = DesignSearch.Objective.parse(objective);
        Shard slice = Shard.parse(shard);
        if (measured != null && !slice.equals(Shard.ALL)) {
            throw new EsegenException("--measured takes the whole shortlist's measurements: drop --shard");
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (n < 1) {
            throw new EsegenException("--threads " + n + ": must be at least 1");
        }
        boolean againstPruned = floorOptions();
        AcceleratorConfig base = config.resolve();
        SearchSpace space = SearchSpace.parse(pes, channels, weightBits, actBits, pruning, densities, stores,
                base);
        List<Path> inputs = new ArrayList<>(List.of(model, data.data != null ? data.data : data.frames));
        Path dir = OutputFolder.checkTarget(out, new OutputFolder.Request("--out", "search", false, inputs));
        LayerStack layers;
        SearchQuality quality;
        if (data.data != null) {
            SpeechModel speech = SpeechModel.readForFeatures(model);
            FeatureSet.Labelled test = FeatureSet.extract(Dataset.load(data.data), n).select(Dataset.Split.TEST);
            if (test.features().isEmpty()) {
                throw new EsegenException("--data " + data.data + ": no utterance in the test split");
            }
            double least;
            if (floor != null && floor.minAccuracy != null) {
                least = floor.minAccuracy;
            } else {
                least = 100 * SpeechEvaluation.run(speech, null, test.features(), test.labels(), n).accuracy() - 1;
                System.err.printf(Locale.ROOT, "search: floor %.2f %% (the dense float model's test accuracy less 1 "
                        + "point)%n", least);
            }
            layers = speech.model();
            quality = SearchQuality.speech(speech, test.features(), test.labels(), n, least,
                    data.data.toAbsolutePath().normalize() + " (test split)");
        } else {
            layers = ModelFile.read(model, null);
            double[][] frames = Npy.read(data.frames);
            Quantizer.requireFrameWidth(frames, layers.inputSize(), data.frames.toString());
            double least = floor != null && floor.minSnr != null ? floor.minSnr : 30;
            quality = SearchQuality.snr(layers, frames, least, againstPruned,
                    data.frames.toAbsolutePath().normalize().toString());
        }
        DesignSearch.Spec spec = new DesignSearch.Spec(ModelSource.of(model, null, null), layers, config.preset,
                config.overrides, space, goal, quality, budget, framesPerPoint, Device.XCKU060);
        Sweep.Options options = new Sweep.Options(jobs, slice, resume, 30, CosimFlow.cacheRoot());
        SearchFolder folder = SearchFolder.open(dir, spec, resume);
        DesignSearch.Outcome outcome = DesignSearch.run(spec, options, folder.measuredDir(),
                measured == null ? null : SearchFolder.readMeasured(measured, spec), Generator::generate, n,
                System.err);
        if (!slice.equals(Shard.ALL)) {
            System.out.printf("search %s: measured slice %s of the shortlist in %s; merge the slices' measured "
                    + "folders with sweep-merge, then run the search again with --measured%n", dir, slice,
                    folder.measuredDir());
            return 0;
        }
        folder.writeResults(spec, outcome);
        Map<String, Object> best = SearchFolder.best(spec, outcome);
        if (json) {
            System.out.println(Json.line(best));
        } else {
            System.out.println(summary(goal, outcome, dir));
        }
        return outcome.chosen() == null ? Main.EXIT_INTERNAL : 0;
    }

    /**
     * Checks the floor options against the data given, before anything is loaded.
     *
     * @return whether the SNR is measured against the pruned float model ({@code --snr-against pruned})
     */
    private boolean floorOptions() {
        boolean againstPruned = switch (snrAgainst.toLowerCase(Locale.ROOT)) {
            case "dense" -> false;
            case "pruned" -> true;
            default -> throw new EsegenException("--snr-against " + snrAgainst + ": allowed are dense and pruned");
        };
        if (floor == null) {
            return againstPruned;
        }
        if (data.data != null && floor.minSnr != null) {
            throw new EsegenException("--min-snr goes with --frames; with --data give --min-accuracy (percent)");
        }
        if (data.frames != null && floor.minAccuracy != null) {
            throw new EsegenException("--min-accuracy goes with --data; with --frames give --min-snr (dB)");
        }
        if (floor.minAccuracy != null && !(floor.minAccuracy > 1 && floor.minAccuracy <= 100)) {
            throw new EsegenException("--min-accuracy " + floor.minAccuracy + ": a percentage in (1, 100], e.g. 95 "
                    + "(not a fraction)");
        }
        if (floor.minSnr != null && !Double.isFinite(floor.minSnr)) {
            throw new EsegenException("--min-snr " + floor.minSnr + ": must be a finite number of dB, e.g. 30");
        }
        return againstPruned;
    }

    private static String summary(DesignSearch.Objective goal, DesignSearch.Outcome o, Path dir) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "search %s: %d candidates, %d designs compiled, %d accuracy runs%n", dir,
                o.assessments().size(), o.designs(), o.qualityRuns()));
        DesignSearch.Assessment a = o.chosen();
        if (a == null) {
            s.append("no design qualifies; see ").append(dir.resolve("candidates.csv")).append('\n');
        } else {
            s.append("chosen ").append(a.candidate().id()).append(": ").append(a.verdict()).append('\n');
            if (a.measured() != null && a.measured().latencyUs() != null) {
                s.append(String.format(Locale.ROOT, "  %.2f us a frame, %,.0f frames/s on the device, %d LUT, %d FF, "
                                + "%d DSP, %.1f BRAM36 (Yosys)%n", a.measured().latencyUs(),
                        a.measuredObjective(DesignSearch.Objective.THROUGHPUT), a.measured().lut(),
                        a.measured().ff(), a.measured().dsp(), a.measured().bram36()));
            }
        }
        s.append("wrote ").append(dir.resolve("report.html")).append(", best.json, candidates.csv");
        return s.toString();
    }
}
