package org.esegen.prune;

import org.esegen.EsegenException;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How {@link Pruner} chooses the weights it keeps. ESE, CBTD and global keep the largest magnitudes;
 * they differ in the groups over which the kept count is balanced. NONE keeps the model as it is: a
 * model pruned (and retrained) elsewhere, whose zeros are its mask.
 */
public enum PruningMethod {
    /** Baseline: the largest magnitudes over the whole matrix, no balancing. */
    GLOBAL,
    /** ESE load-balance-aware pruning: every PE's row slice keeps the same number of weights (within one). */
    ESE,
    /** Spartus column-balanced targeted dropout: every PE keeps the same number of weights in every column. */
    CBTD,
    /** Keep every weight as it is (the model's own zeros stay zero); only at density 1. */
    NONE;

    /** The methods that prune (every one but {@link #NONE}), in declaration order. */
    public static final List<PruningMethod> PRUNING = List.of(GLOBAL, ESE, CBTD);

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
