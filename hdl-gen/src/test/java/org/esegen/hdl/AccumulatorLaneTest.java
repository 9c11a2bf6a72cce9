package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Lints {@link AccumulatorLane} and simulates it under Icarus against its Javadoc contract, cycle
 * by cycle: MACs on any row at every distance (back to back included), clears alone, with a MAC
 * and with MACs in flight, saturation at both ends, and reads whenever the contract allows one.
 */
class AccumulatorLaneTest {
    private static final long SEED = Long.getLong("esegen.seed", System.nanoTime());

    @TempDir
    Path dir;

    /** What the bench applies before one rising edge. */
    private record Cycle(boolean clear, boolean mac, int row, long weight, long act, int readRow) {
    }

    @ParameterizedTest(name = "{0}x{1} bits into {2}, {3} words")
    @CsvSource({"12, 16, 32, 128", "4, 4, 8, 5", "8, 8, 16, 2"})
    void matchesItsContractCycleByCycle(int weightBits, int actBits, int accBits, int words) throws Exception {
        System.out.println("AccumulatorLaneTest seed " + SEED + " (rerun with -Desegen.seed=" + SEED + ")");
        Path verilog = VerilogEmitter.emit(dir, "AccumulatorLane",
                () -> new AccumulatorLane(weightBits, actBits, accBits, words)).get(0);
        Tools.assumeOnPath("verilator");
        Tools.runOk(dir, "verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                Tools.verilatorWaivers().toString(), verilog.toString());

        List<Cycle> cycles = stimulus(new Random(SEED), weightBits, actBits, words);
        List<String> printed = Tools.simulate(dir, bench(weightBits, actBits, accBits, words, cycles), List.of(verilog));
        List<String> got = printed.stream().filter(line -> line.startsWith("out ")).toList();
        assertEquals(cycles.size(), got.size(), "one line per cycle");

        Model model = new Model(new FixedFormat(accBits, 0), words);
        int reads = 0;
        for (int t = 0; t < cycles.size(); t++) {
            Cycle cycle = cycles.get(t);
            boolean readAllowed = !model.busy() && !cycle.clear;
            long expectedRead = model.read(cycle.readRow);
            model.edge(cycle);
            String[] fields = got.get(t).split(" ");
            String where = "seed " + SEED + ", edge " + t + " (" + cycle + ")";
            assertEquals(model.busy() ? "1" : "0", fields[1], "busy after " + where);
            if (readAllowed) {
                assertEquals(expectedRead, Long.parseLong(fields[2]), "read_value of row " + cycle.readRow + " after " + where);
                reads++;
            }
        }
        assertTrue(reads > cycles.size() / 10, "the stimulus leaves room for reads");
    }

    @Test
    void eseLaneMapsItsMultiplyToOneDsp48e2AndItsWordsToRam() throws Exception {
        Tools.assumeOnPath("yosys");
        Path verilog = VerilogEmitter.emit(dir, "AccumulatorLane", () -> new AccumulatorLane(12, 16, 32, 128)).get(0);
        Tools.runOk(dir, "yosys", "-q", "-p", "read_verilog " + verilog
                + "; synth_xilinx -family xcu -flatten -top AccumulatorLane; tee -q -o stat.txt stat");
        String stat = Files.readString(dir.resolve("stat.txt"));

        assertEquals(1, cellCount(stat, "DSP48E2"), stat);
        assertTrue(cellCount(stat, "RAMB18E2") + cellCount(stat, "RAMB36E2") + cellCount(stat, "RAM64M")
                + cellCount(stat, "RAM32M16") + cellCount(stat, "RAM64M8") >= 1, stat);
        assertTrue(cellCount(stat, "FDRE") < 128 * 32, "the words are not flip-flops:\n" + stat);
    }

    private static int cellCount(String stat, String cell) {
        Matcher count = Pattern.compile("(?m)^\\s+" + cell + "\\s+(\\d+)\\s*$").matcher(stat);
        return count.find() ? Integer.parseInt(count.group(1)) : 0;
    }

    /**
     * The contract: a MAC presented at edge t lands at edge t+2 (stage 1 between t and t+1, stage
     * 2 between t+1 and t+2); clear invalidates all words and cancels both stages; a read after
     * edge t returns the state at edge t.
     */
    private static final class Model {
        private final FixedFormat acc;
        private final long[] words;
        private final boolean[] valid;
        private Cycle stage1;
        private Cycle stage2;

        Model(FixedFormat acc, int size) {
            this.acc = acc;
            words = new long[size];
            valid = new boolean[size];
        }

        boolean busy() {
            return stage1 != null || stage2 != null;
        }

        long read(int row) {
            return valid[row] ? words[row] : 0;
        }

        void edge(Cycle cycle) {
            if (cycle.clear) {
                Arrays.fill(valid, false);
                stage1 = null;
                stage2 = null;
            }
            if (stage2 != null) {
                words[stage2.row] = acc.saturate(read(stage2.row) + stage2.weight * stage2.act);
                valid[stage2.row] = true;
            }
            stage2 = stage1;
            stage1 = cycle.mac ? cycle : null;
        }
    }

    private static List<Cycle> stimulus(Random random, int weightBits, int actBits, int words) {
        long weightMax = (1L << (weightBits - 1)) - 1;
        long actMax = (1L << (actBits - 1)) - 1;
        List<Cycle> cycles = new ArrayList<>();
        for (int burst = 0; burst < 120; burst++) {
            int length = random.nextInt(12);
            int hotRows = 1 + random.nextInt(Math.min(words, 3));
            int[] hot = random.ints(hotRows, 0, words).toArray();
            boolean extreme = random.nextInt(3) == 0;
            for (int i = 0; i < length; i++) {
                boolean mac = random.nextInt(5) != 0;
                int row = random.nextInt(4) == 0 ? random.nextInt(words) : hot[random.nextInt(hot.length)];
                long weight = extreme ? (random.nextBoolean() ? weightMax : -weightMax - 1)
                        : random.nextLong(-weightMax - 1, weightMax + 1);
                long act = extreme ? (random.nextBoolean() ? actMax : -actMax - 1)
                        : random.nextLong(-actMax - 1, actMax + 1);
                boolean clear = random.nextInt(40) == 0;
                cycles.add(new Cycle(clear, mac, row, weight, act, random.nextInt(words)));
            }
            int idle = random.nextInt(4) == 0 ? 0 : 2 + random.nextInt(words + 1);
            for (int i = 0; i < idle; i++) {
                cycles.add(new Cycle(random.nextInt(60) == 0, false, 0, 0, 0, random.nextInt(words)));
            }
        }
        return cycles;
    }

    private static String bench(int weightBits, int actBits, int accBits, int words, List<Cycle> cycles) {
        int rowBits = AccumulatorLane.rowBits(words);
        String calls = cycles.stream()
                .map(c -> "    step(" + bit(c.clear) + ", " + bit(c.mac) + ", " + c.row + ", " + c.weight + ", "
                        + c.act + ", " + c.readRow + ");")
                .collect(Collectors.joining("\n"));
        return """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  reg clear = 1'b0;
                  reg mac_valid = 1'b0;
                  reg [%1$d:0] mac_row = 0;
                  reg signed [%2$d:0] mac_weight = 0;
                  reg signed [%3$d:0] mac_act = 0;
                  reg [%1$d:0] read_row = 0;
                  wire signed [%4$d:0] read_value;
                  wire busy;
                  AccumulatorLane dut (.clear(clear), .mac_valid(mac_valid), .mac_row(mac_row),
                    .mac_weight(mac_weight), .mac_act(mac_act), .read_row(read_row), .read_value(read_value),
                    .busy(busy), .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  task step(input c, input v, input [%1$d:0] r, input signed [%2$d:0] w, input signed [%3$d:0] a,
                            input [%1$d:0] rr);
                    begin
                      clear = c; mac_valid = v; mac_row = r; mac_weight = w; mac_act = a; read_row = rr;
                      @(posedge clk); #1;
                      $display("out %%0d %%0d", busy, read_value);
                    end
                  endtask
                  initial begin
                    repeat (2) @(posedge clk);
                    #1 reset = 1'b0;
                %5$s
                    $finish;
                  end
                endmodule
                """.formatted(Math.max(rowBits, 1) - 1, weightBits - 1, actBits - 1, accBits - 1, calls);
    }

    private static int bit(boolean value) {
        return value ? 1 : 0;
    }
}
