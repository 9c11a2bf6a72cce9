package org.esegen.speech;

import org.esegen.EsegenException;

import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * WAV files of 16-bit signed PCM, mono, through {@code javax.sound.sampled}.
 *
 * @param sampleRate samples per second
 * @param samples    the samples scaled to [-1, 1) (a 16-bit sample s is s / 32768)
 */
public record Wav(int sampleRate, double[] samples) {
    /** Full scale of a 16-bit sample. */
    public static final double FULL_SCALE = 32768.0;

    /** Duration, seconds. */
    public double seconds() {
        return samples.length / (double) sampleRate;
    }

    /**
     * Reads a WAV file.
     *
     * @throws EsegenException naming the file when it is missing, not a regular file, not a WAV file, or
     *                         not 16-bit signed PCM mono (the message gives the format found)
     */
    public static Wav read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new EsegenException(file + ": " + (Files.exists(file) ? "is not a regular file" : "does not exist"));
        }
        try (InputStream raw = Files.newInputStream(file);
             AudioInputStream in = AudioSystem.getAudioInputStream(new java.io.BufferedInputStream(raw))) {
            AudioFormat f = in.getFormat();
            if (f.getEncoding() != AudioFormat.Encoding.PCM_SIGNED || f.getSampleSizeInBits() != 16
                    || f.getChannels() != 1) {
                throw new EsegenException(file + ": is " + f.getEncoding() + ", " + f.getSampleSizeInBits() + "-bit, "
                        + f.getChannels() + " channel(s); esegen reads 16-bit signed PCM mono WAV (convert with e.g. "
                        + "sox IN -b 16 -c 1 -e signed-integer OUT.wav)");
            }
            byte[] bytes = in.readAllBytes();
            boolean bigEndian = f.isBigEndian();
            double[] samples = new double[bytes.length / 2];
            for (int i = 0; i < samples.length; i++) {
                int lo = bytes[2 * i + (bigEndian ? 1 : 0)] & 0xff;
                int hi = bytes[2 * i + (bigEndian ? 0 : 1)];
                samples[i] = (short) ((hi << 8) | lo) / FULL_SCALE;
            }
            if (samples.length == 0) {
                throw new EsegenException(file + ": holds no samples");
            }
            return new Wav(Math.round(f.getSampleRate()), samples);
        } catch (UnsupportedAudioFileException e) {
            throw new EsegenException(file + ": is not a WAV file javax.sound.sampled can read (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new EsegenException(file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /** Writes 16-bit signed little-endian PCM mono; samples are rounded and clipped to the 16-bit range. */
    public void write(OutputStream out) throws IOException {
        byte[] bytes = new byte[2 * samples.length];
        for (int i = 0; i < samples.length; i++) {
            long s = Math.max(-32768, Math.min(32767, Math.round(samples[i] * FULL_SCALE)));
            bytes[2 * i] = (byte) s;
            bytes[2 * i + 1] = (byte) (s >> 8);
        }
        AudioFormat format = new AudioFormat(sampleRate, 16, 1, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(bytes), format, samples.length)) {
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
        }
    }
}
