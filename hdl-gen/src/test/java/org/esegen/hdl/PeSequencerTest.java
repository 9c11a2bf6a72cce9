package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.esegen.compile.RowMapping;
import org.esegen.compile.SparseMatrixEncoding;
import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.Dsp48e2;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.PeSequencer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Simulates {@link PeSequencer} under Icarus on a series of random matrices encoded by
 * {@link SparseMatrixEncoding} and compares every accumulator of every channel bit for bit with
 * the golden model's per-PE SpMV loop (per column in order, saturating at accBits).
 *
 * <p>Each design runs matrices of 1, 2, 3, 4, 8 and 17 local rows, taken from one PE of a random
 * {@link RowMapping} (ghost rows included), with relative indices of 1 bit up to the hardware's
 * index width (so gaps need padding entries), empty columns, all-zero rows, rows hit in
 * consecutive columns, extreme weights and activations (saturation), filler entries after the
 * matrix (drain), and random valid stalls on both input streams against FIFOs small enough to
 * fill. The stall-free matrices give the measured cycles per entry.
 */
class PeSequencerTest {
    private static final long SEED = Long.getLong("esegen.seed", System.nanoTime());
    private static final int[] LOCAL_ROWS = {1, 2, 3, 4, 8, 17};

    @TempDir
    Path dir;

    /** The PeSequencer constructor's parameters. */
    record Hw(int channels, int weightBits, int indexBits, int actBits, int accBits, int accWords, int ptrBits,
              int queueDepth, int fifoDepth, int lanes, AccumulatorLane.Mac mac) {
        Hw(int channels, int weightBits, int indexBits, int actBits, int accBits, int accWords, int ptrBits,
           int queueDepth, int fifoDepth, int lanes) {
            this(channels, weightBits, indexBits, actBits, accBits, accWords, ptrBits, queueDepth, fifoDepth, lanes,
                    AccumulatorLane.Mac.FABRIC);
        }

        PeSequencer build() {
            return new PeSequencer(channels, weightBits, indexBits, actBits, accBits, accWords, 2, ptrBits,
                    queueDepth, fifoDepth, lanes, mac, 0);
        }

        int columnBits() {
            return PeSequencer.columnWordBits(ptrBits, channels, actBits, lanes);
        }

        int entryBits() {
            return weightBits + indexBits;
        }

        /** Entry FIFO depth in pairs; a StreamFifo of depth 2 passes only two words every three cycles. */
        boolean fifoKeepsUp() {
            return fifoDepth / 2 != 2;
        }

        @Override
        public String toString() {
            return channels + " ch, " + weightBits + "x" + actBits + " into " + accBits + ", index " + indexBits
                    + ", " + accWords + " words, queue " + queueDepth + ", fifo " + fifoDepth + ", " + lanes
                    + " column(s) a word, " + mac;
        }
    }

    static Stream<Hw> designs() {
        return Stream.of(
                new Hw(1, 12, 4, 16, 32, 17, 16, 8, 16, 1),
                new Hw(2, 4, 2, 4, 8, 32, 8, 3, 4, 1),
                new Hw(3, 8, 3, 8, 16, 20, 10, 1, 8, 1),
                new Hw(1, 12, 4, 16, 32, 17, 16, 8, 16, 2),
                new Hw(2, 4, 2, 4, 8, 32, 8, 2, 4, 2),
                new Hw(1, 12, 4, 16, 32, 17, 16, 8, 16, 1, AccumulatorLane.Mac.DSP48E2),
                new Hw(3, 8, 3, 8, 16, 20, 10, 1, 8, 1, AccumulatorLane.Mac.DSP48E2),
                new Hw(2, 4, 2, 4, 8, 32, 8, 2, 4, 2, AccumulatorLane.Mac.DSP48E2));
    }

    /**
     * One matrix as the PE sees it: per column the entry count and the C activations, the entries
     * (padding included), filler entries after them, the stall rates of the two input streams, the
     * accumulators the golden loop gives and the cycles of the PE's timing twin
     * ({@link SparseMatrixEncoding#cycles}).
     */
    record Matrix(int localRows, int indexBits, int[] counts, long[][] acts, int[] weights, int[] indices,
                  long[] filler, int columnValidPercent, int entryValidPercent, long[][] expected,
                  int saturations, int cycles, int holds, boolean lastMacHeld, int padding) {
        int cols() {
            return counts.length;
        }

        int entries() {
            return weights.length;
        }

        /** Entry pairs pushed for this matrix: entries and filler, two per word. */
        int pairs() {
            return (entries() + filler.length + 1) / 2;
        }

        /** Columns of count 0 between the first and the last column with entries. */
        int innerEmptyColumns() {
            int first = 0;
            while (first < counts.length && counts[first] == 0) {
                first++;
            }
            int last = counts.length - 1;
            while (last > first && counts[last] == 0) {
                last--;
            }
            return (int) IntStream.rangeClosed(first, last).filter(c -> counts[c] == 0).count();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("designs")
    void accumulatesEncodedMatricesBitExactlyUnderStalls(Hw hw) throws Exception {
        System.out.println("PeSequencerTest seed " + SEED + " (rerun with -Desegen.seed=" + SEED + ")");
        Path verilog = VerilogEmitter.emit(dir, "PeSequencer", hw::build).get(0);
        List<Path> sources = new ArrayList<>(List.of(verilog));
        if (hw.mac == AccumulatorLane.Mac.DSP48E2) {
            sources.add(Dsp48e2.writeSimulationModel(dir.resolve("sim")));
        }
        lint(sources);

        Random random = new Random(SEED * 31 + hw.channels);
        List<Matrix> matrices = new ArrayList<>();
        matrices.add(matrix(random, hw, 3, 0, false, false));
        for (int localRows : LOCAL_ROWS) {
            for (int i = 0; i < 5; i++) {
                matrices.add(matrix(random, hw, localRows, 1 + random.nextInt(10), i < 2, random.nextInt(3) == 0));
            }
        }
        matrices.add(matrix(random, hw, 17, 48, true, false));
        matrices.add(matrix(random, hw, 1, 64, true, true));
        matrices.add(starved(matrix(random, hw, 17, 48, true, true)));
        matrices.add(matrix(random, hw, 4, 0, true, false));

        List<String> printed = Tools.simulate(dir, bench(hw, matrices, random.nextInt(1 << 30)), sources);

        assertEquals("reset_done 1", String.join(" ", line(printed, "reset_done")));
        assertTrue(printed.stream().noneMatch(l -> l.startsWith("timeout")), "done never rose, seed " + SEED + ": "
                + printed.stream().filter(l -> l.startsWith("timeout")).toList());
        assertTrue(matrices.stream().mapToInt(Matrix::saturations).sum() > 0, "the stimulus saturates");
        long entryStalls = 0;
        long stallFreeEntries = 0;
        long stallFreePadding = 0;
        long stallFreeSpan = 0;
        long stallFreeStartToDone = 0;
        long stallFreeHolds = 0;
        for (int m = 0; m < matrices.size(); m++) {
            Matrix matrix = matrices.get(m);
            String where = "seed " + SEED + ", " + hw + ", matrix " + m + " (" + matrix.localRows + " rows, "
                    + matrix.cols() + " columns, " + matrix.entries() + " entries, index " + matrix.indexBits + " bits)";
            String[] start = line(printed, "start_done " + m + " ");
            assertEquals(matrix.cols() == 0 && matrix.pairs() == 0 ? "1" : "0", start[2], "done just after start, "
                    + where);
            String[] stats = line(printed, "matrix " + m + " ");
            long macCycles = Long.parseLong(stats[5]);
            assertTrue(macCycles >= matrix.cycles() && macCycles <= matrix.entries(), "mac_cycles increase by "
                    + macCycles + ", outside the twin's " + matrix.cycles() + " .. one per entry, " + where);
            for (int row = 0; row < hw.accWords; row++) {
                String[] acc = line(printed, "acc " + m + " " + row + " ");
                for (int ch = 0; ch < hw.channels; ch++) {
                    assertEquals(matrix.expected[ch][row], Long.parseLong(acc[3 + ch]),
                            "accumulator row " + row + " channel " + ch + ", " + where);
                }
            }
            entryStalls += Long.parseLong(stats[6]);
            if (matrix.columnValidPercent == 100 && matrix.entryValidPercent == 100 && matrix.entries() > 0
                    && hw.fifoKeepsUp()) {
                assertEquals(0, Long.parseLong(stats[6]), "stall_empty_entry cycles without stalls, " + where);
                assertEquals(matrix.cycles(), macCycles, "mac_cycles without stalls equal the timing twin, " + where);
                long span = Long.parseLong(stats[4]) - Long.parseLong(stats[3]) + 1;
                // a MAC waits after it is taken: the last one's hold is after the last MAC step
                long twin = matrix.cycles() + matrix.holds() - (matrix.lastMacHeld() ? 1 : 0);
                assertTrue(span >= matrix.cycles() && span <= twin + matrix.innerEmptyColumns(),
                        "cycles from the first to the last MAC without stalls: " + span + ", expected the twin's "
                                + matrix.cycles() + " (padding folded, empty columns free) plus " + matrix.holds()
                                + " DSP48E2 holds (the last MAC's, if any, not counted), plus at most one per empty column"
                                + " (columns arrive one per cycle), "
                                + where);
                if (matrix.innerEmptyColumns() == 0) {
                    assertEquals(twin, span, "span without empty columns, " + where);
                }
                stallFreeHolds += matrix.holds();
                stallFreeEntries += matrix.entries();
                stallFreePadding += matrix.padding();
                stallFreeSpan += span;
                stallFreeStartToDone += Long.parseLong(stats[2]);
            }
        }
        assertTrue(entryStalls > 0, "stall_empty_entry rises under stalls");
        System.out.printf("PeSequencer %s: stall-free matrices, %d entries, %d of them padding, %d DSP48E2 holds: %.3f"
                        + " cycles per entry from the first to the last MAC, %.3f from start to done%n", hw,
                stallFreeEntries, stallFreePadding, stallFreeHolds, (double) stallFreeSpan / Math.max(1, stallFreeEntries),
                (double) stallFreeStartToDone / Math.max(1, stallFreeEntries));
    }

    @Test
    void eseConfigurationLintsClean() throws Exception {
        Path verilog = VerilogEmitter.emit(dir, "PeSequencer",
                () -> new PeSequencer(1, 12, 4, 16, 32, 128, 16, 16, 8, 512, 1, AccumulatorLane.Mac.FABRIC, 0)).get(0);
        lint(List.of(verilog));
    }

    private void lint(List<Path> sources) throws Exception {
        Tools.assumeOnPath("verilator");
        List<String> command = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                "--top-module", "PeSequencer", Tools.verilatorWaivers().toString()));
        sources.forEach(source -> command.add(source.toString()));
        Tools.runOk(dir, command.toArray(String[]::new));
    }

    private static String[] line(List<String> printed, String prefix) {
        return printed.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "' in the simulation output:\n"
                        + String.join("\n", printed.subList(Math.max(0, printed.size() - 20), printed.size()))))
                .split(" ");
    }

    /**
     * A random matrix: one PE's slice (localRows rows) of a random quantized matrix spread over 1..3
     * PEs (ghost rows included), encoded with a random relative-index width of 1..indexBits bits.
     * An extreme matrix is dense on one PE and its products are mostly the largest positive one,
     * so its sums run into saturation.
     */
    private static Matrix matrix(Random random, Hw hw, int localRows, int cols, boolean stallFree, boolean extreme) {
        int pes = extreme ? 1 : 1 + random.nextInt(3);
        int pe = random.nextInt(pes);
        int rows = localRows * pes - random.nextInt(pes);
        RowMapping mapping = RowMapping.interleaved(rows, pes);
        double density = extreme ? 1.0 : new double[] {0.1, 0.3, 0.6, 1.0}[random.nextInt(4)];
        boolean[] zeroRow = new boolean[rows];
        boolean[] emptyCol = new boolean[cols];
        for (int r = 0; r < rows; r++) {
            zeroRow[r] = !extreme && random.nextInt(5) == 0;
        }
        for (int c = 0; c < cols; c++) {
            emptyCol[c] = !extreme && random.nextInt(6) == 0;
        }
        long weightMax = (1L << (hw.weightBits - 1)) - 1;
        long[][] quantized = new long[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (!zeroRow[r] && !emptyCol[c] && random.nextDouble() < density) {
                    long w = extreme ? (random.nextInt(16) == 0 ? weightMax : -weightMax - 1)
                            : random.nextInt(4) == 0 ? (random.nextBoolean() ? weightMax : -weightMax - 1)
                            : random.nextLong(-weightMax - 1, weightMax + 1);
                    quantized[r][c] = w == 0 ? 1 : w;
                }
            }
        }
        int indexBits = 1 + random.nextInt(hw.indexBits);
        SparseMatrixEncoding encoding = SparseMatrixEncoding.encode("W", quantized, mapping, 0, indexBits);
        int[] pointers = encoding.pointers()[pe];
        int[] counts = new int[cols];
        for (int c = 0; c < cols; c++) {
            counts[c] = pointers[c + 1] - pointers[c];
        }
        long actMax = (1L << (hw.actBits - 1)) - 1;
        long[][] acts = new long[cols][hw.channels];
        for (int c = 0; c < cols; c++) {
            for (int ch = 0; ch < hw.channels; ch++) {
                acts[c][ch] = extreme ? (random.nextInt(16) == 0 ? actMax : -actMax - 1)
                        : random.nextInt(4) == 0 ? (random.nextBoolean() ? actMax : -actMax - 1)
                        : random.nextLong(-actMax - 1, actMax + 1);
            }
        }
        long[] filler = random.longs(random.nextInt(6), 0, 1L << hw.entryBits()).toArray();
        int[] weights = encoding.weights()[pe];
        int[] indices = encoding.indices()[pe];
        FixedFormat acc = new FixedFormat(hw.accBits, 0);
        long[][] accumulators = new long[hw.channels][hw.accWords];
        int saturations = 0;
        // GoldenModel.spmv for one PE: per column in order, acc[row] = sat(acc[row] + w * a), per channel
        int e = 0;
        for (int c = 0; c < cols; c++) {
            int row = -1;
            for (int k = 0; k < counts[c]; k++, e++) {
                row += indices[e] + 1;
                for (int ch = 0; ch < hw.channels; ch++) {
                    long sum = accumulators[ch][row] + weights[e] * acts[c][ch];
                    // DSP48E2 accumulators wrap modulo 2^accBits where the fabric ones saturate
                    accumulators[ch][row] = hw.mac == AccumulatorLane.Mac.DSP48E2 ? acc.wrap(sum) : acc.saturate(sum);
                    saturations += acc.holds(sum) ? 0 : 1;
                }
            }
        }
        SparseMatrixEncoding.DspHoldCount holds = hw.mac == AccumulatorLane.Mac.DSP48E2 ? encoding.dspHoldCount(pe)
                : new SparseMatrixEncoding.DspHoldCount(0, false);
        return new Matrix(localRows, indexBits, counts, acts, weights, indices, filler,
                stallFree ? 100 : 30 + random.nextInt(70), stallFree ? 100 : 30 + random.nextInt(70),
                accumulators, saturations, encoding.cycles(pe), holds.holds(), holds.lastMacHeld(),
                encoding.padding()[pe]);
    }

    /**
     * The same matrix with its columns always offered and an entry pair offered in one cycle of five:
     * 0.4 entries a cycle against a PE that takes up to one, so the PE must wait for entries.
     */
    private static Matrix starved(Matrix m) {
        return new Matrix(m.localRows(), m.indexBits(), m.counts(), m.acts(), m.weights(), m.indices(), m.filler(),
                100, 20, m.expected(), m.saturations(), m.cycles(), m.holds(), m.lastMacHeld(), m.padding());
    }

    /** The bench: columns one per word, entries two per word (entry 2k low, 2k + 1 high), as the PE takes them. */
    private String bench(Hw hw, List<Matrix> matrices, int benchSeed) throws Exception {
        long fillerLane = new Random(benchSeed).nextLong(1L << hw.entryBits());
        List<String> columnWords = new ArrayList<>();
        List<String> entryWords = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        for (int m = 0; m < matrices.size(); m++) {
            Matrix matrix = matrices.get(m);
            int words = 0;
            for (int c = 0; c < matrix.cols(); c += hw.lanes, words++) {
                columnWords.add(columnWord(hw, matrix, c).toString(16));
            }
            List<BigInteger> stream = new ArrayList<>();
            for (int e = 0; e < matrix.entries(); e++) {
                stream.add(field(matrix.weights[e], hw.weightBits)
                        .or(BigInteger.valueOf(matrix.indices[e]).shiftLeft(hw.weightBits)));
            }
            for (long filler : matrix.filler) {
                stream.add(BigInteger.valueOf(filler));
            }
            if (stream.size() % 2 != 0) {
                stream.add(BigInteger.valueOf(fillerLane));
            }
            for (int e = 0; e < stream.size(); e += 2) {
                entryWords.add(stream.get(e).or(stream.get(e + 1).shiftLeft(hw.entryBits())).toString(16));
            }
            table.append("    cols[%d] = %d; words[%d] = %d; ents[%d] = %d; col_pct[%d] = %d; ent_pct[%d] = %d;%n"
                    .formatted(m, matrix.cols(), m, words, m, stream.size() / 2, m, matrix.columnValidPercent,
                            m, matrix.entryValidPercent));
        }
        columnWords.add("0");
        entryWords.add("0");
        Files.write(dir.resolve("columns.hex"), columnWords);
        Files.write(dir.resolve("entries.hex"), entryWords);

        // bank 0 (the matrices here are W_a ones); a row the matrix did not touch reads as 0
        String values = IntStream.range(0, hw.channels)
                .mapToObj(ch -> "read_valid_0 ? read_value_0_%d : %d'sd0".formatted(ch, hw.accBits))
                .collect(Collectors.joining(", "));
        String valueWires = IntStream.range(0, hw.channels)
                .mapToObj(ch -> "  wire signed [%d:0] read_value_0_%d;".formatted(hw.accBits - 1, ch))
                .collect(Collectors.joining("\n")) + "\n  wire read_valid_0;";
        String valuePorts = IntStream.range(0, hw.channels)
                .mapToObj(ch -> ".read_value_0_%d(read_value_0_%d)".formatted(ch, ch))
                .collect(Collectors.joining(", ")) + ", .read_valid_0(read_valid_0)";
        String valueFormat = " %0d".repeat(hw.channels);
        return """
                `timescale 1ns/1ps
                module tb;
                  localparam M = %1$d;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  reg column_valid = 1'b0;
                  reg [%2$d:0] column_payload = 0;
                  wire column_ready;
                  reg entry_valid = 1'b0;
                  reg [%3$d:0] entry_payload = 0;
                  wire entry_ready;
                  reg start = 1'b0;
                  reg projection = 1'b0;
                  reg [15:0] column_count = 0;
                  reg [%14$d:0] entry_rows = 0;
                  wire done;
                  reg [%4$d:0] read_row = 0;
                %5$s
                  wire [31:0] mac_cycles;
                  wire stall_empty_entry;
                  PeSequencer dut (.column_valid(column_valid), .column_ready(column_ready),
                    .column_payload(column_payload), .entry_valid(entry_valid), .entry_ready(entry_ready),
                    .entry_payload(entry_payload), .start(start), .projection(projection), .column_count(column_count), .entry_rows(entry_rows), .done(done),
                    .read_row(read_row), %6$s, .mac_cycles(mac_cycles),
                    .stall_empty_entry(stall_empty_entry), .clk(clk), .reset(reset));
                  always #5 clk = ~clk;

                  reg [%2$d:0] column_words [0:%7$d];
                  reg [%3$d:0] entry_words [0:%8$d];
                  integer cols [0:M-1];
                  integer words [0:M-1];
                  integer ents [0:M-1];
                  integer col_pct [0:M-1];
                  integer ent_pct [0:M-1];
                  integer column_seed = %9$d;
                  integer entry_seed = %9$d + 1;

                  integer cycle = 0;
                  integer first_mac = -1;
                  integer last_mac = -1;
                  integer stalls = 0;
                  reg [31:0] seen_macs = 0;
                  always @(negedge clk) begin
                    cycle = cycle + 1;
                    if (mac_cycles != seen_macs) begin
                      if (first_mac < 0) first_mac = cycle;
                      last_mac = cycle;
                      seen_macs = mac_cycles;
                    end
                    if (stall_empty_entry) stalls = stalls + 1;
                  end

                  reg column_fire;
                  task push_columns(input integer base, input integer n, input integer pct);
                    integer k;
                    begin
                      k = 0;
                      while (k < n) begin
                        if (!column_valid) column_valid = ({$random(column_seed)} %% 100) < pct;
                        column_payload = column_words[base + k];
                        @(negedge clk);
                        column_fire = column_valid && column_ready;
                        @(posedge clk); #1;
                        if (column_fire) begin
                          k = k + 1;
                          column_valid = 1'b0;
                        end
                      end
                    end
                  endtask

                  reg entry_fire;
                  task push_entries(input integer base, input integer n, input integer pct);
                    integer k;
                    begin
                      k = 0;
                      while (k < n) begin
                        if (!entry_valid) entry_valid = ({$random(entry_seed)} %% 100) < pct;
                        entry_payload = entry_words[base + k];
                        @(negedge clk);
                        entry_fire = entry_valid && entry_ready;
                        @(posedge clk); #1;
                        if (entry_fire) begin
                          k = k + 1;
                          entry_valid = 1'b0;
                        end
                      end
                    end
                  endtask

                  initial begin
                    #10000000;
                    $display("timeout watchdog");
                    $finish;
                  end

                  integer m, r, column_base, entry_base, start_cycle, macs_before, waited;
                  initial begin
                    $readmemh("columns.hex", column_words);
                    $readmemh("entries.hex", entry_words);
                %10$s
                    column_base = 0;
                    entry_base = 0;
                    repeat (2) @(posedge clk);
                    #1 reset = 1'b0;
                    @(negedge clk);
                    $display("reset_done %%0d", done);
                    @(posedge clk); #1;
                    for (m = 0; m < M; m = m + 1) begin
                      start = 1'b1;
                      column_count = cols[m];
                      entry_rows = ents[m];
                      @(posedge clk); #1;
                      start = 1'b0;
                      start_cycle = cycle;
                      first_mac = -1;
                      last_mac = -1;
                      stalls = 0;
                      macs_before = mac_cycles;
                      @(negedge clk);
                      $display("start_done %%0d %%0d", m, done);
                      @(posedge clk); #1;
                      fork
                        push_columns(column_base, words[m], col_pct[m]);
                        push_entries(entry_base, ents[m], ent_pct[m]);
                      join
                      column_base = column_base + words[m];
                      entry_base = entry_base + ents[m];
                      waited = 0;
                      @(negedge clk);
                      while (!done && waited < 10000) begin
                        @(negedge clk);
                        waited = waited + 1;
                      end
                      if (!done) $display("timeout %%0d", m);
                      $display("matrix %%0d %%0d %%0d %%0d %%0d %%0d", m, cycle - start_cycle, first_mac, last_mac,
                               mac_cycles - macs_before, stalls);
                      @(posedge clk); #1;
                      for (r = 0; r < %11$d; r = r + 1) begin
                        read_row = r;
                        @(posedge clk); #1;
                        $display("acc %%0d %%0d%12$s", m, r, %13$s);
                      end
                    end
                    $finish;
                  end
                endmodule
                """.formatted(matrices.size(), hw.columnBits() - 1, 2 * hw.entryBits() - 1,
                AccumulatorLane.rowBits(hw.accWords) - 1, valueWires, valuePorts, columnWords.size() - 1,
                entryWords.size() - 1, benchSeed, table, hw.accWords, valueFormat, values, hw.ptrBits - 1);
    }

    /**
     * The column word holding column c (and with two lanes column c + 1, if the matrix has it), packed as
     * {@link PeSequencer} takes it.
     */
    private static BigInteger columnWord(Hw hw, Matrix matrix, int c) {
        int valuesAt = hw.lanes == 1 ? hw.ptrBits : 2 * hw.ptrBits + 1;
        BigInteger word = BigInteger.ZERO;
        for (int lane = 0; lane < hw.lanes && c + lane < matrix.cols(); lane++) {
            word = word.or(BigInteger.valueOf(matrix.counts[c + lane]).shiftLeft(lane * hw.ptrBits));
            for (int ch = 0; ch < hw.channels; ch++) {
                word = word.or(field(matrix.acts[c + lane][ch], hw.actBits)
                        .shiftLeft(valuesAt + (lane * hw.channels + ch) * hw.actBits));
            }
        }
        if (hw.lanes == 2 && c + 1 < matrix.cols()) {
            word = word.setBit(2 * hw.ptrBits);
        }
        return word;
    }

    /** {@code value} as a {@code bits}-bit two's complement field. */
    private static BigInteger field(long value, int bits) {
        return BigInteger.valueOf(value).and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
    }
}
