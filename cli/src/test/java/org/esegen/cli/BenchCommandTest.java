package org.esegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code esegen bench --json} end to end on a small configuration (16 PEs, 64-bit port, one frame):
 * one bit-exact row per pruning method, with the bounds in their order and ESE's figures beside.
 * The figures of the real benchmark are the README's; this only checks that the command measures.
 */
class BenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsOneBitExactRowPerPruningMethodWithOrderedBounds() throws Exception {
        List<JsonNode> rows = bench("1");
        assertEquals(List.of("ese", "cbtd"), rows.stream().map(r -> r.get("pruning").asText()).toList());
        for (JsonNode r : rows) {
            String where = r.toString();
            assertTrue(r.get("bit_exact").asBoolean(), where);
            assertEquals(16, r.get("pes_per_channel").asInt(), where);
            double latency = r.get("latency_us").asDouble();
            double folded = r.get("ideal_latency_us").asDouble();
            double padded = r.get("ideal_latency_us_padded").asDouble();
            double noPadding = r.get("ideal_latency_us_no_padding").asDouble();
            assertTrue(latency >= folded && padded > folded && folded >= noPadding, where);
            assertEquals(r.get("cycles_per_frame").asDouble() / 200, latency, 1e-9, where);
            double pe = r.get("pe_utilization").asDouble();
            assertTrue(pe > 0 && pe <= 1, where);
            assertTrue(r.get("padding_unfolded_cycles_per_pe_frame").asDouble() >= 0, where);
            assertEquals(82.7, r.get("ese_measured_latency_us").asDouble(), where);
            assertEquals(57.0, r.get("ese_ideal_latency_us").asDouble(), where);
            assertTrue(r.get("steady_latency_us") == null, "a DDR design has no store load: " + where);
        }
    }

    @Test
    void onChipRowsSeparateTheStoreLoadFromTheSteadyState() throws Exception {
        List<JsonNode> rows = bench("2", "--set", "weightStore=1", "--set", "broadcastColumns=2");
        assertEquals(2, rows.size());
        for (JsonNode r : rows) {
            String where = r.toString();
            assertTrue(r.get("bit_exact").asBoolean() && r.get("first_frame_bit_exact").asBoolean(), where);
            double steady = r.get("steady_cycles_per_frame").asDouble();
            double load = r.get("weight_load_cycles").asDouble();
            assertTrue(steady >= r.get("ideal_cycles_per_frame").asDouble(), "no frame beats the busiest PE: " + where);
            assertTrue(load > 0, "the first frame reads the weights from DDR: " + where);
            assertEquals(r.get("cycles_per_frame").asDouble(), steady + load / 2, 1e-9,
                    "two frames: one steady frame and one that also loads the store: " + where);
            assertEquals(steady / 200, r.get("steady_latency_us").asDouble(), 1e-9, where);
        }
    }

    @Test
    void circulantOptionsAreCheckedBeforeAnyWork() {
        String out = dir.resolve("refused").toString();
        CliErrorsTest.Outcome sparse = CliErrorsTest.run("bench", "--preset", "ese", "--block-sizes", "8", "--out", out);
        assertEquals(2, sparse.code());
        assertTrue(sparse.err().contains("apply to circulant-engine presets"), sparse.err());
        CliErrorsTest.Outcome block = CliErrorsTest.run("bench", "--preset", "ernn", "--block-sizes", "8,12", "--out", out);
        assertEquals(2, block.code());
        assertTrue(block.err().contains("'circulantBlock' = 12"), block.err());
        CliErrorsTest.Outcome frames = CliErrorsTest.run("bench", "--preset", "ernn", "--frames", "1", "--out", out);
        assertEquals(2, frames.code());
        assertTrue(frames.err().contains("needs at least 2"), frames.err());
        assertTrue(!java.nio.file.Files.exists(dir.resolve("refused")), "nothing is left behind");
    }

    /** {@code esegen bench --json} on 16 PEs with the ESE model's sizes, its rows. */
    private List<JsonNode> bench(String frames, String... settings) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        List<String> args = new ArrayList<>(List.of("bench", "--preset", "tiny", "--set", "pesPerChannel=16", "--set",
                "maxInputSize=256", "--set", "maxHiddenSize=1024", "--set", "maxProjSize=512", "--set",
                "entryFifoDepth=512", "--frames", frames, "--out", dir.resolve("bench").toString(), "--json"));
        args.addAll(List.of(settings));
        int code;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            code = Main.execute(args.toArray(String[]::new));
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, code, captured.toString(StandardCharsets.UTF_8));
        List<JsonNode> rows = new ArrayList<>();
        for (String line : captured.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("{")) {
                rows.add(new ObjectMapper().readTree(line));
            }
        }
        return rows;
    }
}
