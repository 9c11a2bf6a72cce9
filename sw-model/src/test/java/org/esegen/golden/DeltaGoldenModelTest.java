package org.esegen.golden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.esegen.EsegenException;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.DeltaReference;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The golden model's delta networks ({@link GoldenModel#runDelta}) on pruned two-layer stacks of every
 * cell: at threshold 0 they are the plain golden model bit for bit, the fired fractions count the
 * columns that changed and fall as the thresholds rise, a threshold above every delta fires nothing,
 * and at working thresholds the fixed-point network follows {@link DeltaReference} in float (the
 * same firing up to rounding at the threshold, outputs at a quantization-level error).
 */
class DeltaGoldenModelTest {

    private record Setup(GoldenModel golden, long[][] inputs, double[][] frames, LayerStack pruned, FixedFormat act) {
    }

    private static Setup setup(CellKind cell, long seed) {
        AcceleratorConfig cfg = Presets.get("tiny").with(Map.of("maxLayers", 2,
                "gruElementwise", cell == CellKind.GRU ? 1 : 0));
        int[] hidden = {24, 20};
        int[] proj = cell == CellKind.LSTMP ? new int[]{12, 10} : hidden;
        LayerStack stack = SyntheticModel.stack(cell, 16, hidden, proj, cell == CellKind.LSTMP, seed);
        CompiledModel compiled = Compiler.compile(cfg, stack, PruningMethod.ESE, 0.4);
        double[][] frames = SyntheticModel.frames(25, 16, seed + 1);
        long[][] inputs = Quantizer.quantize(frames, cfg.activationFormat());
        byte[] image = compiled.image(new long[][][]{inputs});
        return new Setup(new GoldenModel(cfg, image), inputs, frames, compiled.pruned(), cfg.activationFormat());
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CellKind.class)
    void thresholdZeroIsThePlainGoldenModelAndFiringFallsWithTheThresholds(CellKind cell) {
        long seed = 77 + cell.ordinal();
        System.out.println("DeltaGoldenModelTest " + cell + " seed=" + seed);
        Setup s = setup(cell, seed);
        long[][] plain = s.golden().run(s.inputs());
        GoldenModel.DeltaResult every = s.golden().runDelta(s.inputs(), s.golden().deltaThresholds(0, 0), true);
        List<FrameTrace> plainTraces = s.golden().run(true).traces();
        assertEquals(plainTraces.size(), every.traces().size(), "a trace per frame and layer");
        for (int i = 0; i < plainTraces.size(); i++) {
            FrameTrace p = plainTraces.get(i);
            FrameTrace d = every.traces().get(i);
            for (String stage : FrameTrace.stageNames(cell)) {
                assertArrayEquals(p.stage(stage), d.stage(stage), "frame " + p.frame() + " layer " + p.layer()
                        + " stage " + stage + ": threshold 0 sends every change");
            }
        }
        for (int t = 0; t < plain.length; t++) {
            assertArrayEquals(plain[t], every.outputs()[t], "frame " + t);
        }
        long changed = 0;
        for (int t = 0; t < s.inputs().length; t++) {
            for (int k = 0; k < s.inputs()[t].length; k++) {
                changed += s.inputs()[t][k] != (t == 0 ? 0 : s.inputs()[t - 1][k]) ? 1 : 0;
            }
        }
        assertEquals((double) changed / (s.inputs().length * 16), every.firedInputs()[0], 1e-12,
                "layer 0 fires exactly the inputs that changed");

        double[] thetas = {0, 0.02, 0.1, 0.3, 1.0};
        double previousX = Double.POSITIVE_INFINITY;
        double previousH = Double.POSITIVE_INFINITY;
        for (double theta : thetas) {
            GoldenModel.DeltaResult r = s.golden().runDelta(s.inputs(), s.golden().deltaThresholds(theta, theta));
            double x = r.firedInputs()[0];
            double h = r.firedStates()[0] + r.firedStates()[1] + r.firedInputs()[1];
            assertTrue(x <= previousX && h <= previousH, "firing falls as theta rises to " + theta + ": " + x + ", " + h);
            previousX = x;
            previousH = h;
        }
        GoldenModel.DeltaResult none = s.golden().runDelta(s.inputs(), s.golden().deltaThresholds(1000, 1000));
        assertArrayEquals(new double[]{0, 0}, none.firedInputs(), 0.0);
        assertArrayEquals(new double[]{0, 0}, none.firedStates(), 0.0);
        for (double f : none.firedPerFrame()) {
            assertEquals(0, f, 0.0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(CellKind.class)
    void fixedPointFollowsTheFloatDeltaNetwork(CellKind cell) {
        long seed = 91 + cell.ordinal();
        System.out.println("DeltaGoldenModelTest float comparison " + cell + " seed=" + seed);
        Setup s = setup(cell, seed);
        double thetaX = 0.25;
        double thetaH = 0.05;
        GoldenModel.DeltaResult fixed = s.golden().runDelta(s.inputs(), s.golden().deltaThresholds(thetaX, thetaH));
        DeltaReference.Result real = DeltaReference.run(s.pruned(), s.frames(), thetaX, thetaH);
        for (int k = 0; k < 2; k++) {
            assertEquals(real.firedInputs()[k], fixed.firedInputs()[k], 0.05, "layer " + k + " inputs fired");
            assertEquals(real.firedStates()[k], fixed.firedStates()[k], 0.05, "layer " + k + " states fired");
        }
        assertTrue(fixed.firedInputs()[0] > 0.1 && fixed.firedInputs()[0] < 0.9, "some fire, some do not: "
                + fixed.firedInputs()[0]);
        double signal = 0;
        double noise = 0;
        for (int t = 0; t < s.frames().length; t++) {
            for (int j = 0; j < real.outputs()[t].length; j++) {
                double e = s.act().toDouble(fixed.outputs()[t][j]) - real.outputs()[t][j];
                signal += real.outputs()[t][j] * real.outputs()[t][j];
                noise += e * e;
            }
        }
        double snr = 10 * Math.log10(signal / noise);
        System.out.printf("DeltaGoldenModelTest %s: fixed vs float delta network %.1f dB, fired x %.3f / %.3f%n",
                cell, snr, fixed.firedInputs()[0], real.firedInputs()[0]);
        assertTrue(snr > 20, "fixed-point delta network within quantization of the float one: " + snr + " dB");
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = CellKind.class, names = "GRU")
    void badThresholdsAndFramesAreRefused(CellKind cell) {
        Setup s = setup(cell, 5);
        assertThrows(EsegenException.class, () -> s.golden().deltaThresholds(-0.1, 0));
        assertThrows(EsegenException.class, () -> s.golden().deltaThresholds(0, Double.NaN));
        EsegenException e = assertThrows(EsegenException.class,
                () -> s.golden().runDelta(new long[][]{{1, 2}}, s.golden().deltaThresholds(0, 0)));
        assertTrue(e.getMessage().contains("frame 0 has 2 inputs"), e.getMessage());
    }
}
