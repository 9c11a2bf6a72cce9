package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the external HDL tools (Verilator, Icarus, Yosys) for the tests. */
final class Tools {
    private static final long TIMEOUT_SECONDS = 120;

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

    /** Runs {@code command} in {@code workDir} and returns its result; fails after {@value #TIMEOUT_SECONDS} s. */
    static Result run(Path workDir, String... command) throws IOException, InterruptedException {
        return run(workDir, TIMEOUT_SECONDS, command);
    }

    /** Runs {@code command} in {@code workDir} and returns its result; fails after {@code timeoutSeconds}. */
    static Result run(Path workDir, long timeoutSeconds, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        byte[][] output = new byte[1][];
        Thread reader = new Thread(() -> {
            try {
                output[0] = process.getInputStream().readAllBytes();
            } catch (IOException e) {
                output[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        reader.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
        }
        reader.join();
        return new Result(process.exitValue(), new String(output[0], StandardCharsets.UTF_8));
    }

    /** Runs {@code command} and asserts it exits with 0; returns what it printed. */
    static String runOk(Path workDir, String... command) throws IOException, InterruptedException {
        Result result = run(workDir, command);
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + " failed:\n" + result.output());
        return result.output();
    }

    /** The Verilator waiver file shipped in hdl-gen's resources. */
    static Path verilatorWaivers() {
        try {
            return Path.of(Tools.class.getResource("/verilator-waivers.vlt").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Simulates {@code testbench} (top module {@code tb}) with {@code sources} under Icarus; returns printed lines. */
    static List<String> simulate(Path workDir, String testbench, List<Path> sources)
            throws IOException, InterruptedException {
        assumeOnPath("iverilog");
        Path bench = Files.writeString(workDir.resolve("tb.v"), testbench);
        List<String> compile = new ArrayList<>(List.of("iverilog", "-g2005", "-s", "tb", "-o", "sim.vvp", bench.toString()));
        sources.forEach(source -> compile.add(source.toString()));
        runOk(workDir, compile.toArray(String[]::new));
        return runOk(workDir, "vvp", "-n", "sim.vvp").lines().toList();
    }

    /**
     * As {@link #simulate}, compiled by Verilator ({@code --binary --timing}, the bench's delays and
     * waits as coroutines) instead of Icarus: minutes to build a large design, then far faster to run.
     */
    static List<String> simulateVerilator(Path workDir, String testbench, List<Path> sources, long timeoutSeconds)
            throws IOException, InterruptedException {
        assumeOnPath("verilator");
        Path bench = Files.writeString(workDir.resolve("tb.v"), testbench);
        List<String> compile = new ArrayList<>(List.of("verilator", "--binary", "--timing", "-Wno-fatal", "-Wno-lint",
                "-Wno-style", "--top-module", "tb", "-j", "2", "-o", "simv", bench.toString()));
        sources.forEach(source -> compile.add(source.toString()));
        Result built = run(workDir, timeoutSeconds, compile.toArray(String[]::new));
        assertEquals(0, built.exitCode(), () -> "verilator failed:\n" + built.output());
        Result ran = run(workDir, timeoutSeconds, workDir.resolve("obj_dir").resolve("simv").toString());
        assertEquals(0, ran.exitCode(), () -> "the Verilator simulation failed:\n" + ran.output());
        return ran.output().lines().toList();
    }
}
