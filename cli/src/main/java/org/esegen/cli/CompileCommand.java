package org.esegen.cli;

import org.esegen.io.Json;
import org.esegen.compile.CompiledLayer;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.config.AcceleratorConfig;
import org.esegen.golden.Accuracy;
import org.esegen.golden.Evaluation;
import org.esegen.io.OutputFolder;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code esegen compile}: prune, quantize, encode and schedule a model; write the DDR image and a report. */
@Command(name = "compile", mixinStandardHelpOptions = true,
        description = "Prune, quantize, encode and schedule an LSTMP model; write the DDR image (image.bin), its "
                + "layout, the resolved config and a report. With engine=2 (preset ernn) the model is projected onto "
                + "b x b circulant blocks and its spectra make the image.")
public final class CompileCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Mixin
    ModelOptions model;

    @Option(names = "--frames", paramLabel = "X.npy",
            description = "input frames (T x I) placed in every channel's input area; default: synthetic frames")
    Path frames;

    @Option(names = "--num-frames", paramLabel = "T", defaultValue = "10",
            description = "synthetic frames per channel when --frames is not given (default ${DEFAULT-VALUE})")
    int numFrames;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output folder (replaced)")
    Path out;

    @Option(names = "--json", description = "print one JSON object with the figures")
    boolean json;

    @Mixin
    ForceOption force;

    @Override
    public Integer call() {
        long start = System.nanoTime();
        AcceleratorConfig cfg = config.resolve();
        try (OutputFolder folder = force.create("--out", out, "compile", model.file(), frames)) {
            LayerStack weights = model.load(cfg);
            if (cfg.circulantEngine()) {
                CirculantFlow.Compiled c = CirculantFlow.compile(cfg, weights, model, frames, numFrames, "--num-frames");
                Map<String, Object> report = c.report();
                CirculantFlow.write(c, report, folder);
                folder.commit();
                print(report, c.summary(), start);
                return 0;
            }
            Run run = Run.compile(cfg, weights, model, frames, numFrames);
            Map<String, Object> report = run.report();
            folder.write("image.bin", run.image());
            folder.write("config.json", Json.pretty(cfg.toFieldMap()));
            folder.write("layout.json", Json.pretty(run.compiled().describeLayout(run.frames())));
            folder.write("report.json", Json.pretty(report));
            folder.commit();
            print(report, run.summary(), start);
        }
        return 0;
    }

    /** The report as one JSON line (with the folder and the wall time) or the summary and the folder. */
    private void print(Map<String, Object> report, String summary, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (json) {
            Map<String, Object> line = new LinkedHashMap<>(report);
            line.put("out", out.toAbsolutePath().toString());
            line.put("wall_seconds", seconds);
            System.out.println(Json.line(line));
        } else {
            System.out.print(summary);
            System.out.printf("wrote %s in %.2f s%n", out, seconds);
        }
    }

    /** Everything one compile produces, shared by the commands that compile. */
    record Run(AcceleratorConfig config, CompiledModel compiled, Metrics metrics, byte[] image, int frames,
               Evaluation evaluation, String source, List<String> warnings) {

        static Run compile(AcceleratorConfig cfg, LayerStack weights, ModelOptions model, Path framesFile,
                           int numFrames) {
            CompiledModel compiled = Compiler.compile(cfg, weights, model.method(), model.density());
            FrameSet inputs = FrameSet.load(cfg, weights, framesFile, numFrames, "--num-frames", model.frameSeed());
            byte[] image = compiled.image(inputs.raw());
            Evaluation evaluation = inputs.evaluate(compiled, image, weights);
            return new Run(cfg, compiled, Metrics.of(compiled), image, inputs.frames(), evaluation,
                    model.describe(), inputs.quantizationWarnings(compiled));
        }

        Map<String, Object> report() {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("model", source);
            r.put("input_size", compiled.inputSize());
            r.put("output_size", compiled.outputSize());
            r.put("cell", compiled.pruned().cell().cliName());
            r.put("layers", compiled.describeLayers());
            r.put("pruning", compiled.pruning().cliName());
            r.put("target_density", compiled.density());
            r.put("pes_per_channel", config.pes());
            r.put("channels", config.channels());
            r.put("clock_mhz", config.clockMhz());
            r.put("image_bytes", image.length);
            r.put("frames", frames);
            Map<String, Object> m = Json.toMap(metrics);
            r.putAll(m);
            r.put("snr_db", vsPruned().snrDb());
            r.put("max_abs_error", vsPruned().maxAbsError());
            r.put("snr_db_vs_dense", vsDense().snrDb());
            r.put("max_abs_error_vs_dense", vsDense().maxAbsError());
            r.put("quantization_warnings", warnings);
            return r;
        }

        Accuracy vsPruned() {
            return evaluation.vsPruned();
        }

        Accuracy vsDense() {
            return evaluation.vsDense();
        }

        String summary() {
            StringBuilder s = new StringBuilder();
            for (CompiledLayer layer : compiled.layers()) {
                LayerWeights w = layer.pruned();
                s.append(String.format("model       %s%s: %s I=%d H=%d P=%d%s%n", source, compiled.layers().size() == 1
                        ? "" : " layer " + w.layer(), w.cell().cliName(), w.inputSize(), w.hiddenSize(), w.projSize(),
                        w.hasPeepholes() ? " (peepholes)" : ""));
            }
            s.append(String.format("pruning     %s to density %.4f (target %.4f), %d nonzeros, %d padding entries%n",
                    compiled.pruning().cliName(), metrics.density(), compiled.density(), metrics.nonzeros(),
                    metrics.paddingEntries()));
            s.append(String.format("storage     compression %.2fx vs dense fp32, padding %.2f %%, %d bytes%n",
                    metrics.compressionRatio(), 100 * metrics.paddingFraction(), metrics.compressedBytes()));
            s.append(String.format("schedule    %d PEs, load max/mean %.4f, ideal %d cycles/frame = %.2f us at %d MHz"
                            + " with padding folded (%d cycles = %.2f us at a cycle per padding entry, %d cycles ="
                            + " %.2f us without padding)%n", config.pes(), metrics.peLoadMaxOverMean(),
                    metrics.idealCyclesPerFrame(), metrics.idealLatencyUs(), config.clockMhz(),
                    metrics.idealCyclesPerFramePadded(), metrics.idealLatencyUsPadded(),
                    metrics.idealCyclesPerFrameNoPadding(), metrics.idealLatencyUsNoPadding()));
            s.append(String.format("accuracy    golden model over %d frames: SNR %.2f dB (max err %.3g) vs float "
                            + "pruned; %.2f dB vs float dense%n", frames, vsPruned().snrDb(), vsPruned().maxAbsError(),
                    vsDense().snrDb()));
            return s.toString();
        }
    }
}
