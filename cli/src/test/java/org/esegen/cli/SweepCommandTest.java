package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.io.ModelFile;
import org.esegen.io.Safetensors;
import org.esegen.rnn.LayerStack;
import org.esegen.io.SyntheticModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code esegen sweep} end to end on a 2 x 2 grid of the tiny preset, resume, and sweep-merge. */
class SweepCommandTest {
    /**
     * The small sweep of the default test run: tiny preset, small synthetic model, 2 x 2 grid, 2 frames;
     * no co-simulation or Yosys (SweepCosimStageTest and SweepSynthStageTest run those).
     */
    static final List<String> SMALL = List.of("sweep", "--preset", "tiny", "--synthetic", "12,20,10,0.3,5",
            "--pes", "2,4", "--weight-bits", "8,12", "--frames", "2", "--no-cosim", "--no-synth");
    static final List<String> IDS = List.of("p0000-pes2-w8-a16-i4-c1-ese", "p0001-pes2-w12-a16-i4-c1-ese",
            "p0002-pes4-w8-a16-i4-c1-ese", "p0003-pes4-w12-a16-i4-c1-ese");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    static Path dir;
    static Path full;

    @BeforeAll
    static void runSmallSweep() {
        full = dir.resolve("full");
        CliErrorsTest.Outcome o = CliErrorsTest.run(args(SMALL, "--jobs", "2", "--out", full.toString()));
        System.out.println(o.err().strip());
        assertEquals(0, o.code(), o.err());
    }

    static String[] args(List<String> base, String... more) {
        List<String> a = new ArrayList<>(base);
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    /** {@link #SMALL} with other PE counts. */
    static List<String> smallWithPes(String pes) {
        List<String> a = new ArrayList<>(SMALL);
        a.set(a.indexOf("--pes") + 1, pes);
        return a;
    }

    @Test
    void smallSweepWritesEveryPointAndTheAggregates() throws IOException {
        JsonNode results = MAPPER.readTree(full.resolve("results.json").toFile());
        assertEquals(4, results.size());
        for (int k = 0; k < 4; k++) {
            JsonNode r = results.get(k);
            assertEquals(IDS.get(k), r.get("id").asText());
            assertEquals(k, r.get("index").asInt());
            assertEquals("ok", r.get("status").asText());
            assertTrue(r.get("ideal_cycles_per_frame").asLong() > 0);
            assertTrue(r.get("snr_db").asDouble() > 10, r.toString());
            assertTrue(r.get("ideal_gops_dense_equiv").asDouble() > r.get("ideal_gops_sparse").asDouble());
            // stages that did not run: null figures and a reason, never a stand-in
            for (String f : List.of("bit_exact", "cycles_per_frame", "latency_us", "gops_sparse", "pe_utilization",
                    "ddr_stall_cycles_per_frame", "lut", "dsp", "lut_pct", "logic_depth", "fits_ku060")) {
                assertTrue(r.get(f).isNull(), f);
            }
            assertEquals("[\"compile+golden\",\"generate\"]", r.get("stages_run").toString());
            assertEquals("disabled by --no-cosim", r.get("stages_skipped").get("cosim").asText());
            assertEquals("disabled by --no-synth", r.get("stages_skipped").get("yosys").asText());
            assertEquals(2, r.get("stages_skipped").size());
            Path point = full.resolve("points").resolve(IDS.get(k));
            for (String f : List.of("config.json", "image.bin", "layout.json", "metrics.json", "log.txt",
                    "rtl/EseAccelerator.v", "result.json")) {
                assertTrue(Files.exists(point.resolve(f)), point.resolve(f).toString());
            }
            assertEquals(r, MAPPER.readTree(point.resolve("result.json").toFile()));
        }
        JsonNode cfg = MAPPER.readTree(full.resolve("points").resolve(IDS.get(1)).resolve("config.json").toFile());
        assertEquals(2, cfg.get("pesPerChannel").asInt());
        assertEquals(12, cfg.get("weightBits").asInt());
        // twice the PEs, about half the cycles
        assertTrue(results.get(2).get("ideal_cycles_per_frame").asLong()
                < results.get(0).get("ideal_cycles_per_frame").asLong());
        List<String> csv = Files.readAllLines(full.resolve("results.csv"));
        assertEquals(5, csv.size());
        assertTrue(csv.get(0).startsWith("index,id,pes,weight_bits,act_bits,index_bits,channels,pruning"));
        assertTrue(csv.get(4).startsWith("3," + IDS.get(3) + ",4,12,16,4,1,ese,"));
    }

    @Test
    void listPrintsTheSliceAndWritesNothing() {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, Main.execute(args(SMALL, "--shard", "2/3", "--list")));
        } finally {
            System.setOut(old);
        }
        assertEquals(List.of(IDS.get(1)), stdout.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void aPointHasTheFiguresOfCompileForTheSameConfig() throws IOException {
        Path out = dir.resolve("compile-p3");
        assertEquals(0, Main.execute("compile", "--preset", "tiny", "--set", "pesPerChannel=4", "--set",
                "weightBits=12", "--synthetic", "12,20,10,0.3,5", "--num-frames", "2", "--out", out.toString()));
        JsonNode compile = MAPPER.readTree(out.resolve("report.json").toFile());
        JsonNode point = MAPPER.readTree(full.resolve("points").resolve(IDS.get(3)).resolve("result.json").toFile());
        for (String f : List.of("ideal_cycles_per_frame", "snr_db", "max_abs_error", "compression_ratio", "density")) {
            assertEquals(compile.get(f), point.get(f), f);
        }
        assertEquals(compile.get("ideal_latency_us").asDouble(), point.get("ideal_latency_us").asDouble(), 1e-12);
        assertTrue(Arrays.equals(Files.readAllBytes(out.resolve("image.bin")),
                Files.readAllBytes(full.resolve("points").resolve(IDS.get(3)).resolve("image.bin"))));
    }

    /** --estimate checks the spec, runs nothing, and counts a Yosys run in the time of every point. */
    @Test
    void estimatePrintsWhatAShardAsksOfANode() throws IOException {
        List<String> base = List.of("sweep", "--preset", "tiny", "--synthetic", "12,16,8,0.4", "--pes", "2,4",
                "--weight-bits", "8,12", "--shard", "1/2", "--estimate");
        CliErrorsTest.Outcome quick = CliErrorsTest.run(java.util.stream.Stream.concat(base.stream(),
                java.util.stream.Stream.of("--no-synth")).toArray(String[]::new));
        CliErrorsTest.Outcome full = CliErrorsTest.run(base.toArray(String[]::new));
        assertEquals(0, quick.code(), quick.err());
        JsonNode q = MAPPER.readTree(quick.out());
        JsonNode f = MAPPER.readTree(full.out());
        assertEquals(2, q.get("points").asInt(), "shard 1 of 2 of a 4-point grid");
        assertEquals(2, q.get("cpus").asInt());
        assertTrue(q.get("memory_mib").asLong() > 1024, q.toString());
        assertTrue(f.get("seconds").asLong() > q.get("seconds").asLong() + 2 * 140, f + " vs " + q);
    }

    /** --cells runs the synthetic spec with each cell, innermost in grid order, a gru point on the GRU units. */
    @Test
    void theCellAxisRunsEachCellAndSetsTheElementwiseVariant() throws IOException {
        Path out = dir.resolve("cells");
        CliErrorsTest.Outcome o = CliErrorsTest.run("sweep", "--preset", "tiny", "--synthetic", "lstm*2:10,16,16,0.4",
                "--set", "maxLayers=2", "--cells", "gru,lstm", "--pes", "2,4", "--no-cosim", "--no-synth", "--out",
                out.toString());
        assertEquals(0, o.code(), o.err());
        JsonNode results = MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals(List.of("p0000-pes2-w12-a16-i4-c1-ese-lstm", "p0001-pes2-w12-a16-i4-c1-ese-gru",
                        "p0002-pes4-w12-a16-i4-c1-ese-lstm", "p0003-pes4-w12-a16-i4-c1-ese-gru"),
                java.util.stream.StreamSupport.stream(results.spliterator(), false).map(r -> r.get("id").asText()).toList());
        assertEquals("gru", results.get(1).get("cell").asText());
        for (int k = 0; k < 4; k++) {
            JsonNode config = MAPPER.readTree(out.resolve("points").resolve(results.get(k).get("id").asText())
                    .resolve("config.json").toFile());
            assertEquals(k % 2, config.get("gruElementwise").asInt(), "point " + k);
        }
        assertTrue(Files.readString(out.resolve("results.csv")).startsWith(
                "index,id,pes,weight_bits,act_bits,index_bits,channels,pruning,cell,"));

        Path conflict = dir.resolve("cells-conflict");
        o = CliErrorsTest.run("sweep", "--preset", "tiny", "--synthetic", "10,16,8", "--set", "gruElementwise=1",
                "--no-cosim", "--no-synth", "--out", conflict.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("the sweep sets gruElementwise"), o.err());
        Path model = dir.resolve("lstmp.safetensors");
        ModelFile.write(LayerStack.of(SyntheticModel.generate(10, 16, 8, true, 9)), model, Safetensors.Dtype.F32);
        o = CliErrorsTest.run("sweep", "--model", model.toString(), "--cells", "gru", "--no-cosim", "--no-synth",
                "--out", conflict.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("holds lstmp layers"), o.err());
        assertFalse(Files.exists(conflict));
    }

    @Test
    void aModelFileIsIdentifiedByItsHash() throws IOException {
        Path model = dir.resolve("m.safetensors");
        ModelFile.write(LayerStack.of(SyntheticModel.generate(10, 16, 8, true, 9)), model, Safetensors.Dtype.F32);
        Path out = dir.resolve("from-file");
        CliErrorsTest.Outcome o = CliErrorsTest.run("sweep", "--model", model.toString(), "--density", "0.5",
                "--pes", "2", "--pruning", "cbtd,global", "--frames", "2", "--no-synth", "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        JsonNode spec = MAPPER.readTree(out.resolve("sweep.json").toFile()).get("spec");
        assertEquals(64, spec.get("model").get("sha256").asText().length());
        assertEquals(0.5, spec.get("model").get("density").asDouble());
        JsonNode results = MAPPER.readTree(out.resolve("results.json").toFile());
        assertEquals("p0000-pes2-w12-a16-i4-c1-global", results.get(0).get("id").asText());
        assertEquals("p0001-pes2-w12-a16-i4-c1-cbtd", results.get(1).get("id").asText());
        assertEquals(0.5, results.get(1).get("density").asDouble(), 0.01);
        ModelFile.write(LayerStack.of(SyntheticModel.generate(10, 16, 8, true, 10)), model, Safetensors.Dtype.F32);
        o = CliErrorsTest.run("sweep", "--model", model.toString(), "--density", "0.5", "--pes", "2", "--pruning",
                "cbtd,global", "--frames", "2", "--no-synth", "--resume", "--out", out.toString());
        assertEquals(2, o.code(), "a changed model file is a different sweep");
        assertTrue(o.err().contains("different sweep"), o.err());
    }

    @Test
    void reportIsSelfContained() throws IOException {
        String html = Files.readString(full.resolve("report.html"));
        assertTrue(html.contains("<svg"), "inline SVG charts");
        assertEquals(4, html.split("<tr><td>p000", -1).length - 1, "one table row per point");
        for (String fetch : List.of("<link", "src=", "href=\"http", "url(http", "@import")) {
            assertFalse(html.contains(fetch), "report fetches something: " + fetch);
        }
        assertTrue(html.contains("disabled by --no-cosim"));
        assertTrue(html.contains("ideal (compiler bound; no co-simulation ran)"));
        assertTrue(html.contains("331,680 LUT"));
    }

    @Test
    void aNonEmptyFolderNeedsResumeAndResumeNeedsTheSameSpec() throws IOException {
        Path out = dir.resolve("again");
        assertEquals(0, CliErrorsTest.run(args(SMALL, "--out", out.toString())).code());
        Map<String, FileTime> before = resultTimes(out);
        CliErrorsTest.Outcome o = CliErrorsTest.run(args(SMALL, "--out", out.toString()));
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--resume"), o.err());
        o = CliErrorsTest.run(args(smallWithPes("2,8"), "--resume", "--out", out.toString()));
        assertEquals(2, o.code());
        assertTrue(o.err().contains("different sweep"), o.err());
        o = CliErrorsTest.run(args(SMALL, "--resume", "--out", out.toString()));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("4 of 4 points finished"), o.err());
        assertEquals(before, resultTimes(out), "a finished point was run again");
    }

    @Test
    void resumeRedoesPartialPointsAndKeepsFinishedOnes() throws IOException {
        Path out = dir.resolve("partial");
        assertEquals(0, CliErrorsTest.run(args(SMALL, "--out", out.toString())).code());
        Path p2 = out.resolve("points").resolve(IDS.get(2));
        byte[] p2Result = Files.readAllBytes(p2.resolve("result.json"));
        Files.delete(p2.resolve("result.json"));
        Files.writeString(p2.resolve("junk"), "left by a killed run");
        Files.writeString(out.resolve(".results.csv.tmp-abc"), "half a write");
        Map<String, FileTime> before = resultTimes(out);
        CliErrorsTest.Outcome o = CliErrorsTest.run(args(SMALL, "--resume", "--out", out.toString()));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("3 of 4 points finished, 1 partial"), o.err());
        assertFalse(Files.exists(p2.resolve("junk")), "the partial folder was not cleared");
        assertFalse(Files.exists(out.resolve(".results.csv.tmp-abc")));
        Map<String, FileTime> after = resultTimes(out);
        before.forEach((id, t) -> assertEquals(t, after.get(id), id + " was run again"));
        assertArrayEquals(p2Result, Files.readAllBytes(p2.resolve("result.json")), "same spec, same result bytes");
        assertEquals(4, MAPPER.readTree(out.resolve("results.json").toFile()).size());
    }

    @Test
    void mergedShardsEqualTheWholeSweep() throws IOException {
        List<String> shards = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            Path s = dir.resolve("shard-" + k);
            assertEquals(0, CliErrorsTest.run(args(SMALL, "--shard", k + "/3", "--out", s.toString())).code());
            shards.add(s.toString());
        }
        Path merged = dir.resolve("merged");
        List<String> merge = new ArrayList<>(List.of("sweep-merge", "--out", merged.toString()));
        merge.addAll(shards);
        CliErrorsTest.Outcome o = CliErrorsTest.run(merge.toArray(String[]::new));
        assertEquals(0, o.code(), o.err());
        for (String file : List.of("results.json", "results.csv", "report.html", "sweep.json")) {
            assertArrayEquals(Files.readAllBytes(full.resolve(file)), Files.readAllBytes(merged.resolve(file)),
                    file + ": merged shards and the whole sweep give the same bytes");
        }
        for (String id : IDS) {
            assertTrue(Files.exists(merged.resolve("points").resolve(id).resolve("image.bin")), id);
            assertArrayEquals(Files.readAllBytes(full.resolve("points").resolve(id).resolve("result.json")),
                    Files.readAllBytes(merged.resolve("points").resolve(id).resolve("result.json")), id);
            assertTrue(Files.isRegularFile(merged.resolve("points").resolve(id).resolve("timings.json")), id);
        }
        // a merged folder is a whole-grid sweep folder: resume finds everything finished
        o = CliErrorsTest.run(args(SMALL, "--resume", "--out", merged.toString()));
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("4 of 4 points finished"), o.err());
    }

    @Test
    void mergeRefusesMissingOverlappingAndForeignShards() throws IOException {
        Path s1 = dir.resolve("m-shard-1");
        Path s2 = dir.resolve("m-shard-2");
        assertEquals(0, CliErrorsTest.run(args(SMALL, "--shard", "1/2", "--out", s1.toString())).code());
        assertEquals(0, CliErrorsTest.run(args(smallWithPes("2,8"), "--shard", "2/2", "--out", s2.toString()))
                .code());
        Path out = dir.resolve("m-out");
        CliErrorsTest.Outcome o = CliErrorsTest.run("sweep-merge", "--out", out.toString(), s1.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("2 of 4 points are not finished"), o.err());
        assertFalse(Files.exists(out));
        o = CliErrorsTest.run("sweep-merge", "--out", out.toString(), s1.toString(), s1.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("is in both"), o.err());
        o = CliErrorsTest.run("sweep-merge", "--out", out.toString(), s1.toString(), s2.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("different sweep"), o.err());
        o = CliErrorsTest.run("sweep-merge", "--out", out.toString(), dir.resolve("nothing").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("not a sweep folder"), o.err());
        o = CliErrorsTest.run("sweep-merge", "--partial", "--out", out.toString(), s1.toString());
        assertEquals(0, o.code(), o.err());
        assertEquals(2, MAPPER.readTree(out.resolve("results.json").toFile()).size());
    }

    static Map<String, FileTime> resultTimes(Path sweep) throws IOException {
        Map<String, FileTime> times = new TreeMap<>();
        try (Stream<Path> points = Files.list(sweep.resolve("points"))) {
            for (Path p : points.toList()) {
                if (Files.exists(p.resolve("result.json"))) {
                    times.put(p.getFileName().toString(), Files.getLastModifiedTime(p.resolve("result.json")));
                }
            }
        }
        return times;
    }
}
