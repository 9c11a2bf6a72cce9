package org.esegen.speech;

import com.fasterxml.jackson.core.type.TypeReference;
import org.esegen.EsegenException;
import org.esegen.io.Json;
import org.esegen.io.ModelFile;
import org.esegen.io.Safetensors;
import org.esegen.io.Tensor;
import org.esegen.rnn.LayerStack;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trained speech classifier as esegen stores it (DESIGN.md section 2): the recurrent layers (what
 * the accelerator runs), the host's linear classifier over the layer's outputs averaged over the
 * utterance's frames, the feature normalization, and in the safetensors {@code __metadata__} the cell,
 * the front end and the labels. Logits = W mean_t(y_t) + b; the prediction is the largest logit.
 *
 * @param model            the recurrent stack
 * @param classifierWeight K x P
 * @param classifierBias   K
 * @param normalization    the features' normalization (training split statistics)
 * @param labels           the K class names, in logit order
 */
public record SpeechModel(LayerStack model, double[][] classifierWeight, double[] classifierBias,
                          Normalization normalization, List<String> labels) {
    /** The front end the model was trained on, as written in its metadata. */
    public static final String FEATURES = "esegen-logmel40-d-dd";

    public SpeechModel {
        if (classifierWeight.length != labels.size() || classifierBias.length != labels.size()) {
            throw new EsegenException("speech model: " + labels.size() + " labels but a classifier of "
                    + classifierWeight.length + " rows and " + classifierBias.length + " biases");
        }
        for (double[] row : classifierWeight) {
            if (row.length != model.outputSize()) {
                throw new EsegenException("speech model: classifier rows of " + row.length + " weights, the last layer "
                        + "outputs " + model.outputSize());
            }
        }
        if (normalization.mean().length != model.inputSize()) {
            throw new EsegenException("speech model: normalization of " + normalization.mean().length
                    + " features, the first layer takes " + model.inputSize());
        }
        labels = List.copyOf(labels);
    }

    /** Logits of an utterance from the layer's outputs (T x P). */
    public double[] logits(double[][] outputs) {
        int p = model.outputSize();
        double[] mean = new double[p];
        for (double[] y : outputs) {
            for (int j = 0; j < p; j++) {
                mean[j] += y[j] / outputs.length;
            }
        }
        double[] logits = classifierBias.clone();
        for (int k = 0; k < logits.length; k++) {
            for (int j = 0; j < p; j++) {
                logits[k] += classifierWeight[k][j] * mean[j];
            }
        }
        return logits;
    }

    /** Index of the largest logit (the first of equals). */
    public static int argmax(double[] logits) {
        int best = 0;
        for (int k = 1; k < logits.length; k++) {
            if (logits[k] > logits[best]) {
                best = k;
            }
        }
        return best;
    }

    /** Writes the model as safetensors (F32), its metadata naming the cell, the features and the labels. */
    public void write(Path file) {
        List<Tensor> tensors = new ArrayList<>(ModelFile.tensors(model));
        tensors.add(Tensor.ofMatrix("classifier.weight", classifierWeight));
        tensors.add(Tensor.ofVector("classifier.bias", classifierBias));
        tensors.add(Tensor.ofVector("normalization.mean", normalization.mean()));
        tensors.add(Tensor.ofVector("normalization.std", normalization.std()));
        Map<String, String> metadata = new TreeMap<>();
        metadata.put(ModelFile.CELL_KEY, model.cell().cliName());
        metadata.put("features", FEATURES);
        metadata.put("labels", Json.line(labels));
        Safetensors.write(file, tensors, metadata, Safetensors.Dtype.F32);
    }

    /**
     * Reads a model (as {@link #read}) that must take this front end's {@link Features#DIMENSION}
     * features a frame, as every model evaluated on speech data does.
     *
     * @throws EsegenException naming the file when it does not, or as {@link #read}
     */
    public static SpeechModel readForFeatures(Path file) {
        SpeechModel m = read(file);
        if (m.model().inputSize() != Features.DIMENSION) {
            throw new EsegenException(file + ": the first layer takes " + m.model().inputSize() + " inputs, the speech "
                    + "features are " + Features.DIMENSION + " per frame");
        }
        return m;
    }

    /**
     * Reads a model written by {@link #write} (or by PyTorch with the same names and metadata).
     *
     * @throws EsegenException naming the file when the layer is malformed, the classifier, the
     *                         normalization or the labels are missing, or their sizes disagree
     */
    public static SpeechModel read(Path file) {
        LayerStack stack = ModelFile.read(file, null);
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, Tensor> t = contents.tensors();
        for (String name : Safetensors.MODEL_EXTRAS) {
            if (!t.containsKey(name)) {
                throw new EsegenException(file + ": has no tensor '" + name + "'; a speech model carries the host's "
                        + "classifier (classifier.weight, classifier.bias) and the feature normalization "
                        + "(normalization.mean, normalization.std); train one with esegen train");
            }
        }
        String labelsText = contents.metadata().get("labels");
        if (labelsText == null) {
            throw new EsegenException(file + ": its __metadata__ has no 'labels' (a JSON array of the class names)");
        }
        List<String> labels;
        try {
            labels = Json.mapper().readValue(labelsText, new TypeReference<List<String>>() { });
        } catch (IOException e) {
            throw new EsegenException(file + ": __metadata__ 'labels' is not a JSON array of strings: " + labelsText, e);
        }
        try {
            return new SpeechModel(stack, t.get("classifier.weight").toMatrix(), t.get("classifier.bias").toVector(),
                    new Normalization(t.get("normalization.mean").toVector(), t.get("normalization.std").toVector()),
                    labels);
        } catch (EsegenException e) {
            throw new EsegenException(file + ": " + e.getMessage(), e);
        }
    }
}
