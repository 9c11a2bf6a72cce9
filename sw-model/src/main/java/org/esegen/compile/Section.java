package org.esegen.compile;

/** The sections of a DDR image, in address order. See {@link ImageLayout}. */
public enum Section {
    /** Image header: {@link ImageLayout} fields. */
    HEADER,
    /** W_a column pointers: 2N lanes a row, row k holding columns 2k (lanes 0..N-1) and 2k+1 (lanes N..2N-1);
     * lane p = start of that column in PE p's W_a entries ({@link ImageLayout#pointerRow}). */
    WA_POINTERS,
    /** W_a entries: 2N lanes a row, row k holding entries 2k and 2k+1 of every PE (lanes 2p and 2p+1);
     * each entry the weight in the low weightBits, the relative index above ({@link ImageLayout#entryPacking}). */
    WA_ENTRIES,
    /** W_hr column pointers, packed as {@link #WA_POINTERS}. */
    WHR_POINTERS,
    /** W_hr entries, packed as {@link #WA_ENTRIES}. */
    WHR_ENTRIES,
    /** Gate biases: 4 cellsPerPe rows, row g cellsPerPe + l, lane p = bias of gate g of cell l N + p. */
    BIAS,
    /** Peepholes: 3 cellsPerPe rows in order i, f, o; zeros when the model has none. */
    PEEPHOLES,
    /** Input frames: frame t of channel ch is one row of I lanes at row ch T + t. */
    INPUT,
    /** Output frames: y_t of channel ch is one row of P lanes at row ch T + t; written by the accelerator. */
    OUTPUT
}
