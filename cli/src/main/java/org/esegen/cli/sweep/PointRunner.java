package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.cli.DesignGenerator;
import org.esegen.cli.CirculantFlow;
import org.esegen.cli.FrameSet;
import org.esegen.io.Json;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.circulant.CirculantModel;
import org.esegen.compile.ImageLayout;
import org.esegen.config.AcceleratorConfig;
import org.esegen.golden.Accuracy;
import org.esegen.golden.Evaluation;
import org.esegen.hdl.Generator;
import org.esegen.io.AtomicFiles;
import org.esegen.io.OutputFolder;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.quant.QuantizationLoss;
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
    /** The Verilator build cache of circulant points' co-simulations; null where tests stand in for the cosimulator. */
    private final Path verilatorCache;

    /**
     * @param weights        the float model of every swept cell, loaded once for all points and never modified
     * @param generator      writes a point's Verilog, or null when this build has no generator
     * @param verilatorCache the Verilator build cache the co-simulations share
     */
    PointRunner(SweepSpec spec, Map<CellKind, LayerStack> weights, DesignGenerator generator, Path verilatorCache) {
        this(spec, weights, generator, (verilog, compiled, image, runDir) -> Cosimulation.run(verilog, compiled,
                image, verilatorCache, runDir, Cosimulation.MemoryModel.KU3_DDR3, false), verilatorCache);
    }

    PointRunner(SweepSpec spec, Map<CellKind, LayerStack> weights, DesignGenerator generator, Cosimulator cosimulator) {
        this(spec, weights, generator, cosimulator, null);
    }

    private PointRunner(SweepSpec spec, Map<CellKind, LayerStack> weights, DesignGenerator generator,
                        Cosimulator cosimulator, Path verilatorCache) {
        this.spec = spec;
        this.weights = weights;
        this.generator = generator;
        this.cosimulator = cosimulator;
        this.verilatorCache = verilatorCache;
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

    /**
     * What compile hands to the later stages: its figures, and the compiled model (the sparse or delta engine's, or
     * with {@code engine = 2} the circulant one) and image co-simulation runs.
     */
    private record Compiled(PointResult.CompileFigures figures, CompiledModel model, CirculantModel circulant,
                            byte[] image) {
    }

    /** A co-simulation that ran to the end but whose outputs differ from the golden model. */
    private static final class NotBitExact extends Exception {
        NotBitExact(String message) {
            super(message);
        }
    }

    private Compiled compileAndRunGolden(Point p, Path dir, PrintWriter log,
            Map<String, Double> times) throws IOException {
        if (p.config().circulantEngine()) {
            return compileCirculant(p, dir, log, times);
        }
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
                evaluation.vsDense().snrDb()), compiled, null, image);
    }

    /**
     * A circulant point ({@code engine = 2}): the model projected onto b x b circulant blocks (its pruning and
     * density do not apply), its image and {@link CirculantModel#expectedImage}; figures: the stored weights, the
     * gate and projection engines' MAC cycles a frame as the ideal, the compression of fp32 dense weights into
     * stored spectra, the SNR against the float run of the projected and of the dense model.
     */
    private Compiled compileCirculant(Point p, Path dir, PrintWriter log, Map<String, Double> times) throws IOException {
        long start = System.nanoTime();
        AcceleratorConfig cfg = p.config();
        LayerStack dense = weights.get(p.cell());
        FrameSet inputs = FrameSet.load(cfg, dense, null, spec.frames(), "--frames", spec.model().frameSeed());
        CirculantFlow.Compiled compiled = CirculantFlow.compile(cfg, dense, inputs, spec.model().describe());
        CirculantModel model = compiled.model();
        byte[] image = compiled.image();
        Accuracy vsProjected = compiled.vsCirculant();
        Accuracy vsDense = compiled.vsGiven();
        ImageLayout layout = model.layout(inputs.frames());
        long ideal = model.macCyclesPerFrame();
        long stored = model.storedWeights();
        long spectrumBits = (long) cfg.circulantWordBits() * (stored / cfg.engine().circulantBlock());
        Files.write(dir.resolve("config.json"), Json.pretty(cfg.toFieldMap()));
        Files.write(dir.resolve("image.bin"), image);
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("layout", layout);
        described.put("sections", layout.describeSections());
        Files.write(dir.resolve("layout.json"), Json.pretty(described));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("circulant_block", cfg.engine().circulantBlock());
        metrics.put("stored_weights", stored);
        metrics.put("dense_weights", dense.matrixWeights());
        metrics.put("ideal_cycles_per_frame", ideal);
        metrics.put("vs_projected", vsProjected);
        metrics.put("vs_dense", vsDense);
        Files.write(dir.resolve("metrics.json"), Json.pretty(metrics));
        log.printf("%s: %.2f s, circulant b = %d, %d stored weights, %d MAC cycles/frame, SNR %.2f dB vs float "
                        + "projected%n", Stage.COMPILE.label(), stageTime(times, Stage.COMPILE, start),
                cfg.engine().circulantBlock(), stored, ideal, vsProjected.snrDb());
        return new Compiled(new PointResult.CompileFigures(inputs.frames(), stored, dense.matrixWeights(), ideal,
                (double) stored / dense.matrixWeights(), 32.0 * dense.matrixWeights() / spectrumBits, 0,
                vsProjected.snrDb(), vsProjected.maxAbsError(), vsDense.snrDb()), null, model, image);
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
        if (compiled.circulant() != null) {
            return cosimulateCirculant(design, compiled, dir, log, times);
        }
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

    /**
     * A circulant point's co-simulation ({@link Cosimulation#runCirculant}); its PE utilization is the fraction of
     * cycles (once the spectra are in) in which the gate engine's lanes took a column block, and it has no DDR or
     * queue stall counters (0).
     */
    private PointResult.CosimFigures cosimulateCirculant(GeneratedDesign design, Compiled compiled, Path dir,
                                                         PrintWriter log, Map<String, Double> times)
            throws IOException, NotBitExact {
        if (verilatorCache == null) {
            throw new EsegenException("a circulant point's co-simulation needs the Verilator build cache");
        }
        long start = System.nanoTime();
        Cosimulation.CirculantRun r;
        try {
            r = Cosimulation.runCirculant(design.simulationSources(), compiled.circulant(), compiled.image(),
                    verilatorCache, dir.resolve(COSIM_DIR), Cosimulation.MemoryModel.KU3_DDR3, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsegenException("co-simulation interrupted", e);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("bit_exact", r.bitExact());
        figures.put("mismatch", r.mismatch());
        figures.put("frames", r.frames());
        figures.put("cycles_per_frame", r.cyclesPerFrame());
        figures.put("counters", r.counters());
        figures.put("cycles_per_layer", r.cyclesPerLayer());
        Files.write(dir.resolve(COSIM_JSON), Json.pretty(figures));
        double running = Math.max(1, r.cycles() - r.storeLoadCycles());
        double utilization = r.counters().get("GATE_MAC_CYCLES") / running;
        log.printf("%s: %.2f s (Verilator build %.1f s, 0 = cached; simulation %.2f s), %s, %d frames, %.1f "
                        + "cycles/frame after a %d-cycle spectrum load, gate MACs busy %.3f%n", Stage.COSIM.label(),
                stageTime(times, Stage.COSIM, start), r.buildSeconds(), r.simSeconds(),
                r.bitExact() ? "bit-exact" : "MISMATCH", r.frames(), r.cyclesPerFrame(), r.storeLoadCycles(),
                utilization);
        if (!r.bitExact()) {
            throw new NotBitExact(NOT_BIT_EXACT + r.mismatch()
                    + " (the point's " + COSIM_JSON + " and " + COSIM_DIR + "/ hold the run)");
        }
        return new PointResult.CosimFigures(r.cyclesPerFrame(), utilization, 0, 0);
    }

    private GeneratedDesign generate(Point p, Path dir, PrintWriter log,
            Map<String, Double> times) throws IOException {
        long start = System.nanoTime();
        Path rtl = dir.resolve("rtl");
        generator.generate(p.config(), rtl);
        GeneratedDesign design = GeneratedDesign.read(rtl, Generator.top(p.config()));
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
