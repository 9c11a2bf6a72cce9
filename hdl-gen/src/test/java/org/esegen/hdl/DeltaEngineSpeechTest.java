package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.esegen.compile.ColumnBalancedEncoding;
import org.esegen.compile.CompiledLayer;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.golden.GoldenModel;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerWeights;
import org.esegen.speech.Features;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * DeltaEngine under Icarus on real speech against the golden model: an lstm layer (120 -> 32, CBTD
 * at K / 32 per PE slice of 4 PEs) compiled for the tiny configuration, and a whole FSDD recording's
 * features; {@code GoldenModel.runDelta} gives, frame by frame, the vector v = [x_t; y_(t-1)] and
 * the stage z (the delta memory rescaled). The engine takes each frame's v as groups and, after each
 * frame, its M (the sum of its arrays' partial memories) rescaled as the element-wise step does must
 * equal z at every row (a mismatch names the recording, frame, stage, row, expected and actual), and
 * no frame may take fewer cycles than its bound. The long tier does the same at Spartus's size under
 * Verilator.
 */
class DeltaEngineSpeechTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}, {1} arrays, K {2}, thresholds {3}/{4}")
    @CsvSource({"0_jackson_0.wav, 2, 2, 0.05, 0.05", "7_theo_12.wav, 4, 1, 0.1, 0.02", "0_jackson_0.wav, 2, 2, 0.6, 0.6",
            "5_nicolas_2.wav, 4, 2, 1.0, 0.4"})
    void deltaMemoryEqualsTheGoldenModelsZOnARecording(String recording, int arrays, int k, double thetaX,
                                                       double thetaH) throws Exception {
        int pes = 4;
        int hidden = 32;
        AcceleratorConfig config = Presets.get("tiny").with("maxInputSize", 128);
        LayerWeights layer = SyntheticModel.generate(CellKind.LSTM, 0, Features.DIMENSION, hidden, hidden, false, 5);
        CompiledModel compiled = Compiler.compile(config, layer, PruningMethod.CBTD, k / (4.0 * hidden / pes));
        CompiledLayer compiledLayer = compiled.layer(0);
        assertEquals(k, ColumnBalancedEncoding.encode("W_a", compiledLayer.pruned().combinedInputMatrix(),
                compiledLayer.wa().decode(), compiledLayer.wa().mapping(), compiledLayer.wa().fracBits()).k(),
                "CBTD leaves K in every column of every PE's slice");
        cosimulate(recording, config, compiled, arrays, thetaX, thetaH, false);
    }

    /**
     * Long tier: Spartus's size, 8 arrays x 64 PEs, a synthetic 120 -> 1024 lstm pruned by CBTD to K =
     * 4 of 64 rows, 8-bit weights and Q8.8 activations, under Verilator, on two whole recordings.
     */
    @Tag("long")
    @ParameterizedTest(name = "{0} at Spartus's size, thresholds {1}")
    @CsvSource({"0_jackson_0.wav, 0.1", "9_lucas_4.wav, 0.3"})
    void spartusSizedEngineMatchesTheGoldenModel(String recording, double theta) throws Exception {
        AcceleratorConfig config = Presets.resolve("ese", List.of("pesPerChannel=64", "weightBits=8", "actFracBits=8",
                "maxProjSize=1024"));
        LayerWeights layer = SyntheticModel.generate(CellKind.LSTM, 0, Features.DIMENSION, 1024, 1024, false, 5);
        cosimulate(recording, config, Compiler.compile(config, layer, PruningMethod.CBTD, 4.0 / 64), 8, theta, theta,
                true);
    }

    /**
     * The recording's features (normalized over the utterance, quantized to the activation format)
     * through the golden model's delta run and layer 0's engine: no mismatch, every frame read out
     * whole, no frame under its cycle bound.
     */
    private void cosimulate(String recording, AcceleratorConfig config, CompiledModel compiled, int arrays,
                            double thetaX, double thetaH, boolean verilator) throws Exception {
        long[][] inputs = FsddFrames.normalizedOverTheUtterance(recording, config.activationFormat());
        GoldenModel golden = new GoldenModel(config, compiled.image(new long[][][] {inputs}));
        GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(thetaX, thetaH);
        GoldenModel.DeltaResult result = golden.runDelta(inputs, thresholds, true);

        DeltaEngineCosim.Result cosim = DeltaEngineCosim.run(dir, recording, config, compiled.layer(0), inputs, result,
                thresholds, arrays, verilator);

        assertNull(cosim.mismatch(), recording);
        assertEquals(inputs.length, cosim.framesCompared(), recording + ": every frame's every row compared");
        for (int t = 0; t < inputs.length; t++) {
            assertTrue(cosim.cyclesPerFrame()[t] >= cosim.boundPerFrame()[t], recording + ": frame " + t + " took "
                    + cosim.cyclesPerFrame()[t] + " cycles, below its bound " + cosim.boundPerFrame()[t]);
        }
        System.out.printf("DeltaEngineSpeechTest %s, %d PEs x %d arrays, thresholds %.2f/%.2f: %d frames, fired inputs"
                        + " %.1f %%, states %.1f %%, %.1f cycles a frame (bound %.1f)%n", recording, config.pes(), arrays,
                thetaX, thetaH, inputs.length, 100 * result.firedInputs()[0], 100 * result.firedStates()[0],
                Arrays.stream(cosim.cyclesPerFrame()).average().orElse(0),
                Arrays.stream(cosim.boundPerFrame()).average().orElse(0));
    }
}
