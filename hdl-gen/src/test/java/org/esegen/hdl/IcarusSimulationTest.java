package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;

import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.LookupRom;
import org.esegen.hdl.units.SaturatingMac;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Simulates emitted Verilog under Icarus with generated testbenches and compares every cycle's
 * output with a Java computation of what the builder's Javadoc promises.
 */
class IcarusSimulationTest {
    private static final long SEED = 20_260_101L;

    @TempDir
    Path dir;

    /** One input sample of the MAC. */
    private record MacSample(boolean clear, boolean enable, long weight, long activation) {
        static final MacSample IDLE = new MacSample(false, false, 0, 0);
    }

    /** The MAC's contract, register by register: input stage, product stage, accumulator. */
    private static final class MacModel {
        private final long accMin;
        private final long accMax;
        private MacSample inputStage = MacSample.IDLE;
        private MacSample productStage = MacSample.IDLE;
        private long acc;

        MacModel(int accBits) {
            accMin = -(1L << (accBits - 1));
            accMax = (1L << (accBits - 1)) - 1;
        }

        /** Advances one rising edge with {@code sample} on the inputs; returns acc after the edge. */
        long clock(MacSample sample) {
            if (productStage.clear || productStage.enable) {
                long base = productStage.clear ? 0 : acc;
                long addend = productStage.enable ? productStage.weight * productStage.activation : 0;
                acc = Math.max(accMin, Math.min(accMax, base + addend));
            }
            productStage = inputStage;
            inputStage = sample;
            return acc;
        }
    }

    @ParameterizedTest(name = "{0}x{1} bits into {2}")
    @CsvSource({"12, 16, 28", "12, 16, 32", "4, 4, 8"})
    void saturatingMacMatchesItsContractCycleByCycle(int weightBits, int actBits, int accBits) throws Exception {
        List<MacSample> samples = macSamples(weightBits, actBits, accBits);
        Path verilog = VerilogEmitter.emit(dir, "SaturatingMac",
                () -> new SaturatingMac(weightBits, actBits, accBits)).get(0);

        List<String> printed = Tools.simulate(dir, macBench(weightBits, actBits, accBits, samples), List.of(verilog));

        MacModel model = new MacModel(accBits);
        List<String> expected = samples.stream().map(sample -> "out " + model.clock(sample)).toList();
        assertEquals(expected, outputLines(printed));
    }

    /** Directed runs into both saturation ends, the clear variants, then random samples. */
    private static List<MacSample> macSamples(int weightBits, int actBits, int accBits) {
        long weightMax = (1L << (weightBits - 1)) - 1;
        long weightMin = -(1L << (weightBits - 1));
        long actMax = (1L << (actBits - 1)) - 1;
        long actMin = -(1L << (actBits - 1));
        int toSaturate = (int) Math.min(200, (1L << (accBits - weightBits - actBits + 2)) + 2);

        List<MacSample> samples = new ArrayList<>();
        samples.add(new MacSample(true, true, weightMax, actMax));
        for (int i = 0; i < toSaturate; i++) {
            samples.add(new MacSample(false, true, weightMax, actMax));
        }
        for (int i = 0; i < 2 * toSaturate; i++) {
            samples.add(new MacSample(false, true, weightMin, actMax));
        }
        samples.add(new MacSample(false, true, weightMin, actMin));
        samples.add(MacSample.IDLE);
        samples.add(new MacSample(true, false, weightMax, actMax));
        samples.add(new MacSample(false, true, weightMin, actMin));
        samples.add(new MacSample(true, true, -3, 5));
        samples.add(new MacSample(false, false, weightMax, actMax));

        Random random = new Random(SEED);
        for (int i = 0; i < 400; i++) {
            samples.add(new MacSample(random.nextInt(10) == 0, random.nextInt(10) < 7,
                    weightMin + random.nextInt((int) (weightMax - weightMin + 1)),
                    actMin + random.nextInt((int) (actMax - actMin + 1))));
        }
        for (int i = 0; i < 3; i++) {
            samples.add(MacSample.IDLE);
        }
        return samples;
    }

    private static String macBench(int weightBits, int actBits, int accBits, List<MacSample> samples) {
        String calls = samples.stream()
                .map(s -> "    sample(" + bit(s.clear) + ", " + bit(s.enable) + ", " + s.weight + ", " + s.activation + ");")
                .collect(Collectors.joining("\n"));
        return """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  reg clear = 1'b0;
                  reg enable = 1'b0;
                  reg signed [%1$d:0] weight = 0;
                  reg signed [%2$d:0] activation = 0;
                  wire signed [%3$d:0] acc;
                  SaturatingMac dut (.clear(clear), .enable(enable), .weight(weight), .activation(activation),
                                     .acc(acc), .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  task sample(input c, input e, input signed [%1$d:0] w, input signed [%2$d:0] a);
                    begin
                      clear = c; enable = e; weight = w; activation = a;
                      @(posedge clk); #1;
                      $display("out %%0d", acc);
                    end
                  endtask
                  initial begin
                    repeat (2) @(posedge clk);
                    #1 reset = 1'b0;
                %4$s
                    $finish;
                  end
                endmodule
                """.formatted(weightBits - 1, actBits - 1, accBits - 1, calls);
    }

    @Test
    void lookupRomReturnsTheIndexedWordOneCycleLater() throws Exception {
        int valueBits = 12;
        int indexBits = 6;
        long[] table = Design.tanhTable(valueBits, indexBits);
        Random random = new Random(SEED);
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < table.length; i++) {
            indices.add(i);
        }
        for (int i = 0; i < 100; i++) {
            indices.add(random.nextInt(table.length));
        }
        Path verilog = Design.LOOKUP_ROM.emit(dir).get(0);
        String bench = """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  reg [%1$d:0] index = 0;
                  wire signed [%2$d:0] value;
                  TanhRom dut (.index(index), .value(value), .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  task lookup(input [%1$d:0] i);
                    begin
                      index = i;
                      @(posedge clk); #1;
                      $display("out %%0d", value);
                    end
                  endtask
                  initial begin
                    @(posedge clk);
                    #1 reset = 1'b0;
                %3$s
                    $finish;
                  end
                endmodule
                """.formatted(indexBits - 1, valueBits - 1,
                indices.stream().map(i -> "    lookup(" + i + ");").collect(Collectors.joining("\n")));

        List<String> printed = Tools.simulate(dir, bench, List.of(verilog));

        assertEquals(indices.stream().map(i -> "out " + table[i]).toList(), outputLines(printed));
    }

    @Test
    void layerHelpersComputeWhatTheirNamesSay() throws Exception {
        int mask = (1 << LayerExercise.WIDTH) - 1;
        Random random = new Random(SEED);
        List<int[]> vectors = new ArrayList<>();
        vectors.add(new int[] {5, 5, -128, 127, 1, 0, 5, 0});
        vectors.add(new int[] {255, 1, 127, -128, 1, 1, 2, 1});
        for (int i = 0; i < 200; i++) {
            vectors.add(new int[] {random.nextInt(256), random.nextInt(256), random.nextInt(256) - 128,
                    random.nextInt(256) - 128, random.nextInt(2), random.nextInt(2), random.nextInt(8), random.nextInt(2)});
        }
        Path verilog = Design.LAYER_EXERCISE.emit(dir).get(0);
        String bench = """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  reg [7:0] a = 0;
                  reg [7:0] b = 0;
                  reg signed [7:0] s = 0;
                  reg signed [7:0] t = 0;
                  reg x = 1'b0;
                  reg y = 1'b0;
                  reg [2:0] flags_in = 0;
                  reg offer_ready = 1'b0;
                  wire [7:0] sum, difference, a_delayed, offer_payload;
                  wire [15:0] product;
                  wire [9:0] a_shl2;
                  wire [4:0] a_shr3;
                  wire signed [8:0] s_shl1;
                  wire signed [5:0] s_shr2;
                  wire signed [7:0] s_minus_t;
                  wire [2:0] flags_out;
                  wire a_lt_b, a_gt_b, a_eq_b, a_is_5, x_and_not_y, x_or_y, offer_valid, stalled;
                  LayerExercise dut (.a(a), .b(b), .s(s), .t(t), .x(x), .y(y), .flags_in(flags_in),
                    .sum(sum), .difference(difference), .product(product), .a_shl2(a_shl2), .a_shr3(a_shr3),
                    .s_shl1(s_shl1), .s_shr2(s_shr2), .s_minus_t(s_minus_t), .a_lt_b(a_lt_b), .a_gt_b(a_gt_b),
                    .a_eq_b(a_eq_b), .a_is_5(a_is_5), .x_and_not_y(x_and_not_y), .x_or_y(x_or_y),
                    .flags_out(flags_out), .a_delayed(a_delayed), .offer_valid(offer_valid),
                    .offer_ready(offer_ready), .offer_payload(offer_payload), .stalled(stalled),
                    .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  task apply(input [7:0] va, input [7:0] vb, input signed [7:0] vs, input signed [7:0] vt,
                             input vx, input vy, input [2:0] vf, input vr);
                    begin
                      a = va; b = vb; s = vs; t = vt; x = vx; y = vy; flags_in = vf; offer_ready = vr;
                      @(posedge clk); #1;
                      $display("out %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d %%0d",
                        sum, difference, product, a_shl2, a_shr3, s_shl1, s_shr2, s_minus_t, a_lt_b, a_gt_b,
                        a_eq_b, a_is_5, x_and_not_y, x_or_y, flags_out, a_delayed, offer_valid, offer_payload,
                        stalled);
                    end
                  endtask
                  initial begin
                    #1 reset = 1'b0;
                %s
                    $finish;
                  end
                endmodule
                """.formatted(vectors.stream()
                .map(v -> "    apply(" + v[0] + ", " + v[1] + ", " + v[2] + ", " + v[3] + ", " + v[4] + ", " + v[5]
                        + ", " + v[6] + ", " + v[7] + ");")
                .collect(Collectors.joining("\n")));

        List<String> printed = Tools.simulate(dir, bench, List.of(verilog));

        List<String> expected = new ArrayList<>();
        for (int[] v : vectors) {
            int a = v[0];
            int b = v[1];
            int s = v[2];
            int t = v[3];
            boolean x = v[4] == 1;
            boolean y = v[5] == 1;
            boolean ready = v[7] == 1;
            expected.add("out " + List.of((a + b) & mask, (a - b) & mask, a * b, a << 2, a >> 3, s * 2, s >> 2,
                            (byte) (s - t), bit(a < b), bit(a > b), bit(a == b), bit(a == 5), bit(x && !y),
                            bit(x || y), v[6], a, bit(x), a, bit(x && !ready)).stream()
                    .map(String::valueOf).collect(Collectors.joining(" ")));
        }
        assertEquals(expected, outputLines(printed));
    }

    private static int bit(boolean value) {
        return value ? 1 : 0;
    }

    private static List<String> outputLines(List<String> printed) {
        return printed.stream().filter(line -> line.startsWith("out ")).toList();
    }
}
