package org.esegen.rnn;

import org.esegen.EsegenException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The recurrent cells esegen runs, as DESIGN.md section 3 defines them (PyTorch gate order).
 * Every cell keeps four accumulator rows per hidden unit in the first matrix product: i, f, g, o for
 * the LSTMs; r, z, n_x = W_in x and n_h = W_hn h for the GRU, whose reset gate multiplies n_h alone.
 */
public enum CellKind {
    /** LSTM with a projection y = W_hr m and optional peepholes (ESE; {@code nn.LSTM(proj_size=P)}). */
    LSTMP("lstmp", 4, true),
    /** LSTM without projection, y = m, optional peepholes (Spartus; {@code nn.LSTM}). */
    LSTM("lstm", 4, false),
    /** GRU, gates r, z, n, {@code b_hn} inside the reset product ({@code nn.GRU}). */
    GRU("gru", 3, false);

    /** Accumulator rows per hidden unit in the first matrix product, for every cell. */
    public static final int ACCUMULATOR_ROWS = 4;

    private final String cliName;
    private final int gates;
    private final boolean projection;

    CellKind(String cliName, int gates, boolean projection) {
        this.cliName = cliName;
        this.gates = gates;
        this.projection = projection;
    }

    /** The name on the command line, in metadata and in reports. */
    public String cliName() {
        return cliName;
    }

    /** Gate blocks in PyTorch's {@code weight_ih}/{@code weight_hh} rows: 4 (i, f, g, o) or 3 (r, z, n). */
    public int gates() {
        return gates;
    }

    /** True when the layer's output is a projection W_hr m (a second matrix product). */
    public boolean hasProjection() {
        return projection;
    }

    /** True when the cell may have peepholes (the LSTMs). */
    public boolean allowsPeepholes() {
        return this != GRU;
    }

    /** The cell named {@code name} (case-insensitive); {@code what} names the option or field in the error. */
    public static CellKind parse(String name, String what) {
        for (CellKind kind : values()) {
            if (kind.cliName.equalsIgnoreCase(name.trim())) {
                return kind;
            }
        }
        throw new EsegenException(what + " '" + name + "' is not a cell esegen knows; allowed are "
                + Arrays.stream(values()).map(CellKind::cliName).collect(Collectors.joining(", ")));
    }

    @Override
    public String toString() {
        return cliName.toUpperCase(Locale.ROOT);
    }
}
