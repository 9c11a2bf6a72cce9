package org.esegen.circulant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;

import org.esegen.EsegenException;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.io.SyntheticModel;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.FloatReference;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CirculantModelTest {
    private static final long SEED = Long.getLong("esegen.seed", 20_261_203L);

    static Stream<Arguments> stacks() {
        return Stream.of(
                Arguments.of(CellKind.LSTMP, 2, new int[]{16}, new int[]{10}, true, 13),
                Arguments.of(CellKind.LSTMP, 8, new int[]{32, 24}, new int[]{20, 12}, true, 27),
                Arguments.of(CellKind.LSTM, 4, new int[]{20}, null, false, 10),
                Arguments.of(CellKind.LSTM, 16, new int[]{48}, null, true, 40),
                Arguments.of(CellKind.GRU, 4, new int[]{16}, null, false, 11),
                Arguments.of(CellKind.GRU, 8, new int[]{32, 16}, null, false, 19),
                Arguments.of(CellKind.GRU, 32, new int[]{32}, null, false, 33));
    }

    /**
     * The golden model runs a block-circulant stack as the float reference does, to within the fixed-point
     * error (16-bit activations and spectra, 2,048-entry tables); a wrong gate row, a misplaced recurrent
     * block or a lost n_h would be off by tenths.
     */
    @ParameterizedTest(name = "{0}, b = {1}, H = {2}, I = {5}")
    @MethodSource("stacks")
    void tracksTheFloatReferenceOfTheSameCirculantWeights(CellKind cell, int block, int[] hidden, int[] proj,
                                                           boolean peepholes, int inputSize) {
        System.out.println("seed " + SEED + " (re-run with -Desegen.seed=" + SEED + ")");
        LayerStack model = BlockCirculant.project(SyntheticModel.stack(cell, inputSize, hidden, proj, peepholes, SEED),
                block);
        AcceleratorConfig config = config(block);
        CirculantModel compiled = CirculantModel.compile(config, model);
        double[][] frames = SyntheticModel.frames(24, inputSize, SEED + 1);
        FixedFormat act = config.activationFormat();
        double[][] fixed = Quantizer.dequantize(compiled.run(Quantizer.quantize(frames, act)), act);
        double[][] reference = FloatReference.run(model, frames);
        double worst = 0;
        double scale = 0;
        for (int t = 0; t < frames.length; t++) {
            assertEquals(reference[t].length, fixed[t].length, "frame " + t + ": outputs");
            for (int k = 0; k < fixed[t].length; k++) {
                worst = Math.max(worst, Math.abs(fixed[t][k] - reference[t][k]));
                scale = Math.max(scale, Math.abs(reference[t][k]));
            }
        }
        System.out.printf("%s b=%d: worst output error %.5f (outputs up to %.3f)%n", cell.cliName(), block, worst, scale);
        assertTrue(scale > 0.05, "the outputs move (largest " + scale + ")");
        assertTrue(worst < 0.01 && worst < 0.1 * scale, "worst output error " + worst + " against the float reference"
                + " (outputs up to " + scale + ")");
    }

    /**
     * The gate matrix is W_a (the sparse engine's [x; y] matrix) with x padded to whole blocks (what the padding
     * columns hold does not matter: they meet zeros).
     */
    @ParameterizedTest(name = "{0}, b = {1}, H = {2}, I = {5}")
    @MethodSource("stacks")
    void gateMatrixIsTheCombinedInputMatrixWithBlockAlignedColumns(CellKind cell, int block, int[] hidden, int[] proj,
                                                                   boolean peepholes, int inputSize) {
        LayerStack model = BlockCirculant.project(SyntheticModel.stack(cell, inputSize, hidden, proj, peepholes, SEED),
                block);
        CirculantModel compiled = CirculantModel.compile(config(block), model);
        for (int l = 0; l < model.depth(); l++) {
            LayerWeights layer = model.layer(l);
            CirculantModel.Layer c = compiled.layers().get(l);
            double[][] wa = layer.combinedInputMatrix();
            double[][] gates = c.gates().matrix().dense();
            int offset = c.recurrentOffset();
            assertEquals(0, offset % block);
            assertEquals(wa.length, gates.length);
            for (int r = 0; r < wa.length; r++) {
                for (int col = 0; col < layer.inputSize(); col++) {
                    assertEquals(wa[r][col], gates[r][col], 1e-12, "layer " + l + " row " + r + " column " + col);
                }
                for (int col = 0; col < layer.projSize(); col++) {
                    assertEquals(wa[r][layer.inputSize() + col], gates[r][offset + col], 1e-12,
                            "layer " + l + " row " + r + " recurrent column " + col);
                }
            }
            assertEquals(cell.hasProjection(), c.projection() != null);
        }
    }

    @Test
    void refusesAGruWhoseGatesWouldShareABlock() {
        LayerStack model = SyntheticModel.stack(CellKind.GRU, 8, new int[]{12}, null, false, SEED);
        EsegenException e = assertThrows(EsegenException.class, () -> CirculantModel.compile(config(8), model));
        assertTrue(e.getMessage().contains("hidden size 12 is not a multiple of circulantBlock = 8"), e.getMessage());
    }

    @Test
    void refusesAnotherEngine() {
        LayerStack model = SyntheticModel.stack(CellKind.LSTM, 8, new int[]{8}, null, false, SEED);
        EsegenException e = assertThrows(EsegenException.class,
                () -> CirculantModel.compile(Presets.get("tiny"), model));
        assertTrue(e.getMessage().contains("needs engine=2"), e.getMessage());
    }

    @Test
    void countsTheParametersAndTheStoredWeights() {
        LayerStack lstmp = BlockCirculant.project(SyntheticModel.stack(CellKind.LSTMP, 13, new int[]{16},
                new int[]{10}, false, SEED), 4);
        CirculantModel compiled = CirculantModel.compile(config(4), lstmp);
        long gates = (4 * 16 / 4) * (4 + 3) * 4L;
        long projection = 3 * (16 / 4) * 4L;
        assertEquals(gates + projection, compiled.parameters());
        assertEquals(gates + projection, compiled.storedWeights());
        LayerStack gru = BlockCirculant.project(SyntheticModel.stack(CellKind.GRU, 13, new int[]{16}, null, false, SEED), 4);
        CirculantModel g = CirculantModel.compile(config(4), gru);
        assertEquals((3 * 16 / 4) * (4 + 4) * 4L, g.parameters(), "W_ih and W_hh: 3H rows");
        assertEquals((4 * 16 / 4) * (4 + 4) * 4L, g.storedWeights(), "r, u, n_x, n_h rows, zero blocks included");
    }

    private static AcceleratorConfig config(int block) {
        return Presets.get("ernn").with(java.util.Map.of("circulantBlock", block, "maxLayers", 2));
    }
}
