package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.ElementwiseTwin;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.Elementwise;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Emits {@link Elementwise}, lints it with Verilator and simulates it under Icarus: a generated
 * testbench loads random biases and peepholes, plays the PE's accumulator read port with the
 * configured latency from random accumulator contents (typical values and values that saturate),
 * and for each cell count clears the cell state (or presets it near the saturation limits) and
 * runs several frames with c carried over and random frac shifts, then dumps every c and m; each
 * must equal {@link ElementwiseTwin} bit for bit, and {@code done} and {@code ready} must come
 * exactly when the Javadoc says. Tiny and ESE presets (16-bit activations, F = 11, 256 and 2048
 * table entries) and an 8-bit one (F = 4, 64 entries), with 1 and 2 channels and 1, 2, 4 and 8 PEs
 * sharing the unit (each PE its own accumulators, biases and peepholes).
 */
class ElementwiseTest {
    private static final int FRAC_SHIFT_BITS = 5;
    private static final int FRAMES = 3;
    private static final int[] CELL_COUNTS = {1, 3, 4, 7};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {1} channel(s), {2} PE(s), accReadLatency {3}, cpp {4}, seed {5}")
    @CsvSource({
            "tiny,  1, 1, 1, 7, 101",
            "tiny,  2, 1, 2, 8, 102",
            "ese,   1, 1, 3, 8, 103",
            "ese,   2, 1, 0, 7, 104",
            "8-bit, 1, 1, 2, 7, 105",
            "8-bit, 2, 1, 1, 8, 106",
            "tiny,  1, 1, 4, 1, 107",
            "tiny,  1, 2, 1, 4, 108",
            "ese,   2, 4, 1, 3, 109",
            "8-bit, 1, 4, 0, 2, 110",
            "tiny,  2, 2, 3, 1, 111",
            "ese,   1, 8, 1, 2, 112"})
    void everyCellAndOutputMatchesTheGoldenTwin(String preset, int channels, int pes, int latency, int cellsPerPeMax,
                                                long seed) throws Exception {
        check(preset, channels, pes, latency, cellsPerPeMax, seed, false);
    }

    /** The GRU schedule against {@link ElementwiseTwin#gru}: h in the c RAM, m = h'. */
    @ParameterizedTest(name = "gru {0}: {1} channel(s), {2} PE(s), accReadLatency {3}, cpp {4}, seed {5}")
    @CsvSource({
            "tiny,  1, 1, 1, 7, 201",
            "ese,   2, 1, 0, 7, 202",
            "8-bit, 1, 2, 2, 4, 203",
            "ese,   1, 4, 3, 3, 204",
            "tiny,  3, 8, 1, 2, 205"})
    void everyGruCellAndOutputMatchesTheGoldenTwin(String preset, int channels, int pes, int latency,
                                                   int cellsPerPeMax, long seed) throws Exception {
        check(preset, channels, pes, latency, cellsPerPeMax, seed, true);
    }

    private void check(String preset, int channels, int pes, int latency, int cellsPerPeMax, long seed, boolean gru)
            throws Exception {
        System.out.println("ElementwiseTest " + (gru ? "gru " : "lstm ") + preset + " channels " + channels + " pes "
                + pes + " latency " + latency + " cpp " + cellsPerPeMax + " seed " + seed);
        AcceleratorConfig config = config(preset);
        int accBits = config.pe().accBits();
        Elementwise.Arithmetic arithmetic = Elementwise.Arithmetic.of(config);
        Path verilog = VerilogEmitter.emit(dir, "Elementwise",
                () -> new Elementwise(channels, pes, cellsPerPeMax, accBits, FRAC_SHIFT_BITS, latency, arithmetic, gru))
                .get(0);

        Tools.assumeOnPath("verilator");
        Tools.runOk(dir, "verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                Tools.verilatorWaivers().toString(), verilog.toString());

        Scenario scenario = new Scenario(config, channels, pes, accBits, latency, cellsPerPeMax, new Random(seed), gru);
        List<String> printed = Tools.simulate(dir, scenario.bench(dir), List.of(verilog));
        List<String> expected = scenario.expected();
        List<String> actual = printed.stream()
                .filter(line -> line.startsWith("c ") || line.startsWith("m ") || line.startsWith("cycles ")
                        || line.startsWith("clear ") || line.startsWith("error"))
                .toList();
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), "line " + i + " of the dump (frame, channel, cell, value)");
        }
        assertEquals(expected.size(), actual.size(), "lines in the dump");
    }

    @Test
    void eseSizedUnitMapsItsMultiplierToOneDsp48e2AndItsTablesToBlockRam() throws Exception {
        Tools.assumeOnPath("yosys");
        Elementwise.Arithmetic arithmetic = Elementwise.Arithmetic.of(Presets.get("ese"));
        Path verilog = VerilogEmitter.emit(dir, "Elementwise",
                () -> new Elementwise(1, 1, 32, 32, FRAC_SHIFT_BITS, 2, arithmetic)).get(0);

        Tools.runOk(dir, "yosys", "-q", "-p", "read_verilog " + verilog
                + "; synth_xilinx -family xcu -top Elementwise; tee -q -o stat.txt stat");
        String stat = Files.readString(dir.resolve("stat.txt"));
        String total = stat.substring(stat.indexOf("=== design hierarchy ==="));

        assertEquals(1, cellCount(total, "DSP48E2"), total);
        assertTrue(cellCount(total, "RAMB36E2") + cellCount(total, "RAMB18E2") >= 1, total);
    }

    private static int cellCount(String stat, String cell) {
        Matcher count = Pattern.compile("(?m)^\\s+" + cell + "\\s+(\\d+)\\s*$").matcher(stat);
        return count.find() ? Integer.parseInt(count.group(1)) : 0;
    }

    private static AcceleratorConfig config(String preset) {
        return switch (preset) {
            case "tiny" -> Presets.get("tiny");
            case "ese" -> Presets.get("ese");
            case "8-bit" -> Presets.DEFAULT.with(Map.of("actBits", 8, "actFracBits", 4, "lutEntries", 64,
                    "lutInputRange", 4, "weightBits", 8, "accBits", 20));
            default -> throw new IllegalArgumentException(preset);
        };
    }

    /** One run of the unit: the values the bench plays and what it must print. */
    private static final class Scenario {
        private final AcceleratorConfig config;
        private final FixedFormat act;
        private final int channels;
        private final int pes;
        private final int accBits;
        private final int latency;
        private final int cellsPerPeMax;
        private final Random random;
        private final boolean gru;
        /** Biases and peepholes [PE][word]. */
        private final long[][] bias;
        private final long[][] peep;
        /** Frames in bench order: cell count, frac shift, accumulators [channel][PE][row]. */
        private final List<Frame> frames = new ArrayList<>();

        /**
         * One frame. Before it, {@code reset_state} when {@code resetStateFirst}; else, when
         * {@code presetC} ([channel][slot]) is not null, the bench writes it into the c RAMs
         * (through the hierarchy) to reach cell states, and saturations, that a few frames from
         * zero never reach.
         */
        private record Frame(int cells, int fracShift, long[][][] acc, boolean[][] valid, boolean resetStateFirst,
                             long[][] presetC) {
        }

        Scenario(AcceleratorConfig config, int channels, int pes, int accBits, int latency, int cellsPerPeMax,
                 Random random, boolean gru) {
            this.gru = gru;
            this.config = config;
            this.act = config.activationFormat();
            this.channels = channels;
            this.pes = pes;
            this.accBits = accBits;
            this.latency = latency;
            this.cellsPerPeMax = cellsPerPeMax;
            this.random = random;
            this.bias = new long[pes][];
            this.peep = new long[pes][];
            for (int j = 0; j < pes; j++) {
                bias[j] = IntStream.range(0, 4 * cellsPerPeMax).mapToLong(i -> activation()).toArray();
                peep[j] = IntStream.range(0, 3 * cellsPerPeMax).mapToLong(i -> activation()).toArray();
            }
            for (int group = 0; group < CELL_COUNTS.length; group++) {
                int count = Math.min(CELL_COUNTS[group], cellsPerPeMax);
                boolean preset = group % 2 == 1;
                for (int f = 0; f < FRAMES; f++) {
                    int fracShift = f == 0 ? 0 : random.nextInt(31);
                    long[][][] acc = new long[channels][pes][4 * count];
                    for (long[][] channel : acc) {
                        for (long[] ofPe : channel) {
                            for (int r = 0; r < ofPe.length; r++) {
                                ofPe[r] = accumulator(fracShift);
                            }
                        }
                    }
                    // about one row in six the PE's matrix did not touch (its valid bit low: it counts as 0)
                    boolean[][] valid = new boolean[pes][4 * count];
                    for (boolean[] ofPe : valid) {
                        for (int r = 0; r < ofPe.length; r++) {
                            ofPe[r] = random.nextInt(6) != 0;
                        }
                    }
                    long[][] presetC = null;
                    if (preset && f == 0) {
                        presetC = new long[channels][pes * count];
                        for (long[] channel : presetC) {
                            for (int l = 0; l < channel.length; l++) {
                                channel[l] = random.nextBoolean() ? activation() : nearExtreme();
                            }
                        }
                    }
                    frames.add(new Frame(count, fracShift, acc, valid, !preset && f == 0, presetC));
                }
            }
            frames.add(new Frame(0, 0, new long[channels][pes][0], new boolean[pes][0], false, null));
        }

        /** An activation-format value: the extremes, anything, or a typical value in (-4, 4). */
        private long activation() {
            int kind = random.nextInt(20);
            if (kind < 3) {
                return kind == 0 ? act.minRaw() : act.maxRaw();
            }
            if (kind < 8) {
                return act.minRaw() + (long) (random.nextDouble() * (act.maxRaw() - act.minRaw() + 1));
            }
            long range = 4L << act.fracBits();
            return -range + (long) (random.nextDouble() * 2 * range);
        }

        /** A value within 1.0 of the largest or the smallest activation. */
        private long nearExtreme() {
            long distance = (long) (random.nextDouble() * (1L << act.fracBits()));
            return random.nextBoolean() ? act.maxRaw() - distance : act.minRaw() + distance;
        }

        /** An accumulator: the extremes, anything, or one that rescales to a typical value. */
        private long accumulator(int fracShift) {
            long min = -(1L << (accBits - 1));
            long max = (1L << (accBits - 1)) - 1;
            int kind = random.nextInt(20);
            if (kind < 3) {
                return kind == 0 ? min : max;
            }
            if (kind < 7) {
                return min + (long) (random.nextDouble() * ((double) max - min + 1));
            }
            long range = Math.min(max, 6L << (act.fracBits() + fracShift));
            return -range + (long) (random.nextDouble() * 2 * range);
        }

        /** The lines the bench must print: per frame, c then m of every cell and channel, then the cycle count. */
        List<String> expected() {
            ElementwiseTwin twin = new ElementwiseTwin(config);
            List<String> lines = new ArrayList<>();
            int slotsMax = pes * cellsPerPeMax;
            long[][] c = new long[channels][slotsMax];
            for (int k = 0; k < frames.size(); k++) {
                Frame frame = frames.get(k);
                if (frame.resetStateFirst) {
                    c = new long[channels][slotsMax];
                    lines.add("clear " + (Math.max(2, slotsMax) + 1));
                }
                int n = frame.cells;
                for (int ch = 0; frame.presetC != null && ch < channels; ch++) {
                    System.arraycopy(frame.presetC[ch], 0, c[ch], 0, pes * n);
                }
                long[][] m = new long[channels][pes * n];
                for (int ch = 0; ch < channels; ch++) {
                    for (int slot = 0; slot < pes * n; slot++) {
                        int l = slot / pes;
                        int j = slot % pes;
                        long[] z = new long[4];
                        long[] b = new long[4];
                        for (int g = 0; g < 4; g++) {
                            long accumulator = frame.valid[j][g * n + l] ? frame.acc[ch][j][g * n + l] : 0;
                            z[g] = act.rescale(accumulator, frame.fracShift + act.fracBits());
                            b[g] = bias[j][g * n + l];
                        }
                        if (gru) {
                            ElementwiseTwin.GruCell cell = twin.gru(z, b, c[ch][slot]);
                            c[ch][slot] = cell.h();
                            m[ch][slot] = cell.h();
                            continue;
                        }
                        long[] p = {peep[j][l], peep[j][n + l], peep[j][2 * n + l]};
                        ElementwiseTwin.Cell cell = twin.cell(z, b, p, c[ch][slot]);
                        c[ch][slot] = cell.c();
                        m[ch][slot] = cell.m();
                    }
                }
                for (int ch = 0; ch < channels; ch++) {
                    for (int slot = 0; slot < pes * n; slot++) {
                        lines.add("c " + k + " " + ch + " " + slot + " " + c[ch][slot]);
                    }
                }
                for (int ch = 0; ch < channels; ch++) {
                    for (int slot = 0; slot < pes * n; slot++) {
                        lines.add("m " + k + " " + ch + " " + slot + " " + m[ch][slot]);
                    }
                }
                // the last slot's m is written at age L' + 2 + LAST_STEP of it; a run of no cells writes
                // nothing and ends when the schedule's last phase comes round
                int period = Elementwise.CYCLES_PER_CELL;
                int lastAge = Elementwise.scheduleLatency(pes, latency) + 2 + (gru ? Elementwise.GRU_LAST_STEP : Elementwise.LAST_STEP);
                int cycles = n == 0 ? (lastAge + 1) % period + 2 : period * (pes * n - 1) + lastAge + 3;
                lines.add("cycles " + k + " " + cycles);
            }
            return lines;
        }

        /** The testbench; writes the accumulator image it reads next to it. */
        String bench(Path dir) throws Exception {
            int rows = 4 * cellsPerPeMax;
            int rowBits = bits(rows);
            int actMsb = act.totalBits() - 1;
            List<String> image = new ArrayList<>();
            for (Frame frame : frames) {
                for (int ch = 0; ch < channels; ch++) {
                    for (int j = 0; j < pes; j++) {
                        for (int r = 0; r < rows; r++) {
                            long value = r < frame.acc[ch][j].length ? frame.acc[ch][j][r] : 0;
                            image.add(Long.toHexString(value & ((1L << accBits) - 1)));
                        }
                    }
                }
            }
            Files.write(dir.resolve("acc.hex"), image);
            List<String> validImage = new ArrayList<>();
            for (Frame frame : frames) {
                for (int j = 0; j < pes; j++) {
                    for (int r = 0; r < rows; r++) {
                        validImage.add(r < frame.valid[j].length && !frame.valid[j][r] ? "0" : "1");
                    }
                }
            }
            Files.write(dir.resolve("valid.hex"), validImage);

            StringBuilder ports = new StringBuilder();
            StringBuilder decls = new StringBuilder();
            StringBuilder dumps = new StringBuilder();
            for (int ch = 0; ch < channels; ch++) {
                for (int j = 0; j < pes; j++) {
                    decls.append("  wire signed [%d:0] acc_read_value_%d_%d = acc_mem[acc_base + %d + row_now];\n"
                            .formatted(accBits - 1, j, ch, (ch * pes + j) * rows));
                    ports.append(", .acc_read_value_%1$d_%2$d(acc_read_value_%1$d_%2$d)".formatted(j, ch));
                }
                if (ch == 0) {
                    for (int j = 0; j < pes; j++) {
                        decls.append("  wire acc_read_valid_%d = valid_mem[valid_base + %d + row_now];\n"
                                .formatted(j, j * rows));
                        ports.append(", .acc_read_valid_%1$d(acc_read_valid_%1$d)".formatted(j));
                    }
                }
                decls.append("  wire signed [%d:0] m_read_value_%d;\n".formatted(actMsb, ch));
                ports.append(", .m_read_value_%1$d(m_read_value_%1$d)".formatted(ch));
                dumps.append("""
                            for (l = 0; l < %2$d * n; l = l + 1)
                              $display("c %%0d %1$d %%0d %%0d", k, l, $signed(dut.c_ram[l][%3$d +: %4$d]));
                        """.formatted(ch, pes, ch * act.totalBits(), act.totalBits()));
            }
            for (int j = 0; j < pes; j++) {
                decls.append("  reg signed [%d:0] bias_write_data_%d = 0;\n".formatted(actMsb, j));
                decls.append("  reg signed [%d:0] peep_write_data_%d = 0;\n".formatted(actMsb, j));
                ports.append(", .bias_write_data_%1$d(bias_write_data_%1$d), .peep_write_data_%1$d(peep_write_data_%1$d)"
                        .formatted(j));
            }
            for (int ch = 0; ch < channels; ch++) {
                dumps.append("""
                            for (l = 0; l < %2$d * n; l = l + 1) begin
                              m_read_addr = l;
                              @(posedge clk); #1;
                              $display("m %%0d %1$d %%0d %%0d", k, l, m_read_value_%1$d);
                            end
                        """.formatted(ch, pes));
            }
            String rowPipe = latency == 0
                    ? "  wire [%d:0] row_now = acc_read_row;\n".formatted(rowBits - 1)
                    : """
                      reg [%1$d:0] row_pipe [0:%2$d];
                      integer p;
                      always @(posedge clk) begin
                        row_pipe[0] <= acc_read_row;
                        for (p = 1; p <= %2$d; p = p + 1) row_pipe[p] <= row_pipe[p - 1];
                      end
                      wire [%1$d:0] row_now = row_pipe[%2$d];
                    """.formatted(rowBits - 1, latency - 1);
            String loads = IntStream.range(0, 4 * cellsPerPeMax).mapToObj(i -> "    write_bias(" + i
                            + IntStream.range(0, pes).mapToObj(j -> ", " + bias[j][i]).collect(Collectors.joining()) + ");")
                    .collect(Collectors.joining("\n"))
                    + "\n" + IntStream.range(0, 3 * cellsPerPeMax).mapToObj(i -> "    write_peep(" + i
                            + IntStream.range(0, pes).mapToObj(j -> ", " + peep[j][i]).collect(Collectors.joining()) + ");")
                    .collect(Collectors.joining("\n"));
            String dataArguments = IntStream.range(0, pes).mapToObj(j -> ", input integer d" + j)
                    .collect(Collectors.joining());
            String biasAssignments = IntStream.range(0, pes).mapToObj(j -> " bias_write_data_" + j + " = d" + j + ";")
                    .collect(Collectors.joining());
            String peepAssignments = IntStream.range(0, pes).mapToObj(j -> " peep_write_data_" + j + " = d" + j + ";")
                    .collect(Collectors.joining());
            String runs = IntStream.range(0, frames.size()).mapToObj(k -> {
                Frame frame = frames.get(k);
                StringBuilder before = new StringBuilder(frame.resetStateFirst ? "    clear_state;\n" : "");
                for (int ch = 0; frame.presetC != null && ch < channels; ch++) {
                    for (int l = 0; l < pes * frame.cells; l++) {
                        before.append("    dut.c_ram[%d][%d +: %d] = %d;\n".formatted(l, ch * act.totalBits(),
                                act.totalBits(), frame.presetC[ch][l]));
                    }
                }
                return before + "    run_frame(" + k + ", " + frame.cells + ", " + frame.fracShift + ");";
            }).collect(Collectors.joining("\n"));
            return """
                    `timescale 1ns/1ps
                    module tb;
                      reg clk = 1'b0;
                      reg reset = 1'b1;
                      reg bias_write_valid = 1'b0;
                      reg [%1$d:0] bias_write_addr = 0;
                      reg peep_write_valid = 1'b0;
                      reg [%3$d:0] peep_write_addr = 0;
                      reg reset_state = 1'b0;
                      reg start = 1'b0;
                      reg [%4$d:0] cells = 0;
                      reg [%5$d:0] frac_shift = 0;
                      reg [%6$d:0] m_read_addr = 0;
                      wire ready, done;
                      wire [%1$d:0] acc_read_row;
                      reg [%7$d:0] acc_mem [0:%8$d];
                      reg valid_mem [0:%19$d];
                      integer acc_base = 0;
                      integer valid_base = 0;
                      integer k, l, n, cycles;
                    %9$s%10$s
                      Elementwise dut (.clk(clk), .reset(reset), .bias_write_valid(bias_write_valid),
                        .bias_write_addr(bias_write_addr),
                        .peep_write_valid(peep_write_valid), .peep_write_addr(peep_write_addr),
                        .reset_state(reset_state), .start(start),
                        .cells(cells), .frac_shift(frac_shift), .ready(ready), .done(done),
                        .acc_read_row(acc_read_row), .m_read_addr(m_read_addr)%11$s);
                      always #5 clk = ~clk;
                      task write_bias(input integer a%16$s);
                        begin
                          bias_write_valid = 1'b1; bias_write_addr = a;%17$s
                          @(posedge clk); #1;
                          bias_write_valid = 1'b0;
                        end
                      endtask
                      task write_peep(input integer a%16$s);
                        begin
                          peep_write_valid = 1'b1; peep_write_addr = a;%18$s
                          @(posedge clk); #1;
                          peep_write_valid = 1'b0;
                        end
                      endtask
                      task clear_state;
                        begin
                          reset_state = 1'b1;
                          @(posedge clk); #1;
                          reset_state = 1'b0;
                          cycles = 1;
                          while (!ready) begin @(posedge clk); #1; cycles = cycles + 1; end
                          $display("clear %%0d", cycles);
                        end
                      endtask
                      task run_frame(input integer frame, input integer cell_count, input integer shift);
                        begin
                          k = frame; n = cell_count;
                          acc_base = frame * %12$d;
                          valid_base = frame * %20$d;
                          cells = cell_count; frac_shift = shift; start = 1'b1;
                          @(posedge clk); #1;
                          start = 1'b0; cells = 0; frac_shift = 0;
                          cycles = 1;
                          while (!done) begin
                            if (ready) begin $display("error: ready during a run"); $finish; end
                            @(posedge clk); #1; cycles = cycles + 1;
                          end
                          if (!ready) begin $display("error: not ready at done"); $finish; end
                    %13$s      $display("cycles %%0d %%0d", k, cycles);
                        end
                      endtask
                      initial begin
                        $readmemh("acc.hex", acc_mem);
                        $readmemh("valid.hex", valid_mem);
                        repeat (2) @(posedge clk);
                        #1 reset = 1'b0;
                    %14$s
                    %15$s
                        $finish;
                      end
                    endmodule
                    """.formatted(rowBits - 1, actMsb, bits(3 * cellsPerPeMax) - 1, bits(cellsPerPeMax + 1) - 1,
                    FRAC_SHIFT_BITS - 1, bits(Math.max(2, pes * cellsPerPeMax)) - 1, accBits - 1, image.size() - 1,
                    rowPipe, decls, ports, channels * pes * rows, dumps, loads, runs, dataArguments, biasAssignments,
                    peepAssignments, validImage.size() - 1, pes * rows);
        }

        private static int bits(int words) {
            return Math.max(1, 32 - Integer.numberOfLeadingZeros(words - 1));
        }
    }
}
