package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.compile.ColumnBalancedEncoding;
import org.esegen.compile.RowMapping;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.DeltaEncoder;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.ColumnBalancedStore;
import org.esegen.hdl.units.DeltaSpmv;
import org.esegen.hdl.units.DeltaUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DeltaSpmv under Icarus against its twins: a random column-balanced matrix (K nonzeros in every
 * column of every PE's slice, some kept weights zero, a ghost row where the rows do not fill the
 * slices) is loaded into the store behind {@code base} words of other data, then frames of random
 * vectors flow through the delta unit with random gaps and back-pressure; afterwards every PE's
 * delta memory M must equal {@link DeltaEncoder} + {@link ColumnBalancedEncoding#accumulate}, and the
 * counters the twin's counts. One case (positive weights and values into the narrowest accumulators)
 * leaves the accBits range, and must: there the lanes wrap modulo 2^accBits (the exact sum wrapped)
 * where the twin saturates; the compiler's proof keeps real models out of that case.
 */
class DeltaSpmvTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_203L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} PEs x {1} rows, {2} columns ({3} inputs), K {4}, w{5} a{6} acc{7}, {8} frames, overflowing {9}, fired queue {10}")
    @CsvSource({
            "1, 4, 6, 2, 1, 8, 8, 24, 8, false, 0",
            "4, 8, 13, 5, 2, 8, 16, 32, 6, false, 4",
            "3, 5, 9, 9, 4, 6, 10, 24, 7, false, 0",
            "8, 16, 40, 12, 3, 12, 16, 40, 4, false, 16",
            "2, 6, 30, 4, 5, 8, 8, 17, 12, true, 2"})
    void deltaMemoryMatchesTheTwins(int pes, int localRows, int columns, int inputSize, int k, int weightBits,
                                    int actBits, int accBits, int frames, boolean overflowing, int queue) throws Exception {
        long seed = SEED + 1_000L * pes + 17L * columns + k;
        Random random = new Random(seed);
        int rows = pes * localRows - (pes > 1 ? 1 : 0);
        RowMapping mapping = RowMapping.interleaved(rows, pes);
        ColumnBalancedEncoding matrix = randomBalanced(random, mapping, columns, k, weightBits, overflowing);
        int base = 3;
        int depth = base + matrix.entriesPerPe() + 2;
        int entryBits = matrix.entryBits(weightBits);
        int rowBits = AccumulatorLane.rowBits(localRows);
        assertEquals(rowBits, matrix.rowBits(), "the lane's row index and the encoding's row field agree");
        int wordBits = pes * entryBits;
        List<BigInteger[]> words = new ArrayList<>();
        for (int a = 0; a < base; a++) {
            words.add(new BigInteger[] {new BigInteger(wordBits, random)});
        }
        for (int a = 0; a < matrix.entriesPerPe(); a++) {
            words.add(new BigInteger[] {matrix.storeWord(a, weightBits)});
        }

        int colBits = DeltaUnit.columnBits(columns);
        FixedFormat acc = new FixedFormat(accBits, 0);
        long thetaX = 1 + random.nextInt(4);
        long thetaH = 1 + random.nextInt(4);
        DeltaEncoder encoder = new DeltaEncoder(columns, inputSize, thetaX, thetaH);
        long[][] memory = new long[pes][localRows];
        long[][] unsaturated = new long[pes][localRows];
        long max = (1L << (actBits - 1)) - 1;
        long min = overflowing ? 0 : -(1L << (actBits - 1));
        long[] value = new long[columns];
        List<BigInteger[]> elements = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < columns; c++) {
                int kind = random.nextInt(5);
                long v = kind == 0 ? value[c] : kind == 1 ? random.nextLong(min, max + 1)
                        : value[c] + random.nextLong(-8, 9);
                value[c] = Math.max(min, Math.min(max, v));
                elements.add(new BigInteger[] {BigInteger.valueOf(c | ((value[c] & ((1L << actBits) - 1)) << colBits))});
            }
            for (DeltaEncoder.Fired fired : encoder.fire(java.util.Arrays.copyOf(value, columns))) {
                matrix.accumulate(memory, fired.column(), fired.delta(), acc);
                matrix.accumulate(unsaturated, fired.column(), fired.delta(), new FixedFormat(62, 0));
            }
        }

        StreamBench bench = new StreamBench("DeltaSpmv")
                .input("launch", 1, 0)
                .input("bank", 1, 0)
                .input("read_bank", 1, 0)
                .input("fold", 1, 0)
                .input("input_size", colBits + 1, inputSize)
                .input("input_theta", actBits + 1, thetaX)
                .input("recurrent_theta", actBits + 1, thetaH)
                .input("base", ColumnBalancedStore.addressBits(depth), base)
                .input("entries_per_column", org.esegen.hdl.spinal.Hdl.widthFor(k), k)
                .input("read_row", rowBits, 0)
                .output("loaded", ColumnBalancedStore.addressBits(depth) + 1)
                .output("fired_inputs", 32)
                .output("fired_recurrent", 32)
                .output("elements_seen", 32)
                .output("busy", 1)
                .source("load", List.of(new Port("load_payload", wordBits)), words, 80)
                .gatedSource("elements", List.of(new Port("elements_payload", colBits + actBits)), elements, 70,
                        "loaded == " + words.size())
                .raw(DeltaBench.READ_OUT_VARIABLES)
                .stimulus("""
                        wait (elements_seen == %d);
                        wait (!busy);
                        repeat (2) @(negedge clk);
                        $display("counters %%h %%h", fired_inputs, fired_recurrent);
                        %s""".formatted(elements.size(), DeltaBench.readRows(pes, localRows, false)));
        DeltaBench.readValueOutputs(bench, pes, accBits);
        Path verilog = VerilogEmitter.emit(dir, "DeltaSpmv", () -> new DeltaSpmv(pes, localRows, columns, depth, k,
                weightBits, actBits, accBits, queue)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, seed, 40, 60 * elements.size() + 5_000),
                List.of(verilog));

        String context = "seed " + seed + " (-Desegen.seed=" + SEED + "), " + pes + " PEs, K " + k;
        assertTrue(printed.stream().noneMatch(line -> line.contains("timeout")), context + ": timed out");
        assertTrue(encoder.firedInputs() + encoder.firedRecurrent() > 0, context + ": nothing fired");
        boolean overflowed = !java.util.Arrays.deepEquals(memory, unsaturated);
        assertEquals(overflowing, overflowed, context + ": the overflowing case (only) leaves the accBits range");
        assertEquals(List.of(encoder.firedInputs(), encoder.firedRecurrent()), DeltaBench.hexFields(printed, "counters"),
                context + ": fired inputs, fired recurrent");
        int[][] global = mapping.globalRows();
        int compared = 0;
        for (DeltaBench.Row row : DeltaBench.rows(printed, pes, accBits, false)) {
            int r = row.row();
            for (int p = 0; p < pes; p++) {
                long expected = overflowing ? acc.wrap(unsaturated[p][r]) : memory[p][r];
                assertEquals(expected, row.values()[p], context + ": M of PE " + p + " local row " + r
                        + (global[p][r] < 0 ? " (ghost)" : " (row " + global[p][r] + ")"));
                compared++;
            }
        }
        assertEquals(pes * localRows, compared, context + ": every row read");
    }

    /** K nonzeros in every column of every PE's slice (fewer real rows: the ghost's PE still gets K of its real rows). */
    static ColumnBalancedEncoding randomBalanced(Random random, RowMapping mapping, int columns, int k,
                                                        int weightBits, boolean positive) {
        int[][] global = mapping.globalRows();
        double[][] pruned = new double[mapping.rows()][columns];
        long[][] quantized = new long[mapping.rows()][columns];
        long max = (1L << (weightBits - 1)) - 1;
        for (int c = 0; c < columns; c++) {
            for (int p = 0; p < mapping.pes(); p++) {
                List<Integer> real = new ArrayList<>();
                for (int lr = 0; lr < mapping.localRows(); lr++) {
                    if (global[p][lr] >= 0) {
                        real.add(global[p][lr]);
                    }
                }
                java.util.Collections.shuffle(real, random);
                for (int i = 0; i < k; i++) {
                    int r = real.get(i);
                    pruned[r][c] = 1;
                    quantized[r][c] = random.nextInt(10) == 0 ? 0 : random.nextLong(positive ? 1 : -max - 1, max + 1);
                }
            }
        }
        return ColumnBalancedEncoding.encode("W_a", pruned, quantized, mapping, 0);
    }
}
