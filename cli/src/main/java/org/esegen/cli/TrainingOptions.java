package org.esegen.cli;

import org.esegen.rnn.DeltaReference;
import picocli.CommandLine.Option;

/** {@code --batch}, {@code --seed}, {@code --threads} and {@code --delta} of the commands that train. */
public final class TrainingOptions {
    @Option(names = "--batch", paramLabel = "B", defaultValue = "32", description = "batch (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--threads", paramLabel = "N", description = "PyTorch and feature threads (default: the cores)")
    Integer threads;

    @Option(names = "--delta", paramLabel = "THETA_X,THETA_H",
            description = "train every layer as a delta network: its matrices see the last-sent inputs and states, "
                    + "an element sent again only when it moved by at least its threshold (straight-through)")
    String delta;

    /** {@code --delta}'s thresholds, or null. */
    double[] delta() {
        return delta == null ? null : DeltaReference.thresholds(delta, "--delta");
    }

    /** {@code --threads}, or the machine's cores. */
    int threads() {
        return threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
    }
}
