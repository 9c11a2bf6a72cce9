package org.esegen.cli.sweep;

import org.esegen.EsegenException;
import org.esegen.cli.FrameSet;
import org.esegen.cli.DesignGenerator;
import org.esegen.cli.Json;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.golden.Evaluation;
import org.esegen.io.AtomicFiles;
import org.esegen.lstm.LstmpWeights;
import org.esegen.synth.AcceleratorPorts;
import org.esegen.synth.GeneratedDesign;
import org.esegen.synth.YosysEstimate;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
 * with a generator {@code rtl/}, and with Yosys {@code yosys/}), and last, written atomically,
 * {@code result.json}. A point is finished iff its
 * {@code result.json} exists; anything else in its folder without it is a partial point.
 * Thread-safe: points share only the read-only float model.
 */
final class PointRunner {
    private final SweepSpec spec;
    private final LstmpWeights weights;
    private final DesignGenerator generator;

    /**
     * @param weights   the float model, loaded once for all points and never modified
     * @param generator writes a point's Verilog, or null when this build has no generator
     */
    PointRunner(SweepSpec spec, LstmpWeights weights, DesignGenerator generator) {
        this.spec = spec;
        this.weights = weights;
        this.generator = generator;
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
        skipped.put(Stage.COSIM.label(), haveGenerator ? Stage.COSIM_NOT_WIRED : Stage.NO_GENERATOR);
        if (!spec.synth()) {
            skipped.put(Stage.SYNTH.label(), "disabled by --no-synth");
        } else if (!haveGenerator) {
            skipped.put(Stage.SYNTH.label(), Stage.NO_GENERATOR);
        }
        return skipped;
    }

    /**
     * Run the point in {@code dir} (created; must not hold a finished point) and write its result
     * file. A stage that throws makes the point {@code failed}; the error and its stack trace go
     * to {@code log.txt} and the error message to the result.
     */
    PointResult run(Point p, Path dir) {
        long start = System.nanoTime();
        Map<String, String> skipped = skippedStages(spec, generator != null);
        List<String> ran = new ArrayList<>();
        PointResult result;
        StringWriter logText = new StringWriter();
        PrintWriter log = new PrintWriter(logText);
        try {
            Files.createDirectories(dir);
            log.printf("point %s: %s%n", p.id(), Json.line(p.config().toFieldMap()));
            PointResult.CompileFigures compile = compileAndRunGolden(p, dir, log);
            ran.add(Stage.COMPILE.label());
            PointResult.SynthFigures synth = null;
            if (generator != null) {
                GeneratedDesign design = generate(p, dir, log);
                ran.add(Stage.GENERATE.label());
                if (spec.synth()) {
                    synth = estimate(design, dir, log);
                    ran.add(Stage.SYNTH.label());
                }
            }
            skipped.forEach((stage, why) -> log.printf("%s: skipped (%s)%n", stage, why));
            result = PointResult.ok(p, compile, synth, ran, skipped, seconds(start));
        } catch (RuntimeException | IOException e) {
            e.printStackTrace(log);
            String message = e instanceof EsegenException ? e.getMessage() : e.toString();
            result = PointResult.failed(p, message, ran, skipped, spec.frames(), seconds(start));
        }
        log.printf("%s in %.2f s%n", result.status(), result.wallSeconds());
        log.flush();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(SweepFolder.LOG), logText.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the log of point " + p.id() + " in " + dir, e);
        }
        AtomicFiles.write(dir.resolve(SweepFolder.RESULT), Json.pretty(result));
        return result;
    }

    private PointResult.CompileFigures compileAndRunGolden(Point p, Path dir, PrintWriter log) throws IOException {
        long start = System.nanoTime();
        CompiledModel compiled = Compiler.compile(p.config(), weights, p.pruning(), spec.model().density());
        FrameSet inputs = FrameSet.load(p.config(), weights.inputSize(), null, spec.frames(),
                spec.model().frameSeed());
        byte[] image = compiled.image(inputs.raw());
        Evaluation evaluation = inputs.evaluate(compiled, image, weights);
        Metrics m = Metrics.of(compiled);
        Files.write(dir.resolve("config.json"), Json.pretty(p.config().toFieldMap()));
        Files.write(dir.resolve("image.bin"), image);
        Map<String, Object> layout = new LinkedHashMap<>();
        layout.put("layout", compiled.layout(inputs.frames()));
        layout.put("sections", compiled.layout(inputs.frames()).describeSections());
        Files.write(dir.resolve("layout.json"), Json.pretty(layout));
        Map<String, Object> metrics = new LinkedHashMap<>(Json.toMap(m));
        metrics.put("wa_frac_bits", compiled.wa().fracBits());
        metrics.put("whr_frac_bits", compiled.whr().fracBits());
        metrics.put("vs_pruned", evaluation.vsPruned());
        metrics.put("vs_dense", evaluation.vsDense());
        Files.write(dir.resolve("metrics.json"), Json.pretty(metrics));
        log.printf("%s: %.2f s, ideal %d cycles/frame, SNR %.2f dB vs float pruned%n", Stage.COMPILE.label(),
                seconds(start), m.idealCyclesPerFrame(), evaluation.vsPruned().snrDb());
        return new PointResult.CompileFigures(inputs.frames(), m.nonzeros(), compiled.pruned().matrixWeights(),
                m.idealCyclesPerFrame(), m.density(), m.compressionRatio(), m.paddingFraction(),
                evaluation.vsPruned().snrDb(), evaluation.vsPruned().maxAbsError(), evaluation.vsDense().snrDb());
    }

    private GeneratedDesign generate(Point p, Path dir, PrintWriter log) throws IOException {
        long start = System.nanoTime();
        Path rtl = dir.resolve("rtl");
        generator.generate(p.config(), rtl);
        GeneratedDesign design = GeneratedDesign.read(rtl, AcceleratorPorts.TOP);
        log.printf("%s: %.2f s, %d Verilog files in %s%n", Stage.GENERATE.label(), seconds(start),
                design.sources().size(), rtl);
        return design;
    }

    private static PointResult.SynthFigures estimate(GeneratedDesign design, Path dir, PrintWriter log) {
        long start = System.nanoTime();
        YosysEstimate e = YosysEstimate.run(design.sources(), design.top(), dir.resolve("yosys"));
        log.printf("%s: %.2f s, %d LUT, %d FF, %d DSP, %.1f BRAM36; log %s%n", Stage.SYNTH.label(), seconds(start),
                e.total().lut() + e.total().lutMemory(), e.total().ff(), e.total().dsp(), e.total().bram36(), e.log());
        return new PointResult.SynthFigures(e.total().lut() + e.total().lutMemory(), e.total().ff(), e.total().dsp(),
                e.total().bram36(), e.percentOfDevice().lut(), e.percentOfDevice().ff(), e.percentOfDevice().dsp(),
                e.percentOfDevice().bram36(), e.deepestPath() == null ? 0 : e.deepestPath().lutLevels());
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
