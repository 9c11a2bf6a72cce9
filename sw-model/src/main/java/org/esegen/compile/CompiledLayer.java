package org.esegen.compile;

import org.esegen.rnn.LayerWeights;

/**
 * One layer pruned, quantized and encoded for a configuration.
 *
 * @param pruned the pruned float layer (the float reference of what the hardware runs)
 * @param wa     encoded W_a, the four accumulator rows per cell over [x; y_(t-1)] ({@link LayerWeights#combinedInputMatrix}), 4H x (I+P)
 * @param whr    encoded W_hr, P x H: the projection of an {@code lstmp}; the identity (H x H) for a cell
 *               without projection, which SpMV 2 then passes through exactly
 * @param bias   the accumulator rows' biases, 4H raw activation-format values ({@link LayerWeights#combinedBias})
 * @param peep   peepholes, 3H raw values in order i, f, o (all zero without peepholes)
 * @param columnBalanced with the delta engine, W_a in the column-balanced form its store holds (the image
 *               carries this instead of {@code wa}'s pointers and entries, and no W_hr); null with the sparse
 *               engine
 */
public record CompiledLayer(LayerWeights pruned, SparseMatrixEncoding wa, SparseMatrixEncoding whr, long[] bias,
                            long[] peep, ColumnBalancedEncoding columnBalanced) {

    /** A layer of the sparse engine. */
    public CompiledLayer(LayerWeights pruned, SparseMatrixEncoding wa, SparseMatrixEncoding whr, long[] bias,
                         long[] peep) {
        this(pruned, wa, whr, bias, peep, null);
    }

    /** This layer's part of the image layout for A = {@code arrays} arrays (ignored by the sparse engine). */
    public LayerLayout layout(int arrays) {
        if (columnBalanced == null) {
            return new LayerLayout(pruned.cell(), pruned.inputSize(), pruned.hiddenSize(), pruned.projSize(),
                    pruned.hasPeepholes(), wa.fracBits(), whr.fracBits(), ImageLayout.entryRows(wa.maxEntries()),
                    ImageLayout.entryRows(whr.maxEntries()));
        }
        int k = columnBalanced.k();
        return new LayerLayout(pruned.cell(), pruned.inputSize(), pruned.hiddenSize(), pruned.projSize(),
                pruned.hasPeepholes(), columnBalanced.fracBits(), whr.fracBits(),
                arrays * LayerLayout.deltaArrayWords(pruned.waColumns(), arrays, k), 0, k);
    }
}
