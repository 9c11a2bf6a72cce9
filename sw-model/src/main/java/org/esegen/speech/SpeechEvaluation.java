package org.esegen.speech;

import org.esegen.EsegenException;
import org.esegen.Parallel;
import org.esegen.compile.CompiledModel;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.GoldenModel;
import org.esegen.lstm.FloatReference;
import org.esegen.quant.Quantizer;

import java.util.List;

/**
 * Top-1 accuracy of a {@link SpeechModel} on labelled utterances, in float (the double-precision
 * reference of the layer) or fixed (the compiled image through the bit-exact golden model, which is
 * what the Verilog computes; the classifier in float on the host, on the dequantized outputs).
 *
 * @param mode       float or fixed
 * @param labels     the class names
 * @param confusion  [true class][predicted class] counts
 * @param predicted  per utterance, the predicted class index
 */
public record SpeechEvaluation(String mode, List<String> labels, int[][] confusion, int[] predicted) {

    /** Utterances evaluated. */
    public int utterances() {
        return predicted.length;
    }

    /** Fraction predicted right. */
    public double accuracy() {
        int right = 0;
        int all = 0;
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                all += confusion[t][p];
                right += t == p ? confusion[t][p] : 0;
            }
        }
        return all == 0 ? Double.NaN : right / (double) all;
    }

    /** Per class, the fraction of its utterances predicted right (NaN for a class with none). */
    public double[] perClassAccuracy() {
        double[] out = new double[confusion.length];
        for (int t = 0; t < confusion.length; t++) {
            int all = 0;
            for (int p = 0; p < confusion.length; p++) {
                all += confusion[t][p];
            }
            out[t] = all == 0 ? Double.NaN : confusion[t][t] / (double) all;
        }
        return out;
    }

    /**
     * Evaluates {@code model} on {@code features} (unnormalized; the model's normalization applies).
     *
     * @param compiled the model's layer compiled for the accelerator, for {@code fixed}; null for float
     * @param truths   per utterance, its label (one of the model's)
     * @param threads  utterances evaluated at once
     */
    public static SpeechEvaluation run(SpeechModel model, CompiledModel compiled, List<double[][]> features,
                                       List<String> truths, int threads) {
        List<String> labels = model.labels();
        for (String truth : truths) {
            if (!labels.contains(truth)) {
                throw new EsegenException("evaluation: label '" + truth + "' is not one the model knows " + labels);
            }
        }
        List<Integer> predictions = Parallel.map(features, threads, f -> SpeechModel.argmax(model.logits(
                compiled == null ? FloatReference.run(model.layer(), model.normalization().apply(f))
                        : fixedOutputs(compiled, model.normalization().apply(f)))));
        int[] predicted = new int[features.size()];
        int[][] confusion = new int[labels.size()][labels.size()];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = predictions.get(i);
            confusion[labels.indexOf(truths.get(i))][predicted[i]]++;
        }
        return new SpeechEvaluation(compiled == null ? "float" : "fixed", labels, confusion, predicted);
    }

    /** The golden model's outputs (T x P, dequantized) of one utterance in every channel of the image. */
    public static double[][] fixedOutputs(CompiledModel compiled, double[][] frames) {
        FixedFormat act = compiled.config().activationFormat();
        long[][] raw = Quantizer.quantize(frames, act);
        long[][][] channels = new long[compiled.config().channels()][][];
        java.util.Arrays.fill(channels, raw);
        long[][] out = new GoldenModel(compiled.config(), compiled.image(channels)).run(false).outputs()[0];
        double[][] y = new double[out.length][];
        for (int t = 0; t < out.length; t++) {
            y[t] = new double[out[t].length];
            for (int j = 0; j < y[t].length; j++) {
                y[t][j] = act.toDouble(out[t][j]);
            }
        }
        return y;
    }
}
