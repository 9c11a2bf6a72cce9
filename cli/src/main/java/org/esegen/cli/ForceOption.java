package org.esegen.cli;

import org.esegen.io.OutputFolder;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code --force}, and the one way every command opens its output folder: refused when it is empty,
 * the working directory or an ancestor, or holds an input; replaced only when it is an esegen output of
 * the same kind unless forced (see {@link OutputFolder}).
 */
public final class ForceOption {
    @Option(names = "--force", description = "replace the output folder even when it is not an esegen output of "
            + "this command (its whole content is deleted)")
    boolean force;

    /** Checks {@code target} without writing anything; see {@link OutputFolder#checkTarget}. */
    void check(String option, Path target, String kind, Path... inputs) {
        OutputFolder.checkTarget(target, request(option, kind, inputs));
    }

    /** Starts writing {@code target}, named by {@code option}, as an output of {@code kind}. */
    OutputFolder create(String option, Path target, String kind, Path... inputs) {
        return OutputFolder.create(target, request(option, kind, inputs));
    }

    OutputFolder.Request request(String option, String kind, Path... inputs) {
        return new OutputFolder.Request(option, kind, force, Arrays.asList(inputs));
    }
}
