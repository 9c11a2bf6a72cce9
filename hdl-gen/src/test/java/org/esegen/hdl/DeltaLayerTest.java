package org.esegen.hdl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.fixed.FixedFormat;
import org.esegen.golden.GoldenModel;
import org.esegen.hdl.units.DeltaLayer;
import org.esegen.hdl.units.Elementwise;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerWeights;
import org.esegen.speech.Features;
import org.esegen.speech.SpeechModel;
import org.esegen.speech.Wav;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A whole DeltaLSTM or DeltaGRU layer ({@link org.esegen.hdl.units.DeltaLayer}: delta engine, element-wise units,
 * h fed back) under Icarus on real speech against the golden model: a CBTD lstm or gru 120 -> 32 for the tiny
 * configuration (4 PEs) and a whole FSDD recording; every frame's output h_t must equal the golden
 * model's y at every cell (a mismatch names the recording, frame, stage, cell, expected and actual),
 * with and without stalls on every stream.
 */
class DeltaLayerTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{6} {0}, {1} arrays, K {2}, thresholds {3}/{4}, stalls {5} %")
    @CsvSource({"0_jackson_0.wav, 2, 2, 0.05, 0.05, 0, LSTM", "7_theo_12.wav, 4, 1, 0.1, 0.02, 30, LSTM",
            "5_nicolas_2.wav, 4, 2, 1.0, 0.4, 0, LSTM", "3_theo_1.wav, 2, 2, 0.1, 0.1, 0, GRU",
            "9_lucas_4.wav, 4, 1, 0, 0, 20, GRU"})
    void layerOutputsEqualTheGoldenModelOnARecording(String recording, int arrays, int k, double thetaX,
                                                     double thetaH, int stallPercent, CellKind cell) throws Exception {
        long seed = Long.getLong("esegen.seed", 11);
        int pes = 4;
        int hidden = 32;
        AcceleratorConfig config = Presets.get("tiny").with("maxInputSize", 128);
        LayerWeights layer = SyntheticModel.generate(cell, 0, Features.DIMENSION, hidden, hidden, false, 5);
        int realRowsPerColumn = (cell == CellKind.GRU ? 3 : 4) * hidden / pes;
        CompiledModel compiled = Compiler.compile(config, layer, PruningMethod.CBTD, (double) k / realRowsPerColumn);
        long[][] inputs = FsddFrames.normalizedOverTheUtterance(recording, config.activationFormat());
        GoldenModel golden = new GoldenModel(config, compiled.image(new long[][][] {inputs}));
        GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(thetaX, thetaH);
        GoldenModel.DeltaResult result = golden.runDelta(inputs, thresholds, true);
        System.out.println("DeltaLayerTest " + recording + ": seed " + seed + " (-Desegen.seed=" + seed + ")");

        DeltaLayerCosim.Result cosim = DeltaLayerCosim.run(dir, recording, config, compiled.layer(0), inputs, result,
                thresholds, arrays, stallPercent, seed, false);

        assertNull(cosim.mismatch(), recording);
        assertEquals(inputs.length, cosim.framesCompared(), recording + ": every frame's every cell compared");
        int cells = hidden / pes;
        int lastStep = cell == CellKind.GRU ? Elementwise.GRU_LAST_STEP : Elementwise.LAST_STEP;
        assertEquals((long) inputs.length * (Elementwise.CYCLES_PER_CELL * cells + DeltaLayer.ACC_READ_LATENCY
                + lastStep - 1), cosim.cellCycles(), "cells_cycles counts every cycle of every frame's cell step");
        System.out.printf("DeltaLayerTest %s %s, %d PEs x %d arrays, K %d, thresholds %.2f/%.2f, stalls %d %%: %d frames,"
                        + " fired inputs %.1f %%, states %.1f %%, %.1f cycles a frame; %s%n",
                cell, recording, pes, arrays, k, thetaX, thetaH, stallPercent, inputs.length, 100 * result.firedInputs()[0],
                100 * result.firedStates()[0], Arrays.stream(cosim.cyclesPerFrame()).average().orElse(0),
                perFrame(cosim, inputs.length));
    }

    /**
     * Two recordings back to back with a {@code launch} between them (the store and parameter words sent
     * again): the second must start from zero state (M, the last-sent vector, the cell state, the banks)
     * and equal its own golden run, with stalls on every stream.
     */
    @Test
    void aLaunchStartsTheNextUtteranceFromZeroState() throws Exception {
        long seed = Long.getLong("esegen.seed", 13);
        AcceleratorConfig config = Presets.get("tiny").with("maxInputSize", 128);
        LayerWeights layer = SyntheticModel.generate(CellKind.LSTM, 0, Features.DIMENSION, 32, 32, false, 5);
        CompiledModel compiled = Compiler.compile(config, layer, PruningMethod.CBTD, 2 / 32.0);
        List<long[][]> runs = List.of(FsddFrames.normalizedOverTheUtterance("7_theo_12.wav", config.activationFormat()),
                FsddFrames.normalizedOverTheUtterance("3_theo_1.wav", config.activationFormat()));
        GoldenModel golden = new GoldenModel(config, compiled.image(new long[][][] {runs.get(0)}));
        GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(0.1, 0.1);
        List<GoldenModel.DeltaResult> results = runs.stream().map(r -> golden.runDelta(r, thresholds, true)).toList();
        System.out.println("DeltaLayerTest launch: seed " + seed + " (-Desegen.seed=" + seed + ")");

        DeltaLayerCosim.Result cosim = DeltaLayerCosim.run(dir, "7_theo_12 then 3_theo_1", config, compiled.layer(0),
                runs, results, thresholds, 2, 20, seed, false);

        assertNull(cosim.mismatch());
        assertEquals(runs.get(0).length + runs.get(1).length, cosim.framesCompared(), "both runs' frames compared");
    }

    /**
     * Long tier: Spartus's size, 8 arrays x 64 PEs and 64 element-wise units, a synthetic 120 -> 1024
     * lstm pruned by CBTD to K = 4 of 64 rows, 8-bit weights and Q8.8 activations, under Verilator.
     */
    @Tag("long")
    @ParameterizedTest(name = "{0} at Spartus's size, thresholds {1}")
    @CsvSource({"0_jackson_0.wav, 0.1", "9_lucas_4.wav, 0.3"})
    void spartusSizedLayerMatchesTheGoldenModel(String recording, double theta) throws Exception {
        AcceleratorConfig config = Presets.resolve("ese", List.of("pesPerChannel=64", "weightBits=8", "actFracBits=8",
                "maxProjSize=1024"));
        LayerWeights layer = SyntheticModel.generate(CellKind.LSTM, 0, Features.DIMENSION, 1024, 1024, false, 5);
        CompiledModel compiled = Compiler.compile(config, layer, PruningMethod.CBTD, 4.0 / 64);
        long[][] inputs = FsddFrames.normalizedOverTheUtterance(recording, config.activationFormat());
        GoldenModel golden = new GoldenModel(config, compiled.image(new long[][][] {inputs}));
        GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(theta, theta);
        GoldenModel.DeltaResult result = golden.runDelta(inputs, thresholds, true);

        DeltaLayerCosim.Result cosim = DeltaLayerCosim.run(dir, recording, config, compiled.layer(0), inputs, result,
                thresholds, 8, 0, 1, true);

        assertNull(cosim.mismatch(), recording);
        assertEquals(inputs.length, cosim.framesCompared(), recording + ": every frame's every cell compared");
        System.out.printf("DeltaLayerTest %s, 64 PEs x 8 arrays, thresholds %.2f: %d frames, fired inputs %.1f %%,"
                        + " states %.1f %%, %.1f cycles a frame (worst %d); %s%n", recording,
                theta, inputs.length, 100 * result.firedInputs()[0], 100 * result.firedStates()[0],
                Arrays.stream(cosim.cyclesPerFrame()).average().orElse(0),
                Arrays.stream(cosim.cyclesPerFrame()).max().orElse(0), perFrame(cosim, inputs.length));
    }

    /**
     * Long tier, with a trained model: {@code -Desegen.spartusModel=M.safetensors} (a 120 -> 1024 lstm
     * compressed with CBTD to K = 4 of 64, as the README's Spartus section trains it) through the
     * Spartus-sized layer under Verilator on five whole FSDD test utterances at each threshold of {@code
     * -Desegen.spartusThresholds} (default 0.1,0.3), features normalized as the model was trained;
     * every frame bit-exact. Prints each utterance's and the run's cycles a frame. Skipped without a model.
     */
    @Tag("long")
    @Test
    void trainedSpartusLayerOnTestUtterances() throws Exception {
        String model = System.getProperty("esegen.spartusModel");
        assumeTrue(model != null, "no -Desegen.spartusModel=M.safetensors given");
        AcceleratorConfig config = Presets.resolve("ese", List.of("pesPerChannel=64", "weightBits=8", "actFracBits=8",
                "maxProjSize=1024"));
        SpeechModel speech = SpeechModel.read(Path.of(model));
        CompiledModel compiled = Compiler.compile(config, speech.model(), PruningMethod.NONE, 1.0);
        FixedFormat act = config.activationFormat();
        for (String threshold : System.getProperty("esegen.spartusThresholds", "0.1,0.3").split(",")) {
            double theta = Double.parseDouble(threshold);
            long cycles = 0;
            long frames = 0;
            long worst = 0;
            for (String name : List.of("0_jackson_0", "3_theo_1", "5_nicolas_2", "7_yweweler_3", "9_lucas_4")) {
                long[][] inputs = Quantizer.quantize(speech.normalization().apply(
                        Features.of(Wav.read(FsddFrames.recording(name + ".wav")))), act);
                GoldenModel golden = new GoldenModel(config, compiled.image(new long[][][] {inputs}));
                GoldenModel.DeltaThresholds thresholds = golden.deltaThresholds(theta, theta);
                GoldenModel.DeltaResult result = golden.runDelta(inputs, thresholds, true);
                Path work = Files.createDirectories(dir.resolve(name + "_" + threshold));

                DeltaLayerCosim.Result cosim = DeltaLayerCosim.run(work, name, config, compiled.layer(0), inputs, result,
                        thresholds, 8, 0, 1, true);

                assertNull(cosim.mismatch(), name);
                assertEquals(inputs.length, cosim.framesCompared(), name + ": every frame's every cell compared");
                long sum = Arrays.stream(cosim.cyclesPerFrame()).sum();
                long max = Arrays.stream(cosim.cyclesPerFrame()).max().orElse(0);
                cycles += sum;
                frames += inputs.length;
                worst = Math.max(worst, max);
                System.out.printf("DeltaLayerTest trained %s, thresholds %.2f: %d frames bit-exact, fired x %.1f %%,"
                                + " h %.1f %%, %.1f cycles a frame (worst %d); %s%n", name, theta, inputs.length,
                        100 * result.firedInputs()[0], 100 * result.firedStates()[0], (double) sum / inputs.length, max,
                        perFrame(cosim, inputs.length));
            }
            System.out.printf("DeltaLayerTest trained, thresholds %.2f: %d frames, %.1f cycles a frame (%.3f us at 200"
                    + " MHz), worst %d%n", theta, frames, (double) cycles / frames, cycles / (double) frames / 200, worst);
        }
    }

    /** The layer's cycle counters, a frame on average. */
    private static String perFrame(DeltaLayerCosim.Result cosim, int frames) {
        StringBuilder text = new StringBuilder("a frame:");
        cosim.counters().forEach((name, count) -> text.append(String.format(" %s %.1f", name, (double) count / frames)));
        return text.toString();
    }
}
