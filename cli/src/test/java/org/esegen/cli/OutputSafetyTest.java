package org.esegen.cli;

import org.esegen.io.Safetensors;
import org.esegen.io.SyntheticModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bad-input battery of the house issue, one case per bug: each is refused with exit 2 and a
 * message naming the option or file, and nothing of the user's is touched.
 */
class OutputSafetyTest {
    @TempDir
    Path dir;

    private CliErrorsTest.Outcome refused(String expected, String... args) {
        CliErrorsTest.Outcome o = CliErrorsTest.run(args);
        System.out.println(String.join(" ", args) + " -> " + o.err().strip());
        assertEquals(2, o.code(), o.err());
        assertTrue(o.err().contains(expected), "expected '" + expected + "' in: " + o.err());
        assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
        return o;
    }

    private Path userFolder() throws IOException {
        Path keep = Files.createDirectories(dir.resolve("keep"));
        Files.writeString(keep.resolve("file.txt"), "precious");
        return keep;
    }

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void emptyDotAndAncestorTargetsAreRefusedByEveryCommand() throws IOException {
        Path keep = userFolder();
        Path frames = dir.resolve("frames.npy");
        assertEquals(0, CliErrorsTest.run("synthetic", "--spec", "6,8,4", "--frames", "2", "--out",
                dir.resolve("m").toString()).code());
        Files.copy(dir.resolve("m/frames.npy"), frames);
        String model = dir.resolve("m/model.safetensors").toString();
        for (String target : List.of("", ".", "..", "/")) {
            String expected = target.isEmpty() ? "--out is empty" : target.equals("/") ? "file system root"
                    : "working directory or one of its ancestors";
            refused(expected, "synthetic", "--spec", "16,32,16", "--frames", "2", "--out", target);
            refused(expected, "compile", "--synthetic", "6,8,4", "--out", target, "--force");
            refused(expected, "generate", "--out", target);
            refused(expected, "vivado", "--out", target);
            refused(expected, "cosim", "--synthetic", "6,8,4", "--out", target);
            refused(expected, "sweep-merge", "--out", target, keep.toString());
        }
        refused("--trace is empty", "infer", "--model", model, "--frames", frames.toString(), "--mode", "fixed",
                "--out", dir.resolve("y.npy").toString(), "--trace", "");
        refused("is or contains the input", "compile", "--model", model, "--out", dir.resolve("m").toString(),
                "--force");
        refused("is or contains the input", "infer", "--model", model, "--frames", frames.toString(), "--mode",
                "fixed", "--out", dir.resolve("y.npy").toString(), "--trace", dir.toString());
        refused("is the input", "infer", "--model", model, "--frames", frames.toString(), "--mode", "float",
                "--out", frames.toString());
        refused("esegen did not write", "generate", "--out", keep.toString());
        assertEquals(List.of("file.txt"), names(keep));
        assertEquals("precious", Files.readString(keep.resolve("file.txt")));
    }

    @Test
    void sigtermRemovesTheStagingFolderAndTheLock() throws Exception {
        Path out = dir.resolve("killed");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "compile", "--preset", "ese",
                "--synthetic", "153,1024,512", "--num-frames", "3000", "--out", out.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (names(dir).stream().noneMatch(n -> n.startsWith(".esegen-tmp-")) && p.isAlive()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(p.isAlive(), "the compile is still running when it is killed: " + Files.readString(dir.resolve("killed.log")));
        Thread.sleep(500);
        p.destroy();
        assertEquals(143, p.waitFor(), "SIGTERM ends the JVM");
        assertFalse(Files.exists(out));
        assertEquals(List.of("killed.log"), names(dir), "no staging folder or lock file left");
    }

    @Test
    void anOutputIsReplacedOnlyByTheSameKindOrWithForce() throws IOException {
        Path out = dir.resolve("out");
        assertEquals(0, CliErrorsTest.run("generate", "--out", out.toString()).code());
        assertEquals(0, CliErrorsTest.run("generate", "--out", out.toString()).code(), "its own output is replaced");
        refused("another kind of esegen output (esegen generate)", "compile", "--synthetic", "6,8,4", "--out",
                out.toString());
        assertEquals(0, CliErrorsTest.run("compile", "--synthetic", "6,8,4", "--out", out.toString(), "--force").code());
        assertTrue(Files.isRegularFile(out.resolve("image.bin")));
        Path keep = userFolder();
        assertEquals(0, CliErrorsTest.run("generate", "--out", keep.toString(), "--force").code());
        assertFalse(Files.exists(keep.resolve("file.txt")), "--force replaces a folder esegen did not write");
        assertEquals(List.of("keep", "out"), names(dir), "nothing left beside the outputs");
    }

    @Test
    void oversizedRequestsFailBeforeAllocatingWithTheNumbers() {
        refused("does not fit the config's maxInputSize", "compile", "--synthetic", "65536,65536,65536", "--out",
                dir.resolve("a").toString());
        refused("of memory, but this JVM has", "compile", "--synthetic", "65536,65536,65536", "--set",
                "maxInputSize=65536", "--set", "maxHiddenSize=65536", "--set", "maxProjSize=65536", "--out",
                dir.resolve("a").toString());
        refused("--num-frames 100000000 (x 1 channels) needs about", "compile", "--synthetic", "16,32,16",
                "--num-frames", "100000000", "--out", dir.resolve("a").toString());
        refused("of memory, but this JVM has", "synthetic", "--spec", "65536,65536,65536", "--out",
                dir.resolve("a").toString());
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void theOptionNamedIsTheOneTheUserTyped() {
        refused("--frames 0 must be at least 1", "cosim", "--synthetic", "6,8,4", "--frames", "0", "--out",
                dir.resolve("c").toString());
        refused("--frames 0 must be at least 1", "bench", "--preset", "ese", "--frames", "0", "--out",
                dir.resolve("b").toString());
        refused("--num-frames 0 must be at least 1", "compile", "--synthetic", "6,8,4", "--num-frames", "0", "--out",
                dir.resolve("c").toString());
    }

    @Test
    void repeatedAndConflictingSettingsAreRefused() {
        refused("--set pesPerChannel is given twice", "generate", "--set", "pesPerChannel=2", "--set",
                "pesPerChannel=4", "--out", dir.resolve("g").toString());
        refused("--set pesPerChannel=2 conflicts with --pes", "sweep", "--synthetic", "6,8,4", "--pes", "4", "--set",
                "pesPerChannel=2", "--no-cosim", "--no-synth", "--out", dir.resolve("s").toString());
        refused("--snr-floor NaN: must be a finite number", "sweep", "--synthetic", "6,8,4", "--snr-floor", "NaN",
                "--no-cosim", "--no-synth", "--out", dir.resolve("s").toString());
        refused("--snr-floor Infinity: must be a finite number", "sweep-merge", "--snr-floor", "Infinity", "--out",
                dir.resolve("m").toString(), dir.toString());
    }

    @Test
    void nonRegularInputsAreRefusedInsteadOfHanging() throws Exception {
        Path fifo = dir.resolve("frames.npy");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
        refused("is not a regular file (a FIFO, device or socket)", "infer", "--synthetic", "6,8,4", "--frames",
                fifo.toString(), "--mode", "float", "--out", dir.resolve("y.npy").toString());
        refused("is not a regular file (a FIFO, device or socket)", "compile", "--model", fifo.toString(), "--out",
                dir.resolve("c").toString());
        refused("is not a regular file (a folder)", "compile", "--model", dir.toString(), "--out",
                dir.resolve("c").toString());
    }

    @Test
    void malformedShardSpecsAndLinksOutOfAShardAreRefused() throws IOException {
        Path shard = dir.resolve("shard");
        List<String> sweep = new ArrayList<>(List.of("sweep", "--preset", "tiny", "--synthetic", "6,8,4,0.5,3",
                "--pes", "2", "--no-cosim", "--no-synth", "--out", shard.toString()));
        assertEquals(0, CliErrorsTest.run(sweep.toArray(String[]::new)).code());
        Path spec = shard.resolve("sweep.json");
        String good = Files.readString(spec);
        Path merged = dir.resolve("merged");
        for (String[] bad : new String[][]{{"{}", "field 'spec' must be an object"}, {"null", "expected a JSON object"},
                {"[1, 2]", "expected a JSON object"}, {"{\"spec\": {}, \"grid\": 3}", "field 'grid' must be a non-empty"},
                {"{\"spec\": {}, \"grid\": [1]}", "field 'grid' holds number"}, {"{\"spec\": 1}", "'spec' must be an object"},
                {good.substring(0, good.length() / 2), "not valid JSON"}}) {
            Files.writeString(spec, bad[0]);
            refused(bad[1], "sweep-merge", "--out", merged.toString(), shard.toString());
        }
        Files.writeString(spec, good);
        sweep.add("--resume");
        Files.writeString(spec, good.substring(0, good.length() / 2));
        refused("sweep.json: not valid JSON", sweep.toArray(String[]::new));
        Files.writeString(spec, good);

        Path point = Files.list(shard.resolve("points")).findFirst().orElseThrow();
        Path secret = Files.writeString(dir.resolve("secret.txt"), "outside the shard");
        Files.createSymbolicLink(point.resolve("link.txt"), secret);
        refused("is a symbolic link", "sweep-merge", "--out", merged.toString(), shard.toString());
        Files.delete(point.resolve("link.txt"));
        Files.createSymbolicLink(point.resolve("dangling.txt"), dir.resolve("nothing-here"));
        refused("is a symbolic link", "sweep-merge", "--out", merged.toString(), shard.toString());
        assertFalse(Files.exists(merged));
        Files.delete(point.resolve("dangling.txt"));
        assertEquals(0, CliErrorsTest.run("sweep-merge", "--out", merged.toString(), shard.toString()).code());
    }
}
