package org.esegen.io;

import org.esegen.EsegenException;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recurrent models in safetensors files, named exactly as PyTorch's {@code state_dict()} of
 * {@code nn.LSTM(num_layers=L)}, {@code nn.LSTM(proj_size=P, num_layers=L)} and
 * {@code nn.GRU(num_layers=L)} (DESIGN.md section 2): per layer k {@code weight_ih_l{k}} [GH, I],
 * {@code weight_hh_l{k}} [GH, P], {@code bias_ih_l{k}} [GH], {@code bias_hh_l{k}} [GH], for a
 * projection {@code weight_hr_l{k}} [P, H], and optional LSTM peepholes {@code weight_ic_l{k}},
 * {@code weight_fc_l{k}}, {@code weight_oc_l{k}} [H]. Besides these only {@link Safetensors#MODEL_EXTRAS}
 * may be present. No metadata is needed: the cell follows from the tensors (a {@code weight_hr}
 * makes an {@code lstmp}; otherwise G = rows of {@code weight_ih} / columns of {@code weight_hh} is 4
 * for {@code lstm}, 3 for {@code gru}); the {@code __metadata__} key {@value #CELL_KEY} or the caller
 * may state it, and must then agree.
 */
public final class ModelFile {
    /** The metadata key naming the cell kind. */
    public static final String CELL_KEY = "cell";

    private static final Pattern LAYER_TENSOR =
            Pattern.compile("(weight_ih|weight_hh|bias_ih|bias_hh|weight_hr|weight_ic|weight_fc|weight_oc)_l(\\d+)");
    private static final List<String> PEEPHOLES = List.of("weight_ic", "weight_fc", "weight_oc");

    private ModelFile() {
    }

    /**
     * Reads a stack of layers.
     *
     * @param declared the cell the caller states (e.g. {@code --cell}), or null to infer it
     * @throws EsegenException naming the file, the tensor, its shape and the expected shape when a tensor
     *                         is missing (a layer index skipped), misshapen, not finite, bidirectional
     *                         ({@code _reverse}), foreign, when the gate count is neither 3 nor 4, the
     *                         stated cell disagrees with the tensors, only some peepholes are present,
     *                         a GRU has peepholes, or a layer's input size is not the previous output size
     */
    public static LayerStack read(Path file, CellKind declared) {
        Safetensors.Contents contents = Safetensors.read(file);
        Map<String, Tensor> tensors = contents.tensors();
        CellKind stated = statedCell(file, declared, contents.metadata().get(CELL_KEY));
        TreeSet<Integer> indices = new TreeSet<>();
        for (String name : tensors.keySet()) {
            if (name.contains("_reverse")) {
                throw fail(file, "holds tensor '" + name + "' of a bidirectional model; esegen runs unidirectional"
                        + " layers (PyTorch's bidirectional=False)");
            }
            Matcher m = LAYER_TENSOR.matcher(name);
            if (m.matches()) {
                indices.add(Integer.parseInt(m.group(2)));
            } else if (!Safetensors.MODEL_EXTRAS.contains(name)) {
                throw fail(file, "holds tensor '" + name + "', which is not part of a recurrent layer stack; expected"
                        + " weight_ih_l{k}, weight_hh_l{k}, bias_ih_l{k}, bias_hh_l{k}, optionally weight_hr_l{k} and"
                        + " the peepholes weight_ic_l{k}, weight_fc_l{k}, weight_oc_l{k}, besides "
                        + String.join(", ", Safetensors.MODEL_EXTRAS) + " (PyTorch nn.LSTM / nn.GRU state_dict naming)");
            }
        }
        if (indices.isEmpty()) {
            throw fail(file, "has no tensor 'weight_ih_l0' (expected shape [GH, I]); it holds "
                    + (tensors.isEmpty() ? "no tensors" : String.join(", ", tensors.keySet())));
        }
        List<LayerWeights> layers = new ArrayList<>();
        for (int k = 0; k <= indices.last(); k++) {
            if (!indices.contains(k)) {
                throw fail(file, "has tensors of layer " + indices.last() + " but none of layer " + k
                        + " (no tensor '" + LayerWeights.name("weight_ih", k) + "'); layers are numbered from 0"
                        + " without gaps");
            }
            layers.add(layer(file, tensors, k, stated));
        }
        try {
            return new LayerStack(layers);
        } catch (EsegenException e) {
            throw fail(file, e.getMessage());
        }
    }

    /** Writes a stack as PyTorch's {@code state_dict()} would hold it, without metadata. */
    public static void write(LayerStack model, Path file, Safetensors.Dtype dtype) {
        Safetensors.write(file, tensors(model), dtype);
    }

    /** The tensors of a stack in PyTorch naming (a projection and peepholes only when present). */
    public static List<Tensor> tensors(LayerStack model) {
        List<Tensor> out = new ArrayList<>();
        for (LayerWeights w : model.layers()) {
            int k = w.layer();
            out.add(Tensor.ofMatrix(LayerWeights.name("weight_ih", k), w.wIh()));
            out.add(Tensor.ofMatrix(LayerWeights.name("weight_hh", k), w.wHh()));
            out.add(Tensor.ofVector(LayerWeights.name("bias_ih", k), w.bIh()));
            out.add(Tensor.ofVector(LayerWeights.name("bias_hh", k), w.bHh()));
            if (w.cell().hasProjection()) {
                out.add(Tensor.ofMatrix(LayerWeights.name("weight_hr", k), w.wHr()));
            }
            if (w.hasPeepholes()) {
                out.add(Tensor.ofVector(LayerWeights.name("weight_ic", k), w.wIc()));
                out.add(Tensor.ofVector(LayerWeights.name("weight_fc", k), w.wFc()));
                out.add(Tensor.ofVector(LayerWeights.name("weight_oc", k), w.wOc()));
            }
        }
        return out;
    }

    private static CellKind statedCell(Path file, CellKind declared, String metadata) {
        CellKind fromMetadata;
        try {
            fromMetadata = metadata == null ? null : CellKind.parse(metadata, "__metadata__ \"" + CELL_KEY + "\"");
        } catch (EsegenException e) {
            throw fail(file, e.getMessage());
        }
        if (declared != null && fromMetadata != null && declared != fromMetadata) {
            throw fail(file, "its metadata says the cell is " + fromMetadata.cliName() + ", but " + declared.cliName()
                    + " was asked for");
        }
        return declared != null ? declared : fromMetadata;
    }

    private static LayerWeights layer(Path file, Map<String, Tensor> tensors, int k, CellKind stated) {
        String ih = LayerWeights.name("weight_ih", k);
        String hh = LayerWeights.name("weight_hh", k);
        String hr = LayerWeights.name("weight_hr", k);
        Tensor wIh = Safetensors.require(file, tensors, ih, "[GH, I]");
        Safetensors.requireRank(file, wIh, 2, "[GH, I]");
        long gateRows = wIh.dimension(0);
        long inputSize = wIh.dimension(1);
        if (gateRows == 0 || inputSize == 0) {
            throw fail(file, "tensor '" + ih + "' has shape " + wIh.shapeText() + "; expected [GH, I] with G = 3 or 4"
                    + " gates, H >= 1 and I >= 1");
        }
        CellKind cell;
        long hiddenSize;
        long projSize;
        String dimensions;
        if (tensors.containsKey(hr)) {
            Tensor wHr = tensors.get(hr);
            if (gateRows % 4 != 0) {
                throw fail(file, "tensor '" + ih + "' has shape " + wIh.shapeText() + "; expected [4H, I] (a layer"
                        + " with a projection " + hr + " is an LSTM, whose rows hold gates i, f, g, o, so their count"
                        + " is a positive multiple of 4)");
            }
            hiddenSize = gateRows / 4;
            Safetensors.requireRank(file, wHr, 2, "[P, " + hiddenSize + "]");
            projSize = wHr.dimension(0);
            if (projSize == 0 || wHr.dimension(1) != hiddenSize) {
                throw fail(file, "tensor '" + hr + "' has shape " + wHr.shapeText() + "; expected [P, " + hiddenSize
                        + "] with P >= 1 (H = " + hiddenSize + " because " + ih + " has shape " + wIh.shapeText()
                        + ", i.e. 4H = " + gateRows + ")");
            }
            cell = CellKind.LSTMP;
            dimensions = " (H = " + hiddenSize + " and I = " + inputSize + " from " + ih + " " + wIh.shapeText()
                    + ", P = " + projSize + " from " + hr + " " + wHr.shapeText() + ")";
        } else {
            Tensor wHh = Safetensors.require(file, tensors, hh, "[GH, H]");
            Safetensors.requireRank(file, wHh, 2, "[GH, H]");
            hiddenSize = wHh.dimension(1);
            if (hiddenSize == 0 || gateRows % hiddenSize != 0 || (gateRows / hiddenSize != 3 && gateRows / hiddenSize != 4)) {
                throw fail(file, "tensors '" + ih + "' " + wIh.shapeText() + " and '" + hh + "' " + wHh.shapeText()
                        + " give a gate count G = rows / H of " + (hiddenSize == 0 ? "nothing"
                        : gateRows % hiddenSize != 0 ? gateRows + " / " + hiddenSize : String.valueOf(gateRows / hiddenSize))
                        + "; expected 4 (nn.LSTM: i, f, g, o) or 3 (nn.GRU: r, z, n), with H the columns of " + hh
                        + (gateRows % 4 == 0 ? "; or, for an nn.LSTM(proj_size=P) layer, its projection '" + hr
                        + "' [P, " + gateRows / 4 + "] is missing" : ""));
            }
            projSize = hiddenSize;
            cell = gateRows / hiddenSize == 3 ? CellKind.GRU : CellKind.LSTM;
            dimensions = " (G = " + cell.gates() + " for " + cell.cliName() + ", H = " + hiddenSize + " from " + hh
                    + " " + wHh.shapeText() + ", I = " + inputSize + " from " + ih + " " + wIh.shapeText() + ")";
        }
        if (stated != null && stated != cell) {
            throw fail(file, "layer " + k + " is " + (stated == CellKind.LSTMP ? "stated to be lstmp but has no " + hr
                    : "stated to be " + stated.cliName() + " but its tensors make it " + cell.cliName()
                    + (cell == CellKind.LSTMP ? " (it has " + hr + ")" : " (" + cell.gates() + " gates)")));
        }
        String g = cell.gates() == 4 ? "4H" : "3H";
        Tensor wHh = Safetensors.requireShape(file, tensors, hh, new long[] {gateRows, projSize},
                "[" + g + ", " + (cell.hasProjection() ? "P" : "H") + "]", dimensions);
        Tensor bIh = Safetensors.requireShape(file, tensors, LayerWeights.name("bias_ih", k), new long[] {gateRows},
                "[" + g + "]", dimensions);
        Tensor bHh = Safetensors.requireShape(file, tensors, LayerWeights.name("bias_hh", k), new long[] {gateRows},
                "[" + g + "]", dimensions);
        double[][] peepholes = new double[PEEPHOLES.size()][];
        for (int q = 0; q < peepholes.length; q++) {
            String name = LayerWeights.name(PEEPHOLES.get(q), k);
            if (tensors.containsKey(name)) {
                if (!cell.allowsPeepholes()) {
                    throw fail(file, "holds the peephole '" + name + "', but layer " + k + " is a gru, which has none");
                }
                peepholes[q] = Safetensors.requireShape(file, tensors, name, new long[] {hiddenSize}, "[H]", dimensions)
                        .toVector();
            }
        }
        try {
            return new LayerWeights(k, cell, (int) inputSize, (int) hiddenSize, (int) projSize, wIh.toMatrix(),
                    wHh.toMatrix(), bIh.toVector(), bHh.toVector(),
                    cell.hasProjection() ? tensors.get(hr).toMatrix() : null, peepholes[0], peepholes[1], peepholes[2]);
        } catch (EsegenException e) {
            throw fail(file, e.getMessage());
        }
    }

    private static EsegenException fail(Path file, String problem) {
        return new EsegenException(file + ": " + problem);
    }
}
