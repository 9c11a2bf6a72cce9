package org.esegen.cli;

import org.esegen.speech.Dataset;
import org.esegen.speech.FeatureSet;
import org.esegen.speech.Normalization;
import org.esegen.train.Trainer;

import java.util.ArrayList;
import java.util.List;

/**
 * A data set's features split the way training and evaluation use them: the test split apart, and
 * every tenth training utterance (in dataset order) held out for validation.
 *
 * @param set           the features (not normalized)
 * @param normalization the training split's statistics
 * @param labels        the class names, in index order
 */
record SpeechData(FeatureSet set, Normalization normalization, List<String> labels) {
    /** Every this-th training utterance is held out for validation. */
    static final int VALIDATION_EVERY = 10;

    static SpeechData load(java.nio.file.Path data, int threads) {
        FeatureSet set = FeatureSet.extract(Dataset.load(data), threads);
        return new SpeechData(set, set.trainingNormalization(), set.dataset().labels());
    }

    /** The training examples without the validation ones (validation false) or only those (true). */
    Trainer.Examples training(boolean validation, Normalization norm) {
        List<double[][]> features = new ArrayList<>();
        List<Integer> labelIndices = new ArrayList<>();
        int seen = 0;
        for (int i = 0; i < set.features().size(); i++) {
            Dataset.Utterance u = set.dataset().utterances().get(i);
            if (u.split() != Dataset.Split.TRAIN) {
                continue;
            }
            boolean held = seen++ % VALIDATION_EVERY == VALIDATION_EVERY - 1;
            if (held == validation) {
                features.add(norm.apply(set.features().get(i)));
                labelIndices.add(labels.indexOf(u.label()));
            }
        }
        return new Trainer.Examples(features, labelIndices.stream().mapToInt(Integer::intValue).toArray());
    }
}
