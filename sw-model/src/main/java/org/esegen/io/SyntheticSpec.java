package org.esegen.io;

import org.esegen.EsegenException;

/**
 * A synthetic model request, as given on the command line by {@code --synthetic I,H,P[,density[,seed]]}.
 * Validated at construction.
 *
 * @param inputSize  I, in 1..{@value #MAX_SIZE}
 * @param hiddenSize H, in 1..{@value #MAX_SIZE}
 * @param projSize   P, in 1..{@value #MAX_SIZE}
 * @param density    fraction of weights kept by pruning, in (0, 1]
 * @param seed       seed of {@link SyntheticModel}
 */
public record SyntheticSpec(int inputSize, int hiddenSize, int projSize, double density, long seed) {

    /** Largest I, H or P accepted. */
    public static final int MAX_SIZE = 65536;

    /** Density used when the spec gives none: ESE's 11.2 % of weights kept. */
    public static final double DEFAULT_DENSITY = 0.112;

    /** Seed used when the spec gives none. */
    public static final long DEFAULT_SEED = 1;

    /** The accepted syntax, for messages and help texts. */
    public static final String SYNTAX = "I,H,P[,density[,seed]]";

    private static final String LEGAL = "expected " + SYNTAX + " with I, H, P integers in 1.." + MAX_SIZE
            + ", density in (0, 1] (default " + DEFAULT_DENSITY + ") and seed an integer (default " + DEFAULT_SEED + ")";

    public SyntheticSpec {
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
        String[] fields = spec.split(",", -1);
        if (fields.length < 3 || fields.length > 5) {
            throw error(spec, "has " + fields.length + " comma-separated field" + (fields.length == 1 ? "" : "s"));
        }
        int inputSize = parseSize(spec, "input size I", fields[0]);
        int hiddenSize = parseSize(spec, "hidden size H", fields[1]);
        int projSize = parseSize(spec, "projection size P", fields[2]);
        double density = fields.length > 3 ? parseDensity(spec, fields[3]) : DEFAULT_DENSITY;
        long seed = fields.length > 4 ? parseSeed(spec, fields[4]) : DEFAULT_SEED;
        try {
            return new SyntheticSpec(inputSize, hiddenSize, projSize, density, seed);
        } catch (EsegenException e) {
            throw error(spec, e.getMessage().replaceFirst("^synthetic model: ", ""));
        }
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
