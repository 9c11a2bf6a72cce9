package org.esegen.speech;

import org.esegen.EsegenException;

import java.util.List;

/**
 * Per-feature normalization (x - mean) / std, the statistics taken over every frame of the training
 * split and stored with the model, so training, evaluation and the accelerator's inputs see the same
 * scale. A feature whose standard deviation is below {@value #MIN_STD} is divided by that instead.
 *
 * @param mean per feature
 * @param std  per feature, population standard deviation
 */
public record Normalization(double[] mean, double[] std) {
    /** Smallest divisor. */
    public static final double MIN_STD = 1e-5;

    public Normalization {
        if (mean.length != std.length) {
            throw new EsegenException("normalization: " + mean.length + " means but " + std.length + " deviations");
        }
    }

    /** Statistics over every frame of {@code utterances} (each T x d). */
    public static Normalization of(List<double[][]> utterances) {
        if (utterances.isEmpty()) {
            throw new EsegenException("normalization: no training utterance to take statistics from");
        }
        int d = utterances.get(0)[0].length;
        double[] sum = new double[d];
        double[] sumSquares = new double[d];
        long frames = 0;
        for (double[][] u : utterances) {
            for (double[] frame : u) {
                for (int j = 0; j < d; j++) {
                    sum[j] += frame[j];
                    sumSquares[j] += frame[j] * frame[j];
                }
                frames++;
            }
        }
        double[] mean = new double[d];
        double[] std = new double[d];
        for (int j = 0; j < d; j++) {
            mean[j] = sum[j] / frames;
            std[j] = Math.sqrt(Math.max(0, sumSquares[j] / frames - mean[j] * mean[j]));
        }
        return new Normalization(mean, std);
    }

    /** {@code frames} normalized (a new array). */
    public double[][] apply(double[][] frames) {
        double[][] out = new double[frames.length][];
        for (int t = 0; t < frames.length; t++) {
            if (frames[t].length != mean.length) {
                throw new EsegenException("normalization: a frame of " + frames[t].length + " features, the statistics "
                        + "have " + mean.length);
            }
            out[t] = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                out[t][j] = (frames[t][j] - mean[j]) / Math.max(std[j], MIN_STD);
            }
        }
        return out;
    }
}
