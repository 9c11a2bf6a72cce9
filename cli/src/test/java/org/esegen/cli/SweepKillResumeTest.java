package org.esegen.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * kill -9 in the middle of a sweep loses no finished point, and --resume finishes the rest without
 * running a finished point again. The sweep runs in a child JVM on the test classpath; the model is
 * sized so that a point takes long enough (most of a second) to kill the child while one runs.
 */
class SweepKillResumeTest {
    private static final List<String> SWEEP = List.of("sweep", "--preset", "tiny", "--synthetic", "96,384,96,0.3,2",
            "--set", "maxInputSize=96", "--set", "maxHiddenSize=384", "--set", "maxProjSize=96", "--set",
            "entryFifoDepth=1024", "--pes", "2,4", "--weight-bits", "8,12", "--frames", "20", "--no-cosim", "--no-synth",
            "--jobs", "1");
    private static final String FIRST = "p0000-pes2-w8-a16-i4-c1-ese";
    private static final String SECOND = "p0001-pes2-w12-a16-i4-c1-ese";

    @TempDir
    Path dir;

    @Test
    void killNineThenResumeLosesNothingAndRedoesNothingFinished() throws Exception {
        Path out = dir.resolve("sweep");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(SWEEP);
        cmd.addAll(List.of("--out", out.toString()));
        Path log = dir.resolve("child.log");
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path firstResult = out.resolve("points").resolve(FIRST).resolve("result.json");
        Path secondFolder = out.resolve("points").resolve(SECOND);
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!Files.exists(firstResult) || !Files.exists(secondFolder)) { // kill while the second point runs
            if (!child.isAlive()) {
                fail("the child sweep ended before its first point finished:\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                child.destroyForcibly();
                fail("no point finished within 120 s:\n" + Files.readString(log));
            }
            Thread.sleep(5);
        }
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
        assertNotEquals(0, child.waitFor());

        Map<String, byte[]> finishedBytes = new TreeMap<>();
        Map<String, FileTime> finishedTimes = new TreeMap<>();
        List<String> partial = new ArrayList<>();
        try (Stream<Path> points = Files.list(out.resolve("points"))) {
            for (Path p : points.toList()) {
                Path r = p.resolve("result.json");
                if (Files.exists(r)) {
                    finishedBytes.put(p.getFileName().toString(), Files.readAllBytes(r));
                    finishedTimes.put(p.getFileName().toString(), Files.getLastModifiedTime(r));
                } else {
                    partial.add(p.getFileName().toString());
                }
            }
        }
        System.out.println("after kill -9: finished " + finishedBytes.keySet() + ", partial " + partial);
        assertTrue(finishedBytes.containsKey(FIRST));
        assertTrue(partial.contains(SECOND), "the kill came after the second point; nothing partial to redo");
        // the aggregates the killed run left are whole files (parseable JSON and CSV); they may lag the
        // result files by the points that finished during the kill, and resume rebuilds them
        int inJson = new ObjectMapper().readTree(out.resolve("results.json").toFile()).size();
        assertTrue(inJson <= finishedBytes.size());
        assertEquals(inJson + 1, Files.readAllLines(out.resolve("results.csv")).size());

        List<String> resume = new ArrayList<>(SWEEP);
        resume.addAll(List.of("--resume", "--out", out.toString()));
        CliErrorsTest.Outcome o = CliErrorsTest.run(resume.toArray(String[]::new));
        System.out.println(o.err().strip());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains(finishedBytes.size() + " of 4 points finished, " + partial.size() + " partial"),
                o.err());
        for (Map.Entry<String, byte[]> e : finishedBytes.entrySet()) {
            Path r = out.resolve("points").resolve(e.getKey()).resolve("result.json");
            assertArrayEquals(e.getValue(), Files.readAllBytes(r), e.getKey() + " was run again");
            assertEquals(finishedTimes.get(e.getKey()), Files.getLastModifiedTime(r), e.getKey() + " was rewritten");
        }
        assertEquals(4, new ObjectMapper().readTree(out.resolve("results.json").toFile()).size());
        try (Stream<Path> all = Files.walk(out)) {
            List<Path> leftovers = all.filter(p -> p.getFileName().toString().contains(".tmp-")).toList();
            assertTrue(leftovers.isEmpty(), "temporary files left: " + leftovers);
        }
        assertFalse(Files.readString(out.resolve("report.html")).isEmpty());
    }
}
