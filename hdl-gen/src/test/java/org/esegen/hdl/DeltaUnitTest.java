package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.golden.DeltaEncoder;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.DeltaUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DeltaUnit under Icarus against its twin {@link DeltaEncoder}: random vectors whose elements move
 * by small steps (some not at all, some by more than the thresholds), offered with random gaps and
 * taken with random back-pressure; the fired (column, delta) items must be the twin's, in order, and
 * the counters its counts. One case offers columns in random order with repeats back to back (the
 * value written one cycle before must be seen).
 */
class DeltaUnitTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_202L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} columns ({2} inputs), {1}-bit values, thresholds {3}/{4}, {5} frames, shuffled {6}")
    @CsvSource({
            "1, 4, 0, 1, 2, 12, false",
            "7, 8, 3, 2, 5, 9, false",
            "40, 16, 12, 300, 1000, 6, false",
            "5, 6, 5, 1, 1, 10, false",
            "3, 10, 1, 4, 4, 40, true",
            "33, 12, 20, 1, 64, 5, true"})
    void firesWhatItsTwinFires(int columns, int actBits, int inputSize, long thetaX, long thetaH, int frames,
                               boolean shuffled) throws Exception {
        long seed = SEED + 31L * columns + actBits;
        Random random = new Random(seed);
        int colBits = DeltaUnit.columnBits(columns);
        long max = (1L << (actBits - 1)) - 1;
        long min = -(1L << (actBits - 1));
        long step = Math.max(2, 3 * Math.max(thetaX, thetaH));
        long[] value = new long[columns];
        DeltaEncoder twin = new DeltaEncoder(columns, inputSize, thetaX, thetaH);
        List<BigInteger[]> offered = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (int f = 0; f < frames; f++) {
            int elements = shuffled ? 2 * columns : columns;
            int previous = 0;
            for (int i = 0; i < elements; i++) {
                int c = !shuffled ? i : random.nextInt(4) == 0 ? previous : random.nextInt(columns);
                previous = c;
                int kind = random.nextInt(6);
                long v = kind == 0 ? value[c] : kind == 1 ? min + (long) (random.nextDouble() * (max - min + 1))
                        : value[c] + random.nextLong(-step, step + 1);
                value[c] = Math.max(min, Math.min(max, v));
                offered.add(new BigInteger[] {BigInteger.valueOf(c | ((value[c] & ((1L << actBits) - 1)) << colBits))});
                twin.offer(c, value[c]).ifPresent(fired -> expected.add(c + " " + fired.delta()));
            }
        }
        int total = offered.size();
        StreamBench bench = new StreamBench("DeltaUnit")
                .input("launch", 1, 0)
                .input("input_size", colBits + 1, inputSize)
                .input("input_theta", actBits + 1, thetaX)
                .input("recurrent_theta", actBits + 1, thetaH)
                .output("fired_inputs", 32)
                .output("fired_recurrent", 32)
                .output("elements_seen", 32)
                .output("busy", 1)
                .source("elements", List.of(new Port("elements_payload", colBits + actBits)), offered, 70)
                .stimulus("""
                        wait (elements_seen == %d);
                        @(negedge clk) $display("counters %%h %%h %%h", fired_inputs, fired_recurrent, elements_seen);
                        launch = 1;
                        @(negedge clk) launch = 0;
                        @(negedge clk) $display("after_launch %%h %%h %%h %%h", fired_inputs, fired_recurrent,
                            elements_seen, busy);
                        """.formatted(total));
        bench.sink("fired", List.of(new Port("fired_payload", colBits + actBits + 1)), 60);
        Path verilog = VerilogEmitter.emit(dir, "DeltaUnit", () -> new DeltaUnit(columns, actBits)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, seed, 40, 40 * total + 2_000), List.of(verilog));

        String context = "seed " + seed + " (-Desegen.seed=" + SEED + "), " + columns + " columns";
        assertTrue(printed.stream().noneMatch(line -> line.contains("timeout")), context + ": timed out: " + printed);
        List<String> fired = StreamBench.taken(printed, "fired").stream().map(item -> {
            long word = item[0].longValue();
            int column = (int) (word & ((1L << colBits) - 1));
            long delta = org.esegen.fixed.FixedFormat.signExtend(word >>> colBits, actBits + 1);
            return column + " " + delta;
        }).toList();
        assertEquals(expected, fired, context);
        assertTrue(!expected.isEmpty() && expected.size() < total, context + ": the case should fire some, not all");
        assertEquals(List.of(twin.firedInputs(), twin.firedRecurrent(), (long) total),
                DeltaBench.hexFields(printed, "counters"), context + ": counters (inputs, recurrent, seen)");
        assertEquals(List.of(0L, 0L, 0L, columns > 1 ? 1L : 0L), DeltaBench.hexFields(printed, "after_launch"),
                context + ": launch zeroes the counters and starts a clearing pass of one cycle a column (busy)");
    }
}
