package org.esegen.prune;

import org.esegen.EsegenException;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@link Pruner} chooses the weights it keeps. All three keep the largest magnitudes; they differ
 * in the groups over which the kept count is balanced.
 */
public enum PruningMethod {
    /** Baseline: the largest magnitudes over the whole matrix, no balancing. */
    GLOBAL,
    /** ESE load-balance-aware pruning: every PE's row slice keeps the same number of weights (within one). */
    ESE,
    /** Spartus column-balanced targeted dropout: every PE keeps the same number of weights in every column. */
    CBTD;

    /** The name on the command line and in output files: the constant's name in lower case. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The method with the given {@link #cliName()}, ignoring case.
     *
     * @throws EsegenException if {@code name} is null or no method has that name; the message lists the names
     */
    public static PruningMethod parse(String name) {
        for (PruningMethod method : values()) {
            if (method.cliName().equalsIgnoreCase(name)) {
                return method;
            }
        }
        String allowed = Arrays.stream(values()).map(PruningMethod::cliName).collect(Collectors.joining(", "));
        throw new EsegenException("unknown pruning method '" + name + "'; allowed: " + allowed);
    }
}
