package org.esegen.io;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;

/**
 * A synthetic model request, as given on the command line by
 * {@code --synthetic [CELL[*L]:]I,H,P[,density[,seed]]}: L layers (default 1) of cell CELL (lstmp,
 * lstm or gru; default lstmp), each of H cells, layer 0 taking I inputs, every layer outputting P
 * (P must equal H for lstm and gru), as PyTorch's {@code nn.LSTM}/{@code nn.GRU(num_layers=L)} size
 * them. Validated at construction.
 *
 * @param cell       the cell kind
 * @param layers     L, in 1..{@value AcceleratorConfig#MAX_LAYERS}
 * @param inputSize  I, in 1..{@value #MAX_SIZE}
 * @param hiddenSize H, in 1..{@value #MAX_SIZE}
 * @param projSize   P, in 1..{@value #MAX_SIZE}
 * @param density    fraction of weights kept by pruning, in (0, 1]
 * @param seed       seed of {@link SyntheticModel}
 */
public record SyntheticSpec(CellKind cell, int layers, int inputSize, int hiddenSize, int projSize, double density,
                            long seed) {

    /** Largest I, H or P accepted. */
    public static final int MAX_SIZE = 65536;

    /** Density used when the spec gives none: ESE's 11.2 % of weights kept. */
    public static final double DEFAULT_DENSITY = 0.112;

    /** Seed used when the spec gives none. */
    public static final long DEFAULT_SEED = 1;

    /** The accepted syntax, for messages and help texts. */
    public static final String SYNTAX = "[CELL[*L]:]I,H,P[,density[,seed]]";

    private static final String LEGAL = "expected " + SYNTAX + " with CELL lstmp (default), lstm or gru, L layers in 1.."
            + AcceleratorConfig.MAX_LAYERS + " (default 1), I, H, P integers in 1.." + MAX_SIZE + " (P = H for lstm and"
            + " gru), density in (0, 1] (default " + DEFAULT_DENSITY + ") and seed an integer (default " + DEFAULT_SEED + ")";

    /** A one-layer LSTMP spec. */
    public SyntheticSpec(int inputSize, int hiddenSize, int projSize, double density, long seed) {
        this(CellKind.LSTMP, 1, inputSize, hiddenSize, projSize, density, seed);
    }

    public SyntheticSpec {
        if (layers < 1 || layers > AcceleratorConfig.MAX_LAYERS) {
            throw new EsegenException("synthetic model: " + layers + " layers is outside 1.." + AcceleratorConfig.MAX_LAYERS);
        }
        if (!cell.hasProjection() && projSize != hiddenSize) {
            throw new EsegenException("synthetic model: a " + cell.cliName() + " layer outputs its H = " + hiddenSize
                    + " hidden values, so P must equal H, got P = " + projSize);
        }
        requireSize("input size I", inputSize);
        requireSize("hidden size H", hiddenSize);
        requireSize("projection size P", projSize);
        if (!(density > 0 && density <= 1)) {
            throw new EsegenException("synthetic model: density " + density + " is outside (0, 1]");
        }
    }

    /**
     * Parses {@code I,H,P[,density[,seed]]}; blanks around fields are ignored; density defaults to
     * {@value #DEFAULT_DENSITY} and seed to {@value #DEFAULT_SEED}.
     *
     * @throws EsegenException quoting the spec, naming the field at fault and the legal syntax
     */
    public static SyntheticSpec parse(String spec) {
        CellKind cell = CellKind.LSTMP;
        int layers = 1;
        String sizes = spec;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            String[] head = spec.substring(0, colon).split("\\*", -1);
            if (head.length > 2) {
                throw error(spec, "'" + spec.substring(0, colon) + "' is not CELL or CELL*L");
            }
            try {
                cell = CellKind.parse(head[0], "cell");
            } catch (EsegenException e) {
                throw error(spec, e.getMessage());
            }
            if (head.length == 2) {
                try {
                    layers = Integer.parseInt(head[1].strip());
                } catch (NumberFormatException e) {
                    throw error(spec, "layer count '" + head[1].strip() + "' is not an integer in 1.."
                            + AcceleratorConfig.MAX_LAYERS);
                }
            }
            sizes = spec.substring(colon + 1);
        }
        String[] fields = sizes.split(",", -1);
        if (fields.length < 3 || fields.length > 5) {
            throw error(spec, "has " + fields.length + " comma-separated field" + (fields.length == 1 ? "" : "s"));
        }
        int inputSize = parseSize(spec, "input size I", fields[0]);
        int hiddenSize = parseSize(spec, "hidden size H", fields[1]);
        int projSize = parseSize(spec, "projection size P", fields[2]);
        double density = fields.length > 3 ? parseDensity(spec, fields[3]) : DEFAULT_DENSITY;
        long seed = fields.length > 4 ? parseSeed(spec, fields[4]) : DEFAULT_SEED;
        try {
            return new SyntheticSpec(cell, layers, inputSize, hiddenSize, projSize, density, seed);
        } catch (EsegenException e) {
            throw error(spec, e.getMessage().replaceFirst("^synthetic model: ", ""));
        }
    }

    /**
     * The model: {@link SyntheticModel#stack} of this spec, with peepholes on an {@code lstmp} (ESE's
     * cell) as {@code peepholes} says; {@code lstm} and {@code gru} have none, as PyTorch's.
     */
    public LayerStack model(boolean peepholes) {
        int[] hidden = new int[layers];
        int[] proj = new int[layers];
        java.util.Arrays.fill(hidden, hiddenSize);
        java.util.Arrays.fill(proj, projSize);
        return SyntheticModel.stack(cell, inputSize, hidden, proj, peepholes && cell == CellKind.LSTMP, seed);
    }

    /** This spec with cell {@code other}; a cell without projection outputs H (P becomes H). */
    public SyntheticSpec withCell(CellKind other) {
        return new SyntheticSpec(other, layers, inputSize, hiddenSize, other.hasProjection() ? projSize : hiddenSize,
                density, seed);
    }

    /** This spec with {@code count} layers. */
    public SyntheticSpec withLayers(int count) {
        return new SyntheticSpec(cell, count, inputSize, hiddenSize, projSize, density, seed);
    }

    /** Dense matrix weights of the model (for memory budgets). */
    public long denseWeights() {
        long gates = (long) cell.gates() * hiddenSize;
        long first = gates * (inputSize + projSize) + (cell.hasProjection() ? (long) projSize * hiddenSize : 0);
        long next = gates * (2L * projSize) + (cell.hasProjection() ? (long) projSize * hiddenSize : 0);
        return first + (layers - 1) * next;
    }

    private static int parseSize(String spec, String field, String text) {
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw error(spec, field + " '" + text.strip() + "' is not an integer in 1.." + MAX_SIZE);
        }
    }

    private static double parseDensity(String spec, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw error(spec, "density '" + text.strip() + "' is not a number in (0, 1]");
        }
    }

    private static long parseSeed(String spec, String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            throw error(spec, "seed '" + text.strip() + "' is not a 64-bit integer");
        }
    }

    private static void requireSize(String field, int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new EsegenException("synthetic model: " + field + " = " + size + " is outside 1.." + MAX_SIZE);
        }
    }

    private static EsegenException error(String spec, String problem) {
        return new EsegenException("--synthetic '" + spec + "': " + problem + "; " + LEGAL);
    }
}
