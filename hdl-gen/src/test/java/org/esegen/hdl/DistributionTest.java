package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.ColumnBroadcaster;
import org.esegen.hdl.units.EntryDistributor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * EntryDistributor and ColumnBroadcaster under Icarus, two matrices back to back, every PE's
 * stream with its own random back-pressure: each PE must get its lane of every row (its count and
 * the column's values), all PEs in the same cycle, and (broadcaster) nothing of the second matrix
 * before its start.
 */
class DistributionTest {
    private static final long SEED = 20_260_103L;
    /** The broadcaster's restart column: value_pe / value_cell count from 0 again there. */
    private static final int RESTART_COLUMN = 4;

    @TempDir
    Path dir;

    @Test
    void entryDistributorDealsEachLaneToItsPeInLockstep() throws Exception {
        int pes = 3;
        int entryBits = 16;
        Random random = new Random(SEED);
        List<BigInteger[]> rows = new ArrayList<>();
        for (int r = 0; r < 12; r++) {
            rows.add(new BigInteger[] {new BigInteger(pes * entryBits, random)});
        }
        StreamBench bench = new StreamBench("EntryDistributor").unclocked()
                .output("starved", 1)
                .source("rows", List.of(new Port("rows_payload", pes * entryBits)), rows, 80);
        for (int p = 0; p < pes; p++) {
            bench.timedSink("entries_" + p, List.of(new Port("entries_" + p + "_payload", entryBits)), 75);
        }
        Path verilog = VerilogEmitter.emit(dir, "EntryDistributor",
                () -> new EntryDistributor(pes, entryBits)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 30, 20_000), List.of(verilog));

        List<List<BigInteger[]>> taken = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            List<BigInteger[]> got = StreamBench.taken(printed, "entries_" + p);
            taken.add(got);
            int lane = p;
            List<String> expected = rows.stream()
                    .map(row -> row[0].shiftRight(lane * entryBits).and(mask(entryBits)).toString(16)).toList();
            assertEquals(expected, got.stream().map(item -> item[0].toString(16)).toList(), "PE " + p);
        }
        assertLockstep(taken);
    }

    @ParameterizedTest(name = "value latency {0}")
    @CsvSource({"1", "3"})
    void columnBroadcasterSendsEachPeItsCountsWithTheColumnValues(int latency) throws Exception {
        int pes = 3;
        int channels = 2;
        int ptrBits = 8;
        int actBits = 12;
        int maxColumns = 20;
        int[] matrixColumns = {6, 9};
        int columnBits = ColumnBroadcaster.columnBits(maxColumns);
        int peBits = Hdl.widthFor(pes - 1);
        int cellBits = Hdl.widthFor((maxColumns - 1) / pes);
        Random random = new Random(SEED + latency);

        List<BigInteger[]> pointerRows = new ArrayList<>();
        List<List<long[]>> expected = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            expected.add(new ArrayList<>());
        }
        for (int columns : matrixColumns) {
            long[] pointer = new long[pes];
            pointerRows.add(new BigInteger[] {BigInteger.ZERO});
            for (int c = 0; c < columns; c++) {
                BigInteger row = BigInteger.ZERO;
                for (int p = 0; p < pes; p++) {
                    long count = random.nextInt(3) == 0 ? 0 : random.nextInt(6);
                    pointer[p] += count;
                    row = row.or(BigInteger.valueOf(pointer[p]).shiftLeft(p * ptrBits));
                    long distributed = c >= RESTART_COLUMN ? c - RESTART_COLUMN : c;
                    expected.get(p).add(new long[] {count, (c * 3L + 1) & 0xfff, (distributed * 5 + 2) & 0xfff});
                }
                pointerRows.add(new BigInteger[] {row});
            }
        }
        StreamBench bench = new StreamBench("ColumnBroadcaster")
                .input("start", 1, 0)
                .input("columns", columnBits, 0)
                .input("restart_column", columnBits, RESTART_COLUMN)
                .input("value_limit", columnBits + 1, (1L << (columnBits + 1)) - 1)
                .output("busy", 1)
                .output("value_read", 1)
                .output("value_column", columnBits)
                .output("value_pe", peBits)
                .output("value_cell", cellBits)
                .output("pointer_wait", 1)
                .output("queue_wait", 1)
                .input("value_0", actBits, 0)
                .input("value_1", actBits, 0)
                .raw(valueSource(latency, columnBits, peBits, cellBits, pes))
                .source("pointers", List.of(new Port("pointers_payload", pes * ptrBits)), pointerRows, 80)
                .stimulus(twoStarts("columns", matrixColumns[0], matrixColumns[1]));
        for (int p = 0; p < pes; p++) {
            bench.timedSink("column_" + p, List.of(new Port("column_" + p + "_payload", ptrBits),
                    new Port("column_value_0", actBits), new Port("column_value_1", actBits)), 80);
        }
        Path verilog = VerilogEmitter.emit(dir, "ColumnBroadcaster",
                () -> new ColumnBroadcaster(pes, channels, ptrBits, actBits, maxColumns, latency)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 30, 20_000), List.of(verilog));

        long secondStart = secondStartCycle(printed);
        List<List<BigInteger[]>> taken = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            List<BigInteger[]> got = StreamBench.taken(printed, "column_" + p);
            taken.add(got);
            assertEquals(expected.get(p).stream().map(e -> e[0] + " " + e[1] + " " + e[2]).toList(),
                    got.stream().map(item -> item[0] + " " + item[1] + " " + item[2]).toList(), "PE " + p);
        }
        assertLockstep(taken);
        assertTrue(taken.get(0).get(matrixColumns[0] - 1)[3].longValue() < secondStart,
                "the first matrix is delivered before the second start at cycle " + secondStart);
    }

    /**
     * A value source answering exactly {@code latency} cycles after each read: channel 0 from the
     * column index (3 c + 1), channel 1 from the PE and cell (5 (cell N + pe) + 2); x otherwise.
     */
    private static String valueSource(int latency, int columnBits, int peBits, int cellBits, int pes) {
        return """
                  reg [%2$d:0] column_pipe [0:%1$d];
                  reg [%3$d:0] pe_pipe [0:%1$d];
                  reg [%4$d:0] cell_pipe [0:%1$d];
                  reg read_pipe [0:%1$d];
                  integer k;
                  always @(posedge clk) begin
                    column_pipe[0] <= value_column;
                    pe_pipe[0] <= value_pe;
                    cell_pipe[0] <= value_cell;
                    read_pipe[0] <= value_read;
                    for (k = 1; k <= %1$d; k = k + 1) begin
                      column_pipe[k] <= column_pipe[k - 1];
                      pe_pipe[k] <= pe_pipe[k - 1];
                      cell_pipe[k] <= cell_pipe[k - 1];
                      read_pipe[k] <= read_pipe[k - 1];
                    end
                  end
                  always @(*) begin
                    if (read_pipe[%1$d] === 1'b1) begin
                      value_0 = column_pipe[%1$d] * 3 + 1;
                      value_1 = (cell_pipe[%1$d] * %5$d + pe_pipe[%1$d]) * 5 + 2;
                    end else begin
                      value_0 = 'bx;
                      value_1 = 'bx;
                    end
                  end
                """.formatted(latency - 1, columnBits - 1, peBits - 1, cellBits - 1, pes);
    }

    /** Starts a matrix of {@code first}, waits until the unit is idle and a while longer, starts one of {@code second}. */
    private static String twoStarts(String countPort, int first, int second) {
        return """
                @(negedge clk) start = 1; %1$s = %2$d;
                    @(negedge clk) start = 0;
                    @(negedge clk) wait (!busy);
                    repeat (25) @(negedge clk);
                    start = 1; %1$s = %3$d;
                    $display("second_start %%h", cycle);
                    @(negedge clk) start = 0;
                    @(negedge clk) wait (!busy);""".formatted(countPort, first, second);
    }

    private static long secondStartCycle(List<String> printed) {
        return StreamBench.taken(printed, "second_start").get(0)[0].longValue();
    }

    /** The k-th item of every sink was taken in the same cycle (the cycle is each item's last field). */
    private static void assertLockstep(List<List<BigInteger[]>> taken) {
        for (int p = 1; p < taken.size(); p++) {
            assertEquals(taken.get(0).stream().map(item -> item[item.length - 1]).toList(),
                    taken.get(p).stream().map(item -> item[item.length - 1]).toList(),
                    "PE " + p + " takes its items in the cycles PE 0 does");
        }
    }

    private static BigInteger mask(int bits) {
        return BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    }
}
