package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.RowStore;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RowStore under Icarus: runs back to back, each of R rows a frame and F frames, launched one after
 * the other; the input offers each run's first frame only (as the DDR reads it), with random
 * back-pressure on both sides. The output must be every run's rows F times in order and nothing more
 * (a row past the run would sit in the consumer's FIFOs and corrupt the next run).
 */
class RowStoreTest {
    private static final long SEED = 20_261_202L;
    private static final int ROW_BITS = 20;
    private static final int DEPTH = 16;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "runs of (rows x frames) {0}")
    @CsvSource({"'5x3 16x2 1x4'", "'7x1 2x5'", "'16x1 3x3 9x2'"})
    void replaysEachRunsFirstFrameForTheRestOfTheRun(String runs) throws Exception {
        Random random = new Random(SEED + runs.hashCode());
        List<BigInteger[]> offered = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        StringBuilder stimulus = new StringBuilder();
        int total = 0;
        for (String run : runs.split(" ")) {
            int rows = Integer.parseInt(run.split("x")[0]);
            int frames = Integer.parseInt(run.split("x")[1]);
            List<String> frame = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                BigInteger row = new BigInteger(ROW_BITS, random);
                offered.add(new BigInteger[] {row});
                frame.add(row.toString(16));
            }
            for (int f = 0; f < frames; f++) {
                expected.addAll(frame);
            }
            total += rows * frames;
            stimulus.append("""
                        @(negedge clk) launch = 1; rows_per_frame = %d; frames = %d;
                        @(negedge clk) launch = 0;
                        wait (taken == %d);
                        repeat (20) @(negedge clk);
                    """.formatted(rows, frames, total));
        }
        StreamBench bench = new StreamBench("RowStore")
                .input("launch", 1, 0)
                .input("rows_per_frame", 5, 0)
                .input("frames", 32, 0)
                .raw("""
                          integer taken = 0;
                          always @(posedge clk) if (rows_out_valid && rows_out_ready) taken <= taken + 1;
                        """)
                .source("rows_in", List.of(new Port("rows_in_payload", ROW_BITS)), offered, 60)
                .stimulus(stimulus.toString());
        bench.timedSink("rows_out", List.of(new Port("rows_out_payload", ROW_BITS)), 60);
        Path verilog = VerilogEmitter.emit(dir, "RowStore", () -> new RowStore("RowStore", ROW_BITS, DEPTH)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 30, 20_000), List.of(verilog));

        assertEquals(expected, StreamBench.taken(printed, "rows_out").stream().map(item -> item[0].toString(16))
                .toList(), "seed " + SEED + ", runs " + runs);
    }
}
