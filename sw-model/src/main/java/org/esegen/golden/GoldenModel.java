package org.esegen.golden;

import org.esegen.EsegenException;
import org.esegen.compile.ImageLayout;
import org.esegen.compile.LaneRows;
import org.esegen.compile.RowMapping;
import org.esegen.compile.Section;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;

import java.util.ArrayList;
import java.util.List;

/**
 * The bit-exact model of the accelerator. It runs the compiled DDR image (not the float weights),
 * so it checks the compiler too, and does exactly what the hardware does:
 * <ol>
 *   <li>SpMV 1, per PE and column in order: acc[row] = sat_acc(acc[row] + w * v[col]) over the
 *       PE's entries, v = [x_t; y_(t-1)], then z = A.rescale(acc, waFrac + F);</li>
 *   <li>per cell: the {@link ElementwiseTwin};</li>
 *   <li>SpMV 2 over m the same way with W_hr, giving y_t.</li>
 * </ol>
 * State starts at zero. sat_acc saturates at accBits; A is the activation format.
 */
public final class GoldenModel {
    private final AcceleratorConfig config;
    private final byte[] image;
    private final ImageLayout layout;
    private final DecodedMatrix wa;
    private final DecodedMatrix whr;
    private final long[] bias;
    private final long[] peep;
    private final ElementwiseTwin elementwise;
    private final FixedFormat act;
    private final FixedFormat acc;

    /** Decode an image for a configuration; the image header must match the config. */
    public GoldenModel(AcceleratorConfig config, byte[] image) {
        this.config = config;
        this.image = image;
        this.layout = ImageLayout.readHeader(image, "image");
        if (!layout.equals(ImageLayout.of(config, layout.inputSize(), layout.hiddenSize(), layout.projSize(),
                layout.frames(), layout.peepholes(), layout.waFracBits(), layout.whrFracBits(),
                layout.waEntryRows(), layout.whrEntryRows()))) {
            throw new EsegenException("image header " + layout + " does not match the configuration " + config);
        }
        this.act = config.activationFormat();
        this.acc = new FixedFormat(config.pe().accBits(), 0);
        this.wa = decode(Section.WA_POINTERS, Section.WA_ENTRIES, layout.waColumns(),
                RowMapping.gates(layout.hiddenSize(), layout.pes()));
        this.whr = decode(Section.WHR_POINTERS, Section.WHR_ENTRIES, layout.hiddenSize(),
                RowMapping.interleaved(layout.projSize(), layout.pes()));
        this.bias = readPerCell(Section.BIAS, 4);
        this.peep = readPerCell(Section.PEEPHOLES, 3);
        this.elementwise = new ElementwiseTwin(config);
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
     * @param trace keep a {@link FrameTrace} per channel and frame
     * @return outputs [channel][frame][P], traces (empty unless asked), and the image with the
     *         OUTPUT section filled as the accelerator must leave it
     */
    public Result run(boolean trace) {
        int frames = layout.frames();
        long[][][] outputs = new long[layout.channels()][][];
        List<FrameTrace> traces = new ArrayList<>();
        byte[] expected = image.clone();
        LaneRows in = layout.packing(Section.INPUT);
        LaneRows out = layout.packing(Section.OUTPUT);
        long inBase = layout.offset(Section.INPUT);
        long outBase = layout.offset(Section.OUTPUT);
        for (int ch = 0; ch < layout.channels(); ch++) {
            long[][] inputs = new long[frames][layout.inputSize()];
            for (int t = 0; t < frames; t++) {
                for (int k = 0; k < layout.inputSize(); k++) {
                    inputs[t][k] = in.getSigned(image, inBase, (long) ch * frames + t, k);
                }
            }
            outputs[ch] = runChannel(ch, inputs, trace ? traces : null);
            for (int t = 0; t < frames; t++) {
                for (int j = 0; j < layout.projSize(); j++) {
                    out.put(expected, outBase, (long) ch * frames + t, j, outputs[ch][t][j]);
                }
            }
        }
        return new Result(outputs, traces, expected);
    }

    /**
     * Runs one channel over {@code inputs} from zero state: the outputs {@link #run} gives for a
     * channel whose INPUT section holds these frames, without building an image per input sequence
     * (the weights are decoded once, in the constructor). Safe to call from several threads.
     *
     * @param inputs T x I raw activation-format inputs
     * @return T x P raw activation-format outputs
     */
    public long[][] run(long[][] inputs) {
        for (int t = 0; t < inputs.length; t++) {
            if (inputs[t].length != layout.inputSize()) {
                throw new EsegenException("golden model: frame " + t + " has " + inputs[t].length
                        + " inputs, the image's layer takes " + layout.inputSize());
            }
            for (int k = 0; k < inputs[t].length; k++) {
                if (!act.holds(inputs[t][k])) {
                    throw new EsegenException("golden model: input value " + inputs[t][k] + " at frame " + t
                            + " index " + k + " is outside " + act);
                }
            }
        }
        return runChannel(0, inputs, null);
    }

    private long[][] runChannel(int channel, long[][] inputs, List<FrameTrace> traces) {
        int p = layout.projSize();
        long[][] outputs = new long[inputs.length][];
        long[] c = new long[layout.hiddenSize()];
        long[] y = new long[p];
        for (int t = 0; t < inputs.length; t++) {
            long[] v = new long[layout.waColumns()];
            System.arraycopy(inputs[t], 0, v, 0, layout.inputSize());
            System.arraycopy(y, 0, v, layout.inputSize(), p);
            FrameTrace ft = step(channel, t, v, c);
            c = ft.c();
            y = ft.y();
            outputs[t] = y;
            if (traces != null) {
                traces.add(ft);
            }
        }
        return outputs;
    }

    private FrameTrace step(int channel, int frame, long[] v, long[] cPrev) {
        int h = layout.hiddenSize();
        long[] z = spmv(wa, v, layout.waFracBits());
        long[] gi = new long[h];
        long[] gf = new long[h];
        long[] gg = new long[h];
        long[] go = new long[h];
        long[] c = new long[h];
        long[] m = new long[h];
        for (int k = 0; k < h; k++) {
            ElementwiseTwin.Cell cell = elementwise.cell(
                    new long[]{z[k], z[h + k], z[2 * h + k], z[3 * h + k]},
                    new long[]{bias[k], bias[h + k], bias[2 * h + k], bias[3 * h + k]},
                    new long[]{peep[k], peep[h + k], peep[2 * h + k]}, cPrev[k]);
            gi[k] = cell.i();
            gf[k] = cell.f();
            gg[k] = cell.g();
            go[k] = cell.o();
            c[k] = cell.c();
            m[k] = cell.m();
        }
        long[] y = spmv(whr, m, layout.whrFracBits());
        return new FrameTrace(channel, frame, z, gi, gf, gg, go, c, m, y);
    }

    private long[] spmv(DecodedMatrix matrix, long[] vector, int weightFracBits) {
        long[] result = new long[matrix.mapping.rows()];
        int[][] global = matrix.mapping.globalRows();
        long accMin = acc.minRaw();
        long accMax = acc.maxRaw();
        for (int pe = 0; pe < layout.pes(); pe++) {
            long[] accumulators = new long[matrix.mapping.localRows()];
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
            for (int lr = 0; lr < accumulators.length; lr++) {
                if (global[pe][lr] >= 0) {
                    result[global[pe][lr]] = act.rescale(accumulators[lr], weightFracBits + layout.actFracBits());
                }
            }
        }
        return result;
    }

    private record DecodedMatrix(RowMapping mapping, int cols, int[][] pointers, long[][] weights, int[][] indices) {
    }

    private DecodedMatrix decode(Section ptrSection, Section entrySection, int cols, RowMapping mapping) {
        LaneRows ptr = layout.packing(ptrSection);
        LaneRows ent = layout.packing(entrySection);
        long ptrBase = layout.offset(ptrSection);
        long entBase = layout.offset(entrySection);
        long capacity = layout.rows(entrySection) * ImageLayout.ENTRIES_PER_PE_ROW;
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
                    throw new EsegenException("image: " + entrySection + " pointer of PE " + pe + " column " + c
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
                    throw new EsegenException("image: " + entrySection + " PE " + pe + " column " + c
                            + " walks to local row " + row + ", beyond the " + mapping.localRows() + " rows of a slice");
                }
            }
        }
        return new DecodedMatrix(mapping, cols, pointers, weights, indices);
    }

    private long[] readPerCell(Section section, int groups) {
        LaneRows lanes = layout.packing(section);
        long base = layout.offset(section);
        int h = layout.hiddenSize();
        int n = layout.pes();
        int cellsPerPe = layout.cellsPerPe();
        long[] values = new long[groups * h];
        for (int k = 0; k < h; k++) {
            for (int g = 0; g < groups; g++) {
                values[g * h + k] = lanes.getSigned(image, base, (long) g * cellsPerPe + k / n, k % n);
            }
        }
        return values;
    }
}
