package org.esegen.compile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.golden.FrameTrace;
import org.esegen.golden.GoldenModel;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The delta engine's image ({@code engine} = 1): W_a as the column-balanced store and no W_hr. The golden
 * model's delta run on it equals, stage for stage, its delta run on the sparse engine's image of the same
 * model (so the store's layout, decoding and the skipped SpMV 2 change nothing); the header says what the
 * layout is; models the engine cannot run are refused with what to change.
 */
class DeltaImageTest {

    private static AcceleratorConfig deltaConfig(CellKind cell, int arrays, int maxK) {
        return Presets.get("tiny").with(Map.of("engine", AcceleratorConfig.DELTA_ENGINE, "deltaArrays", arrays,
                "deltaMaxK", maxK, "weightStore", AcceleratorConfig.ONCHIP_STORE, "maxLayers", 2,
                "gruElementwise", cell == CellKind.GRU ? 1 : 0));
    }

    @ParameterizedTest(name = "{0}, {1} arrays, K {2}, thresholds {3}")
    @CsvSource({"LSTM, 2, 1, 0", "LSTM, 4, 2, 0.1", "GRU, 2, 2, 0.05", "GRU, 1, 3, 0"})
    void deltaImageRunsAsTheSparseImageOfTheSameModel(CellKind cell, int arrays, int k, double theta) {
        long seed = 31 + arrays + 7L * k;
        System.out.println("DeltaImageTest " + cell + " seed=" + seed);
        AcceleratorConfig delta = deltaConfig(cell, arrays, 4);
        AcceleratorConfig sparse = Presets.get("tiny").with(Map.of("maxLayers", 2, "gruElementwise",
                cell == CellKind.GRU ? 1 : 0));
        int[] hidden = {24, 20};
        LayerStack stack = SyntheticModel.stack(cell, 16, hidden, hidden, cell == CellKind.LSTM, seed);
        int pes = delta.pes();
        int gates = cell == CellKind.GRU ? 3 : 4;
        double density = (double) k / (gates * 24 / pes);
        CompiledModel cbDelta = Compiler.compile(delta, LayerStack.of(stack.layers().get(0)), PruningMethod.CBTD,
                density);
        CompiledModel cbSparse = Compiler.compile(sparse, LayerStack.of(stack.layers().get(0)), PruningMethod.CBTD,
                density);
        long[][] inputs = Quantizer.quantize(SyntheticModel.frames(20, 16, seed + 1), delta.activationFormat());
        byte[] image = cbDelta.image(new long[][][] {inputs});

        ImageLayout layout = ImageLayout.readHeader(image, "delta image");
        assertTrue(layout.delta());
        assertEquals(arrays, layout.arrays());
        assertEquals(delta.deltaEntryBits(), layout.storeEntryBits());
        LayerLayout l = layout.layer(0);
        assertEquals(k, l.k(), "K of the CBTD-pruned W_a");
        assertEquals((long) arrays * ((16 + 24 + arrays - 1) / arrays) * k, layout.rows(0, Section.WA_ENTRIES));
        assertEquals(0, layout.rows(0, Section.WA_POINTERS));
        assertEquals(0, layout.rows(0, Section.WHR_ENTRIES));

        GoldenModel onDelta = new GoldenModel(delta, image);
        GoldenModel onSparse = new GoldenModel(sparse, cbSparse.image(new long[][][] {inputs}));
        GoldenModel.DeltaImageResult a = onDelta.runDelta(onDelta.deltaThresholds(theta, theta), true);
        GoldenModel.DeltaResult b = onSparse.runDelta(inputs, onSparse.deltaThresholds(theta, theta), true);
        List<FrameTrace> ta = a.result().traces();
        assertEquals(b.traces().size(), ta.size());
        for (int i = 0; i < ta.size(); i++) {
            for (String stage : FrameTrace.stageNames(cell)) {
                assertArrayEquals(b.traces().get(i).stage(stage), ta.get(i).stage(stage), "frame "
                        + ta.get(i).frame() + " stage " + stage);
            }
        }
        assertEquals(b.firedInputs()[0], a.channels().get(0).firedInputs()[0], 0);
        assertEquals(b.firedStates()[0], a.channels().get(0).firedStates()[0], 0);
        LaneRows out = layout.packing(0, Section.OUTPUT);
        for (int t = 0; t < inputs.length; t++) {
            for (int j = 0; j < 24; j++) {
                assertEquals(b.outputs()[t][j], out.getSigned(a.result().expectedImage(),
                        layout.offset(0, Section.OUTPUT), t, j), "expected image, frame " + t + " output " + j);
            }
        }
        assertThrows(EsegenException.class, () -> onDelta.run(false), "a delta image needs thresholds");
    }

    @Test
    void twoLayerDeltaImageHoldsAStoreAPerLayer() {
        AcceleratorConfig delta = deltaConfig(CellKind.LSTM, 2, 4);
        LayerStack stack = SyntheticModel.stack(CellKind.LSTM, 16, new int[] {24, 24}, new int[] {24, 24}, false, 3);
        CompiledModel compiled = Compiler.compile(delta, stack, PruningMethod.CBTD, 2 / 24.0);
        long[][] inputs = Quantizer.quantize(SyntheticModel.frames(6, 16, 4), delta.activationFormat());
        ImageLayout layout = ImageLayout.readHeader(compiled.image(new long[][][] {inputs}), "image");
        assertEquals(2, layout.layerCount());
        assertEquals(2, layout.layer(0).k());
        assertEquals(2, layout.layer(1).k());
        assertEquals(2L * (24 + 24) / 2 * 2, layout.rows(1, Section.WA_ENTRIES));
    }

    @Test
    void modelsTheDeltaEngineCannotRunAreRefusedWithWhatToChange() {
        AcceleratorConfig delta = deltaConfig(CellKind.LSTM, 2, 4);
        var lstm = SyntheticModel.generate(CellKind.LSTM, 0, 16, 24, 24, false, 5);
        EsegenException unbalanced = assertThrows(EsegenException.class,
                () -> Compiler.compile(delta, lstm, PruningMethod.ESE, 0.3));
        assertTrue(unbalanced.getMessage().contains("not column-balanced"), unbalanced.getMessage());
        EsegenException tooMany = assertThrows(EsegenException.class,
                () -> Compiler.compile(delta, lstm, PruningMethod.CBTD, 6 / 24.0));
        assertTrue(tooMany.getMessage().contains("deltaMaxK = 4"), tooMany.getMessage());
        var lstmp = SyntheticModel.generate(CellKind.LSTMP, 0, 16, 24, 12, true, 5);
        EsegenException projection = assertThrows(EsegenException.class,
                () -> Compiler.compile(delta, lstmp, PruningMethod.CBTD, 2 / 24.0));
        assertTrue(projection.getMessage().contains("sparse engine"), projection.getMessage());
        var odd = SyntheticModel.generate(CellKind.LSTM, 0, 15, 24, 24, false, 5);
        EsegenException oddInputs = assertThrows(EsegenException.class,
                () -> Compiler.compile(delta, odd, PruningMethod.CBTD, 2 / 24.0));
        assertTrue(oddInputs.getMessage().contains("multiple of 2"), oddInputs.getMessage());
        EsegenException config = assertThrows(EsegenException.class,
                () -> Presets.get("tiny").with(Map.of("engine", 1, "deltaArrays", 8)));
        assertTrue(config.getMessage().contains("deltaArrays"), config.getMessage());
    }
}
