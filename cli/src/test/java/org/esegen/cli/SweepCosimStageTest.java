package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.testbench.VerilatorBuild;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The co-simulation stage for real: the tiny preset's accelerator from org.esegen.hdl.Generator under
 * Verilator (builds cached in the shared Verilator cache, as {@code esegen cosim}'s) on a 1 x 2 grid
 * with 2 frames, every point bit-exact with measured cycles. Skipped where Verilator is not installed.
 */
class SweepCosimStageTest {
    @TempDir
    Path dir;

    @Test
    void everyPointIsCoSimulatedBitExactly() throws IOException {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
        Path out = dir.resolve("sweep");
        CliErrorsTest.Outcome o = CliErrorsTest.run("sweep", "--preset", "tiny", "--synthetic", "12,20,10,0.3,5",
                "--pes", "4", "--weight-bits", "8,12", "--frames", "2", "--no-synth", "--out", out.toString());
        System.out.println(o.err().strip());
        assertEquals(0, o.code(), o.err());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(2, results.size());
        for (JsonNode r : results) {
            assertEquals("ok", r.get("status").asText(), r.toString());
            assertEquals("[\"compile+golden\",\"generate\",\"cosim\"]", r.get("stages_run").toString());
            assertEquals("disabled by --no-synth", r.get("stages_skipped").get("yosys").asText());
            assertTrue(r.get("bit_exact").asBoolean(), r.toString());
            double cycles = r.get("cycles_per_frame").asDouble();
            assertTrue(cycles > 0, r.toString());
            assertEquals(cycles / r.get("clock_mhz").asInt(), r.get("latency_us").asDouble(), 1e-9);
            double u = r.get("pe_utilization").asDouble();
            assertTrue(u > 0 && u <= 1, r.toString());
            assertTrue(r.get("gops_dense_equiv").asDouble() > r.get("gops_sparse").asDouble());
            assertTrue(r.get("ddr_stall_cycles_per_frame").asDouble() >= 0);
            Path point = out.resolve("points").resolve(r.get("id").asText());
            JsonNode cosim = new ObjectMapper().readTree(point.resolve("cosim.json").toFile());
            assertEquals(cycles, cosim.get("cycles_per_frame").asDouble());
            assertTrue(Files.isDirectory(point.resolve("cosim")));
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("2 points bit-exact with the golden model, 0 not"), html);
        assertTrue(html.contains("latency is co-simulated; dashed: the compiler's ideal bound"), html);
    }
}
