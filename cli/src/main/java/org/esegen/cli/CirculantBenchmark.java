package org.esegen.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.circulant.BlockCirculant;
import org.esegen.circulant.CirculantModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.config.Xcku060;
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
import org.esegen.synth.Device;
import org.esegen.synth.Resources;
import org.esegen.synth.YosysEstimate;
import org.esegen.testbench.Cosimulation;

/**
 * The E-RNN / C-LSTM benchmark ({@code esegen bench} with a circulant-engine preset such as {@code ernn}): for
 * each block size b, ESE's model shape (153 / 1024 / 512 lstmp with peepholes, synthetic weights projected onto
 * b x b circulant blocks) through the generated {@code CirculantAccelerator} under Verilator (KU3 DDR model), 1
 * and T frames, bit for bit against the golden model: the latency of a frame and the steady-state cycles a frame;
 * the whole design's Yosys estimate at the largest channel count that fits the XCKU060 (found from the estimates
 * of 1 and 2 channels, then confirmed; the logic depth measured at 1 and 2 channels only, since flattening the
 * largest designs takes more memory than this machine's 24 GB), hence frames a second on the device; and the
 * accuracy on FSDD of the
 * 120 / 1024 / 512 lstmp trained by the real-speech flow, dense, circulant at b = 4, 8, 16 and ESE-pruned at the
 * same weight counts, in float and through the golden models.
 *
 * <p>The accuracy models: {@code --model-dir} (files named as {@link #modelFile}), or the benchmark's own, trained
 * once by {@link #TRAIN} and the compress recipes into the user's cache ($ESEGEN_CACHE/models/ernn-1, else
 * ~/.cache/esegen/models/ernn-1; about 80 minutes on 2 cores, deterministic at its seed and one thread).
 */
final class CirculantBenchmark {
    /** C-LSTM's claim for the ESE model at b = 8 on the KU060: 18.8 x ESE's 17,544 frames/s (FPGA 2018). */
    static final double CLSTM_FRAMES_PER_SECOND = 18.8 * 1e6 / 57.0;
    /** ESE's 32 channels on the KU060 (FPGA 2017): 32 / 82.7 us. */
    static final double ESE_DEVICE_FRAMES_PER_SECOND = 32 / 82.7e-6;
    /** Block sizes whose accuracy is measured, with ESE pruning at the same weight count (density 1 / b). */
    static final List<Integer> ACCURACY_BLOCKS = List.of(4, 8, 16);
    /** The dense accuracy model: {@code esegen train} with these arguments (plus --data and --out). */
    static final List<String> TRAIN = List.of("--hidden", "1024", "--proj", "512", "--peepholes", "--epochs", "8",
            "--lr", "0.001", "--seed", "1", "--threads", "1");
    /** Seed of the benchmark's synthetic ESE-shaped layer and frames. */
    static final long SEED = 153;
    private static final int INPUT_SIZE = 153;
    private static final int HIDDEN_SIZE = 1024;
    private static final int PROJ_SIZE = 512;

    /**
     * What the benchmark runs.
     *
     * @param data           the FSDD recordings (for the accuracy)
     * @param blockSizes     the block sizes of the hardware rows
     * @param frames         T, frames of the long co-simulation (at least 2)
     * @param cosimChannels  channels of the co-simulated design (lockstep)
     * @param synthChannels  channel counts to estimate (the largest that fits is the device's); empty: search
     * @param synth          run Yosys at all
     * @param accuracy       measure the accuracy (training the models if missing)
     * @param modelDir       the accuracy models, or null for the benchmark's own
     * @param threads        threads for features and evaluation
     */
    record Options(Path data, List<Integer> blockSizes, int frames, int cosimChannels, List<Integer> synthChannels,
                   boolean synth, boolean accuracy, Path modelDir, int threads) {
    }

    private CirculantBenchmark() {
    }

    /** The config of block size b: the preset's, b x b blocks, 128 / b gate lanes and 64 / b projection lanes. */
    static AcceleratorConfig configFor(AcceleratorConfig base, int block, int channels) {
        return base.with(Map.of("circulantBlock", block, "circulantLanes", Math.max(1, 128 / block),
                "circulantProjLanes", Math.max(1, 64 / block), "channels", channels));
    }

    /** Runs the benchmark into {@code folder}; prints the table or a JSON line a row; 0 when every run is bit-exact. */
    static int run(AcceleratorConfig base, Options o, OutputFolder folder, boolean json) throws Exception {
        if (o.frames() < 2) {
            throw new EsegenException("--frames " + o.frames() + ": the circulant benchmark needs at least 2 (a frame's "
                    + "latency from 1, the steady state from T)");
        }
        Map<String, Object> accuracy = o.accuracy() ? accuracy(o) : Map.of();
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean allExact = true;
        for (int block : o.blockSizes()) {
            Map<String, Object> row = hardware(base, block, o, folder);
            row.putAll(accuracy);
            Object fixed = accuracy.get("accuracy_circulant_fixed_b" + block);
            row.put("accuracy_fixed", fixed);
            rows.add(row);
            allExact &= (boolean) row.get("bit_exact");
            if (json) {
                System.out.println(Json.line(row));
            }
        }
        folder.write("bench.json", (Json.prettyText(rows) + "\n").getBytes(StandardCharsets.UTF_8));
        folder.commit();
        if (!json) {
            System.out.print(table(rows, folder.target()));
        }
        return allExact ? 0 : CosimFlow.EXIT_MISMATCH;
    }

    /** One block size's hardware figures: co-simulation, synthesis, device frames a second. */
    private static Map<String, Object> hardware(AcceleratorConfig base, int block, Options o, OutputFolder folder)
            throws Exception {
        String name = "b" + block;
        AcceleratorConfig cfg = configFor(base, block, o.cosimChannels());
        LayerWeights dense = SyntheticModel.generate(CellKind.LSTMP, 0, INPUT_SIZE, HIDDEN_SIZE, PROJ_SIZE, true, SEED);
        CirculantModel model = CirculantModel.compile(cfg, LayerStack.of(BlockCirculant.project(dense, block)));
        Generator.Result rtl = Generator.generate(cfg, folder.resolve(name).resolve("rtl"));
        Cosimulation.CirculantRun one = cosimulate(cfg, model, rtl, 1, folder.resolve(name).resolve("frames-1"));
        Cosimulation.CirculantRun many = cosimulate(cfg, model, rtl, o.frames(),
                folder.resolve(name).resolve("frames-" + o.frames()));
        double mhz = cfg.clockMhz();
        double latencyCycles = one.cycles() - one.storeLoadCycles();
        double steadyCycles = (many.cycles() - many.storeLoadCycles() - latencyCycles) / (o.frames() - 1);
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("block_size", block);
        row.put("gate_lanes", cfg.engine().circulantLanes());
        row.put("proj_lanes", cfg.engine().circulantProjLanes());
        row.put("model", INPUT_SIZE + "/" + HIDDEN_SIZE + "/" + PROJ_SIZE + " lstmp, peepholes, synthetic, projected");
        row.put("stored_weights", model.storedWeights());
        row.put("weight_reduction", (double) denseWeights() / model.storedWeights());
        row.put("real_multiplies_per_frame", multipliesPerFrame(model));
        row.put("bit_exact", one.bitExact() && many.bitExact());
        row.put("mismatch", one.bitExact() ? many.mismatch() : one.mismatch());
        row.put("cosim_channels", o.cosimChannels());
        row.put("frames", o.frames());
        row.put("clock_mhz", cfg.clockMhz());
        row.put("latency_cycles", latencyCycles);
        row.put("latency_us", latencyCycles / mhz);
        row.put("steady_cycles_per_frame", steadyCycles);
        row.put("steady_us_per_frame", steadyCycles / mhz);
        row.put("weight_load_us", many.storeLoadCycles() / mhz);
        row.put("counters", many.counters());
        if (o.synth()) {
            Fit fit = fit(base, block, o, folder.resolve(name));
            Resources r = fit.resources();
            double fps = fit.channels() * mhz * 1e6 / steadyCycles;
            row.put("device_channels", fit.channels());
            row.put("frames_per_second_device", fps);
            row.put("lut", r.lut() + r.lutMemory());
            row.put("lut_logic", r.lut());
            row.put("lut_memory", r.lutMemory());
            row.put("ff", r.ff());
            row.put("dsp", r.dsp());
            row.put("bram36", r.bram36());
            row.put("frames_per_second_per_dsp", fps / r.dsp());
            row.put("frames_per_second_per_klut", 1000 * fps / (r.lut() + r.lutMemory()));
            row.put("frames_per_second_per_bram36", fps / r.bram36());
            double bound = Xcku060.DSPS * mhz * 1e6 / multipliesPerFrame(model);
            row.put("dsp_bound_frames_per_second", bound);
            row.put("fraction_of_dsp_bound", fps / bound);
            row.put("estimates", fit.tried());
        }
        row.put("clstm_frames_per_second", CLSTM_FRAMES_PER_SECOND);
        row.put("ese_device_frames_per_second", ESE_DEVICE_FRAMES_PER_SECOND);
        row.put("out", folder.target().resolve(name).toString());
        System.err.printf(Locale.ROOT, "esegen bench: b = %d: %s, latency %.2f us, %.1f cycles a frame in steady state%n",
                block, (boolean) row.get("bit_exact") ? "bit-exact" : "MISMATCH " + row.get("mismatch"),
                latencyCycles / mhz, steadyCycles);
        return row;
    }

    private static long denseWeights() {
        return 4L * HIDDEN_SIZE * (INPUT_SIZE + PROJ_SIZE) + (long) PROJ_SIZE * HIDDEN_SIZE;
    }

    /**
     * Real multiplies of one frame in the engines' arithmetic: per stored block 3 (b/2 - 1) + 2 (a complex bin
     * three, bins 0 and b/2 one each), over the gate and projection matrices; the FFTs' few multipliers apart.
     */
    static long multipliesPerFrame(CirculantModel model) {
        long blocks = 0;
        int block = model.config().engine().circulantBlock();
        for (CirculantModel.Layer l : model.layers()) {
            blocks += (long) l.gates().matrix().rowBlocks() * l.gates().matrix().colBlocks();
            if (l.projection() != null) {
                blocks += (long) l.projection().matrix().rowBlocks() * l.projection().matrix().colBlocks();
            }
        }
        return blocks * (3L * (block / 2 - 1) + 2);
    }

    private static Cosimulation.CirculantRun cosimulate(AcceleratorConfig cfg, CirculantModel model,
                                                        Generator.Result rtl, int frames, Path dir) throws Exception {
        long[][][] inputs = new long[cfg.channels()][][];
        for (int ch = 0; ch < inputs.length; ch++) {
            inputs[ch] = Quantizer.quantize(SyntheticModel.frames(frames, INPUT_SIZE, SEED + 1 + ch),
                    cfg.activationFormat());
        }
        Cosimulation.CirculantRun run = Cosimulation.runCirculant(rtl.simulationSources(), model, model.image(inputs),
                CosimFlow.cacheRoot(), dir, Cosimulation.MemoryModel.KU3_DDR3, false);
        System.err.printf(Locale.ROOT, "esegen bench: b = %d, %d channels, %d frames: %d cycles (%d loading the "
                        + "spectra), %s%n", cfg.engine().circulantBlock(), cfg.channels(), frames, run.cycles(),
                run.storeLoadCycles(), run.bitExact() ? "bit-exact" : "MISMATCH " + run.mismatch());
        return run;
    }

    /** The device's channel count and its whole-design estimate, with every estimate made on the way. */
    private record Fit(int channels, Resources resources, List<Map<String, Object>> tried) {
    }

    private static Fit fit(AcceleratorConfig base, int block, Options o, Path dir) {
        List<Map<String, Object>> tried = new ArrayList<>();
        Map<Integer, Resources> estimates = new LinkedHashMap<>();
        List<Integer> candidates = new ArrayList<>(o.synthChannels());
        if (candidates.isEmpty()) {
            Resources one = estimate(base, block, 1, dir, tried, estimates);
            Resources two = estimate(base, block, 2, dir, tried, estimates);
            int predicted = predictedChannels(one, two);
            for (int c = Math.max(1, predicted); c >= 1; c--) {
                candidates.add(c);
            }
        }
        int best = 0;
        for (int c : candidates) {
            Resources r = estimates.containsKey(c) ? estimates.get(c) : estimate(base, block, c, dir, tried, estimates);
            if (Device.XCKU060.fits(r) && c > best) {
                best = c;
                if (o.synthChannels().isEmpty()) {
                    break;
                }
            }
        }
        if (best == 0) {
            throw new EsegenException("circulant benchmark, b = " + block + ": no estimated channel count fits the "
                    + "XCKU060 (estimates: " + tried + ")");
        }
        return new Fit(best, estimates.get(best), tried);
    }

    /** The most channels the 1- and 2-channel estimates extrapolate to within the device. */
    static int predictedChannels(Resources one, Resources two) {
        double[] base = {one.lut() + one.lutMemory(), one.ff(), one.dsp(), one.bram36()};
        double[] next = {two.lut() + two.lutMemory(), two.ff(), two.dsp(), two.bram36()};
        double[] limit = {Xcku060.LUTS, Xcku060.FFS, Xcku060.DSPS, Xcku060.BRAM36};
        int most = Integer.MAX_VALUE;
        for (int k = 0; k < base.length; k++) {
            double slope = next[k] - base[k];
            if (slope > 0) {
                most = Math.min(most, 1 + (int) Math.floor((limit[k] - base[k]) / slope));
            }
        }
        return most == Integer.MAX_VALUE ? 2 : Math.min(most, 64);
    }

    private static Resources estimate(AcceleratorConfig base, int block, int channels, Path dir,
                                      List<Map<String, Object>> tried, Map<Integer, Resources> estimates) {
        AcceleratorConfig cfg = configFor(base, block, channels);
        Path work = dir.resolve("synth-" + channels + "ch");
        long start = System.nanoTime();
        Generator.Result rtl = Generator.generate(cfg, work.resolve("rtl"));
        System.err.printf(Locale.ROOT, "esegen bench: b = %d: Yosys estimate of the whole design at %d channels ...%n",
                block, channels);
        YosysEstimate e = YosysEstimate.run(rtl.verilog(), Generator.top(cfg), work.resolve("yosys"), channels <= 2);
        Resources r = e.total();
        Device.Utilization u = Device.XCKU060.utilization(r);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("channels", channels);
        entry.put("lut", r.lut());
        entry.put("lut_memory", r.lutMemory());
        entry.put("ff", r.ff());
        entry.put("dsp", r.dsp());
        entry.put("bram36", r.bram36());
        entry.put("utilization_percent", Map.of("lut", u.lut(), "ff", u.ff(), "dsp", u.dsp(), "bram36", u.bram36()));
        entry.put("fits", Device.XCKU060.fits(r));
        entry.put("deepest_path_lut_levels", e.deepestPath() == null ? null : e.deepestPath().lutLevels());
        entry.put("seconds", (System.nanoTime() - start) / 1e9);
        tried.add(entry);
        estimates.put(channels, r);
        System.err.printf(Locale.ROOT, "esegen bench: b = %d, %d channels: %d LUT + %d LUTRAM, %d FF, %d DSP, %.1f "
                        + "BRAM36: %s%n", block, channels, r.lut(), r.lutMemory(), r.ff(), r.dsp(), r.bram36(),
                Device.XCKU060.fits(r) ? "fits" : "does not fit");
        return r;
    }

    /** File of an accuracy model in the model folder: dense, circulant-b{b}, ese-{density}. */
    static String modelFile(String kind) {
        return kind + ".safetensors";
    }

    private static String eseKind(int block) {
        return "ese-" + (1.0 / block);
    }

    /** The accuracy figures: dense float, per b circulant float and fixed, ESE pruning at 1 / b float and fixed. */
    private static Map<String, Object> accuracy(Options o) {
        Path dir = o.modelDir() != null ? o.modelDir() : CosimFlow.cacheHome().resolve("models").resolve("ernn-1");
        Path dense = dir.resolve(modelFile("dense"));
        if (o.modelDir() == null) {
            trainMissing(dir, dense, o.data());
        }
        Dataset all = Dataset.load(o.data());
        Dataset test = new Dataset(all.source(), all.split(Dataset.Split.TEST));
        FeatureSet.Labelled set = FeatureSet.extract(test, o.threads()).select(null);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("accuracy_models", dir.toString());
        a.put("test_utterances", set.features().size());
        a.put("accuracy_dense_float", floatAccuracy(dense, set, o.threads()));
        for (int b : ACCURACY_BLOCKS) {
            Path circulant = dir.resolve(modelFile("circulant-b" + b));
            SpeechModel m = SpeechModel.readForFeatures(circulant);
            AcceleratorConfig cfg = Presets.resolve("ernn", List.of("circulantBlock=" + b));
            CirculantModel compiled = CirculantModel.compile(cfg, m.model());
            a.put("accuracy_circulant_float_b" + b, floatAccuracy(circulant, set, o.threads()));
            a.put("accuracy_circulant_fixed_b" + b, SpeechEvaluation.runFixed(m, cfg.activationFormat(), compiled::run,
                    set.features(), set.labels(), o.threads()).accuracy());
            a.put("weights_circulant_b" + b, compiled.parameters());
            Path ese = dir.resolve(modelFile(eseKind(b)));
            SpeechModel pruned = SpeechModel.readForFeatures(ese);
            AcceleratorConfig eseCfg = Presets.resolve("ese", List.of("entryFifoDepth=1024"));
            a.put("accuracy_ese_float_b" + b, floatAccuracy(ese, set, o.threads()));
            a.put("accuracy_ese_fixed_b" + b, SpeechEvaluation.run(pruned, Compiler.compile(eseCfg, pruned.model(),
                    PruningMethod.NONE, 1.0), set.features(), set.labels(), o.threads()).accuracy());
            a.put("weights_ese_b" + b, Math.round(pruned.model().matrixDensity() * pruned.model().matrixWeights()));
            System.err.printf(Locale.ROOT, "esegen bench: accuracy at b = %d: circulant %.2f %%, ESE pruning %.2f %% "
                    + "(fixed)%n", b, 100 * (double) a.get("accuracy_circulant_fixed_b" + b),
                    100 * (double) a.get("accuracy_ese_fixed_b" + b));
        }
        return a;
    }

    private static double floatAccuracy(Path model, FeatureSet.Labelled set, int threads) {
        return SpeechEvaluation.run(SpeechModel.readForFeatures(model), null, set.features(), set.labels(), threads)
                .accuracy();
    }

    /** Trains the dense model and compresses it (circulant at b, ESE pruning at 1 / b) where a file is missing. */
    private static void trainMissing(Path dir, Path dense, Path data) {
        if (!Files.isRegularFile(dense)) {
            System.err.println("esegen bench: training the accuracy model, 120 / 1024 / 512 lstmp, into " + dense
                    + " (once; about 11 minutes)");
            DeltaBenchmark.cli(dir, dense, "train", data, null, TRAIN);
        }
        for (int b : ACCURACY_BLOCKS) {
            Path circulant = dir.resolve(modelFile("circulant-b" + b));
            if (!Files.isRegularFile(circulant)) {
                System.err.println("esegen bench: compressing it to " + b + " x " + b + " circulant blocks into "
                        + circulant + " (once; about 12 minutes)");
                DeltaBenchmark.cli(dir, circulant, "compress", data, dense, List.of("--method", "circulant", "--block",
                        Integer.toString(b), "--admm-epochs", "3", "--retrain-epochs", "3", "--threads", "1"));
            }
            Path ese = dir.resolve(modelFile(eseKind(b)));
            if (!Files.isRegularFile(ese)) {
                System.err.println("esegen bench: ESE-pruning it to density 1/" + b + " into " + ese
                        + " (once; about 8 minutes)");
                DeltaBenchmark.cli(dir, ese, "compress", data, dense, List.of("--method", "ese", "--density", Double.toString(1.0 / b),
                        "--preset", "ese", "--retrain-epochs", "3", "--threads", "1"));
            }
        }
    }

    private static String table(List<Map<String, Object>> rows, Path out) {
        StringBuilder s = new StringBuilder();
        s.append("E-RNN / C-LSTM benchmark: ESE's model shape (153 / 1024 / 512 lstmp, peepholes) on block-circulant "
                + "weights, 16-bit spectra and activations, weights on chip\n\n");
        s.append("| design | weights | bit-exact | latency us | steady us / frame | channels | frames/s on the KU060 | "
                + "LUT | DSP | BRAM36 | frames/s per DSP | % of DSP bound |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        s.append(String.format(Locale.ROOT, "| C-LSTM (FPGA 2018), b = 8 | 8x fewer | - | - | - | - | %.0f (claim) | - |"
                + " - | - | - | - |%n", CLSTM_FRAMES_PER_SECOND));
        s.append(String.format(Locale.ROOT, "| ESE (FPGA 2017), 32 channels | 11.2 %% | - | 82.7 | 82.7 | 32 | %.0f | "
                + "- | - | - | - | - |%n", ESE_DEVICE_FRAMES_PER_SECOND));
        for (Map<String, Object> r : rows) {
            boolean synth = r.containsKey("device_channels");
            s.append(String.format(Locale.ROOT, "| esegen, b = %d (%d + %d lanes) | %,d (%.1fx fewer) | %s | %.2f | %.2f "
                            + "| %s | %s | %s | %s | %s | %s | %s |%n", (int) r.get("block_size"),
                    (int) r.get("gate_lanes"), (int) r.get("proj_lanes"), (long) r.get("stored_weights"),
                    (double) r.get("weight_reduction"), (boolean) r.get("bit_exact") ? "yes" : "NO",
                    (double) r.get("latency_us"), (double) r.get("steady_us_per_frame"),
                    synth ? r.get("device_channels").toString() : "-",
                    synth ? String.format(Locale.ROOT, "%.0f", (double) r.get("frames_per_second_device")) : "-",
                    synth ? String.format(Locale.ROOT, "%,d", (long) r.get("lut")) : "-",
                    synth ? r.get("dsp").toString() : "-",
                    synth ? String.format(Locale.ROOT, "%.1f", (double) r.get("bram36")) : "-",
                    synth ? String.format(Locale.ROOT, "%.1f", (double) r.get("frames_per_second_per_dsp")) : "-",
                    synth ? String.format(Locale.ROOT, "%.1f", 100 * (double) r.get("fraction_of_dsp_bound")) : "-"));
        }
        Map<String, Object> first = rows.get(0);
        if (first.containsKey("accuracy_dense_float")) {
            s.append(String.format(Locale.ROOT, "%nAccuracy on the FSDD test split (%d utterances), 120 / 1024 / 512 "
                    + "lstmp trained by esegen train; dense float %.2f %%%n%n| b | circulant weights | float | fixed "
                    + "(circulant golden model) | ESE pruning at 1/b: weights | float | fixed (sparse golden model) |%n"
                    + "|---|---|---|---|---|---|---|%n", (int) first.get("test_utterances"),
                    100 * (double) first.get("accuracy_dense_float")));
            for (int b : ACCURACY_BLOCKS) {
                s.append(String.format(Locale.ROOT, "| %d | %,d | %.2f %% | %.2f %% | %,d | %.2f %% | %.2f %% |%n", b,
                        (long) first.get("weights_circulant_b" + b),
                        100 * (double) first.get("accuracy_circulant_float_b" + b),
                        100 * (double) first.get("accuracy_circulant_fixed_b" + b),
                        (long) first.get("weights_ese_b" + b), 100 * (double) first.get("accuracy_ese_float_b" + b),
                        100 * (double) first.get("accuracy_ese_fixed_b" + b)));
            }
        }
        s.append(String.format(Locale.ROOT, "%nLatency: one frame from the spectra being in to its outputs written; "
                + "steady: (cycles of T frames - cycles of 1) / (T - 1), at %d channels in lockstep; frames/s on the "
                + "KU060: the most channels whose whole-design Yosys estimate fits (LUT + LUTRAM, FF, DSP, BRAM36) x "
                + "clock / steady cycles; DSP bound: 2,760 DSPs x clock / real multiplies a frame. Outputs in %s.%n",
                (int) first.get("cosim_channels"), out));
        return s.toString();
    }
}
