package org.esegen.speech;

import org.esegen.EsegenException;
import org.esegen.Parallel;
import org.esegen.compile.CompiledModel;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.GoldenModel;
import org.esegen.rnn.DeltaReference;
import org.esegen.rnn.FloatReference;
import org.esegen.quant.Quantizer;

import java.util.List;
import java.util.function.UnaryOperator;

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
        if (compiled != null) {
            GoldenModel golden = goldenModel(compiled);
            return runFixed(model, compiled.config().activationFormat(), golden::run, features, truths, threads);
        }
        requireKnownLabels(model, truths);
        List<Integer> predictions = Parallel.map(features, threads, f -> SpeechModel.argmax(model.logits(
                FloatReference.run(model.model(), model.normalization().apply(f)))));
        return of("float", model.labels(), truths, predictions);
    }

    /**
     * Evaluates {@code model} through a fixed-point twin of it (mode {@code fixed}): each utterance's
     * normalized frames quantized to {@code act}, through {@code fixed} (T x I raw in, T x P raw out, from
     * zero state; called from several threads), dequantized, into the model's classifier.
     */
    public static SpeechEvaluation runFixed(SpeechModel model, FixedFormat act, UnaryOperator<long[][]> fixed,
                                            List<double[][]> features, List<String> truths, int threads) {
        requireKnownLabels(model, truths);
        List<Integer> predictions = Parallel.map(features, threads, f -> SpeechModel.argmax(model.logits(
                fixedOutputs(fixed, act, model.normalization().apply(f)))));
        return of("fixed", model.labels(), truths, predictions);
    }

    /**
     * Accuracy of the model run as a delta network with thresholds {@code thetaX} and {@code thetaH},
     * in float ({@link DeltaReference}) or fixed ({@link GoldenModel#runDelta} on the compiled image),
     * and how much fired.
     *
     * @param evaluation   the accuracy figures (mode {@code float-delta} or {@code fixed-delta})
     * @param firedInputs  per layer, fired input elements over all input elements of all utterances
     * @param firedStates  per layer, fired recurrent elements over all of them
     */
    public record Delta(SpeechEvaluation evaluation, double[] firedInputs, double[] firedStates) {
    }

    /**
     * See {@link Delta}; features unnormalized (the model's normalization applies).
     *
     * @param compiled the model compiled for the accelerator, for fixed point; null for float
     */
    public static Delta runDelta(SpeechModel model, CompiledModel compiled, List<double[][]> features,
                                 List<String> truths, int threads, double thetaX, double thetaH) {
        requireKnownLabels(model, truths);
        GoldenModel golden = compiled == null ? null : goldenModel(compiled);
        FixedFormat act = compiled == null ? null : compiled.config().activationFormat();
        GoldenModel.DeltaThresholds raw = golden == null ? null : golden.deltaThresholds(thetaX, thetaH);
        List<DeltaReference.Result> results = Parallel.map(features, threads, f -> {
            double[][] x = model.normalization().apply(f);
            if (golden == null) {
                return DeltaReference.run(model.model(), x, thetaX, thetaH);
            }
            GoldenModel.DeltaResult r = golden.runDelta(Quantizer.quantize(x, act), raw);
            return new DeltaReference.Result(Quantizer.dequantize(r.outputs(), act), r.firedInputs(), r.firedStates());
        });
        int depth = model.model().depth();
        double[] firedX = new double[depth];
        double[] firedH = new double[depth];
        long frames = 0;
        for (int i = 0; i < results.size(); i++) {
            int t = features.get(i).length;
            frames += t;
            for (int k = 0; k < depth; k++) {
                firedX[k] += results.get(i).firedInputs()[k] * t;
                firedH[k] += results.get(i).firedStates()[k] * t;
            }
        }
        for (int k = 0; k < depth; k++) {
            firedX[k] /= Math.max(1, frames);
            firedH[k] /= Math.max(1, frames);
        }
        List<Integer> predictions = results.stream().map(r -> SpeechModel.argmax(model.logits(r.outputs()))).toList();
        return new Delta(of(golden == null ? "float-delta" : "fixed-delta", model.labels(), truths, predictions),
                firedX, firedH);
    }

    private static void requireKnownLabels(SpeechModel model, List<String> truths) {
        for (String truth : truths) {
            if (!model.labels().contains(truth)) {
                throw new EsegenException("evaluation: label '" + truth + "' is not one the model knows "
                        + model.labels());
            }
        }
    }

    /** The figures of {@code predictions} (class indices) against {@code truths} (label names). */
    private static SpeechEvaluation of(String mode, List<String> labels, List<String> truths, List<Integer> predictions) {
        int[] predicted = new int[predictions.size()];
        int[][] confusion = new int[labels.size()][labels.size()];
        for (int i = 0; i < predicted.length; i++) {
            predicted[i] = predictions.get(i);
            confusion[labels.indexOf(truths.get(i))][predicted[i]]++;
        }
        return new SpeechEvaluation(mode, labels, confusion, predicted);
    }

    /** The golden model of {@code compiled}'s image (weights decoded once; one zero frame per channel). */
    public static GoldenModel goldenModel(CompiledModel compiled) {
        long[][][] zeroFrame = new long[compiled.config().channels()][1][compiled.inputSize()];
        return new GoldenModel(compiled.config(), compiled.image(zeroFrame));
    }

    /** The golden model's outputs (T x P, dequantized) of one utterance: what every channel computes. */
    public static double[][] fixedOutputs(GoldenModel golden, FixedFormat act, double[][] frames) {
        return fixedOutputs(golden::run, act, frames);
    }

    /** A fixed-point twin's outputs (T x P, dequantized) of one utterance's frames, quantized to {@code act}. */
    public static double[][] fixedOutputs(UnaryOperator<long[][]> fixed, FixedFormat act, double[][] frames) {
        return Quantizer.dequantize(fixed.apply(Quantizer.quantize(frames, act)), act);
    }
}
