package org.esegen.compile;

import org.esegen.rnn.CellKind;

/**
 * One layer's part of an {@link ImageLayout}: its shape, cell and the sizes of its sections.
 *
 * @param cell         the cell kind
 * @param inputSize    I of the layer (the previous layer's P, or the frames' width for layer 0)
 * @param hiddenSize   H
 * @param projSize     P, the layer's output width (H without a projection)
 * @param peepholes    whether the layer has peepholes (its PEEPHOLES section is zero otherwise)
 * @param waFracBits   weight fractional bits of W_a
 * @param whrFracBits  weight fractional bits of W_hr (W_hr = I without a projection)
 * @param waEntryRows  rows of the W_a entry section ({@link ImageLayout#entryRows} of the busiest PE's entries)
 * @param whrEntryRows rows of the W_hr entry section
 */
public record LayerLayout(CellKind cell, int inputSize, int hiddenSize, int projSize, boolean peepholes,
                          int waFracBits, int whrFracBits, int waEntryRows, int whrEntryRows) {

    /** Columns of W_a, I + P. */
    public int waColumns() {
        return inputSize + projSize;
    }

    /** Cells per PE at {@code pes} PEs, ceil(H / N). */
    public int cellsPerPe(int pes) {
        return (hiddenSize + pes - 1) / pes;
    }

    /** Projection rows per PE at {@code pes} PEs, ceil(P / N). */
    public int projRowsPerPe(int pes) {
        return (projSize + pes - 1) / pes;
    }
}
