package org.esegen.golden;

import org.esegen.EsegenException;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.LayerLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RowMapping;
import org.esegen.compile.Section;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.CellKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The bit-exact model of the accelerator. It runs the compiled DDR image (not the float weights),
 * so it checks the compiler too, and does exactly what the hardware does, layer after layer in each
 * frame (layer k+1 takes layer k's y_t):
 * <ol>
 *   <li>SpMV 1, per PE and column in order: acc[row] = sat_acc(acc[row] + w * v[col]) over the
 *       PE's entries, v = [x_t; y_(t-1)], then z = A.rescale(acc, waFrac + F);</li>
 *   <li>per cell: the {@link ElementwiseTwin} of the layer's cell;</li>
 *   <li>SpMV 2 over the cell output (m, or the GRU's h_t) the same way with W_hr, giving y_t; a cell
 *       without projection carries W_hr = I, which gives y_t = m (or h_t) exactly.</li>
 * </ol>
 * A layer's state is c (the LSTMs) or h (the GRU, kept where the LSTMs keep c) and y_(t-1).
 * State starts at zero. sat_acc saturates at accBits; A is the activation format.
 *
 * <p><b>Delta networks</b> ({@link #runDelta}, DeltaLSTM / DeltaGRU after Spartus; the float twin is
 * {@code DeltaReference}): SpMV 1 of each layer keeps its accumulators across frames as the delta
 * memory M (per PE and local row, accBits, zero at the start) and a last-sent vector v^ (raw
 * activation format, zero at the start). In frame t each column c of v = [x_t; y_(t-1)] has the
 * delta d = v[c] - v^[c] (actBits + 1 bits, so w * d still fits weightBits + actBits); it fires when
 * d != 0 and |d| >= theta, theta the layer's input threshold for c &lt; I and its recurrent threshold
 * for the rest, both raw activation-format values; a fired column sets v^[c] = v[c] and runs as
 * in SpMV 1 with d as its value, M[row] = sat_acc(M[row] + w * d), in column order; a column that
 * does not fire costs nothing. z = A.rescale(M, waFrac + F) then feeds the cell exactly as above,
 * the biases added there (so M holds W_a v^ and the float model's M = b + W_a v^ is matched), and
 * SpMV 2 runs dense over the cell output as above. M stays at accumulator width (it is never
 * narrowed to the activation format between frames): the PEs' accumulators are accBits wide
 * anyway, and narrowing would add a rounding per frame that the float model does not have. With
 * both thresholds 0 every changed column fires, M = W_a v exactly while nothing saturates, and the
 * outputs equal {@link #run}'s.
 */
public final class GoldenModel {
    private final AcceleratorConfig config;
    private final byte[] image;
    private final ImageLayout layout;
    private final List<DecodedLayer> layers = new ArrayList<>();
    private final ElementwiseTwin elementwise;
    private final FixedFormat act;
    private final FixedFormat acc;

    /** Decode an image for a configuration; the image header must match the config. */
    public GoldenModel(AcceleratorConfig config, byte[] image) {
        this.config = config;
        this.image = image;
        this.layout = ImageLayout.readHeader(image, "image");
        if (!layout.equals(ImageLayout.of(config, layout.layers(), layout.frames()))) {
            throw new EsegenException("image header " + layout + " does not match the configuration " + config);
        }
        this.act = config.activationFormat();
        this.acc = new FixedFormat(config.pe().accBits(), 0);
        for (int k = 0; k < layout.layerCount(); k++) {
            LayerLayout shape = layout.layer(k);
            RowMapping gates = RowMapping.gates(shape.hiddenSize(), layout.pes());
            DecodedMatrix wa = layout.delta() ? decodeColumnBalanced(k, gates)
                    : decode(k, Section.WA_POINTERS, Section.WA_ENTRIES, shape.waColumns(), gates);
            DecodedMatrix whr = layout.delta() ? null : decode(k, Section.WHR_POINTERS, Section.WHR_ENTRIES,
                    shape.hiddenSize(), RowMapping.interleaved(shape.projSize(), layout.pes()));
            layers.add(new DecodedLayer(shape, wa, whr, readPerCell(k, Section.BIAS, 4), readPerCell(k, Section.PEEPHOLES, 3)));
        }
        this.elementwise = new ElementwiseTwin(config);
    }

    /** A decoded layer; {@code whr} null in a delta image (the cell output is the layer's output). */
    private record DecodedLayer(LayerLayout shape, DecodedMatrix wa, DecodedMatrix whr, long[] bias, long[] peep) {
    }

    /** The image's layout. */
    public ImageLayout layout() {
        return layout;
    }

    /** Outputs of a run, and the traces when asked for. */
    public record Result(long[][][] outputs, List<FrameTrace> traces, byte[] expectedImage) {
    }

    /**
     * Run every channel over every frame of the image.
     *
     * @param trace keep a {@link FrameTrace} per channel, frame and layer
     * @return outputs [channel][frame][last layer's P], traces (empty unless asked), and the image
     *         with every layer's OUTPUT section filled as the accelerator must leave it
     */
    public Result run(boolean trace) {
        if (layout.delta()) {
            throw new EsegenException("golden model: the image is for the delta engine, which runs with thresholds "
                    + "(runDelta)");
        }
        return runImage(trace, this::runChannel);
    }

    /**
     * A delta network over every channel and frame of the image (see the class comment): what
     * {@link #run(boolean)} gives for a dense network, with per channel how sparse it was (its
     * {@link DeltaResult} without traces; the traces, when asked for, are in the result's).
     */
    public DeltaImageResult runDelta(DeltaThresholds thresholds, boolean trace) {
        List<DeltaResult> stats = new ArrayList<>();
        Result r = runImage(trace, (channel, inputs, each) -> {
            DeltaResult d = runDelta(channel, inputs, thresholds, each);
            stats.add(d);
            return d.outputs();
        });
        return new DeltaImageResult(r, stats);
    }

    /** A delta run of an image: the outputs, traces and expected image, and per channel how sparse it was. */
    public record DeltaImageResult(Result result, List<DeltaResult> channels) {
    }

    /** Runs one channel over its inputs, showing {@code each} every layer's trace of every frame. */
    @FunctionalInterface
    private interface ChannelRunner {
        long[][] run(int channel, long[][] inputs, Consumer<FrameTrace> each);
    }

    private Result runImage(boolean trace, ChannelRunner runner) {
        int frames = layout.frames();
        long[][][] outputs = new long[layout.channels()][][];
        List<FrameTrace> traces = new ArrayList<>();
        byte[] expected = image.clone();
        LaneRows in = layout.packing(Section.INPUT);
        long inBase = layout.offset(Section.INPUT);
        for (int ch = 0; ch < layout.channels(); ch++) {
            long[][] inputs = new long[frames][layout.inputSize()];
            for (int t = 0; t < frames; t++) {
                for (int k = 0; k < layout.inputSize(); k++) {
                    inputs[t][k] = in.getSigned(image, inBase, layout.frameRow(ch, t), layout.frameLane(ch, k));
                }
            }
            int channel = ch;
            outputs[ch] = runner.run(ch, inputs, ft -> {
                LaneRows out = layout.packing(ft.layer(), Section.OUTPUT);
                long outBase = layout.offset(ft.layer(), Section.OUTPUT);
                for (int j = 0; j < ft.y().length; j++) {
                    out.put(expected, outBase, layout.frameRow(channel, ft.frame()), layout.frameLane(channel, j),
                            ft.y()[j]);
                }
                if (trace) {
                    traces.add(ft);
                }
            });
        }
        return new Result(outputs, traces, expected);
    }

    /**
     * Runs one channel over {@code inputs} from zero state: the outputs {@link #run} gives for a
     * channel whose INPUT section holds these frames, without building an image per input sequence
     * (the weights are decoded once, in the constructor). Safe to call from several threads.
     *
     * @param inputs T x I raw activation-format inputs
     * @return T x P raw activation-format outputs of the last layer
     */
    public long[][] run(long[][] inputs) {
        requireFrames(inputs);
        return runChannel(0, inputs, ft -> { });
    }

    private void requireFrames(long[][] inputs) {
        for (int t = 0; t < inputs.length; t++) {
            if (inputs[t].length != layout.inputSize()) {
                throw new EsegenException("golden model: frame " + t + " has " + inputs[t].length
                        + " inputs, the image's first layer takes " + layout.inputSize());
            }
            for (int k = 0; k < inputs[t].length; k++) {
                if (!act.holds(inputs[t][k])) {
                    throw new EsegenException("golden model: input value " + inputs[t][k] + " at frame " + t
                            + " index " + k + " is outside " + act);
                }
            }
        }
    }

    /** Runs one channel; {@code each} sees every layer's trace of every frame as it is computed. */
    private long[][] runChannel(int channel, long[][] inputs, Consumer<FrameTrace> each) {
        return runChannel(channel, inputs, each, (k, layer, v) -> spmv(layer.wa(), v, layer.shape().waFracBits()));
    }

    /** SpMV 1 of layer k over v = [x_t; y_(t-1)]: its z. */
    @FunctionalInterface
    private interface GateProducts {
        long[] z(int k, DecodedLayer layer, long[] v);
    }

    /** As {@link #runChannel(int, long[][], Consumer)}, with SpMV 1 done by {@code spmv1}. */
    private long[][] runChannel(int channel, long[][] inputs, Consumer<FrameTrace> each, GateProducts spmv1) {
        int depth = layers.size();
        long[][] c = new long[depth][];
        long[][] y = new long[depth][];
        for (int k = 0; k < depth; k++) {
            c[k] = new long[layers.get(k).shape().hiddenSize()];
            y[k] = new long[layers.get(k).shape().projSize()];
        }
        long[][] outputs = new long[inputs.length][];
        for (int t = 0; t < inputs.length; t++) {
            long[] x = inputs[t];
            for (int k = 0; k < depth; k++) {
                DecodedLayer layer = layers.get(k);
                long[] v = new long[layer.shape().waColumns()];
                System.arraycopy(x, 0, v, 0, layer.shape().inputSize());
                System.arraycopy(y[k], 0, v, layer.shape().inputSize(), y[k].length);
                FrameTrace ft = step(channel, t, k, layer, spmv1.z(k, layer, v), c[k]);
                c[k] = ft.stage(layer.shape().cell() == CellKind.GRU ? "h" : "c");
                y[k] = ft.y();
                x = y[k];
                each.accept(ft);
            }
            outputs[t] = x;
        }
        return outputs;
    }

    /**
     * Delta thresholds in raw activation-format units: {@code input[k]} for layer k's inputs (theta_x
     * on layer 0, theta_h above), {@code recurrent[k]} for its recurrent inputs; at least 1 (a delta
     * of 0 never fires).
     */
    public record DeltaThresholds(long[] input, long[] recurrent) {
    }

    /**
     * theta_x and theta_h (in the activation format's real units, as {@code DeltaReference} takes
     * them) for this image's layers, quantized to the activation format (round to nearest) and
     * raised to one LSB.
     */
    public DeltaThresholds deltaThresholds(double thetaX, double thetaH) {
        if (!(thetaX >= 0) || !(thetaH >= 0) || Double.isInfinite(thetaX) || Double.isInfinite(thetaH)) {
            throw new EsegenException("delta thresholds " + thetaX + ", " + thetaH + ": must be finite and >= 0");
        }
        int depth = layers.size();
        long[] input = new long[depth];
        long[] recurrent = new long[depth];
        long rawX = Math.max(1, act.quantize(thetaX));
        long rawH = Math.max(1, act.quantize(thetaH));
        for (int k = 0; k < depth; k++) {
            input[k] = k == 0 ? rawX : rawH;
            recurrent[k] = rawH;
        }
        return new DeltaThresholds(input, recurrent);
    }

    /**
     * Outputs of a delta run and how sparse it was.
     *
     * @param outputs     T x (last layer's P), raw activation format
     * @param firedInputs per layer, input columns fired over input columns seen (T x I)
     * @param firedStates per layer, recurrent columns fired over recurrent columns seen (T x P)
     * @param firedPerFrame per frame, columns fired over all layers' SpMV 1 columns
     * @param traces      per frame and layer, every stage (z is M rescaled), when asked for; else empty
     */
    public record DeltaResult(long[][] outputs, double[] firedInputs, double[] firedStates, double[] firedPerFrame,
                              List<FrameTrace> traces) {
    }

    /**
     * Runs one channel over {@code inputs} from zero state as a delta network (see the class
     * comment), with the same input checks as {@link #run(long[][])}. Safe to call from several threads.
     */
    public DeltaResult runDelta(long[][] inputs, DeltaThresholds thresholds) {
        return runDelta(inputs, thresholds, false);
    }

    /** As {@link #runDelta(long[][], DeltaThresholds)}, keeping a {@link FrameTrace} per frame and layer when {@code trace}. */
    public DeltaResult runDelta(long[][] inputs, DeltaThresholds thresholds, boolean trace) {
        requireFrames(inputs);
        List<FrameTrace> traces = new ArrayList<>();
        DeltaResult r = runDelta(0, inputs, thresholds, ft -> {
            if (trace) {
                traces.add(ft);
            }
        });
        return new DeltaResult(r.outputs(), r.firedInputs(), r.firedStates(), r.firedPerFrame(), traces);
    }

    private DeltaResult runDelta(int channel, long[][] inputs, DeltaThresholds thresholds, Consumer<FrameTrace> each) {
        int depth = layers.size();
        if (thresholds.input().length != depth || thresholds.recurrent().length != depth) {
            throw new EsegenException("golden model: delta thresholds for " + thresholds.input().length + " and "
                    + thresholds.recurrent().length + " layers, the image has " + depth);
        }
        DeltaEncoder[] encoders = new DeltaEncoder[depth];
        long[][][] memory = new long[depth][][];
        for (int k = 0; k < depth; k++) {
            LayerLayout shape = layers.get(k).shape();
            encoders[k] = new DeltaEncoder(shape.waColumns(), shape.inputSize(), thresholds.input()[k],
                    thresholds.recurrent()[k]);
            memory[k] = new long[layout.pes()][layers.get(k).wa().mapping().localRows()];
        }
        double[] perFrame = new double[inputs.length];
        long columnsPerFrame = layers.stream().mapToLong(l -> l.shape().waColumns()).sum();
        long[] firedBefore = {0};
        long[][] outputs = runChannel(channel, inputs, ft -> {
            each.accept(ft);
            if (ft.layer() == depth - 1) {
                long firedNow = Arrays.stream(encoders).mapToLong(e -> e.firedInputs() + e.firedRecurrent()).sum();
                perFrame[ft.frame()] = (double) (firedNow - firedBefore[0]) / columnsPerFrame;
                firedBefore[0] = firedNow;
            }
        }, (k, layer, v) -> deltaSpmv(layer.wa(), encoders[k].fire(v), memory[k], layer.shape().waFracBits()));
        double[] firedInputs = new double[depth];
        double[] firedStates = new double[depth];
        for (int k = 0; k < depth; k++) {
            LayerLayout shape = layers.get(k).shape();
            firedInputs[k] = inputs.length == 0 ? 0 : encoders[k].firedInputs() / ((double) inputs.length * shape.inputSize());
            firedStates[k] = inputs.length == 0 ? 0 : encoders[k].firedRecurrent() / ((double) inputs.length * shape.projSize());
        }
        return new DeltaResult(outputs, firedInputs, firedStates, perFrame, List.of());
    }

    /**
     * SpMV 1 of a delta layer: runs the fired columns, in order, with their deltas as values into the
     * persistent accumulators {@code memory} [pe][local row], and returns z.
     */
    private long[] deltaSpmv(DecodedMatrix matrix, List<DeltaEncoder.Fired> fired, long[][] memory, int weightFracBits) {
        long accMin = acc.minRaw();
        long accMax = acc.maxRaw();
        for (DeltaEncoder.Fired f : fired) {
            int col = f.column();
            for (int pe = 0; pe < layout.pes(); pe++) {
                long[] accumulators = memory[pe];
                int row = -1;
                for (int e = matrix.pointers[pe][col]; e < matrix.pointers[pe][col + 1]; e++) {
                    row += matrix.indices[pe][e] + 1;
                    accumulators[row] = Math.max(accMin, Math.min(accMax, accumulators[row] + matrix.weights[pe][e] * f.delta()));
                }
            }
        }
        return rescaled(matrix, memory, weightFracBits);
    }

    private FrameTrace step(int channel, int frame, int k, DecodedLayer layer, long[] z, long[] cPrev) {
        int h = layer.shape().hiddenSize();
        long[] b = layer.bias();
        long[] p = layer.peep();
        CellKind cell = layer.shape().cell();
        List<String> names = FrameTrace.stageNames(cell);
        long[][] cellStages = new long[names.size() - 2][h];
        for (int j = 0; j < h; j++) {
            long[] rows = {z[j], z[h + j], z[2 * h + j], z[3 * h + j]};
            long[] biases = {b[j], b[h + j], b[2 * h + j], b[3 * h + j]};
            long[] values = cell == CellKind.GRU ? elementwise.gru(rows, biases, cPrev[j]).stages()
                    : elementwise.cell(rows, biases, new long[]{p[j], p[h + j], p[2 * h + j]}, cPrev[j]).stages();
            for (int q = 0; q < values.length; q++) {
                cellStages[q][j] = values[q];
            }
        }
        Map<String, long[]> stages = new LinkedHashMap<>();
        stages.put("z", z);
        for (int q = 0; q < cellStages.length; q++) {
            stages.put(names.get(q + 1), cellStages[q]);
        }
        long[] output = cellStages[cellStages.length - 1];
        stages.put("y", layer.whr() == null ? output.clone() : spmv(layer.whr(), output, layer.shape().whrFracBits()));
        return new FrameTrace(channel, frame, k, cell, stages);
    }

    private long[] spmv(DecodedMatrix matrix, long[] vector, int weightFracBits) {
        long accMin = acc.minRaw();
        long accMax = acc.maxRaw();
        long[][] memory = new long[layout.pes()][matrix.mapping.localRows()];
        for (int pe = 0; pe < layout.pes(); pe++) {
            long[] accumulators = memory[pe];
            int[] pointers = matrix.pointers[pe];
            int[] indices = matrix.indices[pe];
            long[] weights = matrix.weights[pe];
            for (int col = 0; col < matrix.cols; col++) {
                long a = vector[col];
                if (a == 0) {
                    continue;
                }
                int row = -1;
                for (int e = pointers[col]; e < pointers[col + 1]; e++) {
                    row += indices[e] + 1;
                    accumulators[row] = Math.max(accMin, Math.min(accMax, accumulators[row] + weights[e] * a));
                }
            }
        }
        return rescaled(matrix, memory, weightFracBits);
    }

    /** The matrix's rows from the accumulators [pe][local row], rescaled to the activation format. */
    private long[] rescaled(DecodedMatrix matrix, long[][] memory, int weightFracBits) {
        long[] result = new long[matrix.mapping.rows()];
        int[][] global = matrix.mapping.globalRows();
        for (int pe = 0; pe < layout.pes(); pe++) {
            for (int lr = 0; lr < memory[pe].length; lr++) {
                if (global[pe][lr] >= 0) {
                    result[global[pe][lr]] = act.rescale(memory[pe][lr], weightFracBits + layout.actFracBits());
                }
            }
        }
        return result;
    }

    private record DecodedMatrix(RowMapping mapping, int cols, int[][] pointers, long[][] weights, int[][] indices) {
    }

    private DecodedMatrix decode(int layer, Section ptrSection, Section entrySection, int cols, RowMapping mapping) {
        LaneRows ptr = layout.packing(layer, ptrSection);
        LaneRows ent = layout.packing(layer, entrySection);
        long ptrBase = layout.offset(layer, ptrSection);
        long entBase = layout.offset(layer, entrySection);
        long capacity = layout.rows(layer, entrySection) * ImageLayout.ENTRIES_PER_PE_ROW;
        int n = layout.pes();
        int wb = layout.weightBits();
        int[][] pointers = new int[n][cols + 1];
        long[][] weights = new long[n][];
        int[][] indices = new int[n][];
        for (int pe = 0; pe < n; pe++) {
            for (int c = 0; c <= cols; c++) {
                pointers[pe][c] = (int) ptr.getUnsigned(image, ptrBase, ImageLayout.pointerRow(c),
                        ImageLayout.pointerLane(n, pe, c));
                if ((c > 0 && pointers[pe][c] < pointers[pe][c - 1]) || pointers[pe][c] > capacity) {
                    throw new EsegenException("image: layer " + layer + " " + entrySection + " pointer of PE " + pe + " column " + c
                            + " = " + pointers[pe][c] + " is out of order or beyond " + capacity + " entries");
                }
            }
            int count = pointers[pe][cols];
            weights[pe] = new long[count];
            indices[pe] = new int[count];
            for (int e = 0; e < count; e++) {
                long raw = ent.getUnsigned(image, entBase, ImageLayout.entryRow(e), ImageLayout.entryLane(pe, e));
                weights[pe][e] = FixedFormat.signExtend(raw, wb);
                indices[pe][e] = (int) (raw >>> wb);
            }
            for (int c = 0; c < cols; c++) {
                int row = -1;
                for (int e = pointers[pe][c]; e < pointers[pe][c + 1]; e++) {
                    row += indices[pe][e] + 1;
                }
                if (row >= mapping.localRows()) {
                    throw new EsegenException("image: layer " + layer + " " + entrySection + " PE " + pe + " column " + c
                            + " walks to local row " + row + ", beyond the " + mapping.localRows() + " rows of a slice");
                }
            }
        }
        return new DecodedMatrix(mapping, cols, pointers, weights, indices);
    }

    /**
     * A delta layer's column-balanced store (WA_ENTRIES, as {@link ImageLayout} lays it out) as a
     * decoded matrix: column c of PE p is its K entries in order, at pointers c K .. c K + K, each
     * entry's local row turned into the relative index the SpMV walk takes. Rows must rise within a
     * column and stay within the slice.
     */
    private DecodedMatrix decodeColumnBalanced(int layer, RowMapping mapping) {
        LayerLayout shape = layout.layer(layer);
        LaneRows rows = layout.packing(layer, Section.WA_ENTRIES);
        long base = layout.offset(layer, Section.WA_ENTRIES);
        int n = layout.pes();
        int k = shape.k();
        int cols = shape.waColumns();
        int wb = layout.weightBits();
        int[][] pointers = new int[n][cols + 1];
        long[][] weights = new long[n][cols * k];
        int[][] indices = new int[n][cols * k];
        for (int pe = 0; pe < n; pe++) {
            for (int c = 0; c <= cols; c++) {
                pointers[pe][c] = c * k;
            }
            for (int c = 0; c < cols; c++) {
                int previous = -1;
                for (int e = 0; e < k; e++) {
                    long raw = rows.getUnsigned(image, base, layout.deltaStoreRow(layer, c, e), pe);
                    int row = (int) (raw >>> wb);
                    if (row <= previous || row >= mapping.localRows()) {
                        throw new EsegenException("image: layer " + layer + " WA_ENTRIES (column-balanced) PE " + pe
                                + " column " + c + " entry " + e + " has local row " + row + "; rows must rise within a "
                                + "column and stay below the slice's " + mapping.localRows());
                    }
                    weights[pe][c * k + e] = FixedFormat.signExtend(raw & ((1L << wb) - 1), wb);
                    indices[pe][c * k + e] = row - previous - 1;
                    previous = row;
                }
            }
        }
        return new DecodedMatrix(mapping, cols, pointers, weights, indices);
    }

    private long[] readPerCell(int layer, Section section, int groups) {
        LaneRows lanes = layout.packing(layer, section);
        long base = layout.offset(layer, section);
        int h = layout.layer(layer).hiddenSize();
        int n = layout.pes();
        int cellsPerPe = layout.layer(layer).cellsPerPe(n);
        long[] values = new long[groups * h];
        for (int k = 0; k < h; k++) {
            for (int g = 0; g < groups; g++) {
                values[g * h + k] = lanes.getSigned(image, base, (long) g * cellsPerPe + k / n, k % n);
            }
        }
        return values;
    }
}
