package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.golden.Evaluation;
import org.esegen.golden.FrameTrace;
import org.esegen.io.OutputFolder;
import org.esegen.io.Npy;
import org.esegen.rnn.FloatReference;
import org.esegen.rnn.LayerStack;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code esegen infer}: run frames through the float reference or the compiled fixed-point golden model. */
@Command(name = "infer", mixinStandardHelpOptions = true,
        description = "Run input frames (T x I .npy) through the model: --mode float runs the double-precision "
                + "reference of the (pruned) model, --mode fixed compiles it and runs the bit-exact golden model. "
                + "Writes T x P outputs as .npy (float32).")
public final class InferCommand implements Callable<Integer> {
    enum Mode { FLOAT, FIXED }

    @Mixin
    ConfigOptions config;

    @Mixin
    ModelOptions model;

    @Option(names = "--frames", paramLabel = "X.npy", required = true, description = "input frames, T x I")
    Path frames;

    @Option(names = "--mode", paramLabel = "float|fixed", required = true,
            description = "float (double-precision reference) or fixed (compile, then golden model)")
    String mode;

    @Option(names = "--out", paramLabel = "Y.npy", required = true, description = "output frames, T x P")
    Path out;

    @Option(names = "--trace", paramLabel = "DIR",
            description = "with --mode fixed: write every golden-model stage as T x n raw-integer .npy files "
                    + "(z, i, f, g, o, c, m, y) into DIR; with several channels one subfolder chK per channel")
    Path trace;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() {
        Mode m = switch (mode.toLowerCase()) {
            case "float" -> Mode.FLOAT;
            case "fixed" -> Mode.FIXED;
            default -> throw new EsegenException("--mode " + mode + ": allowed are float and fixed");
        };
        if (m == Mode.FLOAT && trace != null) {
            throw new EsegenException("--trace needs --mode fixed: the stages traced are the golden model's");
        }
        long start = System.nanoTime();
        AcceleratorConfig cfg = config.resolve();
        OutputFolder.checkOutputFile(out, "--out", java.util.Arrays.asList(model.file(), frames));
        if (trace != null) {
            force.check("--trace", trace, "trace", model.file(), frames, out);
        }
        LayerStack weights = model.load(cfg);
        FrameSet inputs = FrameSet.load(cfg, weights, frames, 0, "--frames", 0);
        double[][] outputs;
        String detail;
        if (m == Mode.FLOAT) {
            outputs = FloatReference.run(Compiler.prune(cfg, weights, model.method(), model.density()),
                    inputs.real()[0]);
            detail = "float reference";
        } else {
            CompiledModel compiled = Compiler.compile(cfg, weights, model.method(), model.density());
            inputs.quantizationWarnings(compiled);
            Evaluation e = Evaluation.run(compiled, compiled.image(inputs.raw()), weights, inputs.real(),
                    trace != null);
            outputs = e.outputs()[0];
            if (trace != null) {
                writeTrace(e);
            }
            detail = String.format("golden model, SNR %.2f dB vs float pruned, %.2f dB vs float dense",
                    e.vsPruned().snrDb(), e.vsDense().snrDb());
        }
        Npy.write(out, outputs, "<f4");
        System.out.printf("infer %s: %d frames -> %s (%s) in %.2f s%n", mode, outputs.length, out, detail,
                (System.nanoTime() - start) / 1e9);
        return 0;
    }

    private void writeTrace(Evaluation e) {
        try (OutputFolder folder = force.create("--trace", trace, "trace", model.file(), frames, out)) {
            int channels = e.outputs().length;
            List<FrameTrace> traces = e.golden().traces();
            int layers = traces.stream().mapToInt(FrameTrace::layer).max().orElse(0) + 1;
            for (int ch = 0; ch < channels; ch++) {
                for (int k = 0; k < layers; k++) {
                    int channel = ch;
                    int layer = k;
                    List<FrameTrace> mine = traces.stream().filter(ft -> ft.channel() == channel && ft.layer() == layer)
                            .toList();
                    for (String stage : FrameTrace.stageNames(mine.get(0).cell())) {
                        double[][] rows = mine.stream()
                                .map(ft -> java.util.Arrays.stream(ft.stage(stage)).asDoubleStream().toArray())
                                .toArray(double[][]::new);
                        String name = (channels == 1 ? "" : "ch" + ch + "/") + (layers == 1 ? "" : "l" + k + "/")
                                + stage;
                        Files.createDirectories(folder.resolve(name).getParent());
                        Npy.write(folder.resolve(name + ".npy"), rows, "<f8");
                    }
                }
            }
            folder.commit();
        } catch (java.io.IOException ex) {
            throw new EsegenException("--trace " + trace + ": cannot write (" + OutputFolder.describe(ex) + ")", ex);
        }
    }
}
