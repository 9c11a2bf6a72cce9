package org.esegen.testbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Map;

import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.LayerLayout;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.Generator;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The delta engine's whole accelerator ({@code DeltaAccelerator}: registers, DDR reads of the
 * column-balanced store, parameters and inputs, DDR writes of the outputs) under Verilator with the
 * KU3 DDR model, against the golden model's delta run on the same image: every output of every layer
 * bit for bit, DeltaLSTM and DeltaGRU, one layer and stacks (a run a layer, the launch between them
 * clearing the state), thresholds from 0 (every change fires) up; the fired-input counter equals the
 * golden model's count, the delta units see every column of every frame, and the store load is part of
 * the cycles.
 */
class DeltaAcceleratorCosimulationTest {
    @BeforeAll
    static void requireVerilator() {
        assumeTrue(VerilatorBuild.verilatorAvailable(), "verilator is not on PATH");
    }

    @ParameterizedTest(name = "{0} x{1} layers, {2} arrays, K {3}, thresholds {4}/{5}")
    @CsvSource({"LSTM, 1, 2, 2, 0.05, 0.05", "GRU, 1, 4, 1, 0, 0", "LSTM, 2, 2, 2, 0.1, 0.2", "GRU, 2, 1, 3, 0.02, 0.5"})
    void deltaAcceleratorIsBitExact(CellKind cell, int layers, int arrays, int k, double thetaX, double thetaH)
            throws Exception {
        long seed = 700 + 10L * layers + arrays + 3L * k + cell.ordinal();
        System.out.println("DeltaAcceleratorCosimulationTest " + cell + " seed=" + seed);
        AcceleratorConfig config = Presets.get("tiny").with(Map.of("engine", AcceleratorConfig.DELTA_ENGINE,
                "deltaArrays", arrays, "deltaMaxK", 4, "weightStore", AcceleratorConfig.ONCHIP_STORE,
                "maxLayers", layers, "gruElementwise", cell == CellKind.GRU ? 1 : 0));
        int inputSize = 16;
        int hidden = 20;
        int[] sizes = new int[layers];
        java.util.Arrays.fill(sizes, hidden);
        LayerStack model = SyntheticModel.stack(cell, inputSize, sizes, sizes, cell == CellKind.LSTM, seed);
        int rowsPerPe = (cell == CellKind.GRU ? 3 : 4) * ((hidden + config.pes() - 1) / config.pes());
        CompiledModel compiled = Compiler.compile(config, model, PruningMethod.CBTD, (double) k / rowsPerPe);
        int frames = 12;
        long[][] inputs = Quantizer.quantize(SyntheticModel.frames(frames, inputSize, seed + 1),
                config.activationFormat());
        byte[] image = compiled.image(new long[][][] {inputs});
        GoldenModel golden = new GoldenModel(config, image);
        GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(thetaX, thetaH);

        Path run = TestDuts.RUNS.resolve("delta-" + cell + "-" + layers + "-" + arrays + "-" + k);
        Generator.Result rtl = Generator.generate(config, run.resolve("rtl"));
        Cosimulation.DeltaRun result = Cosimulation.runDelta(rtl.simulationSources(), compiled, image, thresholds,
                TestDuts.CACHE, run.resolve("run"), Cosimulation.MemoryModel.KU3_DDR3, false);
        System.out.printf("delta cosim %s x%d: %.1f cycles a frame after a %d-cycle store load, counters %s%n", cell,
                layers, result.cyclesPerFrame(), result.storeLoadCycles(), result.counters());

        assertTrue(result.bitExact(), result.mismatch());
        assertEquals(layers, result.cyclesPerLayer().size());
        GoldenModel.DeltaResult stats = result.golden().channels().get(0);
        long firedInputs = 0;
        long seen = 0;
        for (int layer = 0; layer < layers; layer++) {
            LayerLayout l = compiled.layout(frames).layer(layer);
            firedInputs += Math.round(stats.firedInputs()[layer] * frames * l.inputSize());
            seen += (long) frames * l.waColumns();
        }
        assertEquals(firedInputs, result.counters().get("FIRED_INPUTS"), "input columns fired, over the layers");
        assertEquals(seen, result.counters().get("ELEMENTS_SEEN"), "every x_t and h_t column compared once");
        assertTrue(result.storeLoadCycles() > 0 && result.storeLoadCycles() < result.cycles());
        long worst = result.counters().get("MAX_FRAME_CYCLES");
        assertTrue(worst >= (long) Math.floor(result.cyclesPerFrame() / layers) && worst < result.cycles(),
                "the worst frame of a layer (" + worst + ") is at least its average");
        assertTrue(result.counters().get("CELL_STEP_CYCLES") >= (long) frames * layers * 6,
                "a cell step a frame and layer");
    }
}
