package org.esegen.cli;

import org.esegen.io.Npy;
import org.esegen.io.ModelFile;
import org.esegen.io.Safetensors;
import org.esegen.rnn.LayerStack;
import org.esegen.io.SyntheticModel;
import org.esegen.rnn.LayerWeights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input: a clear message, exit code 2, and nothing left in --out. */
class CliErrorsTest {
    @TempDir
    static Path dir;
    static Path good;
    static byte[] goodBytes;

    @BeforeAll
    static void writeGoodModel() throws IOException {
        good = dir.resolve("good.safetensors");
        ModelFile.write(LayerStack.of(SyntheticModel.generate(6, 8, 4, true, 3)), good, Safetensors.Dtype.F32);
        goodBytes = Files.readAllBytes(good);
    }

    record Outcome(int code, String err, String out) {
    }

    static Outcome run(String... args) {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Outcome(code, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    static void assertCleanFailure(Path out, Outcome o, String... expected) throws IOException {
        System.out.println("stderr: " + o.err().strip());
        assertEquals(2, o.code(), o.err());
        for (String e : expected) {
            assertTrue(o.err().contains(e), "expected '" + e + "' in: " + o.err());
        }
        assertFalse(Files.exists(out), "--out must not exist after a failure");
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith("." + out.getFileName())
                            || p.getFileName().toString().startsWith(".esegen-")),
                    "no temporary folder or lock left beside --out");
        }
    }

    private static Path modelWith(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static Outcome compile(Path model, Path out, String... extra) {
        String[] base = {"compile", "--model", model.toString(), "--out", out.toString()};
        String[] all = Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return run(all);
    }

    @Test
    void truncatedFile() throws IOException {
        Path m = modelWith("truncated.safetensors", Arrays.copyOf(goodBytes, goodBytes.length - 10));
        Path out = dir.resolve("out-truncated");
        assertCleanFailure(out, compile(m, out), "truncated.safetensors");
    }

    @Test
    void headerLengthBeyondTheFile() throws IOException {
        byte[] b = goodBytes.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, b.length + 100L);
        Path out = dir.resolve("out-beyond");
        assertCleanFailure(out, compile(modelWith("beyond.safetensors", b), out), "beyond.safetensors", "header");
    }

    @Test
    void headerOver100MB() throws IOException {
        byte[] b = goodBytes.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200L * 1024 * 1024);
        Path out = dir.resolve("out-huge");
        assertCleanFailure(out, compile(modelWith("huge.safetensors", b), out), "huge.safetensors", "header");
    }

    @Test
    void unknownDtype() throws IOException {
        String text = new String(goodBytes, StandardCharsets.ISO_8859_1).replaceFirst("\"F32\"", "\"Q77\"");
        Path out = dir.resolve("out-dtype");
        assertCleanFailure(out, compile(modelWith("dtype.safetensors", text.getBytes(StandardCharsets.ISO_8859_1)), out),
                "dtype.safetensors", "Q77");
    }

    @Test
    void missingTensor() throws IOException {
        LayerWeights w = SyntheticModel.generate(6, 8, 4, false, 3);
        Path p = dir.resolve("missing.safetensors");
        Safetensors.write(p, java.util.List.of(
                org.esegen.io.Tensor.ofMatrix("weight_ih_l0", w.wIh()),
                org.esegen.io.Tensor.ofMatrix("weight_hh_l0", w.wHh()),
                org.esegen.io.Tensor.ofVector("bias_ih_l0", w.bIh()),
                org.esegen.io.Tensor.ofVector("bias_hh_l0", w.bHh())), Safetensors.Dtype.F32);
        Path out = dir.resolve("out-missing");
        assertCleanFailure(out, compile(p, out), "missing.safetensors", "weight_hr_l0");
    }

    @Test
    void aStatedCellMustAgreeWithTheTensorsAndOnlyAModelFileTakesOne() throws IOException {
        Path out = dir.resolve("out-cell");
        assertCleanFailure(out, run("compile", "--preset", "tiny", "--model", good.toString(), "--cell", "gru",
                "--out", out.toString()), "good.safetensors", "stated to be gru", "lstmp");
        assertCleanFailure(out, run("compile", "--preset", "tiny", "--model", good.toString(), "--cell", "rnn",
                "--out", out.toString()), "--cell 'rnn'", "allowed are lstmp, lstm, gru");
        assertCleanFailure(out, run("compile", "--preset", "tiny", "--synthetic", "6,8,4", "--cell", "lstm",
                "--out", out.toString()), "--cell states the cell of a --model file");
    }

    @Test
    void aStackDeeperThanMaxLayersIsRefusedWithTheFieldToRaise() throws IOException {
        Path out = dir.resolve("out-layers");
        assertCleanFailure(out, run("compile", "--preset", "tiny", "--synthetic", "lstm*3:6,8,8", "--out",
                out.toString()), "3 layers do not fit the config's maxLayers = 1", "--set maxLayers=3");
        assertCleanFailure(out, run("compile", "--preset", "tiny", "--synthetic", "gru*2:6,8,4", "--out",
                out.toString()), "P must equal H");
    }

    @Test
    void misshapenTensor() throws IOException {
        LayerWeights w = SyntheticModel.generate(6, 8, 4, false, 3);
        Path p = dir.resolve("misshapen.safetensors");
        Safetensors.write(p, java.util.List.of(
                org.esegen.io.Tensor.ofMatrix("weight_ih_l0", w.wIh()),
                org.esegen.io.Tensor.ofMatrix("weight_hh_l0", w.wHh()),
                org.esegen.io.Tensor.ofVector("bias_ih_l0", w.bIh()),
                org.esegen.io.Tensor.ofVector("bias_hh_l0", Arrays.copyOf(w.bHh(), 5)),
                org.esegen.io.Tensor.ofMatrix("weight_hr_l0", w.wHr())), Safetensors.Dtype.F32);
        Path out = dir.resolve("out-misshapen");
        assertCleanFailure(out, compile(p, out), "misshapen.safetensors", "bias_hh_l0");
    }

    @Test
    void nanWeight() throws IOException {
        LayerWeights w = SyntheticModel.generate(6, 8, 4, false, 3);
        double[][] wHr = w.wHr();
        Path p = dir.resolve("nan.safetensors");
        wHr[1][2] = Double.NaN;
        Safetensors.write(p, java.util.List.of(
                org.esegen.io.Tensor.ofMatrix("weight_ih_l0", w.wIh()),
                org.esegen.io.Tensor.ofMatrix("weight_hh_l0", w.wHh()),
                org.esegen.io.Tensor.ofVector("bias_ih_l0", w.bIh()),
                org.esegen.io.Tensor.ofVector("bias_hh_l0", w.bHh()),
                org.esegen.io.Tensor.ofMatrix("weight_hr_l0", wHr)), Safetensors.Dtype.F32);
        Path out = dir.resolve("out-nan");
        assertCleanFailure(out, compile(p, out), "nan.safetensors", "weight_hr_l0", "NaN");
    }

    @Test
    void dimsTheConfigCannotHold() throws IOException {
        Path out = dir.resolve("out-dims");
        assertCleanFailure(out, run("compile", "--preset", "tiny", "--synthetic", "100,16,8", "--out", out.toString()),
                "input size I = 100", "maxInputSize = 64");
    }

    @Test
    void pointersTheConfigCannotHold() throws IOException {
        Path out = dir.resolve("out-ptr");
        assertCleanFailure(out, run("compile", "--preset", "tiny", "--set", "ptrBits=8", "--set", "pesPerChannel=1",
                "--synthetic", "16,16,16,1.0", "--out", out.toString()), "ptrBits = 8");
    }

    @Test
    void invalidConfigValue() throws IOException {
        Path out = dir.resolve("out-config");
        assertCleanFailure(out, run("compile", "--set", "weightBits=40", "--synthetic", "8,8,8", "--out",
                out.toString()), "weightBits", "2..16");
    }

    @Test
    void badSyntheticSpec() throws IOException {
        Path out = dir.resolve("out-spec");
        assertCleanFailure(out, run("compile", "--synthetic", "8,x,8", "--out", out.toString()), "8,x,8");
    }

    @Test
    void unwritableOut() throws IOException {
        Path file = modelWith("a-file", new byte[]{1});
        Path out = file.resolve("sub");
        Outcome o = compile(good, out);
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(out.toString()), o.err());
        assertFalse(Files.isDirectory(file));
    }

    @Test
    void inferFramesOfTheWrongWidth() throws IOException {
        Path frames = dir.resolve("frames.npy");
        Npy.write(frames, new double[3][5], "<f4");
        Path out = dir.resolve("y-wrong.npy");
        Outcome o = run("infer", "--model", good.toString(), "--frames", frames.toString(), "--mode", "fixed",
                "--out", out.toString());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains("frames.npy") && o.err().contains("input size is 6"), o.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void usageErrorsExitWith2() {
        assertEquals(2, run("compile", "--out", dir.resolve("x").toString()).code());
        assertEquals(2, run("no-such-command").code());
    }
}
