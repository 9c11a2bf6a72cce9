package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.synth.Device;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generate and Yosys stages, with a stand-in generator (the real one, org.esegen.hdl.Generator,
 * gives designs whose counts are not known in advance): each point's Verilog is N registered
 * multiply-accumulates for N PEs, so the Yosys estimate must count N DSP48E2. The stand-in is no
 * accelerator, so these sweeps run with --no-cosim. Skipped where Yosys is not installed
 * (scripts/bootstrap.sh installs it).
 */
class SweepSynthStageTest {
    @TempDir
    Path dir;

    /** Stand-in: an {@code EseAccelerator} of one 16 x 12 multiply-accumulate per PE, and its filelist. */
    static final DesignGenerator MACS = (config, out) -> {
        Files.createDirectories(out);
        int n = config.pes();
        Files.writeString(out.resolve("EseAccelerator.v"), String.format("""
                // sweep test stand-in, not the accelerator: %1$d multiply-accumulates
                module EseAccelerator (input wire clk, input wire reset, input wire [%2$d:0] a,
                    input wire [%3$d:0] b, output reg [%4$d:0] acc);
                  integer k;
                  always @(posedge clk)
                    for (k = 0; k < %1$d; k = k + 1)
                      acc[k*40 +: 40] <= reset ? 40'd0
                          : acc[k*40 +: 40] + $signed(a[k*16 +: 16]) * $signed(b[k*12 +: 12]);
                endmodule
                """, n, 16 * n - 1, 12 * n - 1, 40 * n - 1));
        Files.writeString(out.resolve("filelist.f"), "EseAccelerator.v\n");
    };

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome sweep(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.commandLine(new SweepCommand(MACS)).setErr(new PrintWriter(System.err, true))
                    .execute(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void generateAndYosysFillTheResourceFigures() throws IOException, InterruptedException {
        Assumptions.assumeTrue(new ProcessBuilder("sh", "-c", "command -v yosys").start().waitFor() == 0,
                "yosys is not installed (scripts/bootstrap.sh installs it)");
        Path out = dir.resolve("sweep");
        List<String> args = new ArrayList<>(List.of("--preset", "tiny", "--synthetic", "12,20,10,0.3,5", "--pes",
                "2,4", "--weight-bits", "8", "--frames", "2", "--no-cosim", "--out", out.toString()));
        Outcome o = sweep(args.toArray(String[]::new));
        System.out.println(o.out());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.out().contains("stages: compile+golden (ran); generate (ran); cosim (disabled by --no-cosim); "
                + "yosys (ran)"), o.out());
        JsonNode results = new ObjectMapper().readTree(out.resolve("results.json").toFile());
        assertEquals(2, results.size());
        for (JsonNode r : results) {
            int pes = r.get("pes").asInt();
            assertEquals("[\"compile+golden\",\"generate\",\"yosys\"]", r.get("stages_run").toString());
            assertEquals(List.of("cosim"), keys(r.get("stages_skipped")));
            assertEquals(pes, r.get("dsp").asLong(), r.toString());
            assertEquals(Math.round(10_000.0 * pes / Device.XCKU060.dsps()) / 100.0, r.get("dsp_pct").asDouble());
            assertTrue(r.get("fits_ku060").asBoolean());
            assertTrue(r.get("logic_depth").isInt());
            assertTrue(r.get("bit_exact").isNull(), "no co-simulation (the stand-in is no accelerator), no bit_exact");
            Path point = out.resolve("points").resolve(r.get("id").asText());
            assertTrue(Files.exists(point.resolve("rtl/EseAccelerator.v")));
            assertTrue(Files.exists(point.resolve("yosys/yosys.log")));
        }
        String html = Files.readString(out.resolve("report.html"));
        assertEquals(4, html.split("<svg", -1).length - 1, "all four charts, the resource ones included");
        assertTrue(html.contains("2 points fit, 0 do not, 0 unknown"), html);

        args.add("--no-synth");
        args.set(args.indexOf(out.toString()), dir.resolve("no-synth").toString());
        o = sweep(args.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        JsonNode r = new ObjectMapper().readTree(dir.resolve("no-synth/results.json").toFile()).get(0);
        assertEquals("[\"compile+golden\",\"generate\"]", r.get("stages_run").toString());
        assertEquals("disabled by --no-synth", r.get("stages_skipped").get("yosys").asText());
        assertTrue(r.get("dsp").isNull());
    }

    private static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        object.fieldNames().forEachRemaining(keys::add);
        return keys;
    }
}
