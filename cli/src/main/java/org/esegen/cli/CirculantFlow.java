package org.esegen.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.circulant.BlockCirculant;
import org.esegen.circulant.CirculantModel;
import org.esegen.config.AcceleratorConfig;
import org.esegen.golden.Accuracy;
import org.esegen.golden.Evaluation;
import org.esegen.hdl.Generator;
import org.esegen.io.Json;
import org.esegen.io.OutputFolder;
import org.esegen.rnn.LayerStack;
import org.esegen.testbench.Cosimulation;

/**
 * {@code compile} and {@code cosim} with the block-circulant engine ({@code engine = 2}): the model projected onto
 * b x b circulant blocks (the mean of each wrapped diagonal; a model trained by {@code compress --method circulant}
 * is already circulant and projects onto itself), compiled by {@link CirculantModel} into the image, the golden
 * model's outputs against the float runs of the projected and of the given model, and for {@code cosim} the
 * generated {@code CirculantAccelerator} under Verilator with the KU3 DDR model, every output of every layer and
 * channel compared bit for bit. {@link #compile} also makes the sweeps' circulant points.
 */
public final class CirculantFlow {
    private CirculantFlow() {
    }

    /**
     * One compile: the model, its image, the frames and the golden model's (last layer's outputs from the image)
     * accuracy against the float runs of the projected model and of the given one.
     */
    public record Compiled(CirculantModel model, LayerStack projected, byte[] image, FrameSet inputs,
                           Accuracy vsCirculant, Accuracy vsGiven, String source) {

        /** The compile report ({@code report.json}). */
        Map<String, Object> report() {
            AcceleratorConfig cfg = model.config();
            int block = cfg.engine().circulantBlock();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", source);
            r.put("engine", "circulant");
            r.put("block_size", block);
            r.put("input_size", projected.inputSize());
            r.put("output_size", projected.outputSize());
            r.put("layers", layers());
            r.put("gate_lanes", cfg.engine().circulantLanes());
            r.put("proj_lanes", cfg.engine().circulantProjLanes());
            r.put("channels", cfg.channels());
            r.put("clock_mhz", cfg.clockMhz());
            r.put("dense_weights", projected.matrixWeights());
            r.put("parameters", model.parameters());
            r.put("stored_weights", model.storedWeights());
            r.put("real_multiplies_per_frame", CirculantBenchmark.multipliesPerFrame(model));
            r.put("ideal_mac_cycles_per_frame", model.macCyclesPerFrame());
            r.put("image_bytes", image.length);
            r.put("frames", inputs.frames());
            r.put("snr_db", vsCirculant.snrDb());
            r.put("max_abs_error", vsCirculant.maxAbsError());
            r.put("snr_db_vs_given", vsGiven.snrDb());
            r.put("max_abs_error_vs_given", vsGiven.maxAbsError());
            return r;
        }

        /** Each layer's cell and sizes, for the reports. */
        List<Map<String, Object>> layers() {
            return projected.layers().stream().map(l -> {
                Map<String, Object> layer = new LinkedHashMap<>();
                layer.put("cell", l.cell().cliName());
                layer.put("input_size", l.inputSize());
                layer.put("hidden_size", l.hiddenSize());
                layer.put("proj_size", l.projSize());
                return layer;
            }).toList();
        }

        String summary() {
            AcceleratorConfig cfg = model.config();
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "model       %s: %s, circulant %d x %d blocks%n", source,
                    CosimFlow.layersText(projected.layers()), cfg.engine().circulantBlock(),
                    cfg.engine().circulantBlock()));
            s.append(String.format(Locale.ROOT, "storage     %d stored weights (%d trained) for %d dense (%.1fx fewer), "
                    + "image %d bytes%n", model.storedWeights(), model.parameters(), projected.matrixWeights(),
                    (double) projected.matrixWeights() / model.storedWeights(), image.length));
            s.append(String.format(Locale.ROOT, "schedule    %d + %d lanes, %d MAC cycles a frame (gates and projection),"
                    + " %d real multiplies a frame%n", cfg.engine().circulantLanes(), cfg.engine().circulantProjLanes(),
                    model.macCyclesPerFrame(), CirculantBenchmark.multipliesPerFrame(model)));
            s.append(String.format(Locale.ROOT, "accuracy    golden model over %d frames: SNR %.2f dB (max err %.3g) vs "
                    + "float circulant; %.2f dB vs the given model%n", inputs.frames(), vsCirculant.snrDb(),
                    vsCirculant.maxAbsError(), vsGiven.snrDb()));
            return s.toString();
        }
    }

    /** Loads the frames ({@code framesFile}, or {@code numFrames} synthetic ones a channel) and {@link #compile}s. */
    static Compiled compile(AcceleratorConfig cfg, LayerStack weights, ModelOptions model, Path framesFile,
                            int numFrames, String framesOption) {
        return compile(cfg, weights, FrameSet.load(cfg, weights, framesFile, numFrames, framesOption, model.frameSeed()),
                model.describe());
    }

    /**
     * Projects {@code weights} onto the config's circulant blocks, compiles the image of {@code inputs} and runs the
     * golden model on it ({@link CirculantModel#expectedImage}).
     *
     * @param source what the model is, for the reports
     */
    public static Compiled compile(AcceleratorConfig cfg, LayerStack weights, FrameSet inputs, String source) {
        LayerStack projected = BlockCirculant.project(weights, cfg.engine().circulantBlock());
        CirculantModel compiled = CirculantModel.compile(cfg, projected);
        byte[] image = compiled.image(inputs.raw());
        long[][][] last = compiled.expectedImage(image).outputs()[compiled.layers().size() - 1];
        double[][][] outputs = Evaluation.dequantized(last, cfg.activationFormat());
        return new Compiled(compiled, projected, image, inputs, Evaluation.against(outputs, projected, inputs.real()),
                Evaluation.against(outputs, weights, inputs.real()), source);
    }

    /** Writes a compile's files into {@code folder}: image.bin, config.json, layout.json, report.json. */
    static void write(Compiled c, Map<String, Object> report, OutputFolder folder) {
        folder.write("image.bin", c.image());
        folder.write("config.json", Json.pretty(c.model().config().toFieldMap()));
        folder.write("layout.json", Json.pretty(c.model().layout(c.inputs().frames()).describeSections()));
        folder.write("report.json", Json.pretty(report));
    }

    /** The co-simulation's figures and whether it was bit-exact. */
    record Outcome(Map<String, Object> figures, boolean bitExact) {
    }

    /** Compiles, generates and co-simulates into {@code folder} (committed once the simulation finished). */
    static Outcome cosim(AcceleratorConfig cfg, LayerStack weights, ModelOptions model, Path framesFile, int frames,
                         String framesOption, boolean trace, OutputFolder folder) {
        long start = System.nanoTime();
        Compiled c = compile(cfg, weights, model, framesFile, frames, framesOption);
        try {
            folder.write("config.json", Json.pretty(cfg.toFieldMap()));
            folder.write("image.bin", c.image());
            Generator.Result rtl = Generator.generate(cfg, folder.resolve("rtl"));
            Cosimulation.CirculantRun run = Cosimulation.runCirculant(rtl.simulationSources(), c.model(), c.image(),
                    CosimFlow.cacheRoot(), folder.resolve("cosim"), Cosimulation.MemoryModel.KU3_DDR3, trace);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("bit_exact", run.bitExact());
            f.put("mismatch", run.mismatch());
            f.put("frames", run.frames());
            f.put("channels", cfg.channels());
            f.put("block_size", cfg.engine().circulantBlock());
            f.put("layers", c.layers());
            f.put("cycles", run.cycles());
            f.put("weight_load_cycles", run.storeLoadCycles());
            f.put("cycles_per_frame", run.cyclesPerFrame());
            f.put("latency_us", run.cyclesPerFrame() / cfg.clockMhz());
            f.put("ideal_mac_cycles_per_frame", c.model().macCyclesPerFrame());
            f.put("cycles_per_frame_per_layer", run.cyclesPerLayer().stream().map(k -> (double) k / run.frames())
                    .toList());
            f.put("counters", run.counters());
            f.put("snr_db", c.vsCirculant().snrDb());
            f.put("build_seconds", run.buildSeconds());
            f.put("sim_seconds", run.simSeconds());
            f.put("wall_seconds", (System.nanoTime() - start) / 1e9);
            f.put("out", folder.target().toAbsolutePath().toString());
            folder.write("report.json", Json.pretty(f));
            folder.commit();
            return new Outcome(f, run.bitExact());
        } catch (IOException e) {
            throw new EsegenException("co-simulation I/O failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsegenException("co-simulation interrupted", e);
        }
    }

    static String summary(Outcome o, LayerStack weights) {
        Map<String, Object> f = o.figures();
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "co-simulation  %s: %d frames, %d channel(s), circulant b = %d, model %s%n",
                o.bitExact() ? "BIT-EXACT" : "MISMATCH", f.get("frames"), f.get("channels"), f.get("block_size"),
                CosimFlow.layersText(weights.layers())));
        if (!o.bitExact()) {
            s.append("  first mismatch: ").append(f.get("mismatch")).append('\n');
        }
        s.append(String.format(Locale.ROOT, "cycles/frame   %.1f (MAC cycles %d) = %.2f us at the clock, after a "
                        + "%d-cycle weight load%n", (double) f.get("cycles_per_frame"),
                (long) f.get("ideal_mac_cycles_per_frame"), (double) f.get("latency_us"),
                (long) f.get("weight_load_cycles")));
        s.append("counters       ").append(f.get("counters")).append('\n');
        s.append(String.format(Locale.ROOT, "times          Verilator build %.1f s (0 = cached), simulation %.2f s, "
                + "total %.1f s%n", (double) f.get("build_seconds"), (double) f.get("sim_seconds"),
                (double) f.get("wall_seconds")));
        s.append("outputs        ").append(f.get("out")).append('\n');
        return s.toString();
    }
}
