package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.esegen.io.Json;
import org.esegen.io.Npy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code dataset espeak-digits} and {@code features}: real espeak-ng, real files, same bytes twice. */
class SpeechCommandsTest {
    @TempDir
    static Path dir;
    static Path set;

    @BeforeAll
    static void makeASmallSpokenDigitSet() throws Exception {
        assumeTrue(new ProcessBuilder("sh", "-c", "command -v espeak-ng").start().waitFor() == 0,
                "espeak-ng is installed (scripts/bootstrap.sh)");
        set = dir.resolve("digits");
        CliErrorsTest.Outcome o = CliErrorsTest.run("dataset", "espeak-digits", "--out", set.toString(), "--per-digit",
                "12", "--seed", "7");
        assertEquals(0, o.code(), o.err());
    }

    private static List<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.walk(folder)) {
            return s.filter(Files::isRegularFile).map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void espeakDigitsAreFsddNamedWithAManifestAndTheSameBytesForTheSameSeed() throws Exception {
        List<String> names = files(set);
        assertEquals(120 + 3, names.size(), "120 recordings, manifest.csv, README.txt, the marker: " + names);
        assertTrue(names.contains("7_usm1_0.wav") && names.contains("9_caf4_1.wav"), names.toString());
        List<String> manifest = Files.readAllLines(set.resolve("manifest.csv"));
        assertEquals("path,label,split,speaker", manifest.get(0));
        assertEquals(20, manifest.stream().filter(l -> l.contains(",test,")).count(), "positions 0 and 10 of each digit");
        Path again = dir.resolve("again");
        assertEquals(0, CliErrorsTest.run("dataset", "espeak-digits", "--out", again.toString(), "--per-digit", "12",
                "--seed", "7").code());
        for (String name : names) {
            assertArrayEquals(Files.readAllBytes(set.resolve(name)), Files.readAllBytes(again.resolve(name)), name);
        }
        Path other = dir.resolve("other");
        assertEquals(0, CliErrorsTest.run("dataset", "espeak-digits", "--out", other.toString(), "--per-digit", "12",
                "--seed", "8").code());
        assertFalse(Arrays.equals(Files.readAllBytes(set.resolve("3_gbm3_0.wav")),
                Files.readAllBytes(other.resolve("3_gbm3_0.wav"))), "another seed, another recording");
    }

    @Test
    void featuresWriteANormalizedArrayPerUtteranceAndTheStatistics() throws Exception {
        Path out = dir.resolve("features");
        CliErrorsTest.Outcome o = CliErrorsTest.run("features", "--data", set.resolve("manifest.csv").toString(),
                "--out", out.toString());
        assertEquals(0, o.code(), o.err());
        List<String> manifest = Files.readAllLines(out.resolve("manifest.csv"));
        assertEquals("path,label,split,speaker,frames", manifest.get(0));
        assertEquals(121, manifest.size());
        JsonNode summary = Json.mapper().readTree(out.resolve("features.json").toFile());
        assertEquals(120, summary.get("utterances").asInt());
        assertEquals(100, summary.get("train_utterances").asInt());
        assertEquals(120, summary.get("features_per_frame").asInt());
        double[] sum = new double[120];
        long frames = 0;
        for (String line : manifest.subList(1, manifest.size())) {
            String[] cells = line.split(",");
            double[][] f = Npy.read(out.resolve(cells[0]));
            assertEquals(Integer.parseInt(cells[4]), f.length);
            assertEquals(120, f[0].length);
            if (cells[2].equals("train")) {
                for (double[] frame : f) {
                    for (int j = 0; j < 120; j++) {
                        sum[j] += frame[j];
                    }
                    frames++;
                }
            }
        }
        for (int j = 0; j < 120; j++) {
            assertEquals(0, sum[j] / frames, 1e-3, "training frames are centred, feature " + j);
        }
        JsonNode norm = Json.mapper().readTree(out.resolve("normalization.json").toFile());
        assertEquals(120, norm.get("mean").size());
        Path again = dir.resolve("features-again");
        assertEquals(0, CliErrorsTest.run("features", "--data", set.resolve("manifest.csv").toString(), "--out",
                again.toString(), "--threads", "1").code());
        for (String name : files(out)) {
            assertArrayEquals(Files.readAllBytes(out.resolve(name)), Files.readAllBytes(again.resolve(name)),
                    name + ": the same bytes whatever the thread count");
        }
    }

    @Test
    void featuresOfBadDataAreRefusedAndWriteNothing() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path out = dir.resolve("nothing");
        CliErrorsTest.Outcome o = CliErrorsTest.run("features", "--data", empty.toString(), "--out", out.toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("holds no .wav file"), o.err());
        assertFalse(Files.exists(out));
        o = CliErrorsTest.run("features", "--data", set.resolve("manifest.csv").toString(), "--out", set.toString(),
                "--force");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("is or contains the input"), o.err());
        o = CliErrorsTest.run("features", "--data", set.toString(), "--out", dir.resolve("f").toString());
        assertEquals(2, o.code());
        assertTrue(o.err().contains("no utterance in the training split"), "FSDD's split of the folder (index 0-4 "
                + "test) leaves no training recording in a 12-per-digit set: " + o.err());
        o = CliErrorsTest.run("dataset", "espeak-digits", "--out", dir.resolve("x").toString(), "--per-digit", "0");
        assertEquals(2, o.code());
        assertTrue(o.err().contains("--per-digit 0"), o.err());
    }
}
