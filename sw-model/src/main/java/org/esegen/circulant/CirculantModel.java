package org.esegen.circulant;

import java.util.ArrayList;
import java.util.List;

import org.esegen.EsegenException;
import org.esegen.compile.Compiler;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.LayerLayout;
import org.esegen.compile.Section;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.ElementwiseTwin;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

/**
 * A layer stack compiled for the circulant engine ({@code engine = 2}) and its golden model: every
 * matrix product is a {@link FixedCirculant} (weights as quantized spectra, FFTs in fixed point), every
 * cell the element-wise unit's {@link ElementwiseTwin}, so the engine's hardware will be checked
 * against this class bit for bit.
 *
 * <p><b>Per layer</b> (b = circulantBlock, I, H, P the layer's sizes, v = [x_t; 0 .. ; y_(t-1)] with x_t
 * padded to ceil(I / b) b values so that the input and recurrent parts start on a block):
 * <ul>
 *   <li>the <b>gate matrix</b>, one {@link FixedCirculant} (one weight binary point) of
 *       ceil(I / b) + ceil(P / b) column blocks: for {@code lstmp} and {@code lstm} the 4H rows i, f, g,
 *       o of [P_b(W_ih) | P_b(W_hh)] (the two products summed in the frequency domain, one inverse FFT
 *       per output block); for {@code gru} the accumulator rows r, u, n_x, n_h of the element-wise unit:
 *       [P_b(W_ir) | P_b(W_hr)], [P_b(W_iz) | P_b(W_hz)], [P_b(W_in) | 0] and [0 | P_b(W_hn)], so W_hn h
 *       stays apart from W_in x (this needs H a multiple of b: a block may not straddle two gates);</li>
 *   <li>z = that product, saturated to the activation format; each cell k takes its four rows
 *       z[g H + k] with the biases and peepholes quantized as the sparse engine's compiler does
 *       ({@link Compiler#quantizedBias}, {@link Compiler#quantizedPeepholes});</li>
 *   <li>y_t = P_b(W_hr) m for {@code lstmp} (a second {@link FixedCirculant}), y_t = m otherwise.</li>
 * </ul>
 * P_b is {@link BlockCirculant#project} (exact for a matrix trained with {@code compress --method
 * circulant}; the nearest block-circulant matrix otherwise). Layer k + 1 takes layer k's y_t. The state
 * (c, y) starts at zero for every utterance.
 *
 * <p>The accelerator's image ({@link #image}, laid out as {@link ImageLayout} gives for the circulant engine)
 * holds these spectra, biases and peepholes and the frames; {@link #expectedImage} runs the image's frames
 * through this model and fills every layer's OUTPUT section, what the accelerator must leave in memory.
 */
public final class CirculantModel {
    /**
     * One compiled layer.
     *
     * @param gates      the gate matrix (rows: 4H accumulator rows, columns: padded x blocks then y blocks)
     * @param projection W_hr for {@code lstmp}, null otherwise
     * @param bias       the 4H accumulator-row biases, raw activation format
     * @param peep       the 3H peepholes (i, f, o), raw; zeros without peepholes
     * @param peepholes  whether the layer has peepholes
     * @param parameters the layer's trained matrix weights: b per block of P_b(W_ih), P_b(W_hh) and P_b(W_hr)
     */
    public record Layer(CellKind cell, int inputSize, int hiddenSize, int projSize, FixedCirculant gates,
                        FixedCirculant projection, long[] bias, long[] peep, boolean peepholes, long parameters) {
        /** Where y_(t-1) starts in v: ceil(I / b) b. */
        public int recurrentOffset() {
            return BlockCirculant.blocks(inputSize, gates.matrix().block()) * gates.matrix().block();
        }
    }

    private final AcceleratorConfig config;
    private final List<Layer> layers;

    private CirculantModel(AcceleratorConfig config, List<Layer> layers) {
        this.config = config;
        this.layers = List.copyOf(layers);
    }

    /**
     * Compiles {@code model} for {@code config} (engine = 2): circulantBlock b, weightBits per stored
     * spectrum part, twiddleBits, the activation format.
     *
     * @throws EsegenException if the config is not the circulant engine, the model does not fit its sizes, or
     *                         a GRU's H is not a multiple of b
     */
    public static CirculantModel compile(AcceleratorConfig config, LayerStack model) {
        if (!config.circulantEngine()) {
            throw new EsegenException("config field 'engine' = " + config.engine().engine() + ": a circulant model "
                    + "needs engine=2 (e.g. --preset ernn)");
        }
        config.requireLayersFit(model.depth(), "model");
        List<Layer> layers = new ArrayList<>();
        for (LayerWeights layer : model.layers()) {
            layers.add(compileLayer(config, layer));
        }
        return new CirculantModel(config, layers);
    }

    private static Layer compileLayer(AcceleratorConfig config, LayerWeights model) {
        String source = "model layer " + model.layer() + " (" + model.cell().cliName() + ")";
        config.requireFits(model.inputSize(), model.hiddenSize(), model.projSize(), source);
        int b = config.engine().circulantBlock();
        int h = model.hiddenSize();
        if (model.cell() == CellKind.GRU && h % b != 0) {
            throw new EsegenException(source + ": hidden size " + h + " is not a multiple of circulantBlock = " + b
                    + "; a GRU's gate rows r, z, n must each be whole blocks (its n_x and n_h rows are kept apart)");
        }
        BlockCirculant input = BlockCirculant.project(model.wIh(), b);
        BlockCirculant recurrent = BlockCirculant.project(model.wHh(), b);
        int inputBlocks = input.colBlocks();
        int rows = CellKind.ACCUMULATOR_ROWS * h;
        int rowBlocks = BlockCirculant.blocks(rows, b);
        double[][][] vectors = new double[rowBlocks][inputBlocks + recurrent.colBlocks()][];
        for (int i = 0; i < rowBlocks; i++) {
            int inputRowBlock = sourceRowBlock(model.cell(), i, h / b, true);
            int recurrentRowBlock = sourceRowBlock(model.cell(), i, h / b, false);
            for (int j = 0; j < inputBlocks; j++) {
                vectors[i][j] = inputRowBlock < 0 ? new double[b] : input.vectors()[inputRowBlock][j];
            }
            for (int j = 0; j < recurrent.colBlocks(); j++) {
                vectors[i][inputBlocks + j] = recurrentRowBlock < 0 ? new double[b]
                        : recurrent.vectors()[recurrentRowBlock][j];
            }
        }
        BlockCirculant gateMatrix = new BlockCirculant(rows, inputBlocks * b + model.projSize(), b, vectors);
        FixedFormat act = config.activationFormat();
        int weightBits = config.formats().weightBits();
        int twiddleBits = config.engine().twiddleBits();
        FixedCirculant gates = new FixedCirculant(gateMatrix, act, weightBits, twiddleBits);
        FixedCirculant projection = model.cell().hasProjection()
                ? new FixedCirculant(BlockCirculant.project(model.wHr(), b), act, weightBits, twiddleBits) : null;
        long parameters = input.parameters() + recurrent.parameters()
                + (projection == null ? 0 : projection.matrix().parameters());
        return new Layer(model.cell(), model.inputSize(), h, model.projSize(), gates, projection,
                Compiler.quantizedBias(config, model), Compiler.quantizedPeepholes(config, model), model.hasPeepholes(),
                parameters);
    }

    /**
     * The row block of W_ih ({@code input}) or W_hh that gate-matrix row block {@code i} takes, or -1 for a
     * zero block: the same block for the LSTMs; for the GRU's rows r, u, n_x, n_h (hb = H / b blocks each)
     * W's r, z, n blocks, with n_x taking no recurrent and n_h no input part.
     */
    private static int sourceRowBlock(CellKind cell, int i, int hb, boolean input) {
        if (cell != CellKind.GRU || i < 2 * hb) {
            return i;
        }
        boolean nx = i < 3 * hb;
        if (nx != input) {
            return -1;
        }
        return nx ? i : i - hb;
    }

    /** The compiled layers, first to last. */
    public List<Layer> layers() {
        return layers;
    }

    /** The configuration compiled for. */
    public AcceleratorConfig config() {
        return config;
    }

    /** The stack's trained matrix weights: b per circulant block of W_ih, W_hh and W_hr of every layer. */
    public long parameters() {
        return layers.stream().mapToLong(Layer::parameters).sum();
    }

    /**
     * The gate and projection engines' MAC cycles a frame at the config's lanes, over the layers: per matrix
     * ceil(row blocks / lanes) x column blocks (an engine takes one column block a cycle for its lanes).
     */
    public long macCyclesPerFrame() {
        long cycles = 0;
        for (Layer l : layers) {
            cycles += macCycles(l.gates().matrix(), config.engine().circulantLanes());
            if (l.projection() != null) {
                cycles += macCycles(l.projection().matrix(), config.engine().circulantProjLanes());
            }
        }
        return cycles;
    }

    private static long macCycles(BlockCirculant m, int lanes) {
        int used = Math.min(lanes, m.rowBlocks());
        return (long) ((m.rowBlocks() + used - 1) / used) * m.colBlocks();
    }

    /**
     * Weights the engine stores and multiplies, in time-domain reals (b per block of the gate and projection
     * matrices): the parameters plus, for a GRU, the zero blocks that keep n_x and n_h apart.
     */
    public long storedWeights() {
        long p = 0;
        for (Layer l : layers) {
            p += l.gates().matrix().parameters();
            if (l.projection() != null) {
                p += l.projection().matrix().parameters();
            }
        }
        return p;
    }

    /**
     * Runs one utterance from zero state.
     *
     * @param inputs T x I raw activation-format frames
     * @return T x P raw outputs of the last layer
     */
    public long[][] run(long[][] inputs) {
        ElementwiseTwin twin = new ElementwiseTwin(config);
        long[][] frames = inputs;
        for (Layer layer : layers) {
            frames = runLayer(layer, twin, frames);
        }
        return frames;
    }

    /**
     * The image layout of this model for {@code frames} frames a channel.
     *
     * @throws EsegenException if the config's accelerator cannot be built (see {@link
     *                         AcceleratorConfig#requireCirculantAccelerator}) or cannot run a layer: not the config's
     *                         cells (lstmp and lstm, or gru with gruElementwise = 1), H not a multiple of b (the element-wise
     *                         units hold cells l b + n), or a weight binary point below log2 b (the engine's
     *                         scale shift would be negative)
     */
    public ImageLayout layout(int frames) {
        config.requireCirculantAccelerator("the circulant accelerator's image");
        int b = config.engine().circulantBlock();
        List<LayerLayout> layouts = new ArrayList<>();
        for (int k = 0; k < layers.size(); k++) {
            Layer l = layers.get(k);
            String source = "model layer " + k + " (" + l.cell().cliName() + ")";
            boolean runs = config.pe().gru() ? l.cell() == CellKind.GRU : l.cell() != CellKind.GRU;
            if (!runs) {
                throw new EsegenException(source + ": the circulant accelerator of this config runs "
                        + (config.pe().gru() ? "gru" : "lstmp and lstm") + " layers (gruElementwise = "
                        + config.pe().gruElementwise() + "; set it to " + (config.pe().gru() ? 0 : 1) + " for "
                        + (config.pe().gru() ? "lstmp and lstm" : "gru") + ")");
            }
            if (l.hiddenSize() % b != 0) {
                throw new EsegenException(source + ": hidden size " + l.hiddenSize() + " is not a multiple of "
                        + "circulantBlock = " + b + "; the circulant accelerator holds cell l b + n on element-wise "
                        + "unit n (train or pad H to a multiple of b)");
            }
            for (FixedCirculant m : l.projection() == null ? List.of(l.gates()) : List.of(l.gates(), l.projection())) {
                if (m.scaleShift() < 0) {
                    throw new EsegenException(source + ": its weight spectra have " + m.weightFracBits()
                            + " fractional bits, fewer than log2 b = " + Integer.numberOfTrailingZeros(b)
                            + "; the engine's scale shift G - log2 b must be at least 0 (raise weightBits)");
                }
            }
            FixedCirculant p = l.projection();
            layouts.add(new LayerLayout(l.cell(), l.inputSize(), l.hiddenSize(), l.projSize(), l.peepholes(),
                    l.gates().weightFracBits(), p == null ? 0 : p.weightFracBits(), words(l.gates()),
                    p == null ? 0 : words(p), 0));
        }
        return ImageLayout.of(config, layouts, frames);
    }

    private static int words(FixedCirculant m) {
        return m.matrix().rowBlocks() * m.matrix().colBlocks();
    }

    /**
     * The accelerator's image: the layers' spectra, biases and peepholes and the frames ({@link ImageLayout},
     * the circulant engine), the OUTPUT sections zero.
     *
     * @param framesRaw [channel][frame][I] raw activation-format inputs; as many channels as the config's, all
     *                  of the same frame count
     * @throws EsegenException if the frames do not match the config or the model, or a layer cannot run
     */
    public byte[] image(long[][][] framesRaw) {
        ImageLayout layout = layout(ImageLayout.framesPerChannel(framesRaw, config.channels()));
        byte[] image = layout.emptyImage();
        for (int k = 0; k < layers.size(); k++) {
            writeLayer(layout, image, k, layers.get(k));
        }
        layout.writeInputs(image, framesRaw, config.activationFormat());
        return image;
    }

    private static void writeLayer(ImageLayout layout, byte[] image, int k, Layer l) {
        int b = layout.block();
        int cells = l.hiddenSize() / b;
        FixedCirculant gates = l.gates();
        LaneRows spectra = layout.packing(k, Section.WA_ENTRIES);
        int colBlocks = gates.matrix().colBlocks();
        for (int i = 0; i < gates.matrix().rowBlocks(); i++) {
            writeSpectra(spectra, image, layout.offset(k, Section.WA_ENTRIES), (long) i * colBlocks, gates,
                    ImageLayout.circulantGateRowBlock(i, cells));
        }
        FixedCirculant projection = l.projection();
        if (projection != null) {
            for (int i = 0; i < projection.matrix().rowBlocks(); i++) {
                writeSpectra(spectra, image, layout.offset(k, Section.WHR_ENTRIES),
                        (long) i * projection.matrix().colBlocks(), projection, i);
            }
        }
        layout.writeParameters(image, k, l.bias(), l.peep());
    }

    /** Row block {@code sourceRow} of {@code m}'s spectra into the rows from {@code firstRow} on, a block a row. */
    private static void writeSpectra(LaneRows rows, byte[] image, long base, long firstRow, FixedCirculant m,
                                     int sourceRow) {
        int bins = FixedCirculant.bins(m.matrix().block());
        for (int j = 0; j < m.matrix().colBlocks(); j++) {
            for (int k = 0; k < bins; k++) {
                for (int part = 0; part < 2; part++) {
                    rows.put(image, base, firstRow + j, 2 * k + part, m.weight(sourceRow, j, k, part));
                }
            }
        }
    }

    /**
     * What the accelerator leaves in memory after running {@code image} layer after layer: the image with
     * every layer's OUTPUT section filled by this model from the image's frames.
     *
     * @param outputs  [layer][channel][frame][P] the raw outputs of each layer
     * @param expected the expected memory
     */
    public record ImageRun(long[][][][] outputs, byte[] expected) {
    }

    /** Runs the frames of {@code image} (this model's {@link #image}) through every layer; see {@link ImageRun}. */
    public ImageRun expectedImage(byte[] image) {
        ImageLayout layout = ImageLayout.readHeader(image, "image");
        if (!layout.equals(layout(layout.frames()))) {
            throw new EsegenException("image: its header does not describe this model's image for " + layout.frames()
                    + " frames (another model or config)");
        }
        byte[] expected = image.clone();
        LaneRows in = layout.packing(Section.INPUT);
        long inBase = layout.offset(Section.INPUT);
        int frames = layout.frames();
        long[][][][] outputs = new long[layers.size()][layout.channels()][][];
        ElementwiseTwin twin = new ElementwiseTwin(config);
        for (int ch = 0; ch < layout.channels(); ch++) {
            long[][] x = new long[frames][layout.inputSize()];
            for (int t = 0; t < frames; t++) {
                for (int i = 0; i < x[t].length; i++) {
                    x[t][i] = in.getSigned(image, inBase, layout.frameRow(ch, t), layout.frameLane(ch, i));
                }
            }
            for (int k = 0; k < layers.size(); k++) {
                x = runLayer(layers.get(k), twin, x);
                outputs[k][ch] = x;
                LaneRows out = layout.packing(k, Section.OUTPUT);
                long outBase = layout.offset(k, Section.OUTPUT);
                for (int t = 0; t < frames; t++) {
                    for (int j = 0; j < x[t].length; j++) {
                        out.put(expected, outBase, layout.frameRow(ch, t), layout.frameLane(ch, j), x[t][j]);
                    }
                }
            }
        }
        return new ImageRun(outputs, expected);
    }

    private static long[][] runLayer(Layer layer, ElementwiseTwin twin, long[][] inputs) {
        int h = layer.hiddenSize();
        int offset = layer.recurrentOffset();
        long[] c = new long[h];
        long[] y = new long[layer.projSize()];
        long[][] out = new long[inputs.length][];
        for (int t = 0; t < inputs.length; t++) {
            if (inputs[t].length != layer.inputSize()) {
                throw new EsegenException("frame " + t + " has " + inputs[t].length + " values, layer input size is "
                        + layer.inputSize());
            }
            long[] v = new long[offset + y.length];
            System.arraycopy(inputs[t], 0, v, 0, inputs[t].length);
            System.arraycopy(y, 0, v, offset, y.length);
            long[] z = layer.gates().multiply(v);
            long[] m = new long[h];
            for (int k = 0; k < h; k++) {
                long[] zk = {z[k], z[h + k], z[2 * h + k], z[3 * h + k]};
                long[] bk = {layer.bias()[k], layer.bias()[h + k], layer.bias()[2 * h + k], layer.bias()[3 * h + k]};
                if (layer.cell() == CellKind.GRU) {
                    c[k] = twin.gru(zk, bk, c[k]).h();
                    m[k] = c[k];
                } else {
                    long[] pk = {layer.peep()[k], layer.peep()[h + k], layer.peep()[2 * h + k]};
                    ElementwiseTwin.Cell cell = twin.cell(zk, bk, pk, c[k]);
                    c[k] = cell.c();
                    m[k] = cell.m();
                }
            }
            y = layer.projection() == null ? m : layer.projection().multiply(m);
            out[t] = y;
        }
        return out;
    }
}
