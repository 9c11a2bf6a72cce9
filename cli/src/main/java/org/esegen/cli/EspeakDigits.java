package org.esegen.cli;

import org.esegen.EsegenException;
import org.esegen.Parallel;
import org.esegen.speech.Resampler;
import org.esegen.speech.Wav;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A spoken-digit set made offline with espeak-ng (Debian's package): for each digit 0-9, {@code perDigit}
 * recordings of its English word, voices taken in turn from {@link #VOICES}, speed, pitch and amplitude
 * drawn from a seeded generator per recording. Each is synthesized at espeak-ng's 22,050 Hz,
 * resampled to {@value #SAMPLE_RATE} Hz ({@link Resampler}), trimmed to its speech plus
 * {@value #MARGIN_MS} ms each side, and written as 16-bit PCM mono in FSDD naming
 * ({@code {digit}_{voice}_{index}.wav}); {@code manifest.csv} gives path, label, split (every tenth
 * recording of a digit is in the test split, the rest training) and speaker. Same seed, same bytes:
 * espeak-ng 1.51 is deterministic (checked by the tests), and everything after it is plain Java.
 */
final class EspeakDigits {
    /** Sample rate of the recordings, Hz (FSDD's). */
    static final int SAMPLE_RATE = 8000;
    /** Silence kept before and after the speech, milliseconds. */
    static final int MARGIN_MS = 20;
    /** The words. */
    static final List<String> WORDS = List.of("zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
            "nine");
    /** The speakers: name in file names, espeak-ng voice. */
    static final List<String[]> VOICES = List.of(new String[]{"usm1", "en-us+m1"}, new String[]{"usf2", "en-us+f2"},
            new String[]{"gbm3", "en-gb+m3"}, new String[]{"gbf1", "en-gb+f1"},
            new String[]{"scm2", "en-gb-scotland+m2"}, new String[]{"caf4", "en-029+f4"});
    private static final double SPEECH_LEVEL = 0.01;

    private EspeakDigits() {
    }

    /** One recording to make. */
    record Recording(int digit, int position, String voiceName, String voice, int index, int speed, int pitch,
                     int amplitude) {
        String fileName() {
            return digit + "_" + voiceName + "_" + index + ".wav";
        }

        /** Every tenth recording of a digit (positions 0, 10, 20, ...) is in the test split. */
        String split() {
            return position % 10 == 0 ? "test" : "train";
        }
    }

    /** The recordings of a set, in file order; their parameters depend on (seed, digit, position) only. */
    static List<Recording> plan(long seed, int perDigit) {
        List<Recording> plan = new ArrayList<>();
        for (int digit = 0; digit < WORDS.size(); digit++) {
            for (int i = 0; i < perDigit; i++) {
                SplittableRandom r = new SplittableRandom(seed * 1_000_003L + digit * 10_007L + i);
                String[] voice = VOICES.get(i % VOICES.size());
                plan.add(new Recording(digit, i, voice[0], voice[1], i / VOICES.size(), 120 + r.nextInt(81),
                        25 + r.nextInt(51), 70 + r.nextInt(71)));
            }
        }
        return plan;
    }

    /** Writes the set into {@code dir} (an empty staging folder) with {@code threads} espeak-ng processes at a time. */
    static void write(Path dir, long seed, int perDigit, int threads) throws IOException {
        List<Recording> plan = plan(seed, perDigit);
        Parallel.map(plan, threads, rec -> {
            try {
                synthesize(rec, dir);
                return rec;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EsegenException("interrupted while synthesizing " + rec.fileName(), e);
            }
        });
        StringBuilder manifest = new StringBuilder("path,label,split,speaker\n");
        for (Recording rec : plan) {
            manifest.append(rec.fileName()).append(',').append(rec.digit()).append(',').append(rec.split()).append(',')
                    .append(rec.voiceName()).append('\n');
        }
        Files.writeString(dir.resolve("manifest.csv"), manifest, StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("README.txt"), String.format(Locale.ROOT, "Spoken digits made by `esegen dataset "
                        + "espeak-digits --seed %d --per-digit %d` with %s.%n%d recordings, %d Hz 16-bit mono, FSDD naming; "
                        + "manifest.csv gives the split (every tenth recording of a digit: test).%n", seed, perDigit,
                espeakVersion(), plan.size(), SAMPLE_RATE), StandardCharsets.UTF_8);
    }

    private static void synthesize(Recording rec, Path dir) throws IOException, InterruptedException {
        Path raw = Files.createTempFile(dir, ".espeak-", ".wav");
        try {
            Process p = new ProcessBuilder("espeak-ng", "-w", raw.toString(), "-v", rec.voice(), "-s",
                    String.valueOf(rec.speed()), "-p", String.valueOf(rec.pitch()), "-a", String.valueOf(rec.amplitude()),
                    WORDS.get(rec.digit())).redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new EsegenException("espeak-ng failed on " + rec.fileName() + " (voice " + rec.voice() + "): "
                        + output.strip());
            }
            Wav spoken = Wav.read(raw);
            double[] resampled = Resampler.resample(spoken.samples(), spoken.sampleRate(), SAMPLE_RATE);
            try (OutputStream out = Files.newOutputStream(dir.resolve(rec.fileName()))) {
                new Wav(SAMPLE_RATE, trim(resampled)).write(out);
            }
        } finally {
            Files.deleteIfExists(raw);
        }
    }

    /** The samples from the first to the last above {@value #SPEECH_LEVEL} of full scale, plus the margins. */
    static double[] trim(double[] samples) {
        int first = 0;
        while (first < samples.length && Math.abs(samples[first]) < SPEECH_LEVEL) {
            first++;
        }
        int last = samples.length - 1;
        while (last > first && Math.abs(samples[last]) < SPEECH_LEVEL) {
            last--;
        }
        int margin = SAMPLE_RATE * MARGIN_MS / 1000;
        int from = Math.max(0, first - margin);
        int to = Math.min(samples.length, last + 1 + margin);
        return from >= to ? samples : java.util.Arrays.copyOfRange(samples, from, to);
    }

    /** {@code espeak-ng --version}'s first line, or an error saying how to install it. */
    static String espeakVersion() {
        try {
            Process p = new ProcessBuilder("espeak-ng", "--version").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException(out);
            }
            return out.lines().findFirst().orElse("espeak-ng").replaceAll("\\s+Data at:.*$", "").strip();
        } catch (IOException e) {
            throw new EsegenException("espeak-ng is not installed (it makes the spoken-digit set offline): install "
                    + "Debian's package with scripts/bootstrap.sh or apt-get install espeak-ng", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EsegenException("interrupted while asking espeak-ng for its version", e);
        }
    }
}
