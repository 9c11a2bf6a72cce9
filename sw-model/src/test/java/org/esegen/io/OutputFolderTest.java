package org.esegen.io;

import org.esegen.EsegenException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An output folder never destroys what esegen did not write, and is replaced without a gap. */
class OutputFolderTest {
    @TempDir
    Path dir;

    private static OutputFolder.Request request(String kind, boolean force, Path... inputs) {
        return new OutputFolder.Request("--out", kind, force, List.of(inputs));
    }

    private static EsegenException refused(Path target, OutputFolder.Request request) {
        return assertThrows(EsegenException.class, () -> OutputFolder.create(target, request).close());
    }

    private List<String> entries(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void refusesEmptyRootWorkingDirectoryAndItsAncestors() {
        assertTrue(refused(Path.of(""), request("compile", true)).getMessage().contains("--out is empty"));
        assertTrue(refused(Path.of("/"), request("compile", true)).getMessage().contains("file system root"));
        Path cwd = Path.of("").toAbsolutePath();
        for (Path target : List.of(Path.of("."), Path.of(".."), cwd, cwd.getParent())) {
            EsegenException e = refused(target, request("compile", true));
            assertTrue(e.getMessage().contains("working directory or one of its ancestors"), e.getMessage());
        }
    }

    @Test
    void refusesAFolderHoldingAnInputEvenWhenForced() throws IOException {
        Path inputs = Files.createDirectories(dir.resolve("models/deep"));
        Path model = Files.writeString(inputs.resolve("m.safetensors"), "model");
        for (Path target : List.of(inputs, dir.resolve("models"), dir)) {
            EsegenException e = refused(target, request("compile", true, model));
            assertTrue(e.getMessage().contains("is or contains the input"), e.getMessage());
        }
        assertEquals("model", Files.readString(model));
        assertThrows(EsegenException.class, () -> OutputFolder.checkOutputFile(model, "--out", List.of(model)));
    }

    @Test
    void replacesOnlyItsOwnKindUnlessForced() throws IOException {
        Path user = Files.createDirectories(dir.resolve("user"));
        Files.writeString(user.resolve("precious.txt"), "keep");
        EsegenException e = refused(user, request("compile", false));
        assertTrue(e.getMessage().contains("esegen did not write"), e.getMessage());
        assertEquals("keep", Files.readString(user.resolve("precious.txt")));

        Path out = dir.resolve("out");
        write(out, request("compile", false), "a.txt", "first");
        write(out, request("compile", false), "b.txt", "second");
        assertEquals(List.of(OutputFolder.MARKER, "b.txt"), entries(out));
        e = refused(out, request("generate", false));
        assertTrue(e.getMessage().contains("another kind of esegen output (esegen compile)"), e.getMessage());

        write(user, request("compile", true), "c.txt", "forced");
        assertEquals(List.of(OutputFolder.MARKER, "c.txt"), entries(user));
        assertEquals(List.of("out", "user"), entries(dir), "no staging, aside or lock file left beside the targets");
    }

    @Test
    void anEmptyFolderIsReplacedAndALongNameWorks() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        write(empty, request("compile", false), "x", "y");
        Path longName = dir.resolve("d".repeat(250));
        write(longName, request("compile", false), "x", "y");
        assertTrue(Files.isRegularFile(longName.resolve("x")));
    }

    @Test
    void withoutCommitNothingIsLeftAndTheOldOutputStays() throws IOException {
        Path out = dir.resolve("out");
        write(out, request("compile", false), "a.txt", "old");
        try (OutputFolder folder = OutputFolder.create(out, request("compile", false))) {
            folder.write("a.txt", "new".getBytes());
        }
        assertEquals("old", Files.readString(out.resolve("a.txt")));
        assertEquals(List.of("out"), entries(dir));
    }

    @Test
    void aSecondWriterOfTheSameTargetIsRefusedWhileTheFirstHoldsIt() throws IOException {
        Path out = dir.resolve("out");
        try (OutputFolder first = OutputFolder.create(out, request("compile", false))) {
            EsegenException e = refused(out, request("compile", false));
            assertTrue(e.getMessage().contains("another esegen run is writing this folder"), e.getMessage());
            first.write("a.txt", "first".getBytes());
            first.commit();
        }
        assertEquals("first", Files.readString(out.resolve("a.txt")));
        write(out, request("compile", false), "a.txt", "after");
        assertEquals("after", Files.readString(out.resolve("a.txt")));
    }

    @Test
    void leftoversOfDeadProcessesAreRemovedOthersKept() throws IOException {
        long deadPid = Long.MAX_VALUE / 2;
        Path stale = Files.createDirectories(dir.resolve(".esegen-tmp-" + deadPid + "-abc"));
        Files.writeString(stale.resolve(OutputFolder.MARKER), "esegen compile\n");
        Path live = Files.createDirectories(dir.resolve(".esegen-tmp-" + ProcessHandle.current().pid() + "-abc"));
        Files.writeString(live.resolve(OutputFolder.MARKER), "esegen compile\n");
        Path notOurs = Files.createDirectories(dir.resolve(".esegen-tmp-" + deadPid + "-xyz"));

        write(dir.resolve("out"), request("compile", false), "a", "b");

        assertFalse(Files.exists(stale), "a dead process's staging folder is removed");
        assertTrue(Files.exists(live), "a running process's staging folder is kept");
        assertTrue(Files.exists(notOurs), "a folder without esegen's marker is never removed");
    }

    @Test
    void aFullDiskIsNamedWithTheFileWhereverItIsInTheCauseChain() {
        IOException full = new java.nio.file.FileSystemException("/out/image.bin", null, "No space left on device");
        assertEquals("no space left on device while writing /out/image.bin", OutputFolder.describe(full));
        assertEquals("no space left on device while writing /out/image.bin",
                OutputFolder.describe(new java.io.UncheckedIOException("copying", full)));
        assertEquals("Permission denied", OutputFolder.describe(new IOException("Permission denied")));
    }

    private static void write(Path target, OutputFolder.Request request, String name, String text) {
        try (OutputFolder folder = OutputFolder.create(target, request)) {
            folder.write(name, text.getBytes());
            folder.commit();
        }
    }
}
