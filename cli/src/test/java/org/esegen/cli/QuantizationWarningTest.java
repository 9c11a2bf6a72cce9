package org.esegen.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.esegen.io.Npy;
import org.esegen.io.ModelFile;
import org.esegen.io.Safetensors;
import org.esegen.rnn.LayerStack;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A finite but absurd model or frames: the compile warns, on stderr and in report.json, and SNR stays a number. */
class QuantizationWarningTest {
    @TempDir
    Path dir;

    private static void scale(double[][] m, double factor) {
        for (double[] row : m) {
            for (int j = 0; j < row.length; j++) {
                row[j] *= factor;
            }
        }
    }

    @Test
    void denormalWeightsAHugeWeightAndHugeFramesAreWarnedAbout() throws IOException {
        LayerWeights m = SyntheticModel.generate(6, 8, 4, true, 3);
        scale(m.wIh(), 1e-310);
        scale(m.wHh(), 1e-310);
        m.wHr()[0][0] = 3e38;
        Path model = dir.resolve("absurd.safetensors");
        ModelFile.write(LayerStack.of(m), model, Safetensors.Dtype.F64);
        double[][] frames = new double[3][6];
        for (double[] f : frames) {
            Arrays.fill(f, 1e30);
        }
        Path framesFile = dir.resolve("frames.npy");
        Npy.write(framesFile, frames, "<f8");
        Path out = dir.resolve("c");

        CliErrorsTest.Outcome o = CliErrorsTest.run("compile", "--model", model.toString(), "--frames",
                framesFile.toString(), "--out", out.toString());

        System.out.println(o.err());
        assertEquals(0, o.code(), o.err());
        assertTrue(o.err().contains("esegen: warning: quantization of W_a zeroes"), o.err());
        assertTrue(o.err().contains("quantization of W_hr zeroes"), "one huge weight zeroes the rest: " + o.err());
        assertTrue(o.err().contains("quantization of input frames zeroes 0 and saturates 18 of its 18"), o.err());
        JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
        assertEquals(3, report.get("quantization_warnings").size(), report.toString());
        assertTrue(report.get("snr_db").isNumber() || report.get("snr_db").isNull(), "a number or null, never a string");

        Path sane = dir.resolve("sane");
        o = CliErrorsTest.run("compile", "--synthetic", "6,8,4", "--out", sane.toString());
        assertEquals(0, o.code(), o.err());
        assertTrue(!o.err().contains("warning"), o.err());
        assertEquals(0, new ObjectMapper().readTree(sane.resolve("report.json").toFile())
                .get("quantization_warnings").size());
    }
}
