package org.esegen.compile;

import org.esegen.config.AcceleratorConfig;
import org.esegen.rnn.LayerStack;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.QuantizationLoss;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model pruned, quantized and encoded for a configuration: everything the DDR image holds but the
 * frames, layer by layer. Build the image with {@link #image(long[][][])}.
 *
 * @param config  the accelerator configuration
 * @param pruning pruning method used
 * @param density target density given to the pruner
 * @param layers  the compiled layers, layer 0 first
 */
public record CompiledModel(AcceleratorConfig config, PruningMethod pruning, double density,
                            List<CompiledLayer> layers) {

    public CompiledModel {
        layers = List.copyOf(layers);
    }

    /**
     * What {@code layout.json} holds for an image of {@code frames} frames: the layout (header fields),
     * every section's offset and size, and the datapath formats a reader of the image needs besides
     * (accumulator width, activation format, sigmoid/tanh table size and input range; per layer the
     * weights' binary points).
     */
    public Map<String, Object> describeLayout(int frames) {
        Map<String, Object> datapath = new java.util.LinkedHashMap<>();
        datapath.put("weight_bits", config.formats().weightBits());
        datapath.put("index_bits", config.formats().indexBits());
        datapath.put("act_bits", config.formats().actBits());
        datapath.put("act_frac_bits", config.formats().actFracBits());
        datapath.put("acc_bits", config.pe().accBits());
        datapath.put("wa_frac_bits", layers.stream().map(l -> l.wa().fracBits()).toList());
        datapath.put("whr_frac_bits", layers.stream().map(l -> l.whr().fracBits()).toList());
        datapath.put("lut_entries", config.lut().lutEntries());
        datapath.put("lut_input_range", config.lut().lutInputRange());
        if (config.deltaEngine()) {
            datapath.put("delta_arrays", config.engine().deltaArrays());
            datapath.put("delta_entry_bits", config.deltaEntryBits());
            datapath.put("delta_k", layers.stream().map(l -> l.columnBalanced().k()).toList());
        }
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("layout", layout(frames));
        d.put("sections", layout(frames).describeSections());
        d.put("datapath", datapath);
        return d;
    }

    /** What quantizing the model's tensors zeroed and saturated; see {@link QuantizationLoss}. */
    public List<QuantizationLoss> quantizationLosses() {
        List<QuantizationLoss> losses = new ArrayList<>();
        for (CompiledLayer l : layers) {
            losses.addAll(QuantizationLoss.ofLayer(config, l.pruned(), l.wa().fracBits(), l.whr().fracBits(),
                    layers.size() > 1 ? "layer " + l.pruned().layer() + " " : ""));
        }
        return losses;
    }

    /** Every encoded matrix, layer by layer: W_a, then W_hr (the identity for a cell without projection). */
    public List<SparseMatrixEncoding> matrices() {
        List<SparseMatrixEncoding> out = new ArrayList<>();
        for (CompiledLayer l : layers) {
            out.add(l.wa());
            out.add(l.whr());
        }
        return out;
    }

    /**
     * Per layer, what a report gives of it: {@code cell}, {@code input_size}, {@code hidden_size},
     * {@code proj_size}, {@code peepholes}, {@code wa_frac_bits}, {@code whr_frac_bits}.
     */
    public List<Map<String, Object>> describeLayers() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (CompiledLayer l : layers) {
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("cell", l.pruned().cell().cliName());
            m.put("input_size", l.pruned().inputSize());
            m.put("hidden_size", l.pruned().hiddenSize());
            m.put("proj_size", l.pruned().projSize());
            m.put("peepholes", l.pruned().hasPeepholes());
            m.put("wa_frac_bits", l.wa().fracBits());
            m.put("whr_frac_bits", l.whr().fracBits());
            out.add(m);
        }
        return out;
    }

    /** Layer {@code k}. */
    public CompiledLayer layer(int k) {
        return layers.get(k);
    }

    /** The pruned float model, the float reference of what the hardware runs. */
    public LayerStack pruned() {
        return new LayerStack(layers.stream().map(CompiledLayer::pruned).toList());
    }

    /** Width of an input frame (layer 0's I). */
    public int inputSize() {
        return layers.get(0).pruned().inputSize();
    }

    /** Width of an output frame (the last layer's P). */
    public int outputSize() {
        return layers.get(layers.size() - 1).pruned().projSize();
    }

    /** Image layout for {@code frames} frames per channel. */
    public ImageLayout layout(int frames) {
        int arrays = config.engine().deltaArrays();
        return ImageLayout.of(config, layers.stream().map(l -> l.layout(arrays)).toList(), frames);
    }

    /**
     * The DDR image with the given input frames.
     *
     * @param framesRaw [channel][frame][I] raw activation-format inputs; channels must equal the
     *                  config's channels and all channels the same frame count
     */
    public byte[] image(long[][][] framesRaw) {
        int frames = ImageLayout.framesPerChannel(framesRaw, config.channels());
        ImageLayout layout = layout(frames);
        byte[] image = layout.emptyImage();
        for (int k = 0; k < layers.size(); k++) {
            CompiledLayer l = layers.get(k);
            if (layout.delta()) {
                writeColumnBalanced(layout, image, k, l.columnBalanced());
            } else {
                writeMatrix(layout, image, layout.offset(k, Section.WA_POINTERS), layout.offset(k, Section.WA_ENTRIES),
                        l.wa());
                writeMatrix(layout, image, layout.offset(k, Section.WHR_POINTERS),
                        layout.offset(k, Section.WHR_ENTRIES), l.whr());
            }
            layout.writeParameters(image, k, l.bias(), l.peep());
        }
        layout.writeInputs(image, framesRaw, config.activationFormat());
        return image;
    }

    /** Layer {@code layer}'s column-balanced store into its WA_ENTRIES section, as {@link ImageLayout} lays it out. */
    private static void writeColumnBalanced(ImageLayout layout, byte[] image, int layer, ColumnBalancedEncoding m) {
        LaneRows rows = layout.packing(layer, Section.WA_ENTRIES);
        long base = layout.offset(layer, Section.WA_ENTRIES);
        int weightBits = layout.weightBits();
        long weightMask = (1L << weightBits) - 1;
        for (int p = 0; p < layout.pes(); p++) {
            for (int e = 0; e < m.entriesPerPe(); e++) {
                long entry = (m.weights()[p][e] & weightMask) | ((long) m.rows()[p][e] << weightBits);
                rows.put(image, base, layout.deltaStoreRow(layer, e / m.k(), e % m.k()), p, entry);
            }
        }
    }

    private static void writeMatrix(ImageLayout layout, byte[] image, long ptrBase, long entryBase,
                                    SparseMatrixEncoding m) {
        LaneRows ptr = layout.packing(Section.WA_POINTERS);
        LaneRows ent = layout.packing(Section.WA_ENTRIES);
        int weightBits = layout.weightBits();
        long weightMask = (1L << weightBits) - 1;
        for (int p = 0; p < layout.pes(); p++) {
            for (int c = 0; c <= m.cols(); c++) {
                ptr.put(image, ptrBase, ImageLayout.pointerRow(c), ImageLayout.pointerLane(layout.pes(), p, c),
                        m.pointers()[p][c]);
            }
            for (int e = 0; e < m.entries(p); e++) {
                long entry = (m.weights()[p][e] & weightMask) | ((long) m.indices()[p][e] << weightBits);
                ent.put(image, entryBase, ImageLayout.entryRow(e), ImageLayout.entryLane(p, e), entry);
            }
        }
    }
}
