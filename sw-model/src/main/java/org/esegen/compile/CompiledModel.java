package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.LayerWeights;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.QuantizationLoss;

import java.util.List;
import java.util.Map;

/**
 * A model pruned, quantized and encoded for a configuration: everything the DDR image holds but the
 * frames. Build the image with {@link #image(long[][][])}.
 *
 * @param config   the accelerator configuration
 * @param pruning  pruning method used
 * @param density  target density given to the pruner
 * @param pruned   the pruned float model (the float reference of what the hardware runs)
 * @param wa       encoded W_a = [W_ih | W_hh], 4H x (I+P)
 * @param whr      encoded W_hr, P x H
 * @param bias     combined gate biases, 4H raw activation-format values (gate order i, f, g, o)
 * @param peep     peepholes, 3H raw values in order i, f, o (all zero without peepholes)
 */
public record CompiledModel(AcceleratorConfig config, PruningMethod pruning, double density, LayerWeights pruned,
                            SparseMatrixEncoding wa, SparseMatrixEncoding whr, long[] bias, long[] peep) {

    /**
     * What {@code layout.json} holds for an image of {@code frames} frames: the layout (header fields),
     * every section's offset and size, and the datapath formats a reader of the image needs besides
     * (accumulator width, activation format, sigmoid/tanh table size and input range).
     */
    public Map<String, Object> describeLayout(int frames) {
        Map<String, Object> datapath = new java.util.LinkedHashMap<>();
        datapath.put("weight_bits", config.formats().weightBits());
        datapath.put("index_bits", config.formats().indexBits());
        datapath.put("act_bits", config.formats().actBits());
        datapath.put("act_frac_bits", config.formats().actFracBits());
        datapath.put("acc_bits", config.pe().accBits());
        datapath.put("wa_frac_bits", wa.fracBits());
        datapath.put("whr_frac_bits", whr.fracBits());
        datapath.put("lut_entries", config.lut().lutEntries());
        datapath.put("lut_input_range", config.lut().lutInputRange());
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("layout", layout(frames));
        d.put("sections", layout(frames).describeSections());
        d.put("datapath", datapath);
        return d;
    }

    /** What quantizing the model's tensors zeroed and saturated; see {@link QuantizationLoss}. */
    public List<QuantizationLoss> quantizationLosses() {
        return QuantizationLoss.ofModel(config, pruned, wa.fracBits(), whr.fracBits());
    }

    public int inputSize() {
        return pruned.inputSize();
    }

    public int hiddenSize() {
        return pruned.hiddenSize();
    }

    public int projSize() {
        return pruned.projSize();
    }

    /** Image layout for {@code frames} frames per channel. */
    public ImageLayout layout(int frames) {
        return ImageLayout.of(config, inputSize(), hiddenSize(), projSize(), frames, pruned.hasPeepholes(),
                wa.fracBits(), whr.fracBits(), ImageLayout.entryRows(wa.maxEntries()),
                ImageLayout.entryRows(whr.maxEntries()));
    }

    /**
     * The DDR image with the given input frames.
     *
     * @param framesRaw [channel][frame][I] raw activation-format inputs; channels must equal the
     *                  config's channels and all channels the same frame count
     */
    public byte[] image(long[][][] framesRaw) {
        if (framesRaw.length != config.channels()) {
            throw new EsegenException("image: " + framesRaw.length + " channels of frames given, config has "
                    + config.channels());
        }
        int frames = framesRaw[0].length;
        ImageLayout layout = layout(frames);
        long total = layout.totalBytes();
        if (total > Integer.MAX_VALUE - 8) {
            throw new EsegenException("image of " + total + " bytes exceeds the 2 GiB this tool writes; use fewer frames");
        }
        byte[] image = new byte[(int) total];
        layout.writeHeader(image);
        Map<Section, Long> at = layout.offsets();
        writeMatrix(layout, image, at.get(Section.WA_POINTERS), at.get(Section.WA_ENTRIES), wa);
        writeMatrix(layout, image, at.get(Section.WHR_POINTERS), at.get(Section.WHR_ENTRIES), whr);
        int n = config.pes();
        int cellsPerPe = layout.cellsPerPe();
        int h = hiddenSize();
        LaneRows act = layout.packing(Section.BIAS);
        for (int cell = 0; cell < h; cell++) {
            int p = cell % n;
            int local = cell / n;
            for (int g = 0; g < 4; g++) {
                act.put(image, at.get(Section.BIAS), (long) g * cellsPerPe + local, p, bias[g * h + cell]);
            }
            for (int q = 0; q < 3; q++) {
                act.put(image, at.get(Section.PEEPHOLES), (long) q * cellsPerPe + local, p, peep[q * h + cell]);
            }
        }
        LaneRows in = layout.packing(Section.INPUT);
        FixedFormat a = config.activationFormat();
        for (int ch = 0; ch < framesRaw.length; ch++) {
            if (framesRaw[ch].length != frames) {
                throw new EsegenException("image: channel " + ch + " has " + framesRaw[ch].length
                        + " frames, channel 0 has " + frames);
            }
            for (int t = 0; t < frames; t++) {
                for (int i = 0; i < inputSize(); i++) {
                    long v = framesRaw[ch][t][i];
                    if (!a.holds(v)) {
                        throw new EsegenException("image: input value " + v + " at channel " + ch + " frame " + t
                                + " index " + i + " is outside " + a);
                    }
                    in.put(image, at.get(Section.INPUT), (long) ch * frames + t, i, v);
                }
            }
        }
        return image;
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
