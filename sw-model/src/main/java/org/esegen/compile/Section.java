package org.esegen.compile;

/** The sections of a DDR image, in address order. See {@link ImageLayout}. */
public enum Section {
    /** Image header: {@link ImageLayout} fields. */
    HEADER,
    /** W_a column pointers: I+P+1 rows, lane p = start of column c in PE p's W_a entries. */
    WA_POINTERS,
    /** W_a entries: row k, lane p = entry k of PE p (weight in the low weightBits, index above). */
    WA_ENTRIES,
    /** W_hr column pointers: H+1 rows. */
    WHR_POINTERS,
    /** W_hr entries. */
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
