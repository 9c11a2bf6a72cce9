package org.esegen.cli.sweep;

import org.esegen.compile.CompiledModel;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.Evaluation;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.LayerStack;
import org.esegen.speech.SpeechEvaluation;
import org.esegen.speech.SpeechModel;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * How a search measures a compiled design's accuracy, and the floor a design must reach. Measured
 * through the bit-exact golden model on the compiled image (what the Verilog computes), never
 * estimated.
 *
 * @param name     figure name for reports: {@code accuracy} or {@code snr}
 * @param unit     unit of the figure: {@code %} or {@code dB}
 * @param floor    a design below it is not chosen
 * @param figure   the figure of a compiled design (its channel count plays no part); thread-safe
 * @param describe what the figure is, for {@code search.json}
 */
public record SearchQuality(String name, String unit, double floor, ToDoubleFunction<CompiledModel> figure,
                            Map<String, Object> describe) {

    public SearchQuality {
        describe = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(describe));
    }

    /** The figure of a compiled design. */
    public double measure(CompiledModel compiled) {
        return figure.applyAsDouble(compiled);
    }

    /**
     * Top-1 accuracy in percent of a speech model's utterances through the golden model, the
     * classifier in float on the host ({@link SpeechEvaluation#run}, as {@code evaluate --mode fixed}).
     *
     * @param model    the speech model (its stack is what is compiled)
     * @param features the utterances' features, unnormalized
     * @param truths   their labels
     * @param threads  utterances evaluated at once
     * @param floor    least accuracy, percent
     * @param data     what the utterances are, for reports
     */
    public static SearchQuality speech(SpeechModel model, List<double[][]> features, List<String> truths, int threads,
                                       double floor, String data) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("figure", "top-1 accuracy through the golden model, percent");
        m.put("data", data);
        m.put("utterances", features.size());
        m.put("floor", floor);
        return new SearchQuality("accuracy", "%", floor,
                compiled -> 100 * SpeechEvaluation.run(model, compiled, features, truths, threads).accuracy(), m);
    }

    /**
     * SNR in dB of the golden model's outputs on the given frames against the float reference of the
     * unpruned model (pruning and quantization together, as a sweep's {@code snr_db_vs_dense}) or, with
     * {@code againstPruned}, of the pruned one (quantization alone, the sweep's {@code snr_db}: for a
     * model whose sparsity is given, such as a synthetic one, whose random weights no pruning keeps).
     *
     * @param dense         the float model before pruning
     * @param frames        [frame][input] real inputs
     * @param floor         least SNR, dB
     * @param againstPruned measure against the pruned float model instead of the unpruned one
     * @param source        what the frames are, for reports
     */
    public static SearchQuality snr(LayerStack dense, double[][] frames, double floor, boolean againstPruned,
                                    String source) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("figure", "SNR of the golden model against the " + (againstPruned ? "pruned" : "unpruned")
                + " float model, dB");
        m.put("frames", source);
        m.put("frame_count", frames.length);
        m.put("floor", floor);
        return new SearchQuality("snr", "dB", floor, compiled -> {
            FixedFormat act = compiled.config().activationFormat();
            byte[] image = compiled.image(new long[][][]{Quantizer.quantize(frames, act)});
            Evaluation e = Evaluation.run(compiled, image, dense, new double[][][]{frames}, false);
            return (againstPruned ? e.vsPruned() : e.vsDense()).snrDb();
        }, m);
    }
}
