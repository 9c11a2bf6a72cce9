package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.AccumulatorLane;
import org.esegen.hdl.units.DeltaLane;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DeltaLane's two pending banks under Icarus, as the delta layer uses them: phases of random MACs (rows
 * repeated back to back, so the write-back forward is used) into one bank while every row is read, in a
 * random order with some rows read again in the next cycle, from the other bank with folding on; the
 * banks swap between phases. Every read must give the sum of every MAC of the phases before (a fold
 * leaves the value read unchanged, and each bank is folded empty before it takes MACs again); the last
 * phase reads with no MACs. A mutation that folds without clearing the bank fails.
 */
class DeltaLaneTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_203L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} rows, w{1} d{2} acc{3}, {4} phases")
    @CsvSource({"2, 8, 9, 24, 4", "5, 6, 10, 20, 5", "64, 8, 17, 32, 4"})
    void readsGiveEveryEarlierPhasesMacsWhileTheOtherBankAccumulates(int rows, int weightBits, int deltaBits,
                                                                      int accBits, int phases) throws Exception {
        long seed = SEED + rows * 31L + phases;
        Random random = new Random(seed);
        System.out.println("DeltaLaneTest " + rows + " rows: seed " + seed + " (-Desegen.seed to vary)");
        int rowBits = AccumulatorLane.rowBits(rows);
        long[] total = new long[rows];
        StringBuilder stimulus = new StringBuilder("wait (!busy); @(negedge clk);\n");
        List<long[]> expected = new ArrayList<>();
        for (int phase = 0; phase < phases; phase++) {
            int bank = phase % 2;
            boolean last = phase == phases - 1;
            List<Integer> order = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                order.add(r);
                if (random.nextInt(3) == 0) {
                    order.add(r);
                }
            }
            Collections.shuffle(order, random);
            long[] before = total.clone();
            int macRow = random.nextInt(rows);
            for (int read : order) {
                boolean mac = !last && random.nextInt(4) != 0;
                if (random.nextInt(3) != 0) {
                    macRow = random.nextInt(rows);
                }
                long weight = random.nextLong(1L << weightBits) - (1L << (weightBits - 1));
                long delta = random.nextLong(1L << deltaBits) - (1L << (deltaBits - 1));
                if (mac) {
                    total[macRow] += weight * delta;
                }
                stimulus.append("mac_valid = %d; mac_row = %d; mac_weight = %d; mac_delta = %d; bank = %d;"
                        .formatted(mac ? 1 : 0, macRow, weight & ((1L << weightBits) - 1), delta & ((1L << deltaBits) - 1),
                                bank))
                        .append(" read_bank = %d; read_row = %d; fold = 1;\n".formatted(1 - bank, read))
                        .append("@(negedge clk) $display(\"rd %0d %h\", read_row, read_value);\n");
                expected.add(new long[] {read, before[read]});
            }
            stimulus.append("mac_valid = 0; fold = 0; repeat (3) @(negedge clk);\n");
        }
        StreamBench bench = new StreamBench("DeltaLane")
                .input("clear", 1, 0)
                .input("mac_valid", 1, 0)
                .input("mac_row", rowBits, 0)
                .input("mac_weight", weightBits, 0)
                .input("mac_delta", deltaBits, 0)
                .input("bank", 1, 0)
                .input("read_row", rowBits, 0)
                .input("read_bank", 1, 1)
                .input("fold", 1, 0)
                .output("ready", 1)
                .output("read_value", accBits)
                .output("busy", 1)
                .stimulus(stimulus.toString());
        Path verilog = VerilogEmitter.emit(dir, "DeltaLane", () -> new DeltaLane(rows, weightBits, deltaBits, accBits))
                .get(0);
        List<String> printed = Tools.simulate(dir, bench.write(dir, seed, 5, 100_000), List.of(verilog));

        List<String> reads = printed.stream().filter(l -> l.startsWith("rd ")).toList();
        assertEquals(expected.size(), reads.size(), "one read line a read");
        for (int i = 0; i < reads.size(); i++) {
            String[] parts = reads.get(i).split("\\s+");
            long row = Long.parseLong(parts[1]);
            long actual = FixedFormat.signExtend(Long.parseUnsignedLong(parts[2], 16), accBits);
            long want = FixedFormat.signExtend(expected.get(i)[1] & ((1L << accBits) - 1), accBits);
            assertEquals(expected.get(i)[0], row, "read " + i + " row");
            assertEquals(want, actual, "read " + i + " of row " + row + " (seed " + seed + ")");
        }
    }
}
