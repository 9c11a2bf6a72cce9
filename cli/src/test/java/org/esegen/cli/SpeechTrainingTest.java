package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.esegen.circulant.BlockCirculant;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.RowMapping;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.golden.GoldenModel;
import org.esegen.io.Json;
import org.esegen.rnn.FloatReference;
import org.esegen.rnn.LayerWeights;
import org.esegen.prune.PruningMethod;
import org.esegen.speech.Dataset;
import org.esegen.speech.FeatureSet;
import org.esegen.speech.Normalization;
import org.esegen.speech.SpeechEvaluation;
import org.esegen.speech.SpeechModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Training, compression and evaluation on a small espeak-ng digit set (real engine, real files):
 * the loss falls and beats chance, same seed same bytes, masks hold through retraining, float and
 * fixed agree within the derived bound, and the compressed model co-simulates bit-exactly.
 */
class SpeechTrainingTest {
    static final List<String> TINY_SPEECH = List.of("--preset", "tiny", "--set", "maxInputSize=120");

    @TempDir
    static Path dir;
    static Path digits;
    static Path model;
    static String trainLog;

    @BeforeAll
    static void trainATinyModel() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v espeak-ng").start().waitFor() == 0,
                "espeak-ng is installed (scripts/bootstrap.sh)");
        digits = dir.resolve("digits");
        assertEquals(0, CliErrorsTest.run("dataset", "espeak-digits", "--out", digits.toString(), "--per-digit", "10",
                "--seed", "11").code());
        model = dir.resolve("m.safetensors");
        CliErrorsTest.Outcome o = CliErrorsTest.run("train", "--data", digits.resolve("manifest.csv").toString(),
                "--hidden", "16", "--proj", "8", "--peepholes", "--epochs", "8", "--lr", "0.02", "--seed", "5",
                "--threads", "1", "--out", model.toString());
        assertEquals(0, o.code(), o.err());
        trainLog = o.err();
        System.out.println(trainLog);
    }

    @Test
    void theLossFallsAndTheModelBeatsChance() {
        Matcher m = Pattern.compile("loss ([0-9.]+), train ([0-9.]+) %").matcher(trainLog);
        List<double[]> epochs = new ArrayList<>();
        while (m.find()) {
            epochs.add(new double[]{Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        }
        assertEquals(8, epochs.size(), trainLog);
        assertTrue(epochs.get(7)[0] < 0.7 * epochs.get(0)[0], "loss falls: " + trainLog);
        assertTrue(epochs.get(7)[1] > 30, "training accuracy beats chance (10 %) by far: " + trainLog);
    }

    @Test
    void theSameSeedAndThreadsGiveTheSameBytes() throws Exception {
        Path again = dir.resolve("again.safetensors");
        assertEquals(0, CliErrorsTest.run("train", "--data", digits.resolve("manifest.csv").toString(), "--hidden", "16",
                "--proj", "8", "--peepholes", "--epochs", "8", "--lr", "0.02", "--seed", "5", "--threads", "1", "--out",
                again.toString()).code());
        assertArrayEquals(Files.readAllBytes(model), Files.readAllBytes(again));
    }

    /**
     * Every cell and a stack train, compress and evaluate: a 2-layer GRU learns (loss falls, beats
     * chance), ESE compression keeps each layer at the density with its zeros fixed, and the fixed-point
     * evaluation runs the GRU stack through the golden model.
     */
    @Test
    void aGruStackTrainsCompressesAndEvaluatesInFixedPoint() throws Exception {
        Path gru = dir.resolve("gru2.safetensors");
        CliErrorsTest.Outcome o = CliErrorsTest.run("train", "--data", digits.resolve("manifest.csv").toString(),
                "--cell", "gru", "--layers", "2", "--hidden", "12", "--epochs", "8", "--lr", "0.02", "--seed", "5",
                "--threads", "1", "--out", gru.toString());
        assertEquals(0, o.code(), o.err());
        Matcher m = Pattern.compile("loss ([0-9.]+), train ([0-9.]+) %").matcher(o.err());
        List<double[]> epochs = new ArrayList<>();
        while (m.find()) {
            epochs.add(new double[]{Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        }
        assertTrue(epochs.get(7)[0] < 0.8 * epochs.get(0)[0] && epochs.get(7)[1] > 20, o.err());
        SpeechModel trained = SpeechModel.read(gru);
        assertEquals(org.esegen.rnn.CellKind.GRU, trained.model().cell());
        assertEquals(2, trained.model().depth());

        Path compressed = dir.resolve("gru2-ese.safetensors");
        List<String> args = new ArrayList<>(List.of("compress", "--model", gru.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--method", "ese", "--density", "0.3", "--retrain-epochs",
                "2", "--stages", "1", "--threads", "1", "--out", compressed.toString(), "--json"));
        args.addAll(TINY_SPEECH);
        args.addAll(List.of("--set", "maxLayers=2"));
        o = CliErrorsTest.run(args.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        SpeechModel pruned = SpeechModel.read(compressed);
        for (LayerWeights layer : pruned.model().layers()) {
            assertEquals(0.3, layer.matrixDensity(), 0.01, "layer " + layer.layer() + " keeps its density");
        }
        List<String> eval = new ArrayList<>(List.of("evaluate", "--model", compressed.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--mode", "fixed", "--json"));
        eval.addAll(TINY_SPEECH);
        eval.addAll(List.of("--set", "maxLayers=2", "--set", "gruElementwise=1"));
        o = CliErrorsTest.run(eval.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
    }

    /**
     * --delta 0,0 is the plain network (every element fires), in float and through the golden model; larger
     * thresholds fire less, in fixed point as in float.
     */
    @Test
    void evaluateAsADeltaNetworkReportsTheFiredFractions() throws Exception {
        String data = digits.resolve("manifest.csv").toString();
        CliErrorsTest.Outcome plain = CliErrorsTest.run("evaluate", "--model", model.toString(), "--data", data,
                "--mode", "float", "--json");
        CliErrorsTest.Outcome every = CliErrorsTest.run("evaluate", "--model", model.toString(), "--data", data,
                "--mode", "float", "--delta", "0,0", "--json");
        CliErrorsTest.Outcome some = CliErrorsTest.run("evaluate", "--model", model.toString(), "--data", data,
                "--mode", "float", "--delta", "0.5,0.1", "--json");
        assertEquals(0, every.code(), every.err());
        JsonNode p = Json.mapper().readTree(lastLine(plain));
        JsonNode e = Json.mapper().readTree(lastLine(every));
        JsonNode s = Json.mapper().readTree(lastLine(some));
        assertEquals(p.get("accuracy").asDouble(), e.get("accuracy").asDouble(), 0.0);
        assertEquals(1.0, e.get("fired_fraction_x").get(0).asDouble(), 0.0);
        double fired = s.get("fired_fraction_x").get(0).asDouble();
        assertTrue(fired > 0 && fired < 1, "theta 0.5 fires some inputs: " + fired);
        List<String> fixed = new ArrayList<>(List.of("evaluate", "--model", model.toString(), "--data", data,
                "--mode", "fixed", "--json"));
        fixed.addAll(TINY_SPEECH);
        JsonNode fixedPlain = Json.mapper().readTree(lastLine(CliErrorsTest.run(fixed.toArray(String[]::new))));
        fixed.addAll(List.of("--delta", "0,0"));
        JsonNode fixedEvery = Json.mapper().readTree(lastLine(CliErrorsTest.run(fixed.toArray(String[]::new))));
        assertEquals("fixed-delta", fixedEvery.get("mode").asText());
        assertEquals(fixedPlain.get("accuracy").asDouble(), fixedEvery.get("accuracy").asDouble(), 0.0,
                "the golden model's delta network at threshold 0 is the plain one");
        fixed.set(fixed.size() - 1, "0.5,0.1");
        JsonNode fixedSome = Json.mapper().readTree(lastLine(CliErrorsTest.run(fixed.toArray(String[]::new))));
        assertEquals(fired, fixedSome.get("fired_fraction_x").get(0).asDouble(), 0.05,
                "fixed point fires what float fires, up to rounding at the threshold");
        CliErrorsTest.Outcome bad = CliErrorsTest.run("evaluate", "--model", model.toString(), "--data", data,
                "--mode", "float", "--delta", "0.1");
        assertEquals(2, bad.code());
        assertTrue(bad.err().contains("expected THETA_X,THETA_H"), bad.err());
    }

    private static String lastLine(CliErrorsTest.Outcome o) {
        assertEquals(0, o.code(), o.err());
        String[] lines = o.out().strip().split("\n");
        return lines[lines.length - 1];
    }

    @Test
    void compressionKeepsItsMasksHitsTheDensityAndStaysBalanced() throws Exception {
        for (String method : List.of("ese", "cbtd")) {
            Path out = dir.resolve(method + ".safetensors");
            List<String> args = new ArrayList<>(List.of("compress", "--model", model.toString(), "--data",
                    digits.resolve("manifest.csv").toString(), "--method", method, "--density", "0.25",
                    "--retrain-epochs", "2", "--stages", "2", "--threads", "1", "--out", out.toString(), "--json"));
            args.addAll(TINY_SPEECH);
            CliErrorsTest.Outcome o = CliErrorsTest.run(args.toArray(String[]::new));
            assertEquals(0, o.code(), o.err());
            SpeechModel dense = SpeechModel.read(model);
            SpeechModel pruned = SpeechModel.read(out);
            AcceleratorConfig cfg = Presets.resolve("tiny", List.of("maxInputSize=120"));
            LayerWeights target = Compiler.prune(cfg, dense.model().layer(0), PruningMethod.parse(method), 0.25);
            assertEquals(target.matrixDensity(), pruned.model().layer(0).matrixDensity(), 0.002,
                    method + ": the density the pruner sets (a retrained weight can only reach 0 exactly by chance)");
            assertTrue(Math.abs(pruned.model().layer(0).matrixDensity() - 0.25) < 0.01, method + " hits 0.25: "
                    + pruned.model().layer(0).matrixDensity());
            double[][] wa = pruned.model().layer(0).combinedInputMatrix();
            int[] rowToPe = RowMapping.gates(pruned.model().layer(0).hiddenSize(), cfg.pes()).pe();
            int[] perPe = new int[cfg.pes()];
            for (int r = 0; r < wa.length; r++) {
                for (double w : wa[r]) {
                    perPe[rowToPe[r]] += w != 0 ? 1 : 0;
                }
            }
            int min = java.util.Arrays.stream(perPe).min().orElseThrow();
            int max = java.util.Arrays.stream(perPe).max().orElseThrow();
            assertTrue(max - min <= 1 + wa[0].length / 10, method + ": per-PE nonzeros " + java.util.Arrays.toString(perPe));
        }
    }

    /**
     * compress --method circulant: every matrix written is block-circulant, the figures count the
     * weights a block keeps; evaluate runs it through the FFT golden model; compile and cosim with the ernn
     * preset make its image and run it through the generated CirculantAccelerator bit for bit; bad option
     * combinations exit 2 and name the option.
     */
    @Test
    void circulantCompressionWritesBlockCirculantMatrices() throws Exception {
        Path out = dir.resolve("circulant.safetensors");
        List<String> args = new ArrayList<>(List.of("compress", "--model", model.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--method", "circulant", "--block", "4", "--admm-epochs",
                "1", "--retrain-epochs", "1", "--threads", "1", "--out", out.toString(), "--json"));
        args.addAll(TINY_SPEECH);
        CliErrorsTest.Outcome o = CliErrorsTest.run(args.toArray(String[]::new));
        JsonNode figures = Json.mapper().readTree(lastLine(o));
        assertEquals(4, figures.get("block").asInt());
        assertEquals(4.0, figures.get("weight_reduction").asDouble(), 0.2, figures.toString());
        assertTrue(figures.get("accuracy_after").asDouble() >= 0, figures.toString());
        for (LayerWeights layer : SpeechModel.read(out).model().layers()) {
            for (double[][] w : List.of(layer.wIh(), layer.wHh())) {
                double[][] p = BlockCirculant.project(w, 4).dense();
                for (int r = 0; r < w.length; r++) {
                    assertArrayEquals(p[r], w[r], 1e-5, "layer " + layer.layer() + " row " + r + " is block-circulant");
                }
            }
        }
        List<String> evaluate = List.of("evaluate", "--model", out.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--threads", "1", "--json", "--preset", "ernn", "--set",
                "circulantBlock=4", "--mode");
        JsonNode inFloat = Json.mapper().readTree(lastLine(CliErrorsTest.run(
                Stream.concat(evaluate.stream(), Stream.of("float")).toArray(String[]::new))));
        JsonNode throughFfts = Json.mapper().readTree(lastLine(CliErrorsTest.run(
                Stream.concat(evaluate.stream(), Stream.of("fixed")).toArray(String[]::new))));
        assertEquals("fixed", throughFfts.get("mode").asText());
        assertEquals(4, throughFfts.get("circulant_block").asInt());
        assertEquals(figures.get("weight_reduction").asDouble(), throughFfts.get("weight_reduction").asDouble(), 0.2,
                throughFfts.toString());
        System.out.printf("circulant b=4 on the espeak digits: float %.4f, fixed through the FFT golden model %.4f%n",
                inFloat.get("accuracy").asDouble(), throughFfts.get("accuracy").asDouble());
        assertEquals(inFloat.get("accuracy").asDouble(), throughFfts.get("accuracy").asDouble(), 0.1,
                "16-bit spectra and activations keep the float accuracy");
        CliErrorsTest.Outcome generated = CliErrorsTest.run("generate", "--preset", "ernn", "--out",
                dir.resolve("ernn-rtl").toString());
        assertEquals(0, generated.code(), generated.err());
        assertEquals("CirculantAccelerator", Json.mapper().readTree(dir.resolve("ernn-rtl").resolve("params.json")
                .toFile()).get("top").asText());
        CliErrorsTest.Outcome compiled = CliErrorsTest.run("compile", "--preset", "ernn", "--set", "circulantBlock=4",
                "--model", out.toString(), "--num-frames", "6", "--json", "--out", dir.resolve("ernn-image").toString());
        assertEquals(0, compiled.code(), compiled.err());
        JsonNode image = Json.mapper().readTree(lastLine(compiled));
        assertEquals(4, image.get("block_size").asInt());
        assertEquals(image.get("dense_weights").asDouble() / 4, image.get("stored_weights").asDouble(), 1.0,
                image.toString());
        assertTrue(image.get("snr_db").asDouble() > 30, "16-bit spectra track the float circulant model: " + image);
        assertEquals(image.get("snr_db").asDouble(), image.get("snr_db_vs_given").asDouble(), 0.5,
                "a circulant-trained model projects onto itself: " + image);
        assertEquals(Files.size(dir.resolve("ernn-image").resolve("image.bin")), image.get("image_bytes").asLong());
        CliErrorsTest.Outcome cosim = CliErrorsTest.run("cosim", "--preset", "ernn", "--set", "circulantBlock=4", "--set",
                "maxInputSize=120", "--set", "maxHiddenSize=16", "--set", "maxProjSize=16", "--set", "channels=2",
                "--model", out.toString(), "--frames", "3", "--json", "--out", dir.resolve("ernn-cosim").toString());
        assertEquals(0, cosim.code(), cosim.err());
        JsonNode run = Json.mapper().readTree(lastLine(cosim));
        assertTrue(run.get("bit_exact").asBoolean(), run.toString());
        assertEquals(3, run.get("frames").asInt());
        assertEquals(3 * run.get("ideal_mac_cycles_per_frame").asLong(), run.get("counters").get("GATE_MAC_CYCLES")
                .asLong() + run.get("counters").get("PROJ_MAC_CYCLES").asLong(), run.toString());
        CliErrorsTest.Outcome noDelta = CliErrorsTest.run(Stream.concat(evaluate.stream(),
                Stream.of("fixed", "--delta", "0.1,0.1")).toArray(String[]::new));
        assertEquals(2, noDelta.code());
        assertTrue(noDelta.err().contains("runs every column every frame"), noDelta.err());
        CliErrorsTest.Outcome noBlock = CliErrorsTest.run("compress", "--model", model.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--method", "circulant", "--out",
                dir.resolve("x.safetensors").toString());
        assertEquals(2, noBlock.code());
        assertTrue(noBlock.err().contains("--block"), noBlock.err());
        CliErrorsTest.Outcome noDensity = CliErrorsTest.run("compress", "--model", model.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--method", "ese", "--out",
                dir.resolve("y.safetensors").toString());
        assertEquals(2, noDensity.code());
        assertTrue(noDensity.err().contains("--density"), noDensity.err());
    }

    /**
     * A prediction can change between float and fixed only where the float logits' margin is at most
     * 2 max_k ||W_k||_1 eps, eps the largest |fixed - float| output of the utterance: a logit moves by at
     * most ||W_k||_1 eps when every averaged output moves by at most eps.
     */
    @Test
    void floatAndFixedAgreeWhereverTheMarginExceedsTheDerivedBound() {
        SpeechModel m = SpeechModel.read(model);
        AcceleratorConfig cfg = Presets.resolve("tiny", List.of("maxInputSize=120"));
        CompiledModel compiled = Compiler.compile(cfg, m.model(), PruningMethod.NONE, 1.0);
        FeatureSet set = FeatureSet.extract(Dataset.load(digits.resolve("manifest.csv")), 2);
        Normalization norm = m.normalization();
        GoldenModel golden = SpeechEvaluation.goldenModel(compiled);
        double rowNorm = 0;
        for (double[] row : m.classifierWeight()) {
            rowNorm = Math.max(rowNorm, java.util.Arrays.stream(row).map(Math::abs).sum());
        }
        int checked = 0;
        for (double[][] f : set.features()) {
            double[][] x = norm.apply(f);
            double[][] floatOut = FloatReference.run(m.model(), x);
            double[][] fixedOut = SpeechEvaluation.fixedOutputs(golden, cfg.activationFormat(), x);
            double eps = 0;
            for (int t = 0; t < floatOut.length; t++) {
                for (int j = 0; j < floatOut[t].length; j++) {
                    eps = Math.max(eps, Math.abs(floatOut[t][j] - fixedOut[t][j]));
                }
            }
            double[] logits = m.logits(floatOut);
            double[] sorted = logits.clone();
            java.util.Arrays.sort(sorted);
            double margin = sorted[sorted.length - 1] - sorted[sorted.length - 2];
            if (margin > 2 * rowNorm * eps) {
                assertEquals(SpeechModel.argmax(logits), SpeechModel.argmax(m.logits(fixedOut)),
                        "margin " + margin + " > bound " + 2 * rowNorm * eps);
                checked++;
            }
        }
        System.out.println("float/fixed: " + checked + " of " + set.features().size() + " utterances above the bound");
        assertTrue(checked > set.features().size() / 2, "the bound is not vacuous: " + checked);
    }

    @Test
    void theCompressedModelCoSimulatesBitExactlyOnARealUtterance() throws Exception {
        Path compressed = dir.resolve("for-cosim.safetensors");
        List<String> args = new ArrayList<>(List.of("compress", "--model", model.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--method", "ese", "--density", "0.3", "--retrain-epochs",
                "1", "--stages", "1", "--threads", "1", "--out", compressed.toString()));
        args.addAll(TINY_SPEECH);
        assertEquals(0, CliErrorsTest.run(args.toArray(String[]::new)).code());
        Path features = dir.resolve("features");
        assertEquals(0, CliErrorsTest.run("features", "--data", digits.resolve("manifest.csv").toString(), "--out",
                features.toString()).code());
        List<String> cosim = new ArrayList<>(List.of("cosim", "--model", compressed.toString(), "--pruning", "none",
                "--frames", features.resolve("4_gbm3_0.npy").toString(), "--out", dir.resolve("cosim").toString(),
                "--json"));
        cosim.addAll(TINY_SPEECH);
        CliErrorsTest.Outcome o = CliErrorsTest.run(cosim.toArray(String[]::new));
        assertEquals(0, o.code(), "bit-exact on a real utterance: " + o.err());
        JsonNode report = Json.mapper().readTree(dir.resolve("cosim/report.json").toFile());
        assertTrue(report.get("bit_exact").asBoolean());
        assertEquals("none", report.get("pruning").asText());
    }

    @Test
    void badModelsAreRefusedWithTheReason() throws Exception {
        Path synthetic = dir.resolve("synthetic");
        assertEquals(0, CliErrorsTest.run("synthetic", "--spec", "120,16,8", "--frames", "2", "--out",
                synthetic.toString()).code());
        CliErrorsTest.Outcome o = CliErrorsTest.run("evaluate", "--model", synthetic.resolve("model.safetensors")
                .toString(), "--data", digits.resolve("manifest.csv").toString(), "--mode", "float");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("has no tensor 'classifier.weight'"), o.err());
        SpeechModel m = SpeechModel.read(model);
        LayerWeights narrow = org.esegen.io.SyntheticModel.generate(7, 16, 8, true, 1);
        Path wrongInput = dir.resolve("seven.safetensors");
        new SpeechModel(org.esegen.rnn.LayerStack.of(narrow), m.classifierWeight(), m.classifierBias(), new Normalization(new double[7], new double[7]),
                m.labels()).write(wrongInput);
        o = CliErrorsTest.run("evaluate", "--model", wrongInput.toString(), "--data",
                digits.resolve("manifest.csv").toString(), "--mode", "float");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("takes 7 inputs, the speech features are 120"), o.err());
        o = CliErrorsTest.run("train", "--data", dir.resolve("nowhere").toString(), "--hidden", "8", "--out",
                dir.resolve("x.safetensors").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("does not exist"), o.err());
    }
}
