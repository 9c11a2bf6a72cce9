package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.esegen.circulant.BlockCirculant;
import org.esegen.circulant.FixedCirculant;
import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.CirculantEngine;
import org.esegen.hdl.units.Dsp48e2;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CirculantEngine under Icarus against {@link FixedCirculant}: a random block-circulant matrix
 * (sizes not multiples of b), its frequency-domain words loaded, then several vectors (some large
 * enough to saturate) offered block by block with random gaps; every output block must equal the
 * twin's z (padded rows: y saturated), in order, with 1 to 8 output-block lanes (row blocks not a multiple
 * of the lanes; fewer column blocks than lanes, so that groups wait for the drain) and 1 to 4 channels (each
 * its own vectors through the same weights), the accumulates in fabric or in DSP48E2s (the primitive's behavioral
 * model, {@link Dsp48e2#SIMULATION_MODEL}).
 */
class CirculantEngineTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_207L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} x {1} at b = {2}, {3}-bit activations, {4}-bit weights, {5}-bit twiddles, {6} lanes,"
            + " {7} channels, DSP accumulate {8}")
    @CsvSource({"7, 5, 2, 12, 12, 12, 1, 1, false", "20, 14, 4, 16, 16, 16, 1, 1, false",
            "30, 41, 8, 16, 16, 16, 1, 1, false", "16, 40, 8, 12, 10, 10, 1, 1, false",
            "40, 33, 16, 16, 16, 18, 1, 1, false", "64, 40, 32, 12, 12, 14, 1, 1, false",
            "7, 5, 2, 12, 12, 12, 3, 1, false", "30, 41, 8, 16, 16, 16, 2, 3, false", "64, 20, 8, 16, 16, 16, 8, 1, false",
            "60, 9, 4, 16, 16, 16, 5, 2, false", "40, 33, 16, 16, 16, 18, 3, 4, false",
            "64, 40, 32, 12, 12, 14, 2, 1, false", "20, 14, 4, 16, 16, 16, 1, 2, false",
            "7, 5, 2, 12, 12, 12, 1, 1, true", "30, 41, 8, 16, 16, 16, 2, 3, true", "64, 20, 8, 16, 16, 16, 8, 1, true",
            "60, 9, 4, 16, 16, 16, 5, 2, true", "40, 33, 16, 16, 16, 18, 3, 4, true", "64, 40, 32, 12, 12, 14, 2, 1, true"})
    void producesTheTwinsBlocks(int rows, int cols, int block, int actBits, int weightBits, int twiddleBits, int lanes,
                                int channels, boolean dspAccumulate) throws Exception {
        long seed = SEED + 1_000L * block + rows + cols;
        Random random = new Random(seed);
        double[][][] vectors = new double[BlockCirculant.blocks(rows, block)][BlockCirculant.blocks(cols, block)][block];
        for (double[][] row : vectors) {
            for (double[] v : row) {
                for (int k = 0; k < block; k++) {
                    v[k] = random.nextGaussian() * 0.5 / Math.sqrt(cols);
                }
            }
        }
        BlockCirculant matrix = new BlockCirculant(rows, cols, block, vectors);
        FixedFormat act = new FixedFormat(actBits, actBits - 4);
        FixedCirculant twin = new FixedCirculant(matrix, act, weightBits, twiddleBits);
        int rowBlocks = matrix.rowBlocks();
        int colBlocks = matrix.colBlocks();
        List<BigInteger[]> words = new ArrayList<>();
        for (int i = 0; i < rowBlocks; i++) {
            for (int j = 0; j < colBlocks; j++) {
                words.add(new BigInteger[] {twin.storeWord(i, j)});
            }
        }
        List<BigInteger[]> blocks = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        long mask = (1L << actBits) - 1;
        for (int v = 0; v < 5; v++) {
            long[][] x = new long[channels][cols];
            for (int ch = 0; ch < channels; ch++) {
                double spread = (v + ch) % 5 == 4 ? 8.0 : 1.5;
                for (int c = 0; c < cols; c++) {
                    x[ch][c] = act.saturate(act.quantize(random.nextGaussian() * spread));
                }
            }
            for (int j = 0; j < colBlocks; j++) {
                BigInteger word = BigInteger.ZERO;
                for (int ch = 0; ch < channels; ch++) {
                    for (int n = 0; n < block && j * block + n < cols; n++) {
                        word = word.or(BigInteger.valueOf(x[ch][j * block + n] & mask)
                                .shiftLeft((ch * block + n) * actBits));
                    }
                }
                blocks.add(new BigInteger[] {word});
            }
            long[][] y = new long[channels][];
            for (int ch = 0; ch < channels; ch++) {
                y[ch] = twin.trace(x[ch]).y();
            }
            for (int i = 0; i < rowBlocks; i++) {
                StringBuilder line = new StringBuilder();
                for (int ch = 0; ch < channels; ch++) {
                    for (int n = 0; n < block; n++) {
                        line.append(ch + n == 0 ? "" : " ").append(act.saturate(y[ch][i * block + n]));
                    }
                }
                expected.add(line.toString());
            }
        }
        int colBits = org.esegen.hdl.spinal.Hdl.widthFor(colBlocks);
        int rowBits = org.esegen.hdl.spinal.Hdl.widthFor(rowBlocks);
        StreamBench bench = new StreamBench("CirculantEngine")
                .input("restart", 1, 0)
                .input("col_blocks", colBits, colBlocks)
                .input("row_blocks", rowBits, rowBlocks)
                .input("scale_shift", 6, twin.scaleShift())
                .output("busy", 1)
                .output("mac_cycles", 32)
                .source("load", List.of(new Port("load_payload", 2 * FixedCirculant.bins(block) * weightBits)), words, 90)
                .gatedSource("blocks", List.of(new Port("blocks_payload", channels * block * actBits)), blocks, 70,
                        "load_next == " + words.size())
                .stimulus("wait (blocks_next == " + blocks.size() + "); wait (!busy); repeat (3) @(negedge clk);"
                        + " $display(\"mac_cycles %0d\", mac_cycles);");
        bench.sink("outputs", List.of(new Port("outputs_payload", channels * block * actBits)), 100);
        Path verilog = VerilogEmitter.emit(dir, "CirculantEngine", () -> new CirculantEngine(block, actBits, weightBits,
                twiddleBits, colBlocks, rowBlocks, lanes, channels, dspAccumulate)).get(0);
        List<Path> sources = new ArrayList<>(List.of(verilog));
        if (dspAccumulate) {
            sources.add(Dsp48e2.writeSimulationModel(dir.resolve("sim")));
        }

        List<String> printed = Tools.simulate(dir, bench.write(dir, seed, 60, 200 * blocks.size() * rowBlocks + 5_000),
                sources);

        String context = "seed " + seed + " (-Desegen.seed=" + SEED + "), b " + block + ", " + lanes + " lanes, " + channels
                + " channels, DSP accumulate " + dspAccumulate;
        List<String> actual = StreamBench.taken(printed, "outputs").stream().map(item -> {
            StringBuilder line = new StringBuilder();
            for (int n = 0; n < channels * block; n++) {
                long raw = item[0].shiftRight(n * actBits).longValue() & mask;
                line.append(n == 0 ? "" : " ").append(FixedFormat.signExtend(raw, actBits));
            }
            return line.toString();
        }).toList();
        assertEquals(expected.size(), actual.size(), context + ": output blocks");
        for (int b = 0; b < expected.size(); b++) {
            assertEquals(expected.get(b), actual.get(b), context + ": vector " + b / rowBlocks + ", row block "
                    + b % rowBlocks + " (z of rows " + (b % rowBlocks) * block + ".., channel after channel)");
        }
        String cycles = printed.stream().filter(l -> l.startsWith("mac_cycles ")).findFirst().orElseThrow();
        int groups = (rowBlocks + lanes - 1) / lanes;
        assertEquals(5L * groups * colBlocks, Long.parseLong(cycles.substring(11).trim()),
                context + ": one MAC cycle per column block and group of lanes");
    }
}
