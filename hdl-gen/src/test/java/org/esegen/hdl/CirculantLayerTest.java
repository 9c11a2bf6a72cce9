package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.esegen.circulant.BlockCirculant;
import org.esegen.circulant.CirculantModel;
import org.esegen.circulant.FixedCirculant;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.hdl.StreamBench.Port;
import org.esegen.hdl.spinal.Hdl;
import org.esegen.hdl.spinal.VerilogEmitter;
import org.esegen.hdl.units.CirculantLayer;
import org.esegen.hdl.units.Elementwise;
import org.esegen.io.SyntheticModel;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CirculantLayer under Icarus against {@link CirculantModel}: a block-circulant layer (sizes I and P not
 * multiples of b) compiled for the circulant engine, its weight words, bias and peephole words loaded, then
 * the frames of a synthetic utterance offered with random stalls on every stream; every y_t block must
 * equal the golden model's y_t (lanes past P zero), frame after frame, for lstmp, lstm and gru.
 */
class CirculantLayerTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_203L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, b = {1}, I = {2}, H = {3}, P = {4}, {5} + {6} lanes, {7} % stalls")
    @CsvSource({"lstmp, 4, 13, 16, 10, 2, 1, 0", "lstmp, 8, 20, 32, 12, 3, 2, 30", "lstm, 4, 9, 16, 16, 1, 1, 20",
            "gru, 8, 11, 16, 16, 4, 1, 0", "gru, 2, 5, 8, 8, 2, 1, 30"})
    void everyOutputBlockIsTheGoldenModels(String cellName, int block, int inputSize, int hidden, int proj,
                                           int gateLanes, int projLanes, int stallPercent) throws Exception {
        CellKind cell = CellKind.parse(cellName, "cell");
        long seed = SEED + 100L * block + inputSize + hidden;
        System.out.println("CirculantLayerTest seed " + seed + " (-Desegen.seed=" + SEED + ")");
        AcceleratorConfig config = Presets.get("ernn").with(Map.of("circulantBlock", block, "maxInputSize", 64,
                "maxHiddenSize", 64, "maxProjSize", 64, "lutEntries", 256));
        LayerWeights dense = SyntheticModel.generate(cell, 0, inputSize, hidden, proj, cell.allowsPeepholes(), seed);
        LayerWeights layer = new LayerWeights(0, cell, inputSize, hidden, dense.projSize(),
                BlockCirculant.project(dense.wIh(), block).dense(), BlockCirculant.project(dense.wHh(), block).dense(),
                dense.bIh(), dense.bHh(), dense.wHr() == null ? null : BlockCirculant.project(dense.wHr(), block).dense(),
                dense.wIc(), dense.wFc(), dense.wOc());
        CirculantModel model = CirculantModel.compile(config, LayerStack.of(layer));
        CirculantModel.Layer compiled = model.layers().get(0);
        FixedFormat act = config.activationFormat();
        int actBits = act.totalBits();
        long mask = (1L << actBits) - 1;
        int frames = 9;
        long[][] x = Quantizer.quantize(SyntheticModel.frames(frames, inputSize, seed + 1), act);
        long[][] expected = model.run(x);

        int cells = hidden / block;
        int xBlocks = BlockCirculant.blocks(inputSize, block);
        int yBlocks = BlockCirculant.blocks(layer.projSize(), block);
        List<BigInteger[]> gateWords = words(compiled.gates());
        List<BigInteger[]> projWords = compiled.projection() == null ? List.of() : words(compiled.projection());
        List<BigInteger[]> params = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            for (int l = 0; l < cells; l++) {
                params.add(new BigInteger[] {lanes(compiled.bias(), g * hidden + l * block, block, block, mask, actBits)});
            }
        }
        for (int q = 0; q < 3; q++) {
            for (int l = 0; l < cells; l++) {
                params.add(new BigInteger[] {lanes(compiled.peep(), q * hidden + l * block, block, block, mask,
                        actBits)});
            }
        }
        List<BigInteger[]> beats = new ArrayList<>();
        for (long[] frame : x) {
            for (int j = 0; j < xBlocks; j++) {
                beats.add(new BigInteger[] {lanes(frame, j * block, block, inputSize - j * block, mask, actBits)});
            }
        }
        int percent = 100 - stallPercent;
        boolean projection = compiled.projection() != null;
        String loadsDone = "gate_load_next == " + gateWords.size()
                + (projection ? " && proj_load_next == " + projWords.size() : "");
        StreamBench bench = new StreamBench("CirculantLayer")
                .input("launch", 1, 0)
                .input("input_size", Hdl.widthFor(64), inputSize)
                .input("proj_size", Hdl.widthFor(64), layer.projSize())
                .input("x_blocks", Hdl.widthFor(BlockCirculant.blocks(64, block)), xBlocks)
                .input("y_blocks", Hdl.widthFor(BlockCirculant.blocks(64, block)), yBlocks)
                .input("cells", Hdl.widthFor(64 / block), cells)
                .input("gate_shift", 6, compiled.gates().scaleShift())
                .output("ready", 1);
        if (projection) {
            bench.input("proj_shift", 6, compiled.projection().scaleShift());
        }
        for (String counter : CirculantLayer.COUNTERS) {
            bench.output(counter, 32);
        }
        bench.source("gate_load", List.of(new Port("gate_load_payload", 2 * FixedCirculant.bins(block)
                        * config.formats().weightBits())), gateWords, percent);
        if (projection) {
            bench.source("proj_load", List.of(new Port("proj_load_payload", 2 * FixedCirculant.bins(block)
                    * config.formats().weightBits())), projWords, percent);
        }
        bench.source("params", List.of(new Port("params_payload", block * actBits)), params, percent)
                .gatedSource("inputs", List.of(new Port("inputs_payload", block * actBits)), beats, percent, loadsDone)
                .sink("outputs", List.of(new Port("outputs_payload", block * actBits)), percent)
                .stimulus("wait (frames_done == " + frames + "); repeat (50) @(negedge clk);"
                        + " $display(\"counters %0d %0d %0d %0d %0d\", frames_done, cycles, gate_mac_cycles,"
                        + " proj_mac_cycles, elementwise_cycles);");
        Path verilog = VerilogEmitter.emit(dir, "CirculantLayer", () -> new CirculantLayer(block,
                config.formats().weightBits(), config.engine().twiddleBits(), 64, 64, 64, gateLanes, projLanes,
                projection, Elementwise.Arithmetic.of(config), cell == CellKind.GRU)).get(0);
        int perFrame = 4 * cells * (xBlocks + yBlocks) + 6 * cells * 2 + cells * (yBlocks + 4) + 400;
        List<String> printed = Tools.simulate(dir, bench.write(dir, seed, 100, 4 * frames * perFrame
                + 8 * (gateWords.size() + projWords.size()) + 10_000), List.of(verilog));
        assertFalse(printed.stream().anyMatch(l -> l.contains("timeout")), "the simulation timed out: " + printed);

        String context = cellName + " b " + block + ", seed " + seed;
        List<BigInteger[]> taken = StreamBench.taken(printed, "outputs");
        assertEquals(frames * yBlocks, taken.size(), context + ": output blocks");
        for (int t = 0; t < frames; t++) {
            for (int q = 0; q < yBlocks; q++) {
                BigInteger beat = taken.get(t * yBlocks + q)[0];
                for (int n = 0; n < block; n++) {
                    int index = q * block + n;
                    long actual = FixedFormat.signExtend(beat.shiftRight(n * actBits).longValue() & mask, actBits);
                    long want = index < layer.projSize() ? expected[t][index] : 0;
                    if (actual != want) {
                        fail(context + ": frame " + t + ", layer 0, stage y, index " + index + " (block " + q + ", lane "
                                + n + "): expected " + want + ", actual " + actual);
                    }
                }
            }
        }
        String counters = printed.stream().filter(l -> l.startsWith("counters ")).findFirst().orElseThrow();
        String[] f = counters.trim().split("\\s+");
        long gateMacs = Long.parseLong(f[3]);
        int groups = (4 * cells + Math.min(gateLanes, 4 * cells) - 1) / Math.min(gateLanes, 4 * cells);
        assertEquals((long) frames * groups * (xBlocks + yBlocks), gateMacs, context + ": gate MAC cycles");
        System.out.printf("%s: %d frames bit-exact, %.1f cycles a frame (gate MACs %d, projection MACs %d, element-wise"
                + " %d a frame)%n", context, frames, Long.parseLong(f[2]) / (double) frames, gateMacs / frames,
                Long.parseLong(f[4]) / frames, Long.parseLong(f[5]) / frames);
    }

    private static List<BigInteger[]> words(FixedCirculant matrix) {
        List<BigInteger[]> words = new ArrayList<>();
        for (int i = 0; i < matrix.matrix().rowBlocks(); i++) {
            for (int j = 0; j < matrix.matrix().colBlocks(); j++) {
                words.add(new BigInteger[] {matrix.storeWord(i, j)});
            }
        }
        return words;
    }

    /** Lanes 0 .. count-1 of {@code values} from {@code first} (those at or past {@code valid} zero). */
    private static BigInteger lanes(long[] values, int first, int count, int valid, long mask, int actBits) {
        BigInteger word = BigInteger.ZERO;
        for (int n = 0; n < count && n < valid; n++) {
            word = word.or(BigInteger.valueOf(values[first + n] & mask).shiftLeft(n * actBits));
        }
        return word;
    }
}
