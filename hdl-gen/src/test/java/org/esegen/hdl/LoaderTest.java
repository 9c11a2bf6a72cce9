package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.InputLoader;
import org.esegen.hdl.units.ParamLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ParamLoader and InputLoader under Icarus: rows offered with random gaps, several runs of
 * different sizes back to back; every RAM write (address, lanes) must be the one the image layout
 * implies, and each run must take exactly its rows.
 */
class LoaderTest {
    private static final long SEED = 20_260_105L;
    private static final int ACT_BITS = 12;

    @TempDir
    Path dir;

    @Test
    void paramLoaderWritesBiasRowsThenPeepholeRowsToEveryPe() throws Exception {
        int pes = 3;
        int rowLanes = pes;
        int maxCells = 5;
        int[] runs = {2, 5, 1};
        Random random = new Random(SEED);
        List<BigInteger[]> rows = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        StringBuilder stimulus = new StringBuilder();
        for (int cells : runs) {
            for (int r = 0; r < 7 * cells; r++) {
                BigInteger row = new BigInteger(rowLanes * ACT_BITS, random);
                rows.add(new BigInteger[] {row});
                StringBuilder line = new StringBuilder(r < 4 * cells ? "bias " + r : "peep " + (r - 4 * cells));
                for (int p = 0; p < pes; p++) {
                    line.append(' ').append(lane(row, p));
                }
                expected.add(line.toString());
            }
            stimulus.append(run("cells_per_pe = " + cells + ";"));
        }
        StreamBench bench = new StreamBench("ParamLoader")
                .input("start", 1, 0)
                .input("cells_per_pe", Hdl.widthFor(maxCells), 0)
                .output("busy", 1)
                .output("bias_write_valid", 1)
                .output("bias_write_addr", Hdl.widthFor(4 * maxCells - 1))
                .output("peep_write_valid", 1)
                .output("peep_write_addr", Hdl.widthFor(3 * maxCells - 1))
                .output("write_data_0", ACT_BITS)
                .output("write_data_1", ACT_BITS)
                .output("write_data_2", ACT_BITS)
                .raw("""
                          always @(posedge clk) begin
                            if (bias_write_valid) $display("bias %0d %0d %0d %0d", bias_write_addr,
                              $signed(write_data_0), $signed(write_data_1), $signed(write_data_2));
                            if (peep_write_valid) $display("peep %0d %0d %0d %0d", peep_write_addr,
                              $signed(write_data_0), $signed(write_data_1), $signed(write_data_2));
                          end
                        """)
                .source("rows", List.of(new Port("rows_payload", rowLanes * ACT_BITS)), rows, 70)
                .stimulus(stimulus.toString());
        Path verilog = VerilogEmitter.emit(dir, "ParamLoader",
                () -> new ParamLoader(pes, ACT_BITS, maxCells)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 10, 20_000), List.of(verilog));

        assertEquals(expected, printed.stream().filter(l -> l.startsWith("bias") || l.startsWith("peep")).toList());
    }

    @Test
    void inputLoaderWritesTheFirstILanesOfEachChannelsRow() throws Exception {
        int channels = 2;
        int maxInput = 5;
        int rowLanes = maxInput;
        int[] runs = {5, 3, 0, 1, 5};
        Random random = new Random(SEED + 1);
        List<BigInteger[]> rows = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        StringBuilder stimulus = new StringBuilder();
        for (int size : runs) {
            for (int ch = 0; ch < channels; ch++) {
                BigInteger row = new BigInteger(rowLanes * ACT_BITS, random);
                rows.add(new BigInteger[] {row});
                for (int j = 0; j < size; j++) {
                    expected.add("w " + ch + " " + j + " " + lane(row, j));
                }
            }
            stimulus.append(run("input_size = " + size + ";"));
        }
        StreamBench bench = new StreamBench("InputLoader")
                .input("start", 1, 0)
                .input("input_size", Hdl.widthFor(maxInput), 0)
                .output("busy", 1)
                .output("write_valid", 1)
                .output("write_channel", Hdl.widthFor(channels - 1))
                .output("write_index", Hdl.widthFor(maxInput - 1))
                .output("write_value", ACT_BITS)
                .raw("""
                          always @(posedge clk)
                            if (write_valid) $display("w %0d %0d %0d", write_channel, write_index, $signed(write_value));
                        """)
                .source("rows", List.of(new Port("rows_payload", rowLanes * ACT_BITS)), rows, 50)
                .stimulus(stimulus.toString());
        Path verilog = VerilogEmitter.emit(dir, "InputLoader",
                () -> new InputLoader(channels, ACT_BITS, maxInput)).get(0);

        List<String> printed = Tools.simulate(dir, bench.write(dir, SEED, 10, 20_000), List.of(verilog));

        assertEquals(expected, printed.stream().filter(l -> l.startsWith("w ")).toList());
    }

    /** One run: set the size, pulse start, wait until the unit is idle again. */
    private static String run(String setSize) {
        return """
                @(negedge clk) start = 1; %s
                    @(negedge clk) start = 0;
                    @(negedge clk) wait (!busy);
                    repeat (5) @(negedge clk);
                """.formatted(setSize);
    }

    private static long lane(BigInteger row, int lane) {
        return FixedFormat.signExtend(row.shiftRight(lane * ACT_BITS).longValue() & ((1L << ACT_BITS) - 1), ACT_BITS);
    }
}
