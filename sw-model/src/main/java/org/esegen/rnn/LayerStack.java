package org.esegen.rnn;

import org.esegen.EsegenException;

import java.util.List;

/**
 * A stack of L recurrent layers of one cell kind, as PyTorch's {@code nn.LSTM(num_layers=L)} or
 * {@code nn.GRU(num_layers=L)} holds them: layer k+1 takes layer k's output of the same frame.
 *
 * @param layers layer 0 first; layer k has index k, and its input size is layer k-1's output size
 */
public record LayerStack(List<LayerWeights> layers) {

    public LayerStack {
        if (layers == null || layers.isEmpty()) {
            throw new EsegenException("a model needs at least one layer");
        }
        layers = List.copyOf(layers);
        for (int k = 0; k < layers.size(); k++) {
            LayerWeights layer = layers.get(k);
            if (layer.layer() != k) {
                throw new EsegenException("layer " + k + " of the stack is labelled layer " + layer.layer());
            }
            if (layer.cell() != layers.get(0).cell()) {
                throw new EsegenException("layer " + k + " is " + layer.cell().cliName() + ", layer 0 is "
                        + layers.get(0).cell().cliName() + ": a stack has one cell kind, as PyTorch's nn.LSTM and nn.GRU");
            }
            if (k > 0 && layer.inputSize() != layers.get(k - 1).projSize()) {
                throw new EsegenException("layer " + k + " takes " + layer.inputSize() + " inputs ("
                        + LayerWeights.name("weight_ih", k) + " has " + layer.inputSize() + " columns), but layer "
                        + (k - 1) + " outputs " + layers.get(k - 1).projSize());
            }
        }
    }

    /** A stack of one layer. */
    public static LayerStack of(LayerWeights layer) {
        return new LayerStack(List.of(layer.atLayer(0)));
    }

    /** The cell kind of every layer. */
    public CellKind cell() {
        return layers.get(0).cell();
    }

    /** L. */
    public int depth() {
        return layers.size();
    }

    /** Layer {@code k}. */
    public LayerWeights layer(int k) {
        return layers.get(k);
    }

    /** The first layer's input size. */
    public int inputSize() {
        return layers.get(0).inputSize();
    }

    /** The last layer's output size. */
    public int outputSize() {
        return layers.get(layers.size() - 1).projSize();
    }

    /** H summed over the layers (the golden model's traces keep every layer's cell values). */
    public int totalHiddenSize() {
        return layers.stream().mapToInt(LayerWeights::hiddenSize).sum();
    }

    /** P summed over the layers. */
    public int totalOutputSize() {
        return layers.stream().mapToInt(LayerWeights::projSize).sum();
    }

    /** Count of matrix weights over every layer, dense. */
    public long matrixWeights() {
        return layers.stream().mapToLong(LayerWeights::matrixWeights).sum();
    }

    /** Nonzero matrix weights over all matrix weights of every layer. */
    public double matrixDensity() {
        double nonzeros = 0;
        for (LayerWeights layer : layers) {
            nonzeros += layer.matrixDensity() * layer.matrixWeights();
        }
        return nonzeros / matrixWeights();
    }
}
