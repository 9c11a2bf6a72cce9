package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
import org.esegen.hdl.units.Dsp48e2;
import org.esegen.hdl.units.Elementwise;
import org.esegen.io.SyntheticModel;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;

/**
 * A {@link CirculantLayer} co-simulated against {@link CirculantModel}: a synthetic layer of the case's cell
 * and sizes with every matrix projected onto b x b circulant blocks, compiled for the case's widths, its
 * weight, bias and peephole words loaded, then a synthetic utterance per channel (scaled by the case's gain:
 * large gains saturate), with the case's stalls on every stream.
 */
final class CirculantLayerCosim {
    private CirculantLayerCosim() {
    }

    /**
     * One layer and run.
     *
     * @param maxSize   the layer's maxima of I, H and P (H and maxSize multiples of b)
     * @param inputGain factor on the synthetic N(0, 1) frames before quantization
     * @param lint      also lint the emitted Verilog (Verilator -Wall)
     */
    record Case(CellKind cell, int block, int inputSize, int hidden, int proj, int maxSize, int gateLanes,
                int projLanes, int stallPercent, int frames, int channels, int weightBits, int actBits,
                int actFracBits, int twiddleBits, double inputGain, long seed, boolean lint, boolean dspAccumulate) {
        Case(CellKind cell, int block, int inputSize, int hidden, int proj, int maxSize, int gateLanes, int projLanes,
             int stallPercent, int frames, int channels, int weightBits, int actBits, int actFracBits,
             int twiddleBits, double inputGain, long seed, boolean dspAccumulate) {
            this(cell, block, inputSize, hidden, proj, maxSize, gateLanes, projLanes, stallPercent, frames, channels,
                    weightBits, actBits, actFracBits, twiddleBits, inputGain, seed, false, dspAccumulate);
        }
    }

    /**
     * Runs {@code c} and fails on the first output that differs from the golden model's (naming channel,
     * frame, layer, stage, index, expected and actual); returns the steady-state cycles a frame.
     *
     * @param verilator Verilator instead of Icarus
     */
    static double run(Path dir, Case c, boolean verilator) throws Exception {
        CellKind cell = c.cell();
        int block = c.block();
        int inputSize = c.inputSize();
        int hidden = c.hidden();
        int maxSize = c.maxSize();
        int gateLanes = c.gateLanes();
        int projLanes = c.projLanes();
        int frames = c.frames();
        int channels = c.channels();
        long seed = c.seed();
        String cellName = cell.cliName();
        System.out.println("CirculantLayerCosim: " + c + " (seed " + seed + ")");
        AcceleratorConfig config = Presets.resolve("ernn", List.of("circulantBlock=" + block, "maxInputSize=" + maxSize,
                "maxHiddenSize=" + maxSize, "maxProjSize=" + maxSize, "lutEntries=" + (maxSize > 64 ? 2048 : 256),
                "weightBits=" + c.weightBits(), "actBits=" + c.actBits(), "actFracBits=" + c.actFracBits(),
                "twiddleBits=" + c.twiddleBits(), "accBits=" + Math.max(32, c.weightBits() + c.actBits())));
        LayerWeights dense = SyntheticModel.generate(cell, 0, inputSize, hidden, c.proj(), cell.allowsPeepholes(), seed);
        LayerWeights layer = BlockCirculant.project(dense, block);
        CirculantModel model = CirculantModel.compile(config, LayerStack.of(layer));
        CirculantModel.Layer compiled = model.layers().get(0);
        FixedFormat act = config.activationFormat();
        int actBits = act.totalBits();
        long mask = (1L << actBits) - 1;
        long[][][] x = new long[channels][][];
        long[][][] expected = new long[channels][][];
        for (int ch = 0; ch < channels; ch++) {
            double[][] frame = SyntheticModel.frames(frames, inputSize, seed + 1 + ch);
            for (double[] row : frame) {
                for (int k = 0; k < row.length; k++) {
                    row[k] *= c.inputGain();
                }
            }
            x[ch] = Quantizer.quantize(frame, act);
            expected[ch] = model.run(x[ch]);
        }

        int cells = hidden / block;
        int xBlocks = BlockCirculant.blocks(inputSize, block);
        int yBlocks = BlockCirculant.blocks(layer.projSize(), block);
        List<BigInteger[]> gateWords = new ArrayList<>();
        for (int i = 0; i < compiled.gates().matrix().rowBlocks(); i++) {
            for (int j = 0; j < compiled.gates().matrix().colBlocks(); j++) {
                gateWords.add(new BigInteger[] {compiled.gates().storeWord(CirculantLayer.gateRowBlock(i, cells), j)});
            }
        }
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
        for (int t = 0; t < frames; t++) {
            for (int j = 0; j < xBlocks; j++) {
                BigInteger beat = BigInteger.ZERO;
                for (int ch = 0; ch < channels; ch++) {
                    beat = beat.or(lanes(x[ch][t], j * block, block, inputSize - j * block, mask, actBits)
                            .shiftLeft(ch * block * actBits));
                }
                beats.add(new BigInteger[] {beat});
            }
        }
        int percent = 100 - c.stallPercent();
        boolean projection = compiled.projection() != null;
        String loadsDone = "gate_load_next == " + gateWords.size()
                + (projection ? " && proj_load_next == " + projWords.size() : "");
        StreamBench bench = new StreamBench("CirculantLayer")
                .input("launch", 1, 0)
                .input("input_size", Hdl.widthFor(maxSize), inputSize)
                .input("proj_size", Hdl.widthFor(maxSize), layer.projSize())
                .input("x_blocks", Hdl.widthFor(BlockCirculant.blocks(maxSize, block)), xBlocks)
                .input("y_blocks", Hdl.widthFor(BlockCirculant.blocks(maxSize, block)), yBlocks)
                .input("cells", Hdl.widthFor(maxSize / block), cells)
                .input("gate_shift", 6, compiled.gates().scaleShift())
                .output("ready", 1);
        if (projection) {
            bench.input("proj_shift", 6, compiled.projection().scaleShift());
            bench.input("project", 1, 1);
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
                .gatedSource("inputs", List.of(new Port("inputs_payload", channels * block * actBits)), beats, percent,
                        loadsDone)
                .sink("outputs", List.of(new Port("outputs_payload", channels * block * actBits)), percent)
                .raw("  integer frame_index;")
                .stimulus("@(negedge clk); launch = 1; @(negedge clk); launch = 0;")
                .stimulus("for (frame_index = 1; frame_index <= " + frames + "; frame_index = frame_index + 1) begin"
                        + " wait (frames_done == frame_index); $display(\"frame_done %0d\", cycle); end"
                        + " repeat (50) @(negedge clk);"
                        + " $display(\"counters %0d %0d %0d %0d %0d\", frames_done, cycles, gate_mac_cycles,"
                        + " proj_mac_cycles, elementwise_cycles);");
        Path verilog = VerilogEmitter.emit(dir, "CirculantLayer", () -> new CirculantLayer(block,
                config.formats().weightBits(), config.engine().twiddleBits(), maxSize, maxSize, maxSize, gateLanes,
                projLanes, projection, Elementwise.Arithmetic.of(config), cell == CellKind.GRU, channels,
                c.dspAccumulate())).get(0);
        List<Path> sources = new ArrayList<>(List.of(verilog));
        if (c.dspAccumulate()) {
            sources.add(Dsp48e2.writeSimulationModel(dir.resolve("sim")));
        }
        int perFrame = 4 * cells * (xBlocks + yBlocks) + 6 * cells * 2 + cells * (yBlocks + 4) + 400;
        String tb = bench.write(dir, seed, 100, 4 * frames * perFrame + 8 * (gateWords.size() + projWords.size())
                + 10_000);
        List<String> printed = verilator ? Tools.simulateVerilator(dir, tb, sources, 3_600)
                : Tools.simulate(dir, tb, sources);
        assertFalse(printed.stream().anyMatch(l -> l.contains("timeout")), "the simulation timed out: " + printed);
        if (c.lint()) {
            Tools.assumeOnPath("verilator");
            List<String> lint = new ArrayList<>(List.of("verilator", "--lint-only", "-Wall", "-Wno-DECLFILENAME",
                    "--top-module", "CirculantLayer", Tools.verilatorWaivers().toString()));
            sources.forEach(source -> lint.add(source.toString()));
            Tools.runOk(dir, lint.toArray(String[]::new));
        }

        String context = cellName + " b " + block + ", " + channels + " channels, seed " + seed;
        List<BigInteger[]> taken = StreamBench.taken(printed, "outputs");
        assertEquals(frames * yBlocks, taken.size(), context + ": output blocks");
        for (int t = 0; t < frames; t++) {
            for (int q = 0; q < yBlocks; q++) {
                BigInteger beat = taken.get(t * yBlocks + q)[0];
                for (int ch = 0; ch < channels; ch++) {
                    for (int n = 0; n < block; n++) {
                        int index = q * block + n;
                        long actual = FixedFormat.signExtend(beat.shiftRight((ch * block + n) * actBits).longValue()
                                & mask, actBits);
                        long want = index < layer.projSize() ? expected[ch][t][index] : 0;
                        if (actual != want) {
                            fail(context + ": channel " + ch + ", frame " + t + ", layer 0, stage y, index " + index
                                    + " (block " + q + ", lane " + n + "): expected " + want + ", actual " + actual);
                        }
                    }
                }
            }
        }
        String counters = printed.stream().filter(l -> l.startsWith("counters ")).findFirst().orElseThrow();
        String[] f = counters.trim().split("\\s+");
        long gateMacs = Long.parseLong(f[3]);
        int groups = (4 * cells + Math.min(gateLanes, 4 * cells) - 1) / Math.min(gateLanes, 4 * cells);
        assertEquals((long) frames * groups * (xBlocks + yBlocks), gateMacs, context + ": gate MAC cycles");
        List<Long> done = printed.stream().filter(l -> l.startsWith("frame_done ")).map(l -> Long.parseLong(
                l.substring(11).trim())).toList();
        assertEquals(frames, done.size(), context + ": frame completions");
        double steady = (done.get(frames - 1) - done.get(0)) / (double) (frames - 1);
        System.out.printf("%s: %d frames bit-exact, %.1f cycles a frame in steady state (%.2f us at 200 MHz; the run"
                + " %d cycles with the weight load); a frame's gate MACs %d, projection MACs %d, element-wise %d%n",
                context, frames, steady, steady / 200, Long.parseLong(f[2]), gateMacs / frames,
                Long.parseLong(f[4]) / frames, Long.parseLong(f[5]) / frames);
        return steady;
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
