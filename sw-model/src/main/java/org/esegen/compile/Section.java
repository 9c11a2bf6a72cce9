package org.esegen.compile;

/** The sections of a DDR image; {@link ImageLayout} places them (per layer where {@link #perLayer}). */
public enum Section {
    /** Image header: {@link ImageLayout} fields. */
    HEADER,
    /** W_a column pointers: 2N lanes a row, row k holding columns 2k (lanes 0..N-1) and 2k+1 (lanes N..2N-1);
     * lane p = start of that column in PE p's W_a entries ({@link ImageLayout#pointerRow}). */
    WA_POINTERS,
    /** W_a entries: 2N lanes a row, row k holding entries 2k and 2k+1 of every PE (lanes 2p and 2p+1);
     * each entry the weight in the low weightBits, the relative index above ({@link ImageLayout#entryPacking}). */
    WA_ENTRIES,
    /** W_hr column pointers, packed as {@link #WA_POINTERS}; a cell without projection carries W_hr = I
     * (SpMV 2 then passes its output through exactly). */
    WHR_POINTERS,
    /** W_hr entries, packed as {@link #WA_ENTRIES}. */
    WHR_ENTRIES,
    /** Biases of the four accumulator rows ({@code LayerWeights.combinedBias}): 4 cellsPerPe rows, row
     * g cellsPerPe + l, lane p = bias of row g of cell l N + p (i, f, g, o; for a GRU r, z, n_x, n_h). */
    BIAS,
    /** Peepholes: 3 cellsPerPe rows in order i, f, o; zeros when the layer has none (always for a GRU). */
    PEEPHOLES,
    /** Input frames: frame t of channel ch is one row of I lanes at row ch T + t. */
    INPUT,
    /** Output frames of a layer: its y_t of channel ch is one row of P lanes at row ch T + t; written by the
     * accelerator (layer k+1 reads layer k's as its input; the last layer's are the model's outputs). */
    OUTPUT;

    /** True for the sections every layer has its own of (weights, per-cell parameters, outputs). */
    public boolean perLayer() {
        return this != HEADER && this != INPUT;
    }
}
