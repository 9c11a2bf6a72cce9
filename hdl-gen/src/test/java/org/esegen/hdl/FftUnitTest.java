package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.circulant.FixedFft;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.FftUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * FftUnit under Icarus against {@link FixedFft}: random vectors within the guarded input range
 * (extremes included), through a forward or an inverse unit, presented back to back with random idle cycles;
 * every output part must equal the twin's, in order, each {@link FftUnit#latency} cycles after its
 * input.
 */
class FftUnitTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_205L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "b = {0}, {1}-bit data, {2}-bit twiddles, inverse {3}")
    @CsvSource({"2, 16, 16, false", "4, 16, 16, true", "8, 16, 16, false", "8, 16, 16, true", "8, 12, 10, true",
            "16, 16, 18, false", "16, 16, 16, true", "32, 16, 16, false", "32, 16, 16, true", "32, 24, 20, true",
            "16, 8, 5, false"})
    void transformsAsTheTwin(int points, int dataBits, int twiddleBits, boolean inverse) throws Exception {
        long seed = SEED + 100L * points + dataBits + twiddleBits + (inverse ? 7 : 0);
        Random random = new Random(seed);
        FixedFft twin = new FixedFft(points, dataBits, twiddleBits);
        long limit = 1L << (dataBits - 2);
        int vectors = 40;
        List<String> stimulus = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int v = 0; v < vectors; v++) {
            long[] re = new long[points];
            long[] im = new long[points];
            for (int n = 0; n < points; n++) {
                re[n] = v < 2 ? (v == 0 ? limit : -limit) : random.nextLong(-limit, limit + 1);
                im[n] = v < 2 ? (n % 2 == 0 ? -limit : limit) : random.nextLong(-limit, limit + 1);
            }
            long[][] out = inverse ? twin.inverse(re, im) : twin.forward(re, im);
            StringBuilder drive = new StringBuilder("@(negedge clk) in_valid = 1;");
            StringBuilder line = new StringBuilder("out");
            for (int n = 0; n < points; n++) {
                drive.append(" in_re_").append(n).append(" = ").append(re[n]).append("; in_im_").append(n).append(" = ")
                        .append(im[n]).append(';');
                line.append(' ').append(out[0][n]).append(' ').append(out[1][n]);
            }
            stimulus.add(drive.toString());
            if (random.nextInt(3) == 0) {
                stimulus.add("@(negedge clk) in_valid = 0;");
            }
            expected.add(line.toString());
        }
        StringBuilder decl = new StringBuilder();
        StringBuilder conn = new StringBuilder();
        StringBuilder print = new StringBuilder();
        for (int n = 0; n < points; n++) {
            decl.append("  reg signed [").append(dataBits - 1).append(":0] in_re_").append(n).append(" = 0, in_im_")
                    .append(n).append(" = 0;\n  wire signed [").append(dataBits - 1).append(":0] out_re_").append(n)
                    .append(", out_im_").append(n).append(";\n");
            conn.append("    .in_re_").append(n).append("(in_re_").append(n).append("), .in_im_").append(n)
                    .append("(in_im_").append(n).append("), .out_re_").append(n).append("(out_re_").append(n)
                    .append("), .out_im_").append(n).append("(out_im_").append(n).append("),\n");
            print.append(", out_re_").append(n).append(", out_im_").append(n);
        }
        String format = "out %0d" + " %0d %0d".repeat(points);
        String bench = """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 0;
                  reg reset = 1;
                  reg in_valid = 0;
                  wire out_valid;
                  integer cycle = 0;
                %s
                  FftUnit dut (
                %s    .in_valid(in_valid), .out_valid(out_valid), .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  always @(posedge clk) begin
                    cycle <= cycle + 1;
                    if (in_valid) $display("in %%0d", cycle);
                    if (out_valid) $display("%s", cycle%s);
                  end
                  initial begin
                    repeat (3) @(posedge clk);
                    #1 reset = 0;
                    %s
                    @(negedge clk) in_valid = 0;
                    repeat (%d) @(negedge clk);
                    $finish;
                  end
                endmodule
                """.formatted(decl, conn, format, print, String.join("\n    ", stimulus), FftUnit.latency(points) + 4);
        Path verilog = VerilogEmitter.emit(dir, "FftUnit", () -> new FftUnit(points, dataBits, twiddleBits, inverse)).get(0);
        Path tb = dir.resolve("tb.v");
        Files.writeString(tb, bench);

        List<String> printed = Tools.simulate(dir, bench, List.of(verilog));

        List<String> outputs = printed.stream().filter(l -> l.startsWith("out ")).toList();
        assertEquals(vectors, outputs.size(), "seed " + seed + ": one output per vector");
        List<String> inputs = printed.stream().filter(l -> l.startsWith("in ")).toList();
        assertEquals(vectors, inputs.size(), "seed " + seed + ": every vector presented");
        for (int i = 0; i < outputs.size(); i++) {
            String[] parts = outputs.get(i).split("\\s+", 3);
            assertEquals(expected.get(i), "out " + parts[2].trim().replaceAll("\\s+", " "),
                    "seed " + seed + ", vector " + i + " (re im per point)");
            assertEquals(FftUnit.latency(points), Integer.parseInt(parts[1]) - Integer.parseInt(inputs.get(i).substring(3)),
                    "seed " + seed + ", vector " + i + ": cycles from in_valid to out_valid");
        }
    }
}
