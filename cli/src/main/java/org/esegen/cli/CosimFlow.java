package org.esegen.cli;

import org.esegen.io.Json;
import org.esegen.EsegenException;
import org.esegen.compile.CompiledLayer;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.config.AcceleratorConfig;
import org.esegen.golden.Evaluation;
import org.esegen.hdl.Generator;
import org.esegen.io.OutputFolder;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.esegen.testbench.Cosimulation;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compile, generate, co-simulate and verify: the flow behind {@code cosim} and {@code run}.
 * The output folder holds the resolved config, the image, the compile report, the RTL and the
 * co-simulation run (logs, memory dump, optional waveform).
 */
final class CosimFlow {
    /** Exit code when the RTL does not match the golden model bit for bit. */
    static final int EXIT_MISMATCH = 3;

    private CosimFlow() {
    }

    /** The user's esegen cache: $ESEGEN_CACHE, else ~/.cache/esegen. */
    static Path cacheHome() {
        String env = System.getenv("ESEGEN_CACHE");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "esegen");
    }

    /** Verilator build cache: $ESEGEN_CACHE/verilator, else ~/.cache/esegen/verilator. */
    static Path cacheRoot() {
        return cacheHome().resolve("verilator");
    }

    record Outcome(Map<String, Object> figures, Cosimulation.Result cosim, Metrics metrics, CompiledModel compiled) {
    }

    /**
     * Runs the flow into {@code folder} (committed when the co-simulation finished, bit-exact or not).
     *
     * @param framesFile   input frames (T x I .npy) for every channel, or null for {@code frames} synthetic ones
     * @param framesOption the option that gave {@code frames}, for messages
     */
    static Outcome run(AcceleratorConfig cfg, LayerStack weights, ModelOptions model, Path framesFile, int frames,
                       String framesOption, boolean trace, OutputFolder folder) {
        long start = System.nanoTime();
        CompiledModel compiled = Compiler.compile(cfg, weights, model.method(), model.density());
        FrameSet inputs = FrameSet.load(cfg, weights, framesFile, frames, framesOption, model.frameSeed());
        byte[] image = compiled.image(inputs.raw());
        Evaluation evaluation = Evaluation.run(compiled, image, weights, inputs.real(), true);
        List<String> warnings = inputs.quantizationWarnings(compiled);
        Metrics metrics = Metrics.of(compiled);
        Cosimulation.Result cosim;
        try {
            folder.write("config.json", Json.pretty(cfg.toFieldMap()));
            folder.write("image.bin", image);
            Generator.Result rtl = Generator.generate(cfg, folder.resolve("rtl"));
            cosim = Cosimulation.run(rtl.simulationSources(), compiled, image, evaluation.golden(), cacheRoot(),
                    folder.resolve("cosim"),
                    Cosimulation.MemoryModel.KU3_DDR3, trace);
            Map<String, Object> figures = figures(cfg, compiled, metrics, evaluation, cosim, folder.target(), start);
            figures.put("quantization_warnings", warnings);
            folder.write("report.json", Json.pretty(figures));
            folder.commit();
            return new Outcome(figures, cosim, metrics, compiled);
        } catch (IOException e) {
            throw new EsegenException("co-simulation I/O failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsegenException("co-simulation interrupted", e);
        }
    }

    private static Map<String, Object> figures(AcceleratorConfig cfg, CompiledModel compiled, Metrics metrics,
                                               Evaluation evaluation, Cosimulation.Result cosim, Path out,
                                               long startNanos) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("bit_exact", cosim.bitExact());
        f.put("mismatch", cosim.mismatch());
        f.put("frames", cosim.frames());
        f.put("channels", cfg.channels());
        f.put("pes_per_channel", cfg.pes());
        f.put("input_size", compiled.inputSize());
        f.put("layers", compiled.describeLayers());
        f.put("pruning", compiled.pruning().cliName());
        f.put("cycles", cosim.cycles());
        f.put("cycles_per_frame", cosim.cyclesPerFrame());
        f.put("latency_us", cosim.cyclesPerFrame() / cfg.clockMhz());
        f.put("ideal_cycles_per_frame", metrics.idealCyclesPerFrame());
        f.put("ideal_cycles_per_frame_no_padding", metrics.idealCyclesPerFrameNoPadding());
        f.put("ideal_latency_us", metrics.idealLatencyUs());
        f.put("cycles_per_frame_per_layer", cosim.cyclesPerLayer().stream().map(c -> (double) c / cosim.frames()).toList());
        f.put("ideal_cycles_per_frame_per_layer", metrics.idealCyclesPerLayer());
        f.put("pe_utilization", cosim.peUtilization());
        f.put("ddr_stall_cycles", cosim.ddrStallCycles());
        f.put("queue_stall_cycles", cosim.queueStallCycles());
        f.put("elementwise_cycles", cosim.elementwiseCycles());
        f.put("recurrent_wait_cycles", cosim.recurrentWaitCycles());
        f.put("snr_db", evaluation.vsPruned().snrDb());
        f.put("build_seconds", cosim.buildSeconds());
        f.put("sim_seconds", cosim.simSeconds());
        f.put("wall_seconds", (System.nanoTime() - startNanos) / 1e9);
        f.put("out", out.toAbsolutePath().toString());
        return f;
    }

    /** The layers as "cell I/H/P", first to last, joined by " -> ". */
    static String layersText(List<LayerWeights> layers) {
        return String.join(" -> ", layers.stream().map(w -> String.format(Locale.ROOT, "%s %d/%d/%d",
                w.cell().cliName(), w.inputSize(), w.hiddenSize(), w.projSize())).toList());
    }

    static String summary(Outcome o) {
        Map<String, Object> f = o.figures();
        StringBuilder s = new StringBuilder();
        String model = layersText(o.compiled().layers().stream().map(CompiledLayer::pruned).toList());
        s.append(String.format("co-simulation  %s: %d frames, %d channel(s) x %d PEs, model %s (I/H/P), pruning %s%n",
                (boolean) f.get("bit_exact") ? "BIT-EXACT" : "MISMATCH", f.get("frames"), f.get("channels"),
                f.get("pes_per_channel"), model, f.get("pruning")));
        if (!(boolean) f.get("bit_exact")) {
            s.append("  first mismatch: ").append(f.get("mismatch")).append('\n');
        }
        s.append(String.format("cycles/frame   %.1f (ideal %d, %d without padding) = %.2f us at the clock%n",
                (double) f.get("cycles_per_frame"), (long) f.get("ideal_cycles_per_frame"),
                (long) f.get("ideal_cycles_per_frame_no_padding"), (double) f.get("latency_us")));
        if (o.compiled().layers().size() > 1) {
            s.append("per layer      cycles/frame ").append(f.get("cycles_per_frame_per_layer")).append(", ideal ")
                    .append(f.get("ideal_cycles_per_frame_per_layer")).append('\n');
        }
        s.append(String.format("PE utilization %.1f %%, DDR stall cycles %d, queue stall cycles %d, element-wise "
                        + "cycles %d, y_(t-1) wait cycles %d%n", 100 * (double) f.get("pe_utilization"),
                (long) f.get("ddr_stall_cycles"), (long) f.get("queue_stall_cycles"), (long) f.get("elementwise_cycles"),
                (long) f.get("recurrent_wait_cycles")));
        s.append(String.format("times          Verilator build %.1f s (0 = cached), simulation %.2f s, total %.1f s%n",
                (double) f.get("build_seconds"), (double) f.get("sim_seconds"), (double) f.get("wall_seconds")));
        s.append("outputs        ").append(f.get("out")).append('\n');
        return s.toString();
    }
}
