package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Xcku060;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.esegen.prune.Pruner;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;

/**
 * Prune, quantize, encode and schedule a model (a stack of layers of one cell kind) for a
 * configuration. Deterministic: the same inputs give the same {@link CompiledModel} and the same
 * image bytes.
 */
public final class Compiler {
    private Compiler() {
    }

    /** Compile a one-layer model; see {@link #compile(AcceleratorConfig, LayerStack, PruningMethod, double)}. */
    public static CompiledModel compile(AcceleratorConfig config, LayerWeights model, PruningMethod pruning,
                                        double density) {
        return compile(config, LayerStack.of(model), pruning, density);
    }

    /**
     * Compile a float model: every layer pruned to {@code density} (of its real matrix weights),
     * quantized (each matrix at its own binary point) and encoded for the PEs.
     *
     * @param config  accelerator configuration
     * @param model   float layers
     * @param pruning pruning method
     * @param density target fraction of matrix weights kept, in (0, 1]
     */
    public static CompiledModel compile(AcceleratorConfig config, LayerStack model, PruningMethod pruning,
                                        double density) {
        if (config.circulantEngine()) {
            throw new EsegenException("config field 'engine' = 2 (circulant): this compiler prunes and encodes for the "
                    + "sparse and delta engines; a circulant image comes from CirculantModel (esegen compile, cosim, "
                    + "bench and sweep with --preset ernn)");
        }
        config.requireLayersFit(model.depth(), "model");
        List<CompiledLayer> layers = new ArrayList<>();
        for (LayerWeights layer : model.layers()) {
            layers.add(compileLayer(config, layer, pruning, density));
        }
        return new CompiledModel(config, pruning, density, layers);
    }

    private static CompiledLayer compileLayer(AcceleratorConfig config, LayerWeights model, PruningMethod pruning,
                                              double density) {
        String source = "model layer " + model.layer() + " (" + model.cell().cliName() + ")";
        config.requireFits(model.inputSize(), model.hiddenSize(), model.projSize(), source);
        int n = config.pes();
        int h = model.hiddenSize();
        int weightBits = config.formats().weightBits();
        String suffix = model.layer() == 0 ? "" : " of layer " + model.layer();

        LayerWeights pruned = prune(config, model, pruning, density);
        double[][] wa = pruned.combinedInputMatrix();
        int waFrac = Quantizer.weightFracBits(wa, weightBits);
        SparseMatrixEncoding waEnc = SparseMatrixEncoding.encode("W_a" + suffix, Quantizer.quantize(wa,
                new FixedFormat(weightBits, waFrac)), RowMapping.gates(h, n), waFrac, config.formats().indexBits());
        double[][] whr = model.cell().hasProjection() ? pruned.wHr() : identity(h);
        int whrFrac = Quantizer.weightFracBits(whr, weightBits);
        SparseMatrixEncoding whrEnc = SparseMatrixEncoding.encode("W_hr" + suffix, Quantizer.quantize(whr,
                new FixedFormat(weightBits, whrFrac)), RowMapping.interleaved(model.projSize(), n), whrFrac,
                config.formats().indexBits());

        long[] bias = quantizedBias(config, model);
        long[] peep = quantizedPeepholes(config, model);
        if (config.deltaEngine()) {
            return new CompiledLayer(pruned, waEnc, whrEnc, bias, peep, columnBalanced(config, pruned, wa, waEnc,
                    suffix));
        }
        requirePointersFit(config, waEnc);
        requirePointersFit(config, whrEnc);
        requireOnchipFit(config, waEnc, whrEnc, suffix);
        requireNoOverflow(config, waEnc);
        requireNoOverflow(config, whrEnc);
        return new CompiledLayer(pruned, waEnc, whrEnc, bias, peep);
    }

    /** The 4H accumulator-row biases ({@link LayerWeights#combinedBias}) in the activation format. */
    public static long[] quantizedBias(AcceleratorConfig config, LayerWeights model) {
        return Quantizer.quantize(model.combinedBias(), config.activationFormat());
    }

    /** The peepholes i, f, o (H each, in that order) in the activation format; zeros for a cell without them. */
    public static long[] quantizedPeepholes(AcceleratorConfig config, LayerWeights model) {
        int h = model.hiddenSize();
        long[] peep = new long[3 * h];
        if (model.hasPeepholes()) {
            double[][] vectors = {model.wIc(), model.wFc(), model.wOc()};
            for (int q = 0; q < 3; q++) {
                for (int k = 0; k < h; k++) {
                    peep[q * h + k] = config.activationFormat().quantize(vectors[q][k]);
                }
            }
        }
        return peep;
    }

    /**
     * W_a in the column-balanced form of the delta engine's store. The engine has no SpMV 2, so the
     * cell must have no projection; every column of every PE's slice must hold the same K nonzeros
     * (CBTD), K at most deltaMaxK; the store must fit the device; and M, which the lanes keep modulo
     * 2^accBits, must not overflow: M = W_a v^ at every step (each fired column adds w (v - v^), which
     * sums to w v^), so the sparse engine's bound on W_a's rows applies.
     */
    private static ColumnBalancedEncoding columnBalanced(AcceleratorConfig config, LayerWeights pruned, double[][] wa,
                                                        SparseMatrixEncoding waEnc, String suffix) {
        if (pruned.cell().hasProjection()) {
            throw new EsegenException("the delta engine (engine=1) runs lstm and gru cells; layer " + pruned.layer()
                    + " is " + pruned.cell().cliName() + ", whose projection needs the sparse engine (engine=0)");
        }
        int arrays = config.engine().deltaArrays();
        if (pruned.inputSize() % arrays != 0) {
            throw new EsegenException("layer " + pruned.layer() + " has I = " + pruned.inputSize() + " inputs; the delta "
                    + "engine takes x_t in groups of deltaArrays = " + arrays + " columns, so I must be a multiple of "
                    + arrays + " (pad the inputs with zero features, or lower deltaArrays)");
        }
        ColumnBalancedEncoding cb = ColumnBalancedEncoding.encode("W_a" + suffix, wa, waEnc.decode(), waEnc.mapping(),
                waEnc.fracBits());
        int maxK = config.engine().deltaMaxK();
        if (cb.k() < 1 || cb.k() > maxK) {
            throw new EsegenException("W_a" + suffix + " holds K = " + cb.k() + " entries of every column in every PE's "
                    + waEnc.mapping().localRows() + " rows; the delta engine's store takes 1 to deltaMaxK = " + maxK
                    + (cb.k() < 1 ? " (the matrix is empty)" : "; raise deltaMaxK to " + cb.k() + " or prune harder"));
        }
        long bram = config.deltaStoreBram36();
        if (bram > Xcku060.BRAM36) {
            throw new EsegenException("the delta engine's column-balanced stores need " + bram + " BRAM36 ("
                    + config.engine().deltaArrays() + " arrays x " + config.deltaStoreDepth() + " words x "
                    + config.pes() * config.deltaEntryBits() + " bits), more than the XCKU060's " + Xcku060.BRAM36
                    + "; lower deltaMaxK, maxInputSize or maxHiddenSize");
        }
        requireNoOverflow(config, waEnc, "the delta memory M, which wraps modulo 2^accBits,", "(the delta engine)");
        return cb;
    }

    /**
     * With {@code dspAccumulate = 1} the accumulators do not saturate, so every partial sum of every row
     * must stay within accBits: the bound sum |w| x 2^(actBits-1) over a row's stored weights (the largest
     * activation magnitude is 2^(actBits-1)) must be at most 2^(accBits-1) - 1. Then the saturating golden
     * model and the wrapping hardware agree.
     */
    private static void requireNoOverflow(AcceleratorConfig config, SparseMatrixEncoding matrix) {
        if (config.pe().dsp()) {
            requireNoOverflow(config, matrix, "the accumulators, which do not saturate with dspAccumulate=1,",
                    "or use dspAccumulate=0");
        }
    }

    private static void requireNoOverflow(AcceleratorConfig config, SparseMatrixEncoding matrix, String what,
                                          String remedy) {
        int actBits = config.formats().actBits();
        int accBits = config.pe().accBits();
        if (accBits >= matrix.accBitsWithoutOverflow(actBits)) {
            return;
        }
        long[] rowSums = matrix.rowAbsoluteSums();
        int worst = 0;
        for (int r = 1; r < rowSums.length; r++) {
            worst = rowSums[r] > rowSums[worst] ? r : worst;
        }
        BigInteger bound = BigInteger.valueOf(rowSums[worst]).shiftLeft(actBits - 1);
        throw new EsegenException(matrix.name() + " row " + worst + " could overflow " + what
                + " the sum of its |weights| (" + rowSums[worst] + " raw) x 2^"
                + (actBits - 1) + " (the largest activation) = " + bound + " exceeds 2^" + (accBits - 1) + " - 1 = "
                + BigInteger.ONE.shiftLeft(accBits - 1).subtract(BigInteger.ONE) + " (accBits = " + accBits
                + "); raise accBits to at least " + matrix.accBitsWithoutOverflow(actBits) + " " + remedy);
    }

    /**
     * With the on-chip weight store, a layer's entry rows (W_a and W_hr together) must fit the store,
     * and the store the device's block RAM.
     */
    private static void requireOnchipFit(AcceleratorConfig config, SparseMatrixEncoding wa, SparseMatrixEncoding whr,
                                         String suffix) {
        if (!config.onchipWeights()) {
            return;
        }
        long rows = (long) ImageLayout.entryRows(wa.maxEntries()) + ImageLayout.entryRows(whr.maxEntries());
        if (rows > config.onchipEntryRows()) {
            long needed = Long.highestOneBit(Math.max(1, rows * 2 * config.pes() - 1)) << 1;
            throw new EsegenException("the on-chip weight store holds " + config.onchipEntryRows() + " entry rows ("
                    + "onchipEntries = " + config.memory().onchipEntries() + " over " + config.pes() + " PEs), but W_a"
                    + " and W_hr" + suffix + " need " + rows + " (busiest PE: " + wa.maxEntries() + " + "
                    + whr.maxEntries() + " entries, 2 a row); raise onchipEntries to " + needed
                    + ", or use weightStore=0");
        }
        long bram = config.onchipStoreBram36();
        if (bram > Xcku060.BRAM36) {
            throw new EsegenException("the on-chip weight store needs " + bram + " BRAM36 (entry rows " + config
                    .onchipEntryRows() + " x " + 2 * config.pes() * config.entryBits() + " bits, pointer rows "
                    + config.onchipPointerRows() + " x " + 2 * config.pes() * config.formats().ptrBits()
                    + " bits), more than the XCKU060's " + Xcku060.BRAM36 + "; lower onchipEntries or use weightStore=0");
        }
    }

    /**
     * The H x H identity, the W_hr of a cell without projection: its 1.0 is exact at every weight
     * width (the binary point goes to weightBits - 2), so y = rescale(2^frac m) = m bit for bit.
     */
    static double[][] identity(int size) {
        double[][] id = new double[size][size];
        for (int k = 0; k < size; k++) {
            id[k][k] = 1;
        }
        return id;
    }

    /** The pruned float stack alone; see {@link #prune(AcceleratorConfig, LayerWeights, PruningMethod, double)}. */
    public static LayerStack prune(AcceleratorConfig config, LayerStack model, PruningMethod pruning, double density) {
        return new LayerStack(model.layers().stream().map(l -> prune(config, l, pruning, density)).toList());
    }

    /**
     * The pruned float layer alone (what the float reference runs), without the hardware checks of
     * {@link #compile}: the PE count shapes ESE and CBTD pruning, buffer sizes play no part. A GRU's
     * W_a holds a zero block for each of W_in's and W_hn's missing halves, so it is pruned to
     * density x 3/4 of its entries: the density of its real weights ({@code none} keeps every weight).
     */
    public static LayerWeights prune(AcceleratorConfig config, LayerWeights model, PruningMethod pruning,
                                     double density) {
        int n = config.pes();
        double[][] wa = model.combinedInputMatrix();
        long realWeights = (long) model.cell().gates() * model.hiddenSize() * model.waColumns();
        double waDensity = pruning == PruningMethod.NONE ? density
                : density * realWeights / ((long) wa.length * model.waColumns());
        double[][] prunedWa = Pruner.prune(wa, waDensity, RowMapping.gates(model.hiddenSize(), n).pe(), n, pruning);
        double[][] whr = model.cell().hasProjection() ? Pruner.prune(model.wHr(), density,
                RowMapping.interleaved(model.projSize(), n).pe(), n, pruning) : null;
        return splitPruned(model, prunedWa, whr);
    }

    /** The layer with W_a's rows put back into W_ih and W_hh (for a GRU, rows n_x and n_h into the n rows). */
    private static LayerWeights splitPruned(LayerWeights model, double[][] wa, double[][] whr) {
        int i = model.inputSize();
        int p = model.projSize();
        int h = model.hiddenSize();
        int gateRows = model.cell().gates() * h;
        double[][] wIh = new double[gateRows][i];
        double[][] wHh = new double[gateRows][p];
        for (int r = 0; r < wa.length; r++) {
            boolean gru = model.cell() == CellKind.GRU;
            if (!gru || r < 3 * h) {
                System.arraycopy(wa[r], 0, wIh[r], 0, i);
            }
            if (!gru || r < 2 * h) {
                System.arraycopy(wa[r], i, wHh[r], 0, p);
            } else if (r >= 3 * h) {
                System.arraycopy(wa[r], i, wHh[r - h], 0, p);
            }
        }
        return new LayerWeights(model.layer(), model.cell(), i, h, p, wIh, wHh, model.bIh(), model.bHh(), whr,
                model.wIc(), model.wFc(), model.wOc());
    }

    private static void requirePointersFit(AcceleratorConfig config, SparseMatrixEncoding m) {
        if (m.maxEntries() > config.maxPointer()) {
            throw new EsegenException(m.name() + " needs " + m.maxEntries() + " entries on its busiest PE, more than"
                    + " ptrBits = " + config.formats().ptrBits() + " can point to (at most " + config.maxPointer()
                    + "); raise ptrBits or pesPerChannel, or lower the density");
        }
        if (m.pointerSkew() >= config.pe().entryFifoDepth()) {
            throw new EsegenException(m.name() + ": PEs drift up to " + m.pointerSkew() + " entries apart in the shared"
                    + " entry stream, which needs entryFifoDepth > " + m.pointerSkew() + " (config has "
                    + config.pe().entryFifoDepth() + "); raise entryFifoDepth or use --pruning cbtd");
        }
    }
}
