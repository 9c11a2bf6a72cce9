package org.esegen.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.esegen.compile.Compiler;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.io.Json;
import org.esegen.io.SyntheticModel;
import org.esegen.prune.PruningMethod;
import org.esegen.rnn.CellKind;
import org.esegen.rnn.LayerStack;
import org.esegen.rnn.LayerWeights;
import org.esegen.speech.Features;
import org.esegen.speech.Normalization;
import org.esegen.speech.SpeechModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench} with a delta-engine configuration (the Spartus benchmark's flow at the tiny size): a
 * CBTD lstm 120 -> 16 with a classifier, two FSDD test utterances through the generated
 * DeltaAccelerator under Verilator and through a 2-layer stack; the JSON rows carry the fields
 * with figures that hang together (bit-exact, latency = cycles / clock, throughput = dense ops /
 * latency, fractions in [0, 1], accuracy over the 300 test utterances). The model's weights are
 * synthetic (so its accuracy is near chance), which is not what this checks.
 */
class DeltaBenchTest {
    private static final Path FSDD = Path.of("..", "..", "shared", "datasets", "fsdd", "recordings");

    @TempDir
    Path dir;

    @Test
    void deltaBenchRunsTheTrainedFlowAtTheTinySize() throws Exception {
        assumeTrue(Files.isDirectory(FSDD), "FSDD beside the repository");
        AcceleratorConfig cfg = Presets.get("tiny").with(java.util.Map.of("engine", 1, "deltaArrays", 2,
                "weightStore", 1, "maxInputSize", 128));
        LayerWeights layer = SyntheticModel.generate(CellKind.LSTM, 0, Features.DIMENSION, 16, 16, false, 9);
        LayerStack pruned = Compiler.prune(cfg, LayerStack.of(layer), PruningMethod.CBTD, 2 / 16.0);
        double[][] classifier = new double[10][16];
        java.util.Random random = new java.util.Random(9);
        for (double[] row : classifier) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        double[] mean = new double[Features.DIMENSION];
        double[] std = new double[Features.DIMENSION];
        java.util.Arrays.fill(std, 4.0);
        List<String> labels = new ArrayList<>();
        for (int d = 0; d < 10; d++) {
            labels.add(Integer.toString(d));
        }
        Path model = dir.resolve("m.safetensors");
        new SpeechModel(pruned, classifier, new double[10], new Normalization(mean, std), labels).write(model);

        CliErrorsTest.Outcome o = CliErrorsTest.run("bench", "--preset", "tiny", "--set", "engine=1", "--set",
                "deltaArrays=2", "--set", "weightStore=1", "--set", "maxInputSize=128", "--model", model.toString(),
                "--data", FSDD.toString(), "--utterance", "0_jackson_0", "--utterance", "9_lucas_4", "--delta",
                "0.2,0.1", "--threads", "2", "--json", "--out", dir.resolve("bench").toString());
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().strip().split("\n");
        assertEquals(2, lines.length, "a row for the layer, one for the stack: " + o.out());
        JsonNode layerRow = Json.mapper().readTree(lines[0]);
        JsonNode stackRow = Json.mapper().readTree(lines[1]);
        for (JsonNode row : List.of(layerRow, stackRow)) {
            assertTrue(row.get("bit_exact").asBoolean(), row.toString());
            assertEquals(8, row.get("macs").asInt());
            double latency = row.get("latency_us_per_sample").asDouble();
            assertEquals(row.get("cycles_per_sample").asDouble() / 200, latency, 1e-9);
            assertEquals(row.get("dense_ops_per_sample").asDouble() / (latency * 1e6),
                    row.get("effective_tops").asDouble(), 1e-9);
            assertTrue(row.get("worst_latency_us").asDouble() >= latency * 0.99, row.toString());
            for (String f : List.of("fired_fraction_x", "fired_fraction_h")) {
                assertTrue(row.get(f).asDouble() > 0 && row.get(f).asDouble() <= 1, f + " " + row);
            }
        }
        assertEquals(2L * 4 * 16 * (120 + 16), layerRow.get("dense_ops_per_sample").asLong());
        assertEquals(2L * 4 * 16 * (120 + 16) + 2L * 4 * 16 * 32, stackRow.get("dense_ops_per_sample").asLong());
        assertTrue(stackRow.get("latency_us_per_sample").asDouble() > latency(layerRow), "two layers take longer");
        assertEquals(300, layerRow.get("test_utterances").asInt());
        assertTrue(layerRow.get("accuracy_fixed").asDouble() >= 0 && layerRow.get("accuracy_cbtd_float").asDouble() >= 0);
        assertTrue(layerRow.get("accuracy_dense_float").isNull(), "no --dense-model, no dense accuracy");
        assertTrue(Files.isRegularFile(dir.resolve("bench").resolve("spartus").resolve("bench.json")));
    }

    private static double latency(JsonNode row) {
        return row.get("latency_us_per_sample").asDouble();
    }
}
