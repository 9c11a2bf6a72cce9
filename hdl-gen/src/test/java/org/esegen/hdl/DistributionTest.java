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

    @ParameterizedTest(name = "value latency {0}, {1} lane(s)")
    @CsvSource({"1, 1", "3, 1", "1, 2", "3, 2"})
    void columnBroadcasterSendsEachPeItsCountsWithTheColumnValues(int latency, int lanes) throws Exception {
        int pes = 3;
        int channels = 2;
        int ptrBits = 8;
        int actBits = 12;
        int maxColumns = 20;
        int[] matrixColumns = {6, 9};
        int columnBits = ColumnBroadcaster.columnBits(maxColumns);
        int peBits = Hdl.widthFor(pes - 1);
        int cellBits = Hdl.widthFor((maxColumns - 1) / pes);
        long seed = SEED + latency + 10L * lanes;
        System.out.println("DistributionTest broadcaster seed " + seed);
        Random random = new Random(seed);

        List<BigInteger[]> pointerRows = new ArrayList<>();
        List<List<long[]>> columnsByPe = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            columnsByPe.add(new ArrayList<>());
        }
        for (int columns : matrixColumns) {
            long[] pointer = new long[pes];
            List<BigInteger> rows = new ArrayList<>(List.of(BigInteger.ZERO));
            for (int c = 0; c < columns; c++) {
                BigInteger row = BigInteger.ZERO;
                for (int p = 0; p < pes; p++) {
                    long count = random.nextInt(3) == 0 ? 0 : random.nextInt(6);
                    pointer[p] += count;
                    row = row.or(BigInteger.valueOf(pointer[p]).shiftLeft(p * ptrBits));
                    long distributed = c >= RESTART_COLUMN ? c - RESTART_COLUMN : c;
                    columnsByPe.get(p).add(new long[] {count, (c * 3L + 1) & 0xfff, (distributed * 5 + 2) & 0xfff});
                }
                rows.add(row);
            }
            for (int r = 0; r < rows.size(); r += lanes) {
                BigInteger high = lanes == 1 || r + 1 == rows.size() ? BigInteger.ZERO : rows.get(r + 1);
                pointerRows.add(new BigInteger[] {rows.get(r).or(high.shiftLeft(pes * ptrBits))});
            }
        }
        List<List<String>> expected = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            expected.add(lanes == 1 ? columnsByPe.get(p).stream().map(DistributionTest::laneText).toList()
                    : pairedGroups(columnsByPe.get(p), matrixColumns));
        }
        int wordBits = ColumnBroadcaster.columnWordBits(ptrBits, lanes);
        StreamBench bench = new StreamBench("ColumnBroadcaster")
                .input("start", 1, 0)
                .input("columns", columnBits, 0)
                .input("restart_column", columnBits, RESTART_COLUMN)
                .input("value_limit", columnBits + 1, (1L << (columnBits + 1)) - 1)
                .output("busy", 1)
                .output("pointer_wait", 1)
                .output("queue_wait", 1)
                .source("pointers", List.of(new Port("pointers_payload", lanes * pes * ptrBits)), pointerRows, 80)
                .stimulus(twoStarts("columns", matrixColumns[0], matrixColumns[1]));
        for (int lane = 0; lane < lanes; lane++) {
            String prefix = lane == 0 ? "" : "second_";
            bench.output(prefix + "value_read", 1)
                    .output(prefix + "value_column", columnBits)
                    .output(prefix + "value_pe", peBits)
                    .output(prefix + "value_cell", cellBits)
                    .input(prefix + "value_0", actBits, 0)
                    .input(prefix + "value_1", actBits, 0)
                    .raw(valueSource(prefix, latency, columnBits, peBits, cellBits, pes));
        }
        for (int p = 0; p < pes; p++) {
            List<Port> ports = new ArrayList<>(List.of(new Port("column_" + p + "_payload", wordBits),
                    new Port("column_value_0", actBits), new Port("column_value_1", actBits)));
            if (lanes == 2) {
                ports.add(new Port("column_second_value_0", actBits));
                ports.add(new Port("column_second_value_1", actBits));
            }
            bench.timedSink("column_" + p, ports, 80);
        }
        Path verilog = VerilogEmitter.emit(dir, "ColumnBroadcaster",
                () -> new ColumnBroadcaster(pes, channels, ptrBits, actBits, maxColumns, latency, lanes)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, seed, 30, 20_000), List.of(verilog));

        long secondStart = secondStartCycle(printed);
        List<List<BigInteger[]>> taken = new ArrayList<>();
        for (int p = 0; p < pes; p++) {
            List<BigInteger[]> got = StreamBench.taken(printed, "column_" + p);
            taken.add(got);
            assertEquals(expected.get(p), got.stream().map(item -> deliveredText(item, ptrBits, lanes)).toList(),
                    "PE " + p);
        }
        assertLockstep(taken);
        int firstMatrixGroups = lanes == 1 ? matrixColumns[0] : 1 + matrixColumns[0] / 2;
        assertTrue(taken.get(0).get(firstMatrixGroups - 1)[taken.get(0).get(0).length - 1].longValue() < secondStart,
                "the first matrix is delivered before the second start at cycle " + secondStart);
    }

    private static String laneText(long[] column) {
        return column[0] + " " + column[1] + " " + column[2];
    }

    /** Two lanes: column 0 of a matrix alone, then the columns two by two (the last alone if it is odd). */
    private static List<String> pairedGroups(List<long[]> columns, int[] matrixColumns) {
        List<String> groups = new ArrayList<>();
        int base = 0;
        for (int count : matrixColumns) {
            groups.add(laneText(columns.get(base)) + " | -");
            for (int c = 1; c < count; c += 2) {
                groups.add(laneText(columns.get(base + c)) + " | "
                        + (c + 1 < count ? laneText(columns.get(base + c + 1)) : "-"));
            }
            base += count;
        }
        return groups;
    }

    /** An item a PE took, as {@link #laneText} per lane; with two lanes "-" for an absent (count 0) second column. */
    private static String deliveredText(BigInteger[] item, int ptrBits, int lanes) {
        long word = item[0].longValue();
        String first = (word & ((1L << ptrBits) - 1)) + " " + item[1] + " " + item[2];
        if (lanes == 1) {
            return first;
        }
        long secondCount = (word >> ptrBits) & ((1L << ptrBits) - 1);
        boolean present = ((word >> (2 * ptrBits)) & 1) == 1;
        return first + " | " + (present ? secondCount + " " + item[3] + " " + item[4]
                : secondCount == 0 ? "-" : "absent with count " + secondCount);
    }

    /**
     * A value source for the read port with {@code prefix}, answering exactly {@code latency} cycles
     * after each read: channel 0 from the column index (3 c + 1), channel 1 from the PE and cell
     * (5 (cell N + pe) + 2); x otherwise on lane 0, 0 on lane 1 (whose values a PE sees also when
     * the lane is absent).
     */
    private static String valueSource(String prefix, int latency, int columnBits, int peBits, int cellBits, int pes) {
        return """
                  reg [%2$d:0] %6$scolumn_pipe [0:%1$d];
                  reg [%3$d:0] %6$spe_pipe [0:%1$d];
                  reg [%4$d:0] %6$scell_pipe [0:%1$d];
                  reg %6$sread_pipe [0:%1$d];
                  integer %6$sk;
                  always @(posedge clk) begin
                    %6$scolumn_pipe[0] <= %6$svalue_column;
                    %6$spe_pipe[0] <= %6$svalue_pe;
                    %6$scell_pipe[0] <= %6$svalue_cell;
                    %6$sread_pipe[0] <= %6$svalue_read;
                    for (%6$sk = 1; %6$sk <= %1$d; %6$sk = %6$sk + 1) begin
                      %6$scolumn_pipe[%6$sk] <= %6$scolumn_pipe[%6$sk - 1];
                      %6$spe_pipe[%6$sk] <= %6$spe_pipe[%6$sk - 1];
                      %6$scell_pipe[%6$sk] <= %6$scell_pipe[%6$sk - 1];
                      %6$sread_pipe[%6$sk] <= %6$sread_pipe[%6$sk - 1];
                    end
                  end
                  always @(*) begin
                    if (%6$sread_pipe[%1$d] === 1'b1) begin
                      %6$svalue_0 = %6$scolumn_pipe[%1$d] * 3 + 1;
                      %6$svalue_1 = (%6$scell_pipe[%1$d] * %5$d + %6$spe_pipe[%1$d]) * 5 + 2;
                    end else begin
                      %6$svalue_0 = %7$s;
                      %6$svalue_1 = %7$s;
                    end
                  end
                """.formatted(latency - 1, columnBits - 1, peBits - 1, cellBits - 1, pes, prefix,
                prefix.isEmpty() ? "'bx" : "0");
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
