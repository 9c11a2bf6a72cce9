package org.esegen.compile;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.fixed.FixedFormat;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerWeights;
import org.esegen.prune.Pruner;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;

/**
 * Prune, quantize, encode and schedule an LSTMP model for a configuration. Deterministic: the same
 * inputs give the same {@link CompiledModel} and the same image bytes.
 */
public final class Compiler {
    private Compiler() {
    }

    /**
     * Compile a float model.
     *
     * @param config  accelerator configuration
     * @param model   float LSTMP weights
     * @param pruning pruning method
     * @param density target fraction of matrix weights kept, in (0, 1]
     */
    public static CompiledModel compile(AcceleratorConfig config, LayerWeights model, PruningMethod pruning,
                                        double density) {
        requireLstmp(model);
        config.requireFits(model.inputSize(), model.hiddenSize(), model.projSize(), "model");
        int n = config.pes();
        int h = model.hiddenSize();
        RowMapping gateRows = RowMapping.gates(h, n);
        RowMapping projRows = RowMapping.interleaved(model.projSize(), n);

        LayerWeights pruned = prune(config, model, pruning, density);
        double[][] wa = pruned.combinedInputMatrix();
        double[][] whr = pruned.wHr();

        int weightBits = config.formats().weightBits();
        int waFrac = Quantizer.weightFracBits(wa, weightBits);
        int whrFrac = Quantizer.weightFracBits(whr, weightBits);
        SparseMatrixEncoding waEnc = SparseMatrixEncoding.encode("W_a", Quantizer.quantize(wa,
                new FixedFormat(weightBits, waFrac)), gateRows, waFrac, config.formats().indexBits());
        SparseMatrixEncoding whrEnc = SparseMatrixEncoding.encode("W_hr", Quantizer.quantize(whr,
                new FixedFormat(weightBits, whrFrac)), projRows, whrFrac, config.formats().indexBits());
        requirePointersFit(config, waEnc);
        requirePointersFit(config, whrEnc);

        FixedFormat act = config.activationFormat();
        long[] bias = Quantizer.quantize(model.combinedBias(), act);
        long[] peep = new long[3 * h];
        if (model.hasPeepholes()) {
            double[][] vectors = {model.wIc(), model.wFc(), model.wOc()};
            for (int q = 0; q < 3; q++) {
                for (int k = 0; k < h; k++) {
                    peep[q * h + k] = act.quantize(vectors[q][k]);
                }
            }
        }
        return new CompiledModel(config, pruning, density, pruned, waEnc, whrEnc, bias, peep);
    }

    /**
     * The pruned float model alone (what the float reference runs), without the hardware checks of
     * {@link #compile}: the PE count shapes ESE and CBTD pruning, buffer sizes play no part.
     */
    public static LayerWeights prune(AcceleratorConfig config, LayerWeights model, PruningMethod pruning,
                                     double density) {
        requireLstmp(model);
        int n = config.pes();
        double[][] wa = Pruner.prune(model.combinedInputMatrix(), density,
                RowMapping.gates(model.hiddenSize(), n).pe(), n, pruning);
        double[][] whr = Pruner.prune(model.wHr(), density, RowMapping.interleaved(model.projSize(), n).pe(), n,
                pruning);
        return splitPruned(model, wa, whr);
    }

    /** The sparse-column engine maps one LSTMP layer so far; other cells and stacks are refused by name. */
    private static void requireLstmp(LayerWeights model) {
        if (model.cell() != CellKind.LSTMP || model.layer() != 0) {
            throw new EsegenException("layer " + model.layer() + " (" + model.cell().cliName() + "): the compiler maps"
                    + " one lstmp layer so far; lstm and gru cells and stacks of layers run in the float reference only"
                    + " (not yet compiled, simulated or generated)");
        }
    }

    private static LayerWeights splitPruned(LayerWeights model, double[][] wa, double[][] whr) {
        int i = model.inputSize();
        int p = model.projSize();
        double[][] wIh = new double[wa.length][i];
        double[][] wHh = new double[wa.length][p];
        for (int r = 0; r < wa.length; r++) {
            System.arraycopy(wa[r], 0, wIh[r], 0, i);
            System.arraycopy(wa[r], i, wHh[r], 0, p);
        }
        return new LayerWeights(model.layer(), model.cell(), i, model.hiddenSize(), p, wIh, wHh, model.bIh(), model.bHh(), whr, model.wIc(),
                model.wFc(), model.wOc());
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
