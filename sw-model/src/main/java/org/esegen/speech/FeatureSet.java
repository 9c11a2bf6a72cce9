package org.esegen.speech;

import org.esegen.EsegenException;
import org.esegen.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Features} of every utterance of a {@link Dataset}, in dataset order, computed on
 * {@code threads} threads (each utterance alone, so the result does not depend on the thread count).
 * Every recording must have the same sample rate: the features' filterbank follows it.
 *
 * @param dataset    the recordings
 * @param features   per utterance, T x {@value Features#DIMENSION}, not normalized
 * @param sampleRate the common sample rate, Hz
 */
public record FeatureSet(Dataset dataset, List<double[][]> features, int sampleRate) {

    /** Reads and featurizes every utterance. */
    public static FeatureSet extract(Dataset dataset, int threads) {
        List<Dataset.Utterance> utterances = dataset.utterances();
        List<Wav> wavs = Parallel.map(utterances, threads, u -> Wav.read(u.path()));
        for (int i = 1; i < wavs.size(); i++) {
            if (wavs.get(i).sampleRate() != wavs.get(0).sampleRate()) {
                throw new EsegenException(utterances.get(i).path() + ": " + wavs.get(i).sampleRate() + " Hz, but "
                        + utterances.get(0).path() + " is " + wavs.get(0).sampleRate() + " Hz; the features' "
                        + "filterbank follows the sample rate, so every recording of a data set must share it (resample "
                        + "with e.g. sox)");
            }
        }
        return new FeatureSet(dataset, List.copyOf(Parallel.map(wavs, threads, Features::of)),
                wavs.get(0).sampleRate());
    }

    /**
     * The features and labels of one split's utterances, in dataset order.
     *
     * @param features per utterance, T x {@value Features#DIMENSION}, not normalized
     * @param labels   per utterance, its label
     */
    public record Labelled(List<double[][]> features, List<String> labels) {
    }

    /** The utterances of {@code split} (every utterance when null). */
    public Labelled select(Dataset.Split split) {
        List<double[][]> selected = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            Dataset.Utterance u = dataset.utterances().get(i);
            if (split == null || u.split() == split) {
                selected.add(features.get(i));
                labels.add(u.label());
            }
        }
        return new Labelled(List.copyOf(selected), List.copyOf(labels));
    }

    /** The normalization of the training split's frames. */
    public Normalization trainingNormalization() {
        List<double[][]> train = new ArrayList<>();
        for (int i = 0; i < features.size(); i++) {
            if (dataset.utterances().get(i).split() == Dataset.Split.TRAIN) {
                train.add(features.get(i));
            }
        }
        if (train.isEmpty()) {
            throw new EsegenException(dataset.source() + ": no utterance in the training split, so there are no "
                    + "statistics to normalize the features with");
        }
        return Normalization.of(train);
    }

    /**
     * How much consecutive frames differ: for each threshold, the fraction of (frame, feature) pairs
     * with |x_t - x_(t-1)| at or above it, over every utterance's frames after the first.
     */
    public static double[] changedFraction(List<double[][]> utterances, double[] thresholds) {
        long[] over = new long[thresholds.length];
        long pairs = 0;
        for (double[][] u : utterances) {
            for (int t = 1; t < u.length; t++) {
                for (int j = 0; j < u[t].length; j++) {
                    double d = Math.abs(u[t][j] - u[t - 1][j]);
                    for (int k = 0; k < thresholds.length; k++) {
                        if (d >= thresholds[k]) {
                            over[k]++;
                        }
                    }
                    pairs++;
                }
            }
        }
        double[] fraction = new double[thresholds.length];
        for (int k = 0; k < thresholds.length; k++) {
            fraction[k] = pairs == 0 ? 0 : over[k] / (double) pairs;
        }
        return fraction;
    }
}
