package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.PairSplitter;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * PairSplitter under Icarus: matrices of odd, even and single row counts back to back, random
 * back-pressure on both sides; the singles must be every matrix's rows in order, low half then
 * high half, and never the unused high half of an odd matrix's last pair.
 */
class PairSplitterTest {
    private static final long SEED = 20_261_122L;
    private static final int ROW_BITS = 12;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "rows per matrix {0}")
    @CsvSource({"'5 4 1 7'", "'1 1 2 3'", "'8 9 6 1'"})
    void sendsEachMatrixsRowsAndDropsTheUnusedHalf(String counts) throws Exception {
        int[] rows = java.util.Arrays.stream(counts.split(" ")).mapToInt(Integer::parseInt).toArray();
        Random random = new Random(SEED + rows[0]);
        List<BigInteger[]> pairs = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int matrixRows : rows) {
            for (int r = 0; r < matrixRows; r += 2) {
                BigInteger low = new BigInteger(ROW_BITS, random);
                BigInteger high = new BigInteger(ROW_BITS, random);
                pairs.add(new BigInteger[] {low.or(high.shiftLeft(ROW_BITS))});
                expected.add(low.toString(16));
                if (r + 1 < matrixRows) {
                    expected.add(high.toString(16));
                }
            }
        }
        StringBuilder stimulus = new StringBuilder();
        int total = 0;
        for (int matrixRows : rows) {
            total += matrixRows;
            stimulus.append("""
                        @(negedge clk) start = 1; rows = %d;
                        @(negedge clk) start = 0;
                        wait (sent == %d);
                    """.formatted(matrixRows, total));
        }
        StreamBench bench = new StreamBench("PairSplitter")
                .input("start", 1, 0)
                .input("rows", 8, 0)
                .raw("""
                          integer sent = 0;
                          always @(posedge clk) if (singles_valid && singles_ready) sent <= sent + 1;
                        """)
                .source("pairs", List.of(new Port("pairs_payload", 2 * ROW_BITS)), pairs, 70)
                .stimulus(stimulus.toString());
        bench.timedSink("singles", List.of(new Port("singles_payload", ROW_BITS)), 70);
        Path verilog = VerilogEmitter.emit(dir, "PairSplitter", () -> new PairSplitter(ROW_BITS, 8)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 30, 20_000), List.of(verilog));

        assertEquals(expected, StreamBench.taken(printed, "singles").stream().map(item -> item[0].toString(16)).toList(),
                "seed " + SEED + ", matrices of " + counts + " rows");
    }
}
