package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.cli.DesignGenerator;
import org.esegen.cli.FrameSet;
import org.esegen.io.Json;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.golden.Evaluation;
import org.esegen.io.AtomicFiles;
import org.esegen.io.OutputFolder;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.quant.QuantizationLoss;
import org.esegen.synth.AcceleratorPorts;
import org.esegen.synth.GeneratedDesign;
import org.esegen.synth.YosysEstimate;
import org.esegen.testbench.Cosimulation;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one point into its folder: the stages of {@link Stage} that can run, each point's files
 * ({@code config.json}, {@code image.bin}, {@code layout.json}, {@code metrics.json}, {@code log.txt};
 * with a generator {@code rtl/}; with co-simulation {@code cosim/} and {@code cosim.json}; with Yosys
 * {@code yosys/}), and last, written atomically, {@code result.json}. A point is finished iff its
 * {@code result.json} exists; anything else in its folder without it is a partial point.
 * Thread-safe: points share only the read-only float model and the Verilator build cache (whose
 * builds are atomic).
 */
final class PointRunner {
    /** Folder of a point's co-simulation run (harness logs, image, memory dump). */
    static final String COSIM_DIR = "cosim";
    /** A point's co-simulation result, as {@link Cosimulation.Result}. */
    static final String COSIM_JSON = "cosim.json";
    /** A point's wall time and stage times, kept apart from {@code result.json} so that results are the
     * same bytes for the same spec. */
    static final String TIMINGS = "timings.json";
    /** How the error of a point whose co-simulation is not bit-exact begins; the first mismatch follows. */
    static final String NOT_BIT_EXACT = "co-simulation is not bit-exact with the golden model: ";

    /** Runs the point's Verilog on its image: {@link Cosimulation#run} with the KU3 DDR3 model; tests stand in. */
    @FunctionalInterface
    interface Cosimulator {
        Cosimulation.Result run(List<Path> verilog, CompiledModel compiled, byte[] image, Path runDir)
                throws IOException, InterruptedException;
    }

    private final SweepSpec spec;
    private final Map<CellKind, LayerStack> weights;
    private final DesignGenerator generator;
    private final Cosimulator cosimulator;

    /**
     * @param weights        the float model of every swept cell, loaded once for all points and never modified
     * @param generator      writes a point's Verilog, or null when this build has no generator
     * @param verilatorCache the Verilator build cache the co-simulations share
     */
    PointRunner(SweepSpec spec, Map<CellKind, LayerStack> weights, DesignGenerator generator, Path verilatorCache) {
        this(spec, weights, generator, (verilog, compiled, image, runDir) -> Cosimulation.run(verilog, compiled,
                image, verilatorCache, runDir, Cosimulation.MemoryModel.KU3_DDR3, false));
    }

    PointRunner(SweepSpec spec, Map<CellKind, LayerStack> weights, DesignGenerator generator, Cosimulator cosimulator) {
        this.spec = spec;
        this.weights = weights;
        this.generator = generator;
        this.cosimulator = cosimulator;
    }

    /**
     * The reason each stage does not run under this spec, in stage order (empty when every stage runs).
     *
     * @param haveGenerator whether a design generator is wired in
     */
    static Map<String, String> skippedStages(SweepSpec spec, boolean haveGenerator) {
        Map<String, String> skipped = new LinkedHashMap<>();
        if (!haveGenerator) {
            skipped.put(Stage.GENERATE.label(), Stage.NO_GENERATOR);
        }
        if (!spec.cosim()) {
            skipped.put(Stage.COSIM.label(), Stage.COSIM_DISABLED);
        } else if (!haveGenerator) {
            skipped.put(Stage.COSIM.label(), Stage.NO_GENERATOR);
        }
        if (!spec.synth()) {
            skipped.put(Stage.SYNTH.label(), Stage.SYNTH_DISABLED);
        } else if (!haveGenerator) {
            skipped.put(Stage.SYNTH.label(), Stage.NO_GENERATOR);
        }
        return skipped;
    }

    /**
     * Run the point in {@code dir} (created; must not hold a finished point) and write its result
     * file. A stage that throws makes the point {@code failed}, and so does a co-simulation that is
     * not bit-exact; the error (and any stack trace) goes to {@code log.txt} and the error message to
     * the result.
     */
    /** A finished point: its result, and its wall time (kept out of the result: see {@link #TIMINGS}). */
    record Finished(PointResult result, double wallSeconds) {
    }

    Finished run(Point p, Path dir) {
        long start = System.nanoTime();
        Map<String, Double> stageSeconds = new LinkedHashMap<>();
        Map<String, String> skipped = skippedStages(spec, generator != null);
        List<String> ran = new ArrayList<>();
        PointResult result;
        StringWriter logText = new StringWriter();
        PrintWriter log = new PrintWriter(logText);
        try {
            Files.createDirectories(dir);
            log.printf("point %s: %s%n", p.id(), Json.line(p.config().toFieldMap()));
            Compiled compiled = compileAndRunGolden(p, dir, log, stageSeconds);
            ran.add(Stage.COMPILE.label());
            PointResult.CosimFigures cosim = null;
            PointResult.SynthFigures synth = null;
            if (generator != null) {
                GeneratedDesign design = generate(p, dir, log, stageSeconds);
                ran.add(Stage.GENERATE.label());
                if (spec.cosim()) {
                    cosim = cosimulate(design, compiled, dir, log, stageSeconds);
                    ran.add(Stage.COSIM.label());
                }
                if (spec.synth()) {
                    synth = estimate(design, dir, log, stageSeconds);
                    ran.add(Stage.SYNTH.label());
                }
            }
            skipped.forEach((stage, why) -> log.printf("%s: skipped (%s)%n", stage, why));
            result = PointResult.ok(p, compiled.figures(), cosim, synth, ran, skipped);
        } catch (NotBitExact e) {
            log.println(e.getMessage());
            result = PointResult.failed(p, e.getMessage(), ran, skipped, spec.frames());
        } catch (RuntimeException | IOException e) {
            e.printStackTrace(log);
            String message = e instanceof EsegenException ? e.getMessage() : e.toString();
            result = PointResult.failed(p, message, ran, skipped, spec.frames());
        }
        double wallSeconds = seconds(start);
        log.printf("%s in %.2f s%n", result.status(), wallSeconds);
        log.flush();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(SweepFolder.LOG), logText.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EsegenException(dir.resolve(SweepFolder.LOG) + ": cannot write the log of point " + p.id() + " ("
                    + OutputFolder.describe(e) + ")", e);
        }
        Map<String, Object> timings = new LinkedHashMap<>();
        timings.put("wall_seconds", wallSeconds);
        timings.put("stage_seconds", new LinkedHashMap<>(stageSeconds));
        AtomicFiles.write(dir.resolve(TIMINGS), Json.pretty(timings));
        AtomicFiles.write(dir.resolve(SweepFolder.RESULT), Json.pretty(result));
        return new Finished(result, wallSeconds);
    }

    /** What compile hands to the later stages: its figures, and the compiled model and image co-simulation runs. */
    private record Compiled(PointResult.CompileFigures figures, CompiledModel model, byte[] image) {
    }

    /** A co-simulation that ran to the end but whose outputs differ from the golden model. */
    private static final class NotBitExact extends Exception {
        NotBitExact(String message) {
            super(message);
        }
    }

    private Compiled compileAndRunGolden(Point p, Path dir, PrintWriter log,
            Map<String, Double> times) throws IOException {
        long start = System.nanoTime();
        LayerStack model = weights.get(p.cell());
        CompiledModel compiled = Compiler.compile(p.config(), model, p.pruning(), p.density());
        FrameSet inputs = FrameSet.load(p.config(), model, null, spec.frames(), "--frames",
                spec.model().frameSeed());
        byte[] image = compiled.image(inputs.raw());
        Evaluation evaluation = inputs.evaluate(compiled, image, model);
        List<QuantizationLoss> losses = new ArrayList<>(compiled.quantizationLosses());
        losses.add(inputs.quantizationLoss(p.config()));
        QuantizationLoss.warnings(losses).forEach(w -> log.println("warning: " + w));
        Metrics m = Metrics.of(compiled);
        Files.write(dir.resolve("config.json"), Json.pretty(p.config().toFieldMap()));
        Files.write(dir.resolve("image.bin"), image);
Files.write(dir.resolve("layout.json"), Json.pretty(compiled.describeLayout(inputs.frames())));
        Map<String, Object> metrics = new LinkedHashMap<>(Json.toMap(m));
        metrics.put("layers", compiled.describeLayers());
        metrics.put("vs_pruned", evaluation.vsPruned());
        metrics.put("vs_dense", evaluation.vsDense());
        Files.write(dir.resolve("metrics.json"), Json.pretty(metrics));
        log.printf("%s: %.2f s, ideal %d cycles/frame, SNR %.2f dB vs float pruned%n", Stage.COMPILE.label(),
                stageTime(times, Stage.COMPILE, start), m.idealCyclesPerFrame(), evaluation.vsPruned().snrDb());
        return new Compiled(new PointResult.CompileFigures(inputs.frames(), m.nonzeros(),
                compiled.pruned().matrixWeights(), m.idealCyclesPerFrame(), m.density(), m.compressionRatio(),
                m.paddingFraction(), evaluation.vsPruned().snrDb(), evaluation.vsPruned().maxAbsError(),
                evaluation.vsDense().snrDb()), compiled, image);
    }

    /**
     * Co-simulate the point's Verilog on the image compile wrote; the run's files go to {@code cosim/},
     * its result to {@code cosim.json}.
     *
     * @throws NotBitExact when the outputs differ from the golden model's
     */
    private PointResult.CosimFigures cosimulate(GeneratedDesign design, Compiled compiled, Path dir, PrintWriter log,
            Map<String, Double> times)
            throws IOException, NotBitExact {
        long start = System.nanoTime();
        Cosimulation.Result r;
        try {
            r = cosimulator.run(design.simulationSources(), compiled.model(), compiled.image(), dir.resolve(COSIM_DIR));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsegenException("co-simulation interrupted", e);
        }
        Files.write(dir.resolve(COSIM_JSON), Json.pretty(r));
        log.printf("%s: %.2f s (Verilator build %.1f s, 0 = cached; simulation %.2f s), %s, %d frames, %.1f "
                        + "cycles/frame (ideal %d), PE utilization %.3f, DDR stall cycles %d, queue stall cycles %d%n",
                Stage.COSIM.label(), stageTime(times, Stage.COSIM, start), r.buildSeconds(), r.simSeconds(),
                r.bitExact() ? "bit-exact" : "MISMATCH", r.frames(), r.cyclesPerFrame(), r.idealCyclesPerFrame(),
                r.peUtilization(), r.ddrStallCycles(), r.queueStallCycles());
        if (!r.bitExact()) {
            throw new NotBitExact(NOT_BIT_EXACT + r.mismatch()
                    + " (the point's " + COSIM_JSON + " and " + COSIM_DIR + "/ hold the run)");
        }
        double frames = Math.max(1, r.frames());
        return new PointResult.CosimFigures(r.cyclesPerFrame(), r.peUtilization(), r.ddrStallCycles() / frames,
                r.queueStallCycles() / frames);
    }

    private GeneratedDesign generate(Point p, Path dir, PrintWriter log,
            Map<String, Double> times) throws IOException {
        long start = System.nanoTime();
        Path rtl = dir.resolve("rtl");
        generator.generate(p.config(), rtl);
        GeneratedDesign design = GeneratedDesign.read(rtl, AcceleratorPorts.TOP);
        log.printf("%s: %.2f s, %d Verilog files in %s%n", Stage.GENERATE.label(), stageTime(times, Stage.GENERATE, start),
                design.sources().size(), rtl);
        return design;
    }

    private static PointResult.SynthFigures estimate(GeneratedDesign design, Path dir, PrintWriter log,
            Map<String, Double> times) {
        long start = System.nanoTime();
        YosysEstimate e = YosysEstimate.run(design.sources(), design.top(), dir.resolve("yosys"));
        log.printf("%s: %.2f s, %d LUT, %d FF, %d DSP, %.1f BRAM36; log %s%n", Stage.SYNTH.label(),
                stageTime(times, Stage.SYNTH, start),
                e.total().lut() + e.total().lutMemory(), e.total().ff(), e.total().dsp(), e.total().bram36(), e.log());
        return new PointResult.SynthFigures(e.total().lut() + e.total().lutMemory(), e.total().ff(), e.total().dsp(),
                e.total().bram36(), e.percentOfDevice().lut(), e.percentOfDevice().ff(), e.percentOfDevice().dsp(),
                e.percentOfDevice().bram36(), e.deepestPath() == null ? 0 : e.deepestPath().lutLevels());
    }

    /** Records a stage's wall time for {@code timings.json} and returns it, seconds. */
    private static double stageTime(Map<String, Double> times, Stage stage, long startNanos) {
        double s = seconds(startNanos);
        times.put(stage.label(), s);
        return s;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
