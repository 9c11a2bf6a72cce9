package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.ProjectionGather;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * ProjectionGather under Icarus against {@link FixedFormat#rescale}: PEs are modelled as tables
 * answering {@code acc_read_row} after the read latency; every y_j (groups of L lanes, a row in
 * ceil(N / L) cycles) must be what the golden model computes, lanes past P zero, over runs of
 * several sizes and shifts (saturating, rounding, shifted out entirely); {@code rows_done} must
 * count the rows out, and lanes past N (a last group with fewer PEs) and rows whose valid bit is
 * low must be 0.
 */
class ProjectionGatherTest {
    private static final long SEED = 20_260_104L;
    private static final int PES = 3;
    private static final int CHANNELS = 2;
    private static final int ACC_BITS = 24;
    private static final int ACT_BITS = 12;
    private static final int MAX_PROJ = 10;
    /** (P, shift) of the runs, in order. */
    private static final int[][] RUNS = {{10, 5}, {7, 0}, {4, 24}, {9, 12}, {1, 63}, {10, 1}};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "read latency {0}, {1} lanes")
    @CsvSource({"1, 3", "2, 3", "1, 1", "2, 2", "1, 2"})
    void yIsTheRescaledAccumulatorOfPeJModNRowJDivN(int latency, int lanes) throws Exception {
        System.out.println("ProjectionGatherTest seed " + SEED + " latency " + latency + " lanes " + lanes);
        int localRows = (MAX_PROJ + PES - 1) / PES;
        int rowBits = Hdl.widthFor(localRows - 1);
        long[][][] acc = new long[PES][localRows][CHANNELS];
        boolean[][] valid = new boolean[PES][localRows];
        Random random = new Random(SEED);
        long accMax = (1L << (ACC_BITS - 1)) - 1;
        for (boolean[] pe : valid) {
            for (int r = 0; r < pe.length; r++) {
                pe[r] = random.nextInt(5) != 0;
            }
        }
        // and, whatever the draw, two invalid rows that most runs gather (y_1 and y_3)
        valid[1][0] = false;
        valid[0][1] = false;
        for (long[][] pe : acc) {
            for (long[] row : pe) {
                for (int ch = 0; ch < CHANNELS; ch++) {
                    int kind = random.nextInt(6);
                    row[ch] = kind == 0 ? accMax : kind == 1 ? -accMax - 1 : kind == 2 ? random.nextInt(1 << 12) - 2048
                            : kind == 3 ? random.nextInt(1 << 20) - (1 << 19) : random.nextLong() % (accMax + 1);
                }
            }
        }
        Path verilog = VerilogEmitter.emit(dir, "ProjectionGather", () -> new ProjectionGather(PES, lanes, CHANNELS,
                ACC_BITS, ACT_BITS, MAX_PROJ, rowBits, latency)).get(0);

        List<String> printed = Tools.simulate(dir, bench(acc, valid, rowBits, latency, lanes), List.of(verilog));

        FixedFormat act = new FixedFormat(ACT_BITS, 0);
        int groups = (PES + lanes - 1) / lanes;
        List<String> expected = new ArrayList<>();
        for (int[] run : RUNS) {
            int rows = (run[0] + PES - 1) / PES;
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < groups; k++) {
                    expected.add("group " + r + " " + k + " rows_done " + r);
                    for (int i = 0; i < lanes; i++) {
                        int pe = k * lanes + i;
                        int j = r * PES + pe;
                        StringBuilder line = new StringBuilder(pe < PES ? "y " + j : "past_n");
                        for (int ch = 0; ch < CHANNELS; ch++) {
                            long y = pe < PES && j < run[0] && valid[pe][r] ? act.rescale(acc[pe][r][ch], run[1]) : 0;
                            line.append(' ').append(y);
                        }
                        expected.add(line.toString());
                    }
                }
            }
            expected.add("rows_done " + rows);
        }
        assertEquals(expected, decode(printed));
    }

    private static String bench(long[][][] acc, boolean[][] valid, int rowBits, int latency, int lanes) {
        StringBuilder tables = new StringBuilder();
        StringBuilder ports = new StringBuilder();
        StringBuilder reads = new StringBuilder();
        for (int p = 0; p < PES; p++) {
            List<String> validBits = new ArrayList<>();
            for (boolean v : valid[p]) {
                validBits.add(v ? "1'b1" : "1'b0");
            }
            peTable("acc_read_valid_" + p, "", validBits, latency, tables, ports, reads);
            for (int ch = 0; ch < CHANNELS; ch++) {
                List<String> words = new ArrayList<>();
                for (long[] row : acc[p]) {
                    words.add("%d'sd%d".formatted(ACC_BITS, row[ch]).replace("'sd-", "'sd0 - " + ACC_BITS + "'sd"));
                }
                peTable("acc_read_value_" + p + "_" + ch, "signed [%d:0] ".formatted(ACC_BITS - 1), words, latency,
                        tables, ports, reads);
            }
        }
        StringBuilder runs = new StringBuilder();
        for (int[] run : RUNS) {
            runs.append("""
                        @(negedge clk) start = 1; proj_size = %d; frac_shift = %d;
                        @(negedge clk) start = 0;
                        @(negedge clk) wait (!busy);
                        repeat (3) @(negedge clk);
                        $display("rows_done %%0d", rows_done);
                    """.formatted(run[0], run[1]));
        }
        int projBits = Hdl.widthFor(MAX_PROJ);
        StringBuilder yWires = new StringBuilder();
        StringBuilder yDisplays = new StringBuilder();
        StringBuilder yPorts = new StringBuilder();
        yDisplays.append("    $display(\"group %0d %0d rows_done %0d\", y_row, y_group, rows_done);\n");
        for (int i = 0; i < lanes; i++) {
            yWires.append("  wire signed [%d:0] y_value_%d_0, y_value_%d_1;\n".formatted(ACT_BITS - 1, i, i));
            yDisplays.append(("    if (y_group * %1$d + %2$d < %3$d) $display(\"y %%0d %%0d %%0d\", y_row * %3$d"
                    + " + y_group * %1$d + %2$d, y_value_%2$d_0, y_value_%2$d_1);\n"
                    + "    else $display(\"past_n %%0d %%0d\", y_value_%2$d_0, y_value_%2$d_1);\n")
                    .formatted(lanes, i, PES));
            yPorts.append("    .y_value_%d_0(y_value_%d_0), .y_value_%d_1(y_value_%d_1),\n".formatted(i, i, i, i));
        }
        int groupBits = Hdl.widthFor((PES + lanes - 1) / lanes - 1);
        return """
                `timescale 1ns/1ps
                module tb;
                  reg clk = 1'b0;
                  reg reset = 1'b1;
                  reg start = 0;
                  reg [%1$d:0] proj_size = 0;
                  reg [5:0] frac_shift = 0;
                  wire busy;
                  wire [%2$d:0] acc_read_row;
                  wire y_valid;
                  wire [%2$d:0] y_row;
                  wire [%13$d:0] y_group;
                  wire [%2$d+1:0] rows_done;
                %10$s
                %6$s
                  // the PEs: a read of acc_read_row answers after the read latency
                  always @(posedge clk) begin
                %7$s
                  end
                  always @(posedge clk) if (y_valid) begin
                %11$s
                  end
                  ProjectionGather dut (
                    .start(start), .proj_size(proj_size), .frac_shift(frac_shift), .busy(busy),
                    .acc_read_row(acc_read_row),
                %8$s    .y_valid(y_valid), .y_row(y_row), .y_group(y_group), .rows_done(rows_done),
                %12$s
                    .clk(clk), .reset(reset));
                  always #5 clk = ~clk;
                  initial begin
                    repeat (3) @(posedge clk);
                    #1 reset = 1'b0;
                %9$s
                    $finish;
                  end
                endmodule
                """.formatted(projBits - 1, rowBits - 1, Hdl.widthFor(MAX_PROJ - 1) - 1, ACT_BITS - 1,
                MAX_PROJ * ACT_BITS - 1, tables, reads, ports, runs, yWires, yDisplays, yPorts, groupBits - 1);
    }

    /**
     * A PE output {@code port} of Verilog type {@code type}: a table of {@code values} (Verilog
     * literals, one per accumulator row) that answers {@code acc_read_row} after {@code latency}
     * cycles.
     */
    private static void peTable(String port, String type, List<String> values, int latency, StringBuilder tables,
                                StringBuilder ports, StringBuilder reads) {
        tables.append("  reg %stable_%s [0:%d];\n".formatted(type, port, values.size() - 1));
        tables.append("  reg %s%s;\n".formatted(type, port));
        tables.append("  reg %spipe_%s [0:%d];\n".formatted(type, port, latency - 1));
        for (int r = 0; r < values.size(); r++) {
            tables.append("  initial table_%s[%d] = %s;\n".formatted(port, r, values.get(r)));
        }
        ports.append("    .%1$s(%1$s),\n".formatted(port));
        if (latency == 1) {
            reads.append("      %1$s <= table_%1$s[acc_read_row];\n".formatted(port));
        } else {
            reads.append("      pipe_%1$s[0] <= table_%1$s[acc_read_row];\n".formatted(port));
            for (int k = 1; k < latency - 1; k++) {
                reads.append("      pipe_%1$s[%2$d] <= pipe_%1$s[%3$d];\n".formatted(port, k, k - 1));
            }
            reads.append("      %1$s <= pipe_%1$s[%2$d];\n".formatted(port, latency - 2));
        }
    }

    /** The y lines as printed. */
    private static List<String> decode(List<String> printed) {
        return printed.stream().map(String::trim).filter(line -> line.startsWith("y ") || line.startsWith("group ")
                || line.startsWith("past_n ") || line.startsWith("rows_done ")).toList();
    }
}
