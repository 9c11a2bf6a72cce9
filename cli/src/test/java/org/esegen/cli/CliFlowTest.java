package org.esegen.cli;

import org.esegen.io.Npy;
import org.esegen.io.ModelFile;
import org.esegen.io.Safetensors;
import org.esegen.rnn.LayerStack;
import org.esegen.io.SyntheticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** compile and infer end to end through the command line. */
class CliFlowTest {
    @TempDir
    Path dir;

    @Test
    void compileIsDeterministicByteForByte() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        for (Path out : new Path[]{a, b}) {
            assertEquals(0, Main.execute("compile", "--preset", "tiny", "--synthetic", "12,20,10,0.3,5",
                    "--pruning", "cbtd", "--out", out.toString()));
        }
        for (String f : new String[]{"image.bin", "config.json", "layout.json", "report.json"}) {
            assertArrayEquals(Files.readAllBytes(a.resolve(f)), Files.readAllBytes(b.resolve(f)), f);
        }
        assertTrue(Files.readString(a.resolve("config.json")).contains("\"pesPerChannel\" : 4"));
    }

    @Test
    void inferFixedIsCloseToInferFloat() throws IOException {
        Path model = dir.resolve("m.safetensors");
        ModelFile.write(LayerStack.of(SyntheticModel.generate(10, 16, 8, true, 9)), model, Safetensors.Dtype.F32);
        Path frames = dir.resolve("x.npy");
        Npy.write(frames, SyntheticModel.frames(20, 10, 4), "<f4");
        Path yFloat = dir.resolve("yf.npy");
        Path yFixed = dir.resolve("yq.npy");
        assertEquals(0, Main.execute("infer", "--model", model.toString(), "--frames", frames.toString(), "--mode",
                "float", "--out", yFloat.toString()));
        assertEquals(0, Main.execute("infer", "--model", model.toString(), "--frames", frames.toString(), "--mode",
                "fixed", "--preset", "ese", "--out", yFixed.toString()));
        double[][] f = Npy.read(yFloat);
        double[][] q = Npy.read(yFixed);
        assertEquals(20, f.length);
        assertEquals(8, f[0].length);
        double signal = 0;
        double noise = 0;
        for (int t = 0; t < f.length; t++) {
            for (int j = 0; j < f[t].length; j++) {
                signal += f[t][j] * f[t][j];
                noise += (f[t][j] - q[t][j]) * (f[t][j] - q[t][j]);
            }
        }
        double snr = 10 * Math.log10(signal / noise);
        System.out.println("infer fixed vs float SNR " + snr + " dB");
        // ese formats, unpruned small model: the ESE-dims derivation in GoldenModelAccuracyTest gives > 30 dB
        assertTrue(snr > 30, "SNR " + snr);
    }

    @Test
    void readmeHoldsThePresetTable() throws IOException {
        Path readme = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
        assertTrue(Files.readString(readme).contains(PresetsCommand.table()),
                "README.md must contain the output of `./esegen presets`");
    }

    @Test
    void readmeHoldsTheRegisterTable() throws IOException {
        Path readme = Path.of(System.getProperty("user.dir")).getParent().resolve("README.md");
        assertTrue(Files.readString(readme).contains(RegistersCommand.table()),
                "README.md must contain the output of `./esegen registers`");
    }
}
