package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.esegen.compile.ColumnBalancedEncoding;
import org.esegen.compile.RowMapping;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.DeltaEncoder;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.DeltaEngine;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DeltaEngine under Icarus: A arrays, each with its share of the columns (c mod A), its store words
 * ({@link ColumnBalancedEncoding#arrayStoreWords}) and its partial delta memory; groups of A column
 * values offered with random gaps (the last group partial where A does not divide the columns).
 * After the frames, the M read (the sum over arrays) must equal the one-array twin over all columns
 * ({@link DeltaEncoder} + {@link ColumnBalancedEncoding#accumulate}, nothing saturating), and the
 * counters its counts.
 */
class DeltaEngineTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_204L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} arrays, {1} PEs x {2} rows, {3} columns ({4} inputs), K {5}, {6} frames")
    @CsvSource({
            "1, 2, 4, 7, 3, 2, 5",
            "2, 3, 6, 11, 4, 3, 6",
            "4, 2, 8, 18, 7, 2, 6",
            "4, 4, 4, 13, 13, 1, 5",
            "8, 2, 4, 20, 9, 3, 4"})
    void summedArraysEqualTheOneArrayTwin(int arrays, int pes, int localRows, int columns, int inputSize, int k,
                                          int frames) throws Exception {
        long seed = SEED + 1_000L * arrays + 31L * columns + k;
        Random random = new Random(seed);
        int weightBits = 8;
        int actBits = 12;
        int accBits = 40;
        RowMapping mapping = RowMapping.interleaved(pes * localRows - (pes > 1 ? 1 : 0), pes);
        ColumnBalancedEncoding matrix = DeltaSpmvTest.randomBalanced(random, mapping, columns, k, weightBits, false);
        long thetaX = 1 + random.nextInt(6);
        long thetaH = 1 + random.nextInt(6);
        DeltaEncoder encoder = new DeltaEncoder(columns, inputSize, thetaX, thetaH);
        long[][] memory = new long[pes][localRows];
        FixedFormat acc = new FixedFormat(accBits, 0);
        long max = (1L << (actBits - 1)) - 1;
        long[] value = new long[columns];
        List<BigInteger[]> groups = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < columns; c++) {
                int kind = random.nextInt(4);
                long v = kind == 0 ? value[c] : kind == 1 ? random.nextLong(-max - 1, max + 1)
                        : value[c] + random.nextLong(-10, 11);
                value[c] = Math.max(-max - 1, Math.min(max, v));
            }
            groups.addAll(DeltaBench.groups(value, arrays, actBits));
            for (DeltaEncoder.Fired fired : encoder.fire(Arrays.copyOf(value, columns))) {
                matrix.accumulate(memory, fired.column(), fired.delta(), acc);
            }
        }

        int totalElements = columns * frames;
        StreamBench bench = DeltaBench.engine(matrix, weightBits, arrays, columns, inputSize, thetaX, thetaH, actBits,
                accBits, groups, "loaded", 80)
                .raw(DeltaBench.READ_OUT_VARIABLES)
                .stimulus("""
                        wait (elements_seen == %d);
                        wait (!busy);
                        repeat (2) @(negedge clk);
                        $display("counters %%h %%h", fired_inputs, fired_recurrent);
                        %s""".formatted(totalElements, DeltaBench.readRows(pes, localRows, false)));
        int arrayDepth = DeltaBench.arrayDepth(matrix, columns, arrays);
        Path verilog = VerilogEmitter.emit(dir, "DeltaEngine", () -> new DeltaEngine(arrays, pes, localRows, columns,
                arrayDepth, k, weightBits, actBits, accBits, 4)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, seed, 40, 60 * totalElements + 5_000),
                List.of(verilog));

        String context = "seed " + seed + " (-Desegen.seed=" + SEED + "), " + arrays + " arrays";
        assertTrue(printed.stream().noneMatch(line -> line.contains("timeout")), context + ": timed out");
        assertEquals(List.of(encoder.firedInputs(), encoder.firedRecurrent()), DeltaBench.hexFields(printed, "counters"),
                context + ": fired inputs, fired recurrent");
        int compared = 0;
        for (DeltaBench.Row row : DeltaBench.rows(printed, pes, accBits, false)) {
            for (int p = 0; p < pes; p++) {
                assertEquals(memory[p][row.row()], row.values()[p], context + ": M of PE " + p + " local row " + row.row());
                compared++;
            }
        }
        assertEquals(pes * localRows, compared, context + ": every row read");
    }
}
