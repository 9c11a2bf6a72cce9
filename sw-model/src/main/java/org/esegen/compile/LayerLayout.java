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
 * @param whrEntryRows rows of the W_hr entry section (0 with the delta engine)
 * @param k            with the delta engine, K: W_a's entries of every column in every PE's rows (its
 *                     WA_ENTRIES section is the column-balanced store, A ceil((I + H) / A) K rows); 0 with the
 *                     sparse engine
 */
public record LayerLayout(CellKind cell, int inputSize, int hiddenSize, int projSize, boolean peepholes,
                          int waFracBits, int whrFracBits, int waEntryRows, int whrEntryRows, int k) {

    /** A layer of the sparse engine (K = 0). */
    public LayerLayout(CellKind cell, int inputSize, int hiddenSize, int projSize, boolean peepholes,
                       int waFracBits, int whrFracBits, int waEntryRows, int whrEntryRows) {
        this(cell, inputSize, hiddenSize, projSize, peepholes, waFracBits, whrFracBits, waEntryRows, whrEntryRows, 0);
    }

    /**
     * With the delta engine, the store words of each of {@code arrays} arrays: ceil((I + P) / A) K
     * (array a holds columns c = j A + a, local column j at words j K .. j K + K - 1).
     */
    public int deltaArrayWords(int arrays) {
        return deltaArrayWords(waColumns(), arrays, k);
    }

    /** Store words of each of {@code arrays} arrays for {@code columns} columns of K entries: ceil(columns / A) K. */
    public static int deltaArrayWords(int columns, int arrays, int k) {
        return (columns + arrays - 1) / arrays * k;
    }

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
