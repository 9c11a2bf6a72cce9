package org.esegen.synth;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the external tools (yosys, tclsh, verilator) for the org.esegen.synth tests. */
final class Tools {
    private static final long TIMEOUT_SECONDS = 300;

    private Tools() {
    }

    /** What a tool printed (stdout and stderr merged) and how it exited. */
    record Result(int exitCode, String output) {
    }

    /** Skips the calling test unless {@code tool} is on the PATH. */
    static void assumeOnPath(String tool) {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
        assumeTrue(found, tool + " is not on the PATH");
    }

    /** Runs {@code command} in {@code workDir} with extra environment variables; fails on a timeout. */
    static Result run(Path workDir, Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Path output = Files.createTempFile(workDir, "tool-", ".out");
        Process process = builder.redirectOutput(output.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        return new Result(process.exitValue(), text);
    }
}
