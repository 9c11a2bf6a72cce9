package org.esegen.testbench;

import java.io.IOException;
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

    static String stderrOf(HarnessRun.Result result) {
        try {
            return "exit " + result.exitCode() + ", stderr: " + result.stderr();
        } catch (IOException e) {
            return "exit " + result.exitCode() + ", stderr unreadable: " + e;
        }
    }
}
