package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;

import org.esegen.circulant.BlockCirculant;
import org.esegen.circulant.CirculantModel;
import org.esegen.compile.ImageLayout;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.hdl.Generator;
import org.esegen.io.SyntheticModel;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The circulant engine's whole accelerator ({@code CirculantAccelerator}: registers, DDR reads of the weight
 * spectra, parameters and channel-interleaved inputs, DDR writes of the outputs) under Verilator with the KU3
 * DDR model, against {@link CirculantModel#expectedImage} on the same image: every output of every layer and
 * channel bit for bit, lstmp and gru, one layer and stacks (a run a layer, each loading its spectra again),
 * sizes that are not multiples of b, one to three channels; the gate MAC counter equals the engine's schedule.
 */
class CirculantAcceleratorCosimulationTest {
    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    @ParameterizedTest(name = "{0} x{1} layers, b {2}, lanes {3}+{4}, {5} channels, {6}-bit words, dspAccumulate {7}")
    @CsvSource({"LSTMP, 1, 4, 4, 2, 1, 64, 0", "LSTMP, 2, 4, 2, 1, 2, 128, 0", "GRU, 1, 8, 4, 1, 3, 256, 0",
            "GRU, 2, 2, 8, 1, 2, 64, 0", "LSTMP, 2, 8, 4, 2, 2, 256, 1", "LSTM, 2, 4, 4, 2, 2, 128, 1"})
    void circulantAcceleratorIsBitExact(CellKind cell, int layers, int block, int lanes, int projLanes, int channels,
                                        int wordBits, int dspAccumulate) throws Exception {
        long seed = 900 + 10L * layers + block + 3L * channels + cell.ordinal();
        System.out.println("CirculantAcceleratorCosimulationTest " + cell + " seed=" + seed);
        AcceleratorConfig config = Presets.resolve("ernn", java.util.List.of()).with(Map.ofEntries(
                Map.entry("circulantBlock", block), Map.entry("circulantLanes", lanes),
                Map.entry("circulantProjLanes", projLanes), Map.entry("channels", channels),
                Map.entry("maxInputSize", 24), Map.entry("maxHiddenSize", 24), Map.entry("maxProjSize", 24),
                Map.entry("maxLayers", layers), Map.entry("lutEntries", 256), Map.entry("axiDataBits", wordBits),
                Map.entry("axiMaxBurstBeats", 16), Map.entry("gruElementwise", cell == CellKind.GRU ? 1 : 0),
                Map.entry("dspAccumulate", dspAccumulate)));
        int inputSize = 13;
        int hidden = 16;
        int[] hiddens = new int[layers];
        int[] projs = new int[layers];
        java.util.Arrays.fill(hiddens, hidden);
        java.util.Arrays.fill(projs, cell.hasProjection() ? 11 : hidden);
        LayerStack dense = SyntheticModel.stack(cell, inputSize, hiddens, projs, cell == CellKind.LSTMP, seed);
        CirculantModel model = CirculantModel.compile(config, BlockCirculant.project(dense, block));
        int frames = 6;
        long[][][] inputs = new long[channels][][];
        for (int ch = 0; ch < channels; ch++) {
            inputs[ch] = Quantizer.quantize(SyntheticModel.frames(frames, inputSize, seed + 1 + ch),
                    config.activationFormat());
        }
        byte[] image = model.image(inputs);

        Path run = TestDuts.RUNS.resolve("circulant-" + cell + "-" + layers + "-" + block + "-" + channels + "-dsp"
                + dspAccumulate);
        Generator.Result rtl = Generator.generate(config, run.resolve("rtl"));
        Cosimulation.CirculantRun result = Cosimulation.runCirculant(rtl.simulationSources(), model, image,
                TestDuts.CACHE, run.resolve("run"), Cosimulation.MemoryModel.KU3_DDR3, false);
        System.out.printf("circulant cosim %s x%d b %d, %d channels: %.1f cycles a frame after a %d-cycle load, "
                + "counters %s%n", cell, layers, block, channels, result.cyclesPerFrame(), result.storeLoadCycles(),
                result.counters());

        assertTrue(result.bitExact(), result.mismatch());
        assertEquals(layers, result.cyclesPerLayer().size());
        ImageLayout layout = model.layout(frames);
        long gateMacs = 0;
        for (int k = 0; k < layers; k++) {
            int rowBlocks = 4 * layout.layer(k).hiddenSize() / block;
            int used = Math.min(lanes, rowBlocks);
            gateMacs += (long) frames * ((rowBlocks + used - 1) / used)
                    * (layout.blocks(layout.layer(k).inputSize()) + layout.blocks(layout.layer(k).projSize()));
        }
        assertEquals(gateMacs, result.counters().get("GATE_MAC_CYCLES"), "gate MAC cycles, over the layers");
        assertTrue(result.storeLoadCycles() > 0 && result.storeLoadCycles() < result.cycles());
        assertTrue(result.counters().get("CELL_STEP_CYCLES") >= (long) frames * layers * 6,
                "a cell step a frame and layer");
    }
}
