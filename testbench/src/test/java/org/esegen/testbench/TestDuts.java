package org.esegen.testbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Builds the hand-written test DUTs in src/test/resources/dut once per JVM, cached in target/. */
final class TestDuts {
    static final Path CACHE = Path.of("target", "verilator-cache");
    static final Path RUNS = Path.of("target", "harness-runs");
    static final int ADDRESS_BITS = 32;
    private static final Map<String, VerilatorBuild.Result> BUILDS = new ConcurrentHashMap<>();

    private TestDuts() {
    }

    static VerilatorBuild.Result build(String top, int dataBits) {
        return BUILDS.computeIfAbsent(top + "-D" + dataBits, key -> {
            try {
                VerilatorBuild.Result result = verilatorBuild(top, dataBits).build();
                System.out.printf("%s build: %.1f s%s, %s%n", key, result.buildSeconds(),
                        result.reused() ? " (reused)" : "", result.directory());
                return result;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("building " + key, e);
            }
        });
    }

    static VerilatorBuild verilatorBuild(String top, int dataBits) {
        try {
            Path verilog = Path.of(TestDuts.class.getResource("/dut/" + top + ".v").toURI());
            return VerilatorBuild.of(List.of(verilog), top, dataBits, ADDRESS_BITS, CACHE)
                    .withParameter("DATA_WIDTH", dataBits)
                    .withParameter("ADDR_WIDTH", ADDRESS_BITS);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code verilator --lint-only -Wall} on a generated design of top {@code top} with hdl-gen's waivers
     * (the one waiver file, each with its reason), the log in {@code dir/lint.log}; returns Verilator's
     * messages, empty when clean.
     */
    static String lint(List<Path> verilog, String top, Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path waivers = dir.resolve("verilator-waivers.vlt");
        try (var in = org.esegen.hdl.spinal.VerilogEmitter.class.getResourceAsStream("/verilator-waivers.vlt")) {
            Files.copy(in, waivers, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> command = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                "--top-module", top, waivers.toString()));
        verilog.forEach(f -> command.add(f.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        Files.writeString(dir.resolve("lint.log"), output);
        return code == 0 && output.isBlank() ? "" : output.strip();
    }

    static String stderrOf(HarnessRun.Result result) {
        try {
            return "exit " + result.exitCode() + ", stderr: " + result.stderr();
        } catch (IOException e) {
            return "exit " + result.exitCode() + ", stderr unreadable: " + e;
        }
    }
}
