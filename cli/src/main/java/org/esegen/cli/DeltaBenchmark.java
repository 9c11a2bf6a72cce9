package org.esegen.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.Generator;
import org.esegen.io.Json;
import org.esegen.io.OutputFolder;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.esegen.speech.Dataset;
import org.esegen.speech.FeatureSet;
import org.esegen.speech.SpeechEvaluation;
import org.esegen.speech.SpeechModel;
import org.esegen.testbench.Cosimulation;

/**
 * The Spartus benchmark ({@code esegen bench} with a delta-engine preset such as {@code spartus}): a
 * DeltaLSTM trained on FSDD with CBTD and deltas, its accuracy on the whole test split (dense float,
 * CBTD float, CBTD + delta through the golden model), and whole test utterances through the generated
 * {@code DeltaAccelerator} under Verilator (KU3 DDR model), bit for bit against the golden model: cycles
 * and latency a sample, the worst sample, fired fractions of x and h, effective throughput, beside
 * Spartus's published 1.0 us and 9.4 TOp/s at 512 MACs. Then the same utterances through a 2-layer stack
 * (the trained layer and a second CBTD layer of H x H, synthetic, for its latency).
 *
 * <p>The models: {@code --model} (and {@code --dense-model} for the dense row), or, without them, the
 * benchmark's own, trained once by {@link #TRAIN} and {@link #COMPRESS} into the user's cache
 * ($ESEGEN_CACHE/models, else ~/.cache/esegen/models; about 55 minutes on 2 cores, deterministic at its
 * seed and one thread) and reused from there.
 */
final class DeltaBenchmark {
    /** Spartus's measured average latency a sample, microseconds (TNNLS 2022, 8 x 64 MACs at 200 MHz). */
    static final double SPARTUS_LATENCY_US = 1.0;
    /** Spartus's effective throughput at batch 1, TOp/s. */
    static final double SPARTUS_EFFECTIVE_TOPS = 9.4;
    /** The test utterances co-simulated by default: one per speaker of the test split's first digits. */
    static final List<String> UTTERANCES = List.of("0_jackson_0", "3_theo_1", "5_nicolas_2", "7_yweweler_3",
            "9_lucas_4");
    /** The benchmark's dense model: {@code esegen train} with these arguments (plus --data and --out). */
    static final List<String> TRAIN = List.of("--cell", "lstm", "--hidden", "1024", "--epochs", "8", "--seed", "1",
            "--threads", "1");
    /** Its CBTD + delta model: {@code esegen compress} of the dense one with these (plus --model, --data, --out). */
    static final List<String> COMPRESS = List.of("--method", "cbtd", "--density", "0.0625", "--preset", "ese",
            "--set", "pesPerChannel=64", "--set", "weightBits=8", "--set", "actFracBits=8", "--set", "maxProjSize=1024",
            "--delta", "0.1,0.1", "--retrain-epochs", "4", "--qat", "--threads", "1");
    /** Seed of the stack's synthetic second layer. */
    static final long STACK_SEED = 2;

    /**
     * What the benchmark runs on.
     *
     * @param data        the FSDD recordings folder (or a manifest)
     * @param model       the CBTD + delta model, or null for the benchmark's own
     * @param denseModel  the dense model it came from, or null (with {@code model} given: no dense row)
     * @param thresholds  the (theta_x, theta_h) pairs, a row each
     * @param utterances  ids of the test utterances co-simulated
     * @param stack       also run the 2-layer stack
     * @param threads     threads for features and evaluation
     */
    record Options(Path data, Path model, Path denseModel, List<double[]> thresholds, List<String> utterances,
                   boolean stack, int threads) {
    }

    private DeltaBenchmark() {
    }

    /** Runs the benchmark into {@code folder}; prints the table or a JSON line a row; 0 when every run is bit-exact. */
    static int run(AcceleratorConfig cfg, Options o, OutputFolder folder, boolean json) throws Exception {
        Models models = models(o);
        Dataset all = Dataset.load(o.data());
        Dataset test = new Dataset(all.source(), all.split(Dataset.Split.TEST));
        FeatureSet features = FeatureSet.extract(test, o.threads());
        FeatureSet.Labelled labelled = features.select(null);
        SpeechModel cbtd = models.cbtd();
        CompiledModel compiled = Compiler.compile(cfg, cbtd.model(), PruningMethod.NONE, 1.0);
        Double denseFloat = models.dense() == null ? null : SpeechEvaluation.run(models.dense(), null,
                labelled.features(), labelled.labels(), o.threads()).accuracy();
        double cbtdFloat = SpeechEvaluation.run(cbtd, null, labelled.features(), labelled.labels(), o.threads())
                .accuracy();
        List<long[][]> inputs = new ArrayList<>();
        for (String id : o.utterances()) {
            inputs.add(Quantizer.quantize(cbtd.normalization().apply(features.features().get(index(test, id))),
                    cfg.activationFormat()));
        }
        Generator.Result rtl = Generator.generate(cfg, folder.resolve("rtl"));
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean allExact = true;
        for (double[] theta : o.thresholds()) {
            SpeechEvaluation.Delta fixed = SpeechEvaluation.runDelta(cbtd, compiled, labelled.features(),
                    labelled.labels(), o.threads(), theta[0], theta[1]);
            Runs runs = cosimulate(rtl, compiled, inputs, theta, folder.resolve(runName("layer", theta)), o);
            Map<String, Object> row = row(cfg, compiled, "1 x lstm (trained)", theta, runs, o.utterances());
            row.put("accuracy_dense_float", denseFloat);
            row.put("accuracy_cbtd_float", cbtdFloat);
            row.put("accuracy_fixed", fixed.evaluation().accuracy());
            row.put("fired_fraction_x_test_split", fixed.firedInputs()[0]);
            row.put("fired_fraction_h_test_split", fixed.firedStates()[0]);
            row.put("test_utterances", labelled.features().size());
            rows.add(row);
            allExact &= runs.bitExact();
        }
        if (o.stack()) {
            double[] theta = o.thresholds().get(0);
            CompiledModel stack = Compiler.compile(cfg.with("maxLayers", 2), stackOf(cfg, compiled),
                    PruningMethod.NONE, 1.0);
            Runs runs = cosimulate(rtl, stack, inputs, theta, folder.resolve(runName("stack", theta)), o);
            Map<String, Object> row = row(cfg, stack, "2 x lstm (trained + synthetic CBTD H x H)", theta, runs,
                    o.utterances());
            rows.add(row);
            allExact &= runs.bitExact();
        }
        rows.forEach(row -> row.put("out", folder.target().resolve(folder.resolve("").relativize(Path.of((String) row
                .get("out")))).toString()));
        folder.write("bench.json", (Json.prettyText(rows) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        folder.commit();
        if (json) {
            rows.forEach(row -> System.out.println(Json.line(row)));
        } else {
            System.out.print(table(cfg, rows, models, folder.target()));
        }
        return allExact ? 0 : CosimFlow.EXIT_MISMATCH;
    }

    private static String runName(String what, double[] theta) {
        return String.format(Locale.ROOT, "%s-%s-%s", what, theta[0], theta[1]);
    }

    /** The models of a run: given, or the benchmark's own. */
    record Models(SpeechModel cbtd, SpeechModel dense, Path cbtdFile, Path denseFile, boolean trained) {
    }

    private static Models models(Options o) {
        if (o.model() != null) {
            return new Models(SpeechModel.readForFeatures(o.model()), o.denseModel() == null ? null
                    : SpeechModel.readForFeatures(o.denseModel()), o.model(), o.denseModel(), false);
        }
        if (o.denseModel() != null) {
            throw new EsegenException("--dense-model is the model --model came from; give --model too, or neither "
                    + "(the benchmark's own models)");
        }
        Path cache = CosimFlow.cacheHome().resolve("models").resolve("spartus-1");
        Path dense = cache.resolve("dense.safetensors");
        Path cbtd = cache.resolve("cbtd.safetensors");
        boolean trained = false;
        if (!Files.isRegularFile(dense)) {
            System.err.println("esegen bench: training the benchmark's dense 120 -> 1024 lstm into " + dense
                    + " (once; about 31 minutes on 2 cores)");
            cli(cache, dense, "train", o.data(), null, TRAIN);
            trained = true;
        }
        if (!Files.isRegularFile(cbtd)) {
            System.err.println("esegen bench: compressing it with CBTD, delta training and QAT into " + cbtd
                    + " (once; about 21 minutes)");
            cli(cache, cbtd, "compress", o.data(), dense, COMPRESS);
            trained = true;
        }
        return new Models(SpeechModel.readForFeatures(cbtd), SpeechModel.readForFeatures(dense), cbtd, dense, trained);
    }

    /**
     * Runs {@code esegen <command>} writing {@code target} (its progress on stderr, its summary line too, so
     * that stdout keeps the benchmark's own), through a temporary file moved into place when complete; the
     * benchmarks that train their own models share it.
     */
    static void cli(Path cache, Path target, String command, Path data, Path model, List<String> recipe) {
        try {
            Files.createDirectories(cache);
            Path partial = cache.resolve(target.getFileName() + ".partial.safetensors");
            List<String> args = new ArrayList<>(List.of(command, "--data", data.toString(), "--out", partial.toString()));
            if (model != null) {
                args.addAll(List.of("--model", model.toString()));
            }
            args.addAll(recipe);
            PrintStream out = System.out;
            int exit;
            try {
                System.setOut(System.err);
                exit = Main.execute(args.toArray(String[]::new));
            } finally {
                System.setOut(out);
            }
            if (exit != 0) {
                Files.deleteIfExists(partial);
                throw new EsegenException("esegen bench: making the benchmark's model failed: esegen " + String.join(" ",
                        args) + " exited " + exit);
            }
            Files.move(partial, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new EsegenException("esegen bench: cannot write the benchmark's models into " + cache + ": "
                    + e.getMessage(), e);
        }
    }

    private static int index(Dataset test, String id) {
        for (int i = 0; i < test.utterances().size(); i++) {
            if (test.utterances().get(i).id().equals(id)) {
                return i;
            }
        }
        throw new EsegenException("--utterance " + id + ": not in the test split of " + test.source()
                + " (FSDD's test split is recordings 0 to " + (Dataset.FSDD_TEST_INDEX - 1) + " of every speaker)");
    }

    /** The trained layer with a second H x H lstm layer, synthetic and CBTD-pruned to the first's K. */
    private static LayerStack stackOf(AcceleratorConfig cfg, CompiledModel trained) {
        LayerWeights first = trained.layer(0).pruned();
        int h = first.hiddenSize();
        LayerWeights second = SyntheticModel.generate(CellKind.LSTM, 1, h, h, h, false, STACK_SEED);
        int k = trained.layer(0).columnBalanced().k();
        int rowsPerPe = 4 * ((h + cfg.pes() - 1) / cfg.pes());
        LayerWeights pruned = Compiler.prune(cfg, second, PruningMethod.CBTD, (double) k / rowsPerPe);
        return new LayerStack(List.of(first, pruned));
    }

    /** Every utterance's co-simulation at one threshold pair. */
    private record Runs(List<Cosimulation.DeltaRun> runs, List<double[]> firedX, List<double[]> firedH) {
        boolean bitExact() {
            return runs.stream().allMatch(Cosimulation.DeltaRun::bitExact);
        }
    }

    private static Runs cosimulate(Generator.Result rtl, CompiledModel compiled, List<long[][]> inputs, double[] theta,
                                   Path dir, Options o) throws Exception {
        List<Cosimulation.DeltaRun> runs = new ArrayList<>();
        List<double[]> firedX = new ArrayList<>();
        List<double[]> firedH = new ArrayList<>();
        GoldenModel.DeltaThresholds thresholds = SpeechEvaluation.goldenModel(compiled).deltaThresholds(theta[0],
                theta[1]);
        for (int u = 0; u < inputs.size(); u++) {
            byte[] image = compiled.image(new long[][][] {inputs.get(u)});
            Cosimulation.DeltaRun run = Cosimulation.runDelta(rtl.simulationSources(), compiled, image, thresholds,
                    CosimFlow.cacheRoot(), dir.resolve(o.utterances().get(u)), Cosimulation.MemoryModel.KU3_DDR3, false);
            GoldenModel.DeltaResult stats = run.golden().channels().get(0);
            firedX.add(stats.firedInputs());
            firedH.add(stats.firedStates());
            runs.add(run);
            System.err.printf(Locale.ROOT, "esegen bench: %s at %s: %d frames, %.1f cycles a frame, %s%n",
                    o.utterances().get(u), runName("thresholds", theta), run.frames(), run.cyclesPerFrame(),
                    run.bitExact() ? "bit-exact" : "MISMATCH " + run.mismatch());
        }
        return new Runs(runs, firedX, firedH);
    }

    /**
     * One row: the runs' figures a sample (a frame of every layer), averaged over every frame of every
     * utterance; fired fractions of layer 0 (x the model's inputs, h its recurrent state), and per layer.
     */
    private static Map<String, Object> row(AcceleratorConfig cfg, CompiledModel compiled, String model, double[] theta,
                                           Runs r, List<String> utterances) {
        long frames = 0;
        long cycles = 0;
        long worst = 0;
        long load = 0;
        int depth = compiled.layers().size();
        double[] firedX = new double[depth];
        double[] firedH = new double[depth];
        for (int u = 0; u < r.runs().size(); u++) {
            Cosimulation.DeltaRun run = r.runs().get(u);
            frames += run.frames();
            cycles += run.cycles() - run.storeLoadCycles();
            load = Math.max(load, run.storeLoadCycles());
            worst = Math.max(worst, run.counters().get("MAX_FRAME_CYCLES") * run.cyclesPerLayer().size());
            for (int k = 0; k < depth; k++) {
                firedX[k] += r.firedX().get(u)[k] * run.frames();
                firedH[k] += r.firedH().get(u)[k] * run.frames();
            }
        }
        double mhz = cfg.clockMhz();
        double cyclesPerSample = (double) cycles / frames;
        double latencyUs = cyclesPerSample / mhz;
        long opsPerSample = 0;
        for (int k = 0; k < compiled.layers().size(); k++) {
            LayerWeights l = compiled.layer(k).pruned();
            opsPerSample += 2L * l.cell().gates() * l.hiddenSize() * l.waColumns();
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("model", model);
        row.put("layers", compiled.layers().size());
        row.put("threshold_x", theta[0]);
        row.put("threshold_h", theta[1]);
        row.put("bit_exact", r.bitExact());
        row.put("mismatch", r.runs().stream().map(Cosimulation.DeltaRun::mismatch).filter(m -> m != null).findFirst()
                .orElse(null));
        row.put("utterances", utterances);
        row.put("frames", frames);
        row.put("macs", cfg.engine().deltaArrays() * cfg.pes());
        row.put("clock_mhz", cfg.clockMhz());
        row.put("cycles_per_sample", cyclesPerSample);
        row.put("latency_us_per_sample", latencyUs);
        row.put("worst_latency_us", worst / mhz);
        row.put("dense_ops_per_sample", opsPerSample);
        row.put("effective_tops", opsPerSample / (latencyUs * 1e6));
        List<Double> xPerLayer = new ArrayList<>();
        List<Double> hPerLayer = new ArrayList<>();
        for (int k = 0; k < depth; k++) {
            xPerLayer.add(firedX[k] / frames);
            hPerLayer.add(firedH[k] / frames);
        }
        row.put("fired_fraction_x", xPerLayer.get(0));
        row.put("fired_fraction_h", hPerLayer.get(0));
        row.put("fired_fraction_x_per_layer", xPerLayer);
        row.put("fired_fraction_h_per_layer", hPerLayer);
        row.put("store_load_us", load / mhz);
        Map<String, Long> counters = new LinkedHashMap<>();
        for (Cosimulation.DeltaRun run : r.runs()) {
            run.counters().forEach((name, value) -> counters.merge(name, value, name.startsWith("MAX_") ? Math::max
                    : Long::sum));
        }
        row.put("counters", counters);
        row.put("spartus_latency_us", SPARTUS_LATENCY_US);
        row.put("spartus_effective_tops", SPARTUS_EFFECTIVE_TOPS);
        row.put("out", r.runs().get(0).runDirectory());
        return row;
    }

    private static String table(AcceleratorConfig cfg, List<Map<String, Object>> rows, Models models, Path out) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Spartus benchmark: DeltaLSTM 120 -> 1024 on FSDD, %d arrays x %d PEs = %d"
                        + " MACs, %d MHz, weights on chip; model %s%n%n", cfg.engine().deltaArrays(), cfg.pes(),
                cfg.engine().deltaArrays() * cfg.pes(), cfg.clockMhz(), models.cbtdFile()));
        s.append("| design | thresholds x, h | bit-exact | latency us / sample (worst) | effective TOp/s | fired x / h"
                + " | accuracy: dense float, CBTD float, CBTD + delta fixed |\n|---|---|---|---|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| Spartus (TNNLS 2022, TIMIT) | 0.1 | - | %.1f | %.1f | ~35 %% of columns "
                + "| - |%n", SPARTUS_LATENCY_US, SPARTUS_EFFECTIVE_TOPS));
        for (Map<String, Object> r : rows) {
            Object dense = r.get("accuracy_dense_float");
            s.append(String.format(Locale.ROOT, "| esegen, %s | %.2f, %.2f | %s | %.3f (%.3f) | %.2f | %.1f / %.1f %% | %s |%n",
                    r.get("model"), (double) r.get("threshold_x"), (double) r.get("threshold_h"),
                    (boolean) r.get("bit_exact") ? "yes" : "NO", (double) r.get("latency_us_per_sample"),
                    (double) r.get("worst_latency_us"), (double) r.get("effective_tops"),
                    100 * (double) r.get("fired_fraction_x"), 100 * (double) r.get("fired_fraction_h"),
                    r.containsKey("accuracy_fixed") ? String.format(Locale.ROOT, "%s, %.2f %%, %.2f %%",
                            dense == null ? "-" : String.format(Locale.ROOT, "%.2f %%", 100 * (double) dense),
                            100 * (double) r.get("accuracy_cbtd_float"), 100 * (double) r.get("accuracy_fixed"))
                            : "- (latency only)"));
        }
        s.append(String.format(Locale.ROOT, "%nLatency a sample: the cycles of every frame of %s (every layer) over "
                + "their frames at %d MHz, the store load (%.1f us, once a run) apart; worst: the longest interval "
                + "between two frames' outputs; effective TOp/s: the dense model's 2 x 4H x (I + H) operations a "
                + "layer over that latency; fired fractions over those utterances (the test split's in --json); "
                + "accuracy over the whole test split. Outputs in %s.%n", rows.get(0).get("utterances"),
                cfg.clockMhz(), (double) rows.get(0).get("store_load_us"), out));
        return s.toString();
    }
}
