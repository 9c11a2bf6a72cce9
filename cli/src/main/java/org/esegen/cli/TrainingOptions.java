package org.esegen.cli;

import picocli.CommandLine.Option;

/** {@code --batch}, {@code --seed} and {@code --threads} of the commands that train. */
public final class TrainingOptions {
    @Option(names = "--batch", paramLabel = "B", defaultValue = "32", description = "batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch and feature threads (default: the cores)")
    Integer threads;

    /** {@code --threads}, or the machine's cores. */
    int threads() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    }
}
