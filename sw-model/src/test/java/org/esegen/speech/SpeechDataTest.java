package org.esegen.speech;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** WAV, resampling, data sets and normalization; bad input named with the file and the reason. */
class SpeechDataTest {
    @TempDir
    Path dir;

    private static double[] tone(double hz, int rate, int n, double amplitude) {
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = amplitude * Math.sin(2 * Math.PI * hz * i / rate);
        }
        return s;
    }

    private Path wav(String name, double[] samples) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        try (OutputStream out = Files.newOutputStream(p)) {
            new Wav(8000, samples).write(out);
        }
        return p;
    }

    private static String message(Runnable r) {
        EsegenException e = assertThrows(EsegenException.class, r::run);
        System.out.println("refused: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void wavRoundTripsSixteenBitSamples() throws IOException {
        double[] s = tone(440, 8000, 800, 0.7);
        Wav back = Wav.read(wav("t.wav", s));
        assertEquals(8000, back.sampleRate());
        assertEquals(800, back.samples().length);
        for (int i = 0; i < s.length; i++) {
            assertEquals(s[i], back.samples()[i], 0.5 / Wav.FULL_SCALE + 1e-12);
        }
    }

    @Test
    void resamplingKeepsAToneAndItsLevel() {
        double[] in = tone(1000, 22050, 22050, 0.5);
        double[] out = Resampler.resample(in, 22050, 8000);
        assertEquals(8000, out.length);
        double worst = 0;
        for (int i = 200; i < out.length - 200; i++) {
            worst = Math.max(worst, Math.abs(out[i] - 0.5 * Math.sin(2 * Math.PI * 1000 * i / 8000.0)));
        }
        System.out.println("resampled 1 kHz tone, worst error inside " + worst);
        assertTrue(worst < 5e-3, "worst error " + worst);
        double[] alias = Resampler.resample(tone(6000, 22050, 22050, 0.5), 22050, 8000);
        double peak = 0;
        for (int i = 200; i < alias.length - 200; i++) {
            peak = Math.max(peak, Math.abs(alias[i]));
        }
        assertTrue(peak < 0.01, "a 6 kHz tone above the new Nyquist frequency is filtered out, peak " + peak);
    }

    @Test
    void fsddFolderGivesLabelsSpeakersAndTheUsualSplit() throws IOException {
        for (String n : List.of("3_alice_0.wav", "3_alice_5.wav", "10_bob_4.wav", "7_bob_49.wav")) {
            wav(n, tone(300, 8000, 400, 0.1));
        }
        Files.writeString(dir.resolve("README.md"), "not a recording");
        Dataset d = Dataset.load(dir);
        assertEquals(List.of("10_bob_4", "3_alice_0", "3_alice_5", "7_bob_49"),
                d.utterances().stream().map(Dataset.Utterance::id).toList());
        assertEquals(List.of("3", "7", "10"), d.labels(), "numeric labels in numeric order");
        assertEquals(2, d.split(Dataset.Split.TEST).size());
        assertEquals("alice", d.utterances().get(1).speaker());
    }

    @Test
    void manifestPathsAreRelativeToItAndSplitsComeFromItsColumn() throws IOException {
        wav("a/x.wav", tone(300, 8000, 400, 0.1));
        wav("b/y.wav", tone(300, 8000, 400, 0.1));
        Path csv = dir.resolve("m.csv");
        Files.writeString(csv, "path,label,split,speaker\na/x.wav,yes,train,s1\n\"b/y.wav\",no,test,s2\n");
        Dataset d = Dataset.load(csv);
        assertEquals(2, d.utterances().size());
        assertEquals("a/x", d.utterances().get(0).id());
        assertEquals(Dataset.Split.TEST, d.utterances().get(1).split());
        assertEquals(List.of("no", "yes"), d.labels());
    }

    @Test
    void badDataIsRefusedNamingTheFile() throws IOException {
        assertTrue(message(() -> Dataset.load(dir.resolve("missing"))).contains("does not exist"));
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertTrue(message(() -> Dataset.load(empty)).contains("holds no .wav file"));
        Path odd = Files.createDirectories(dir.resolve("odd"));
        Files.write(odd.resolve("hello.wav"), new byte[44]);
        assertTrue(message(() -> Dataset.load(odd)).contains("does not follow FSDD's"));
        Path corrupt = dir.resolve("c/1_a_0.wav");
        Files.createDirectories(corrupt.getParent());
        Files.writeString(corrupt, "RIFF garbage");
        assertTrue(message(() -> Wav.read(corrupt)).contains("is not a WAV file"));

        Path csv = dir.resolve("m.csv");
        wav("ok.wav", tone(300, 8000, 400, 0.1));
        Files.writeString(csv, "file,label\nok.wav,1\n");
        assertTrue(message(() -> Dataset.load(csv)).contains("lacks path"));
        Files.writeString(csv, "path,label\nmissing.wav,1\n");
        assertTrue(message(() -> Dataset.load(csv)).contains("does not exist"));
        Files.writeString(csv, "path,label\n../outside.wav,1\n");
        assertTrue(message(() -> Dataset.load(csv)).contains("not inside the manifest's folder"));
        Files.writeString(csv, "path,label\n" + dir.resolve("ok.wav") + ",1\n");
        assertTrue(message(() -> Dataset.load(csv)).contains("not inside the manifest's folder"));
        Files.writeString(csv, "path,label,split\nok.wav,1,validation\n");
        assertTrue(message(() -> Dataset.load(csv)).contains("neither train nor test"));
        Files.writeString(csv, "path,label\nok.wav,1\n");
        assertTrue(message(() -> Dataset.load(csv)).contains("add a split column"));
    }

    @Test
    void nonPcmOrStereoWavIsRefusedWithTheFormatFound() throws Exception {
        javax.sound.sampled.AudioFormat stereo = new javax.sound.sampled.AudioFormat(8000, 16, 2, true, false);
        Path p = dir.resolve("stereo.wav");
        try (var in = new javax.sound.sampled.AudioInputStream(new java.io.ByteArrayInputStream(new byte[400]), stereo,
                100)) {
            javax.sound.sampled.AudioSystem.write(in, javax.sound.sampled.AudioFileFormat.Type.WAVE, p.toFile());
        }
        assertTrue(message(() -> Wav.read(p)).contains("2 channel(s)"));
        javax.sound.sampled.AudioFormat eightBit = new javax.sound.sampled.AudioFormat(8000, 8, 1, false, false);
        Path q = dir.resolve("u8.wav");
        try (var in = new javax.sound.sampled.AudioInputStream(new java.io.ByteArrayInputStream(new byte[100]), eightBit,
                100)) {
            javax.sound.sampled.AudioSystem.write(in, javax.sound.sampled.AudioFileFormat.Type.WAVE, q.toFile());
        }
        assertTrue(message(() -> Wav.read(q)).contains("8-bit"));
    }

    @Test
    void normalizationMakesTheTrainingFramesZeroMeanUnitDeviation() {
        double[][] a = {{1, 10}, {3, 10}};
        double[][] b = {{5, 10}};
        Normalization n = Normalization.of(List.of(a, b));
        assertArrayEquals(new double[]{3, 10}, n.mean(), 1e-12);
        assertEquals(Math.sqrt(8.0 / 3), n.std()[0], 1e-12);
        double[][] z = n.apply(a);
        assertEquals(-2 / Math.sqrt(8.0 / 3), z[0][0], 1e-12);
        assertEquals(0, z[0][1], 1e-12, "a constant feature stays finite");
    }

    /** Real FSDD recordings, read from ../shared/datasets (read-only). */
    @Test
    void realFsddRecordingsGiveFiniteFeatures() {
        Path fsdd = Path.of("..", "..", "shared", "datasets", "fsdd", "recordings").toAbsolutePath().normalize();
        assumeTrue(Files.isDirectory(fsdd), "FSDD is at ../shared/datasets/fsdd");
        for (String name : List.of("0_jackson_0.wav", "7_theo_12.wav", "9_lucas_49.wav")) {
            Wav w = Wav.read(fsdd.resolve(name));
            double[][] f = Features.of(w);
            assertEquals(8000, w.sampleRate());
            assertEquals(1 + (w.samples().length - 200) / 80, f.length, name);
            for (double[] frame : f) {
                assertEquals(Features.DIMENSION, frame.length);
                for (double v : frame) {
                    assertTrue(Double.isFinite(v), name);
                }
            }
        }
    }
}
