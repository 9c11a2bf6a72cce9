package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.compile.CompiledModel;
import org.esegen.compile.Compiler;
import org.esegen.compile.Metrics;
import org.esegen.config.AcceleratorConfig;
import org.esegen.config.Presets;
import org.esegen.golden.Evaluation;
import org.esegen.io.ModelFile;
import org.esegen.io.Npy;
import org.esegen.prune.PruningMethod;
import org.esegen.quant.Quantizer;
import org.esegen.rnn.LayerStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code esegen search}: bounds, verdicts, the pick, measurement, the sharded path, and bad input. */
class SearchCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path model;
    static Path frames;

    @BeforeAll
    static void makeModel() {
        Path syn = dir.resolve("syn");
        CliErrorsTest.Outcome o = CliErrorsTest.run("synthetic", "--spec", "12,20,10,1.0,5", "--frames", "12",
                "--out", syn.toString());
        assertEquals(0, o.code(), o.err());
        model = syn.resolve("model.safetensors");
        frames = syn.resolve("frames.npy");
    }

    private static List<String> search(String out, String... more) {
        List<String> a = new ArrayList<>(List.of("search", "--preset", "tiny", "--model", model.toString(), "--frames",
                frames.toString(), "--out", dir.resolve(out).toString()));
        a.addAll(List.of(more));
        return a;
    }

    private static final String[] SPACE = {"--pes", "2,4", "--channels", "1,2", "--weight-bits", "8,12", "--pruning",
            "ese,global", "--densities", "0.5,1", "--stores", "ddr,onchip", "--min-snr", "20"};

    /**
     * Without measuring: every candidate has a verdict, the pick has the best bound of the candidates that
     * reach the floor, its bound and SNR equal an independent compile and golden-model run, and a second
     * run writes the same bytes.
     */
    @Test
    void theUnmeasuredPickHasTheBestBoundAtTheFloor() throws IOException {
        List<String> args = new ArrayList<>(search("predicted", SPACE));
        args.addAll(List.of("--budget-points", "0", "--json"));
        CliErrorsTest.Outcome o = CliErrorsTest.run(args.toArray(String[]::new));
        System.out.println(o.err());
        assertEquals(0, o.code(), o.err());
        JsonNode rows = MAPPER.readTree(dir.resolve("predicted/candidates.json").toFile());
        assertEquals(64, rows.size());
        JsonNode chosen = null;
        for (JsonNode r : rows) {
            assertFalse(r.get("verdict").asText().isBlank(), r.toString());
            if (r.get("chosen").asBoolean()) {
                assertEquals(null, chosen, "one pick");
                chosen = r;
            }
        }
        assertNotNull(chosen);
        assertEquals(chosen.get("id").asText(), MAPPER.readTree(o.out()).get("chosen").asText());
        assertTrue(chosen.get("snr").asDouble() >= 20, chosen.toString());
        for (JsonNode r : rows) {
            if (r.get("snr").isNumber() && r.get("snr").asDouble() >= 20) {
                assertTrue(r.get("bound_latency_us").asDouble() >= chosen.get("bound_latency_us").asDouble(),
                        r.get("id") + " has a better bound than the pick " + chosen.get("id"));
            }
        }

        boolean onchip = chosen.get("id").asText().endsWith("-onchip");
        AcceleratorConfig cfg = Presets.get("tiny").with(Map.of("pesPerChannel", chosen.get("pes").asInt(),
                "weightBits", chosen.get("weight_bits").asInt(), "weightStore", onchip ? 1 : 0));
        LayerStack dense = ModelFile.read(model, null);
        CompiledModel compiled = Compiler.compile(cfg, dense, PruningMethod.parse(chosen.get("pruning").asText()),
                chosen.get("target_density").asDouble());
        Metrics m = Metrics.of(compiled);
        long ddr = (m.compressedBytes() + cfg.axiDataBytes() - 1) / cfg.axiDataBytes();
        assertEquals(onchip ? m.idealCyclesPerFrame() : Math.max(m.idealCyclesPerFrame(), ddr),
                Math.round(chosen.get("bound_latency_us").asDouble() * cfg.clockMhz()));
        double[][] x = Npy.read(frames);
        byte[] image = compiled.image(new long[][][]{Quantizer.quantize(x, cfg.activationFormat())});
        double snr = Evaluation.run(compiled, image, dense, new double[][][]{x}, false).vsDense().snrDb();
        assertEquals(snr, chosen.get("snr").asDouble(), 1e-9);

        List<String> again = new ArrayList<>(search("predicted-again", SPACE));
        again.addAll(List.of("--budget-points", "0"));
        assertEquals(0, CliErrorsTest.run(again.toArray(String[]::new)).code());
        for (String f : List.of("candidates.json", "candidates.csv", "best.json", "report.html", "search.json")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("predicted").resolve(f)),
                    Files.readAllBytes(dir.resolve("predicted-again").resolve(f)), f);
        }
        String html = Files.readString(dir.resolve("predicted/report.html"));
        assertTrue(html.contains("<svg") && html.contains("Why the others lost") && html.contains("below the floor"),
                "report sections");
    }

    private static final String[] MEASURED_SPACE = {"--pes", "2,4", "--channels", "1", "--weight-bits", "8", "--pruning",
            "global", "--densities", "1", "--stores", "ddr", "--min-snr", "20", "--budget-points", "2",
            "--frames-per-point", "2"};

    /** A measured search into {@code out}; returns its candidates. */
    private static JsonNode measuredSearch(String out) throws IOException {
        CliErrorsTest.Outcome o = CliErrorsTest.run(search(out, MEASURED_SPACE).toArray(String[]::new));
        System.out.println(o.err());
        assertEquals(0, o.code(), o.err() + o.out());
        return MAPPER.readTree(dir.resolve(out).resolve("candidates.json").toFile());
    }

    /**
     * Measuring two candidates (co-simulation and Yosys): the pick is bit-exact, fits, and is the faster
     * of the two, and no measured latency is below its bound.
     */
    @Test
    void measuredSearchPicksTheFastestBitExactDesignThatFits() throws IOException {
        JsonNode rows = measuredSearch("measured");
        assertEquals(2, rows.size());
        JsonNode f = MAPPER.readTree(dir.resolve("measured/best.json").toFile()).get("figures");
        assertTrue(f.get("bit_exact").asBoolean() && f.get("fits").asBoolean(), f.toString());
        for (JsonNode r : rows) {
            assertTrue(r.get("latency_us").isNumber(), "both measured: " + r);
            assertTrue(r.get("latency_us").asDouble() >= f.get("latency_us").asDouble());
            assertTrue(r.get("latency_us").asDouble() >= r.get("bound_latency_us").asDouble() - 1e-9,
                    "the bound is a lower bound: " + r);
        }
    }

    /**
     * Measuring the shortlist in two slices, merging them with sweep-merge and finishing with --measured
     * gives the files of the search run at once (long tier: four more Yosys runs).
     */
    @Test
    @org.junit.jupiter.api.Tag("long")
    void theShardedPathGivesTheSameFiles() throws IOException {
        measuredSearch("whole");
        for (int k = 1; k <= 2; k++) {
            List<String> a = search("shard-" + k, MEASURED_SPACE);
            a.addAll(List.of("--shard", k + "/2"));
            CliErrorsTest.Outcome s = CliErrorsTest.run(a.toArray(String[]::new));
            assertEquals(0, s.code(), s.err());
        }
        CliErrorsTest.Outcome merge = CliErrorsTest.run("sweep-merge", "--out", dir.resolve("merged").toString(),
                dir.resolve("shard-1/measured").toString(), dir.resolve("shard-2/measured").toString());
        assertEquals(0, merge.code(), merge.err());
        List<String> fin = search("from-shards", MEASURED_SPACE);
        fin.addAll(List.of("--measured", dir.resolve("merged").toString()));
        CliErrorsTest.Outcome last = CliErrorsTest.run(fin.toArray(String[]::new));
        assertEquals(0, last.code(), last.err());
        for (String file : List.of("candidates.json", "best.json", "report.html")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("whole").resolve(file)),
                    Files.readAllBytes(dir.resolve("from-shards").resolve(file)), file);
        }
    }

    /**
     * With a speech data set: the floor defaults to the dense float accuracy less a point, and the pick's
     * accuracy equals what {@code evaluate --mode fixed} measures for the same configuration.
     */
    @Test
    void speechAccuracyMatchesEvaluate() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(FSDD), "FSDD is at ../shared/datasets/fsdd");
        Path data = dir.resolve("speech");
        Files.createDirectories(data);
        StringBuilder manifest = new StringBuilder("path,label,split\n");
        for (String label : List.of("0", "1")) {
            for (int k = 0; k < 3; k++) {
                String name = label + "_george_" + k + ".wav";
                Files.copy(FSDD.resolve(name), data.resolve(name));
                manifest.append(name).append(',').append(label).append(",test\n");
            }
        }
        Files.writeString(data.resolve("manifest.csv"), manifest.toString());
        LayerStack layers = org.esegen.io.SyntheticSpec.parse("120,12,6,1.0,9").model(true);
        java.util.Random rnd = new java.util.Random(9);
        double[][] w = new double[2][6];
        for (double[] row : w) {
            for (int j = 0; j < row.length; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        double[] ones = new double[120];
        java.util.Arrays.fill(ones, 1);
        Path speech = dir.resolve("speech-model.safetensors");
        new org.esegen.speech.SpeechModel(layers, w, new double[]{0.1, -0.1},
                new org.esegen.speech.Normalization(new double[120], ones), List.of("0", "1")).write(speech);
        CliErrorsTest.Outcome o = CliErrorsTest.run("search", "--preset", "tiny", "--set", "maxInputSize=128",
                "--model", speech.toString(), "--data", data.resolve("manifest.csv").toString(), "--pes", "2,4",
                "--channels", "1", "--weight-bits", "8,12", "--pruning", "global", "--densities", "1",
                "--stores", "ddr", "--budget-points", "0", "--out", dir.resolve("speech-search").toString(), "--json");
        System.out.println(o.err());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("the dense float model's test accuracy less 1 point"), o.err());
        JsonNode best = MAPPER.readTree(o.out()).get("figures");
        CliErrorsTest.Outcome e = CliErrorsTest.run("evaluate", "--preset", "tiny", "--set", "maxInputSize=128",
                "--set", "pesPerChannel=" + best.get("pes").asInt(), "--set", "weightBits="
                        + best.get("weight_bits").asInt(), "--model", speech.toString(), "--data",
                data.resolve("manifest.csv").toString(), "--mode", "fixed", "--json");
        assertEquals(0, e.code(), e.err());
        assertEquals(100 * MAPPER.readTree(e.out()).get("accuracy").asDouble(), best.get("accuracy").asDouble(), 1e-9);
    }

    /** The real recordings of ../shared (FSDD). */
    private static final Path FSDD = Path.of(System.getProperty("user.dir")).getParent().getParent()
            .resolve("shared/datasets/fsdd/recordings");

    @Test
    void badInputIsRefusedWithExitTwo() throws IOException {
        List<List<String>> bad = List.of(
                search("e1", "--min-accuracy", "95"),
                search("e2", "--device", "xc7a35t"),
                search("e3", "--densities", "0,0.5"),
                search("e4", "--objective", "power"),
                search("e5", "--pruning", "none", "--densities", "0.5"),
                search("e6", "--shard", "1/2", "--measured", dir.toString()),
                search("e7", "--budget-points", "-1"),
                search("e8", "--snr-against", "float"));
        List<String> expected = List.of("--min-accuracy goes with --data", "only ku060", "outside (0, 1]",
                "allowed are latency and throughput", "--pruning none keeps the model's own zeros", "drop --shard",
                "--budget-points -1", "--snr-against float: allowed are dense and pruned");
        for (int k = 0; k < bad.size(); k++) {
            CliErrorsTest.Outcome o = CliErrorsTest.run(bad.get(k).toArray(String[]::new));
            assertEquals(2, o.code(), bad.get(k) + ": " + o.err());
            assertTrue(o.err().contains(expected.get(k)), o.err());
        }
        Path used = dir.resolve("used");
        Files.createDirectories(used);
        Files.writeString(used.resolve("notes.txt"), "mine");
        CliErrorsTest.Outcome o = CliErrorsTest.run(search("used", "--budget-points", "0").toArray(String[]::new));
        assertEquals(2, o.code(), o.err());
        assertEquals("mine", Files.readString(used.resolve("notes.txt")));
        List<String> first = new ArrayList<>(search("resumed", SPACE));
        first.addAll(List.of("--budget-points", "0"));
        assertEquals(0, CliErrorsTest.run(first.toArray(String[]::new)).code());
        List<String> other = search("resumed", "--pes", "2", "--budget-points", "0", "--resume");
        CliErrorsTest.Outcome r = CliErrorsTest.run(other.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("holds a different search"), r.err());
    }
}
