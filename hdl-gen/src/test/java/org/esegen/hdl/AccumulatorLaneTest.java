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
import java.util.stream.IntStream;

import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.Dsp48e2;
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

    @ParameterizedTest(name = "{6}: {0} channels ({7} in block RAM), {1}x{2} bits into {3}, {4} + {5} words")
    @CsvSource({"1, 12, 16, 32, 128, 16, FABRIC, 0", "2, 12, 16, 32, 128, 16, FABRIC, 0", "3, 4, 4, 8, 5, 3, FABRIC, 0",
            "1, 8, 8, 16, 2, 2, FABRIC, 0", "4, 8, 8, 16, 3, 17, FABRIC, 0", "1, 12, 16, 32, 128, 16, DSP48E2, 0",
            "3, 4, 4, 8, 5, 3, DSP48E2, 0", "2, 16, 24, 48, 2, 2, DSP48E2, 0", "4, 8, 8, 16, 3, 17, DSP48E2, 0",
            "4, 8, 8, 16, 3, 17, FABRIC, 2", "3, 12, 16, 32, 64, 8, DSP48E2, 1", "2, 12, 16, 32, 64, 8, DSP48E2, 2"})
    void matchesItsContractCycleByCycle(int channels, int weightBits, int actBits, int accBits, int words,
                                        int projWords, AccumulatorLane.Mac mac, int blockChannels) throws Exception {
        System.out.println("AccumulatorLaneTest seed " + SEED + " (rerun with -Desegen.seed=" + SEED + ")");
        Path verilog = VerilogEmitter.emit(dir, "AccumulatorLane", () -> new AccumulatorLane(channels, weightBits,
                actBits, accBits, words, projWords, mac, blockChannels)).get(0);
        List<Path> sources = new ArrayList<>(List.of(verilog));
        if (mac == AccumulatorLane.Mac.DSP48E2) {
            sources.add(Dsp48e2.writeSimulationModel(dir.resolve("sim")));
        }
        Tools.assumeOnPath("verilator");
        List<String> lint = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                "--top-module", "AccumulatorLane", Tools.verilatorWaivers().toString()));
        sources.forEach(source -> lint.add(source.toString()));
        Tools.runOk(dir, lint.toArray(String[]::new));

        int[] bankWords = {words, projWords};
        Model model = new Model(new FixedFormat(accBits, 0), channels, bankWords, mac);
        List<Cycle> cycles = model.schedule(stimulus(new Random(SEED), channels, weightBits, actBits, bankWords));
        List<String> printed = Tools.simulate(dir, bench(channels, weightBits, actBits, accBits,
                Math.max(words, projWords), cycles), sources);
        List<String> got = printed.stream().filter(line -> line.startsWith("out ")).toList();
        assertEquals(cycles.size(), got.size(), "one line per cycle");

        int reads = 0;
        int readsBesideMacs = 0;
        int held = 0;
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
            boolean ready = !cycle.mac || model.ready(cycle);
            held += ready ? 0 : 1;
            String[] fields = got.get(t).split(" ");
            String where = "seed " + SEED + ", edge " + t + " (" + cycle + ")";
            if (cycle.mac) {
                assertEquals(ready ? "1" : "0", fields[2], "mac_ready before " + where);
            }
            model.edge(cycle, ready);
            assertEquals(model.busy(0) || model.busy(1) ? "1" : "0", fields[1], "busy after " + where);
            for (int bank = 0; bank < 2; bank++) {
                if (!readAllowed[bank]) {
                    continue;
                }
                // the bench prints bank b's value as a reader takes it: 0 unless read_valid_b
                for (int ch = 0; ch < channels; ch++) {
                    assertEquals(expectedRead[bank][ch], Long.parseLong(fields[3 + bank * channels + ch]),
                            "read_value_" + bank + "_" + ch + " (with read_valid_" + bank + ") row " + cycle.readRow
                                    + " after " + where);
                }
                reads++;
            }
        }
        assertTrue(reads > cycles.size() / 10, "the stimulus leaves room for reads");
        assertTrue(readsBesideMacs > 0, "some reads of one bank happen while the other accumulates");
        assertEquals(mac == AccumulatorLane.Mac.DSP48E2, held > 0, "MACs held by mac_ready: " + held);
    }

    @Test
    void eseLaneMapsItsMultiplyToOneDsp48e2AndItsWordsToRam() throws Exception {
        Tools.assumeOnPath("yosys");
        Path verilog = VerilogEmitter.emit(dir, "AccumulatorLane", () -> new AccumulatorLane(1, 12, 16, 32, 128, 16, AccumulatorLane.Mac.FABRIC, 0))
                .get(0);
        Tools.runOk(dir, "yosys", "-q", "-p", "read_verilog " + verilog
                + "; synth_xilinx -family xcu -flatten -top AccumulatorLane; tee -q -o stat.txt stat");
        String stat = Files.readString(dir.resolve("stat.txt"));

        assertEquals(1, cellCount(stat, "DSP48E2"), stat);
        assertTrue(cellCount(stat, "RAMB18E2") + cellCount(stat, "RAMB36E2") + cellCount(stat, "RAM64M")
                + cellCount(stat, "RAM32M16") + cellCount(stat, "RAM64M8") >= 1, stat);
        assertTrue(cellCount(stat, "FDRE") < 128 * 32, "the words are not flip-flops:\n" + stat);
    }

    /**
     * Yosys on ESE lanes of 4 channels with DSP48E2s at 64 PEs' size (64 + 8 rows: the tools pick LUT RAM) and 32
     * PEs' (128 + 16 rows: block RAM); with 2 channels' gate words marked for block RAM and the other 2 for LUT RAM
     * both end up in both.
     */
    @ParameterizedTest(name = "{0} + {1} rows")
    @CsvSource({"64, 8", "128, 16"})
    void blockChannelsSplitTheGateWordsBetweenBlockAndLutRam(int words, int projWords) throws Exception {
        Tools.assumeOnPath("yosys");
        int[] blockChannels = {0, 2};
        int[] bram = new int[2];
        int[] lutRam = new int[2];
        for (int i = 0; i < 2; i++) {
            int block = blockChannels[i];
            Path folder = dir.resolve("block" + block);
            Path verilog = VerilogEmitter.emit(folder, "AccumulatorLane", () -> new AccumulatorLane(4, 12, 16, 32, words,
                    projWords, AccumulatorLane.Mac.DSP48E2, block)).get(0);
            Tools.runOk(folder, "yosys", "-q", "-p", "read_verilog " + verilog
                    + "; synth_xilinx -family xcu -flatten -top AccumulatorLane; tee -q -o stat.txt stat");
            String stat = Files.readString(folder.resolve("stat.txt"));
            bram[i] = cellCount(stat, "RAMB18E2") + cellCount(stat, "RAMB36E2");
            lutRam[i] = cellCount(stat, "RAM64M") + cellCount(stat, "RAM32M16") + cellCount(stat, "RAM64M8")
                    + cellCount(stat, "RAM32M") + cellCount(stat, "RAM128X1D") + cellCount(stat, "RAM256X1D");
            System.out.printf("AccumulatorLane 4 channels, %d + %d words, %d in block RAM: %d block RAMs, %d LUT RAM "
                    + "cells%n", words, projWords, block, bram[i], lutRam[i]);
        }
        assertTrue(bram[1] >= 1 && lutRam[1] >= 1, "gate words in both: " + bram[1] + " block, " + lutRam[1] + " LUT");
        if (words <= 64) {
            assertEquals(0, bram[0], "shallow banks are LUT RAM when left to the tools");
            assertTrue(lutRam[1] < lutRam[0], "the LUT RAM shrinks: " + lutRam[0] + " -> " + lutRam[1]);
        } else {
            assertTrue(lutRam[1] > lutRam[0], "the LUT RAM grows: " + lutRam[0] + " -> " + lutRam[1]);
        }
    }

    /** Yosys on the lane at 1 and 5 channels: LUTs a channel adds, DSP48E2s, carry cells. */
    @Test
    void dspLaneAccumulatesInItsDsp48e2sWithoutFabricAdders() throws Exception {
        Tools.assumeOnPath("yosys");
        int[] channelCounts = {1, 5};
        double[] lutsPerChannel = new double[2];
        for (AccumulatorLane.Mac mac : AccumulatorLane.Mac.values()) {
            int[] luts = new int[channelCounts.length];
            for (int i = 0; i < channelCounts.length; i++) {
                int channels = channelCounts[i];
                Path folder = dir.resolve(mac.name() + channels);
                Path verilog = VerilogEmitter.emit(folder, "AccumulatorLane",
                        () -> new AccumulatorLane(channels, 12, 16, 32, 128, 16, mac, 0)).get(0);
                Tools.runOk(folder, "yosys", "-q", "-p", "read_verilog " + verilog
                        + "; synth_xilinx -family xcu -flatten -top AccumulatorLane; tee -q -o stat.txt stat");
                String stat = Files.readString(folder.resolve("stat.txt"));
                assertEquals(channels, cellCount(stat, "DSP48E2"), mac + ":\n" + stat);
                luts[i] = IntStream.rangeClosed(1, 6).map(k -> cellCount(stat, "LUT" + k)).sum();
                if (mac == AccumulatorLane.Mac.DSP48E2) {
                    assertEquals(0, cellCount(stat, "CARRY4") + cellCount(stat, "CARRY8"),
                            "no adder left in fabric:\n" + stat);
                }
            }
            lutsPerChannel[mac.ordinal()] = (luts[1] - luts[0]) / (double) (channelCounts[1] - channelCounts[0]);
            System.out.printf("AccumulatorLane %s: %d LUTs at 1 channel, %d at 5: %.1f a channel%n", mac, luts[0],
                    luts[1], lutsPerChannel[mac.ordinal()]);
        }
        assertTrue(lutsPerChannel[1] < lutsPerChannel[0] - 50, "a DSP48E2 channel saves the adder, the forwarding "
                + "multiplexer and the saturation: " + lutsPerChannel[1] + " against " + lutsPerChannel[0]
                + " LUTs a channel");
    }

    private static int cellCount(String stat, String cell) {
        Matcher count = Pattern.compile("(?m)^\\s+" + cell + "\\s+(\\d+)\\s*$").matcher(stat);
        return count.find() ? Integer.parseInt(count.group(1)) : 0;
    }

    /**
     * The contract: a MAC presented at edge t lands in its bank at edge t+2 (FABRIC: stage 1 between t and
     * t+1, stage 2 between t+1 and t+2) or t+3 (DSP48E2, a third stage); clear invalidates all words of its
     * bank and cancels that bank's MACs in every stage; a read after edge t returns the bank's state at edge t.
     * FABRIC saturates, DSP48E2 wraps modulo 2^accBits and keeps the MAC in stage 1 for a cycle (mac_ready
     * low, the next MAC not taken) when the MAC in stage 3 has its row and bank and a MAC in stage 2 has
     * another (stages as the registers hold them before the edge).
     */
    private static final class Model {
        private final FixedFormat acc;
        private final long[][][] words;
        private final boolean[][] valid;
        private final Cycle[] stages;

        Model(FixedFormat acc, int channels, int[] sizes, AccumulatorLane.Mac mac) {
            this.acc = acc;
            words = new long[channels][][];
            for (int ch = 0; ch < channels; ch++) {
                words[ch] = new long[][] {new long[sizes[0]], new long[sizes[1]]};
            }
            valid = new boolean[][] {new boolean[sizes[0]], new boolean[sizes[1]]};
            stages = new Cycle[mac == AccumulatorLane.Mac.FABRIC ? 2 : 3];
        }

        private boolean dsp() {
            return stages.length == 3;
        }

        boolean busy(int bank) {
            return Arrays.stream(stages).anyMatch(stage -> stage != null && stage.macBank == bank);
        }

        long read(int channel, int bank, int row) {
            return valid[bank][row] ? words[channel][bank][row] : 0;
        }

        /** mac_ready before the edge: low while the MAC in stage 1 waits (its row written now, P not of it). */
        boolean ready(Cycle cycle) {
            return !held();
        }

        private boolean held() {
            return dsp() && stages[0] != null && sameRow(stages[2], stages[0]) && stages[1] != null
                    && !sameRow(stages[1], stages[0]);
        }

        private static boolean sameRow(Cycle stage, Cycle cycle) {
            return stage != null && stage.row == cycle.row && stage.macBank == cycle.macBank;
        }

        /** The cycles as the bench applies them: a MAC not taken is presented again, without its clear. */
        List<Cycle> schedule(List<Cycle> cycles) {
            List<Cycle> applied = new ArrayList<>();
            for (Cycle cycle : cycles) {
                Cycle next = cycle;
                while (next.mac && !ready(next)) {
                    applied.add(next);
                    edge(next, false);
                    next = new Cycle(false, next.clearBank, true, next.macBank, next.row, next.weight, next.acts,
                            next.readBank, next.readRow);
                }
                applied.add(next);
                edge(next, true);
            }
            reset();
            return applied;
        }

        private void reset() {
            for (long[][] channel : words) {
                Arrays.stream(channel).forEach(bank -> Arrays.fill(bank, 0));
            }
            Arrays.stream(valid).forEach(bank -> Arrays.fill(bank, false));
            Arrays.fill(stages, null);
        }

        void edge(Cycle cycle, boolean taken) {
            boolean held = held();
            if (cycle.clear) {
                Arrays.fill(valid[cycle.clearBank], false);
                for (int s = 0; s < stages.length; s++) {
                    stages[s] = stages[s] != null && stages[s].macBank == cycle.clearBank ? null : stages[s];
                }
            }
            Cycle last = stages[stages.length - 1];
            if (last != null) {
                int bank = last.macBank;
                for (int ch = 0; ch < words.length; ch++) {
                    long sum = read(ch, bank, last.row) + last.weight * last.acts[ch];
                    words[ch][bank][last.row] = dsp() ? acc.wrap(sum) : acc.saturate(sum);
                }
                valid[bank][last.row] = true;
            }
            if (held) {
                stages[2] = stages[1];
                stages[1] = null;
            } else {
                System.arraycopy(stages, 0, stages, 1, stages.length - 1);
                stages[0] = cycle.mac && taken ? cycle : null;
            }
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
                  wire mac_ready;
                  reg ready_before = 1'b0;
                  AccumulatorLane dut (.clear(clear), .clear_bank(clear_bank), .mac_valid(mac_valid),
                    .mac_bank(mac_bank), .mac_row(mac_row),
                    .mac_weight(mac_weight),%4$s .read_row(read_row),
                    .busy(busy), .mac_ready(mac_ready), .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  task step(input c, input cb, input v, input vb, input [%1$d:0] r, input signed [%2$d:0] w,
                            input rb, input [%1$d:0] rr%5$s);
                    begin
                      clear = c; clear_bank = cb; mac_valid = v; mac_bank = vb; mac_row = r; mac_weight = w;
                      read_row = rr;%6$s
                      #1 ready_before = mac_ready;
                      @(posedge clk); #1;
                      $display("out %%0d %%0d%7$s", busy, ready_before%8$s);
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
