package org.esegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import org.esegen.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code esegen sweep --block-sizes} with a circulant preset: the refusal with another engine, and circulant points
 * through the sweep's compile stage (stored weights, MAC cycles, SNR against the float run of the projected model).
 * Their co-simulation is the accelerator's, tested in testbench.
 */
class SweepBlockSizesTest {
    @TempDir
    Path dir;

    @Test
    void circulantPointsCompileThroughTheSweep() throws Exception {
        CliErrorsTest.Outcome sparse = CliErrorsTest.run("sweep", "--preset", "tiny", "--block-sizes", "4",
                "--synthetic", "20,16,12", "--no-cosim", "--no-synth", "--out", dir.resolve("refused").toString());
        assertEquals(2, sparse.code());
        assertTrue(sparse.err().contains("--block-sizes applies to circulant presets"), sparse.err());

        Path out = dir.resolve("sweep");
        CliErrorsTest.Outcome run = CliErrorsTest.run("sweep", "--preset", "ernn", "--set", "maxInputSize=32", "--set",
                "maxHiddenSize=32", "--set", "maxProjSize=32", "--set", "lutEntries=256", "--synthetic", "20,16,12",
                "--block-sizes", "4,8", "--no-cosim", "--no-synth", "--frames", "3", "--out", out.toString());
        assertEquals(0, run.code(), run.err());
        JsonNode results = Json.mapper().readTree(Files.readString(out.resolve("results.json")));
        assertEquals(2, results.size(), results.toString());
        // I = 20, H = 16, P = 12 (2,240 dense weights): gates 4 x 16 rows over ceil(20 / b) + ceil(12 / b) column
        // blocks, W_hr 12 x 16; MAC cycles with the preset's 16 + 8 lanes: one group of each matrix
        long[] stored = {16L * (5 + 3) * 4 + 3L * 4 * 4, 8L * (3 + 2) * 8 + 2L * 2 * 8};
        long[] macCycles = {5 + 3 + 4, 3 + 2 + 2};
        for (int k = 0; k < 2; k++) {
            JsonNode r = results.get(k);
            String where = r.toString();
            assertEquals("ok", r.get("status").asText(), where);
            assertTrue(r.get("id").asText().endsWith(k == 0 ? "-b4" : "-b8"), where);
            assertEquals((double) stored[k] / 2240, r.get("density").asDouble(), 1e-12, where);
            assertEquals(macCycles[k], r.get("ideal_cycles_per_frame").asLong(), where);
            assertTrue(r.get("snr_db").asDouble() > 10, "the golden model tracks the float run of the projected model: "
                    + where);
        }
    }
}
