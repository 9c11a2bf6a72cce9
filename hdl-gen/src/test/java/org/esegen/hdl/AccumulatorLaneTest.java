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
 * by cycle and channel by channel (each channel its own activations): MACs on any row of either bank at every distance (back to back included), clears of
 * either bank alone, with a MAC and with MACs in flight, saturation at both ends, and reads of
 * either bank whenever the contract allows one (also of one bank while the other accumulates).
 */
class AccumulatorLaneTest {
    private static final long SEED = Long.getLong("esegen.seed", System.nanoTime());

    @TempDir
    Path dir;

    /** What the bench applies before one rising edge. */
    private record Cycle(boolean clear, int clearBank, boolean mac, int macBank, int row, long weight, long[] acts,
                         int readBank, int readRow) {
        @Override
        public String toString() {
            return "clear " + clear + " bank " + clearBank + ", mac " + mac + " bank " + macBank + " row " + row
                    + " weight " + weight + " acts " + Arrays.toString(acts) + ", read bank " + readBank + " row "
                    + readRow;
        }
    }

    @ParameterizedTest(name = "{0} channels, {1}x{2} bits into {3}, {4} + {5} words")
    @CsvSource({"1, 12, 16, 32, 128, 16", "2, 12, 16, 32, 128, 16", "3, 4, 4, 8, 5, 3", "1, 8, 8, 16, 2, 2",
            "4, 8, 8, 16, 3, 17"})
    void matchesItsContractCycleByCycle(int channels, int weightBits, int actBits, int accBits, int words,
                                        int projWords) throws Exception {
        System.out.println("AccumulatorLaneTest seed " + SEED + " (rerun with -Desegen.seed=" + SEED + ")");
        Path verilog = VerilogEmitter.emit(dir, "AccumulatorLane",
                () -> new AccumulatorLane(channels, weightBits, actBits, accBits, words, projWords)).get(0);
        Tools.assumeOnPath("verilator");
        Tools.runOk(dir, "verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                Tools.verilatorWaivers().toString(), verilog.toString());

        int[] bankWords = {words, projWords};
        List<Cycle> cycles = stimulus(new Random(SEED), channels, weightBits, actBits, bankWords);
        List<String> printed = Tools.simulate(dir, bench(channels, weightBits, actBits, accBits,
                Math.max(words, projWords), cycles), List.of(verilog));
        List<String> got = printed.stream().filter(line -> line.startsWith("out ")).toList();
        assertEquals(cycles.size(), got.size(), "one line per cycle");

        Model model = new Model(new FixedFormat(accBits, 0), channels, bankWords);
        int reads = 0;
        int readsBesideMacs = 0;
        for (int t = 0; t < cycles.size(); t++) {
            Cycle cycle = cycles.get(t);
            boolean[] readAllowed = new boolean[2];
            long[][] expectedRead = new long[2][channels];
            for (int bank = 0; bank < 2; bank++) {
                readAllowed[bank] = cycle.readRow < bankWords[bank] && !model.busy(bank)
                        && !(cycle.clear && cycle.clearBank == bank);
                for (int ch = 0; ch < channels && readAllowed[bank]; ch++) {
                    expectedRead[bank][ch] = model.read(ch, bank, cycle.readRow);
                }
                readsBesideMacs += readAllowed[bank] && model.busy(1 - bank) ? 1 : 0;
            }
            model.edge(cycle);
            String[] fields = got.get(t).split(" ");
            String where = "seed " + SEED + ", edge " + t + " (" + cycle + ")";
            assertEquals(model.busy(0) || model.busy(1) ? "1" : "0", fields[1], "busy after " + where);
            for (int bank = 0; bank < 2; bank++) {
                if (!readAllowed[bank]) {
                    continue;
                }
                // the bench prints bank b's value as a reader takes it: 0 unless read_valid_b
                for (int ch = 0; ch < channels; ch++) {
                    assertEquals(expectedRead[bank][ch], Long.parseLong(fields[2 + bank * channels + ch]),
                            "read_value_" + bank + "_" + ch + " (with read_valid_" + bank + ") row " + cycle.readRow
                                    + " after " + where);
                }
                reads++;
            }
        }
        assertTrue(reads > cycles.size() / 10, "the stimulus leaves room for reads");
        assertTrue(readsBesideMacs > 0, "some reads of one bank happen while the other accumulates");
    }

    @Test
    void eseLaneMapsItsMultiplyToOneDsp48e2AndItsWordsToRam() throws Exception {
        Tools.assumeOnPath("yosys");
        Path verilog = VerilogEmitter.emit(dir, "AccumulatorLane", () -> new AccumulatorLane(1, 12, 16, 32, 128, 16))
                .get(0);
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
     * The contract: a MAC presented at edge t lands in its bank at edge t+2 (stage 1 between t and
     * t+1, stage 2 between t+1 and t+2); clear invalidates all words of its bank and cancels that
     * bank's MACs in both stages; a read after edge t returns the bank's state at edge t.
     */
    private static final class Model {
        private final FixedFormat acc;
        private final long[][][] words;
        private final boolean[][] valid;
        private Cycle stage1;
        private Cycle stage2;

        Model(FixedFormat acc, int channels, int[] sizes) {
            this.acc = acc;
            words = new long[channels][][];
            for (int ch = 0; ch < channels; ch++) {
                words[ch] = new long[][] {new long[sizes[0]], new long[sizes[1]]};
            }
            valid = new boolean[][] {new boolean[sizes[0]], new boolean[sizes[1]]};
        }

        boolean busy(int bank) {
            return (stage1 != null && stage1.macBank == bank) || (stage2 != null && stage2.macBank == bank);
        }

        long read(int channel, int bank, int row) {
            return valid[bank][row] ? words[channel][bank][row] : 0;
        }

        void edge(Cycle cycle) {
            if (cycle.clear) {
                Arrays.fill(valid[cycle.clearBank], false);
                stage1 = stage1 != null && stage1.macBank == cycle.clearBank ? null : stage1;
                stage2 = stage2 != null && stage2.macBank == cycle.clearBank ? null : stage2;
            }
            if (stage2 != null) {
                int bank = stage2.macBank;
                for (int ch = 0; ch < words.length; ch++) {
                    words[ch][bank][stage2.row] = acc.saturate(read(ch, bank, stage2.row) + stage2.weight * stage2.acts[ch]);
                }
                valid[bank][stage2.row] = true;
            }
            stage2 = stage1;
            stage1 = cycle.mac ? cycle : null;
        }
    }

    private static List<Cycle> stimulus(Random random, int channels, int weightBits, int actBits, int[] bankWords) {
        long weightMax = (1L << (weightBits - 1)) - 1;
        long actMax = (1L << (actBits - 1)) - 1;
        List<Cycle> cycles = new ArrayList<>();
        for (int burst = 0; burst < 160; burst++) {
            int bank = random.nextInt(2);
            int words = bankWords[bank];
            int length = random.nextInt(12);
            int hotRows = 1 + random.nextInt(Math.min(words, 3));
            int[] hot = random.ints(hotRows, 0, words).toArray();
            boolean extreme = random.nextInt(3) == 0;
            for (int i = 0; i < length; i++) {
                boolean mac = random.nextInt(5) != 0;
                int row = random.nextInt(4) == 0 ? random.nextInt(words) : hot[random.nextInt(hot.length)];
                long weight = extreme ? (random.nextBoolean() ? weightMax : -weightMax - 1)
                        : random.nextLong(-weightMax - 1, weightMax + 1);
                long[] acts = new long[channels];
                for (int ch = 0; ch < channels; ch++) {
                    acts[ch] = extreme ? (random.nextBoolean() ? actMax : -actMax - 1)
                            : random.nextLong(-actMax - 1, actMax + 1);
                }
                boolean clear = random.nextInt(40) == 0;
                int readBank = random.nextInt(2);
                cycles.add(new Cycle(clear, random.nextInt(3) == 0 ? 1 - bank : bank, mac, bank, row, weight, acts,
                        readBank, readRow(random, bankWords, readBank)));
            }
            int idle = random.nextInt(4) == 0 ? 0 : 2 + random.nextInt(words + 1);
            for (int i = 0; i < idle; i++) {
                int readBank = random.nextInt(2);
                cycles.add(new Cycle(random.nextInt(60) == 0, random.nextInt(2), false, 0, 0, 0, new long[channels], readBank,
                        readRow(random, bankWords, readBank)));
            }
        }
        return cycles;
    }

    /** A row of bank {@code bank} mostly, sometimes one only the other (larger) bank has. */
    private static int readRow(Random random, int[] bankWords, int bank) {
        return random.nextInt(8) == 0 ? random.nextInt(Math.max(bankWords[0], bankWords[1]))
                : random.nextInt(bankWords[bank]);
    }

    private static String bench(int channels, int weightBits, int actBits, int accBits, int words,
                                List<Cycle> cycles) {
        int rowBits = AccumulatorLane.rowBits(words);
        StringBuilder channelPorts = new StringBuilder();
        StringBuilder declarations = new StringBuilder();
        StringBuilder actArguments = new StringBuilder();
        StringBuilder actAssignments = new StringBuilder();
        StringBuilder display = new StringBuilder();
        StringBuilder displayFormat = new StringBuilder();
        for (int ch = 0; ch < channels; ch++) {
            declarations.append("  reg signed [%d:0] mac_act_%d = 0;%n".formatted(actBits - 1, ch));
            channelPorts.append(" .mac_act_%1$d(mac_act_%1$d),".formatted(ch));
            actArguments.append(", input signed [%d:0] a%d".formatted(actBits - 1, ch));
            actAssignments.append(" mac_act_%1$d = a%1$d;".formatted(ch));
        }
        for (int bank = 0; bank < 2; bank++) {
            for (int ch = 0; ch < channels; ch++) {
                declarations.append("  wire signed [%d:0] read_value_%d_%d;%n".formatted(accBits - 1, bank, ch));
                channelPorts.append(" .read_value_%1$d_%2$d(read_value_%1$d_%2$d),".formatted(bank, ch));
                display.append(", read_valid_%1$d ? read_value_%1$d_%2$d : %3$d'sd0".formatted(bank, ch, accBits));
                displayFormat.append(" %0d");
            }
            declarations.append("  wire read_valid_%d;%n".formatted(bank));
            channelPorts.append(" .read_valid_%1$d(read_valid_%1$d),".formatted(bank));
        }
        String calls = cycles.stream()
                .map(c -> "    step(" + bit(c.clear) + ", " + c.clearBank + ", " + bit(c.mac) + ", " + c.macBank + ", "
                        + c.row + ", " + c.weight + ", " + c.readBank + ", " + c.readRow
                        + Arrays.stream(c.acts).mapToObj(a -> ", " + a).collect(Collectors.joining()) + ");")
                .collect(Collectors.joining("\n"));
        return """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  reg clear = 1'b0;
                  reg clear_bank = 1'b0;
                  reg mac_valid = 1'b0;
                  reg mac_bank = 1'b0;
                  reg [%1$d:0] mac_row = 0;
                  reg signed [%2$d:0] mac_weight = 0;
                  reg [%1$d:0] read_row = 0;
                %3$s  wire busy;
                  AccumulatorLane dut (.clear(clear), .clear_bank(clear_bank), .mac_valid(mac_valid),
                    .mac_bank(mac_bank), .mac_row(mac_row),
                    .mac_weight(mac_weight),%4$s .read_row(read_row),
                    .busy(busy), .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  task step(input c, input cb, input v, input vb, input [%1$d:0] r, input signed [%2$d:0] w,
                            input rb, input [%1$d:0] rr%5$s);
                    begin
                      clear = c; clear_bank = cb; mac_valid = v; mac_bank = vb; mac_row = r; mac_weight = w;
                      read_row = rr;%6$s
                      @(posedge clk); #1;
                      $display("out %%0d%7$s", busy%8$s);
                    end
                  endtask
                  initial begin
                    repeat (2) @(posedge clk);
                    #1 reset = 1'b0;
                %9$s
                    $finish;
                  end
                endmodule
                """.formatted(Math.max(rowBits, 1) - 1, weightBits - 1, declarations, channelPorts, actArguments,
                actAssignments, displayFormat, display, calls);
    }

    private static int bit(boolean value) {
        return value ? 1 : 0;
    }
}
