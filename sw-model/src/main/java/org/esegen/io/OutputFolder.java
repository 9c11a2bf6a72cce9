package org.esegen.io;

import org.esegen.EsegenException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An output folder written all-or-nothing, which never destroys what esegen did not write.
 *
 * <ul>
 *   <li>The target is refused (with the option's name and the reason) when it is empty, the file
 *       system root, the working directory or one of its ancestors, a symbolic link, or when it is or
 *       contains one of the command's input files.</li>
 *   <li>An existing target is replaced only when it is empty or holds a previous esegen output of the
 *       same kind (the marker file {@value #MARKER}); anything else needs {@code force}.</li>
 *   <li>Files go into a hidden staging sibling with a short name ({@code .esegen-tmp-PID-RANDOM}), so a
 *       target name of up to 255 bytes works. {@link #commit()} moves the old target aside, moves the new
 *       folder in and then deletes the old one: at every moment one of the two is in place.</li>
 *   <li>A lock file beside the target ({@code .esegen-lock-HASH}) is held from {@link #create} to
 *       {@link #close()}: a second run writing the same target fails at once with a clear message.</li>
 *   <li>On {@link #close()} without commit, and on Ctrl-C or SIGTERM (a shutdown hook), the staging
 *       folder is deleted; staging folders of processes that are gone (kill -9) are deleted by the next
 *       {@link #create} in the same parent folder.</li>
 * </ul>
 */
public final class OutputFolder implements AutoCloseable {
    /** The marker file in every folder esegen writes: its content names the kind of output. */
    public static final String MARKER = ".esegen-output";

    private static final String STAGING_PREFIX = ".esegen-tmp-";
    private static final String ASIDE_PREFIX = ".esegen-old-";
    private static final Pattern LEFTOVER = Pattern.compile("\\.esegen-(?:tmp|old)-(\\d+)-[0-9a-z]+");

    /**
     * What the command writes where.
     *
     * @param option the command-line option that named the target, for messages ({@code --out})
     * @param kind   the kind of output ({@code compile}, {@code generate}, ...), written into the marker
     * @param force  replace an existing non-empty folder that is not an esegen output of this kind
     * @param inputs files the command reads; the target may neither be nor contain any of them
     */
    public record Request(String option, String kind, boolean force, List<Path> inputs) {
        public Request {
            Objects.requireNonNull(option);
            Objects.requireNonNull(kind);
            inputs = inputs.stream().filter(Objects::nonNull).toList();
        }
    }

    private final Path target;
    private final Path staging;
    private final Request request;
    private final TargetLock lock;
    private final Thread cleanupOnExit;
    private boolean committed;
    private boolean closed;

    private OutputFolder(Path target, Path staging, Request request, TargetLock lock) {
        this.target = target;
        this.staging = staging;
        this.request = request;
        this.lock = lock;
        this.cleanupOnExit = new Thread(this::abandonOnExit, "esegen-output-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanupOnExit);
    }

    /** Start writing {@code target} as {@code --out} of a generic esegen output, not forced, no inputs. */
    public static OutputFolder create(Path target) {
        return create(target, new Request("--out", "output", false, List.of()));
    }

    /**
     * Start writing {@code target}.
     *
     * @throws EsegenException naming the option, the target and the reason when the target is refused,
     *                         locked by another run, or cannot be written
     */
    public static OutputFolder create(Path target, Request request) {
        Path absolute = checkTarget(target, request);
        Path parent = absolute.getParent();
        try {
            Files.createDirectories(parent);
        } catch (IOException | SecurityException e) {
            throw new EsegenException(request.option() + " " + target + ": cannot write there (" + describe(e) + ")", e);
        }
        TargetLock lock = TargetLock.acquire(absolute, request.option());
        try {
            checkReplaceable(target, absolute, request);
            deleteLeftovers(parent);
            Path staging = Files.createDirectory(parent.resolve(uniqueName(STAGING_PREFIX)));
            Files.writeString(staging.resolve(MARKER), markerText(request.kind()));
            return new OutputFolder(absolute, staging, request, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            if (e instanceof EsegenException ee) {
                throw ee;
            }
            throw new EsegenException(request.option() + " " + target + ": cannot write there (" + describe(e) + ")", e);
        }
    }

    /**
     * Checks a target path without touching the file system beyond reading it: the rules of
     * {@link OutputFolder} for an output folder.
     *
     * @return the absolute, normalized target
     */
    public static Path checkTarget(Path target, Request request) {
        String option = request.option();
        if (target.toString().isBlank()) {
            throw new EsegenException(option + " is empty: name the folder to write, e.g. " + option + " out/"
                    + request.kind());
        }
        Path absolute = target.toAbsolutePath().normalize();
        if (absolute.getParent() == null) {
            throw new EsegenException(option + " " + target + ": is the file system root; name a folder below it");
        }
        if (Files.isSymbolicLink(absolute)) {
            throw new EsegenException(option + " " + target + ": is a symbolic link; name the folder itself");
        }
        Path real = realPath(absolute);
        Path workingDirectory = realPath(Path.of("").toAbsolutePath());
        if (workingDirectory.startsWith(real)) {
            throw new EsegenException(option + " " + target + ": is the working directory or one of its ancestors ("
                    + real + "); esegen replaces its output folder whole, so name a new folder below it");
        }
        for (Path input : request.inputs()) {
            Path realInput = realPath(input.toAbsolutePath().normalize());
            if (realInput.startsWith(real)) {
                throw new EsegenException(option + " " + target + ": is or contains the input " + input
                        + "; esegen replaces its output folder whole, so write elsewhere");
            }
        }
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new EsegenException(option + " " + target + ": exists and is not a folder");
        }
        return absolute;
    }

    /**
     * Checks that a single output file does not overwrite one of the command's inputs.
     *
     * @return the absolute, normalized file
     */
    public static Path checkOutputFile(Path file, String option, List<Path> inputs) {
        if (file.toString().isBlank()) {
            throw new EsegenException(option + " is empty: name the file to write");
        }
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new EsegenException(option + " " + file + ": is a folder; name a file");
        }
        Path real = realPath(absolute);
        for (Path input : inputs) {
            if (input != null && realPath(input.toAbsolutePath().normalize()).equals(real)) {
                throw new EsegenException(option + " " + file + ": is the input " + input + "; write elsewhere");
            }
        }
        return absolute;
    }

    private static void checkReplaceable(Path shown, Path absolute, Request request) throws IOException {
        if (!Files.isDirectory(absolute, LinkOption.NOFOLLOW_LINKS) || request.force() || isEmpty(absolute)) {
            return;
        }
        Path marker = absolute.resolve(MARKER);
        String found = Files.isRegularFile(marker, LinkOption.NOFOLLOW_LINKS)
                ? Files.readString(marker, StandardCharsets.UTF_8) : null;
        if (markerText(request.kind()).equals(found)) {
            return;
        }
        String what = found == null ? "is a non-empty folder that esegen did not write (no " + MARKER + ")"
                : "holds another kind of esegen output (" + found.strip() + ")";
        throw new EsegenException(request.option() + " " + shown + ": " + what + "; esegen replaces its output "
                + "folder whole, so name a new folder, or add --force to replace it");
    }

    private static boolean isEmpty(Path folder) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            return !entries.iterator().hasNext();
        }
    }

    private static String markerText(String kind) {
        return "esegen " + kind + "\n";
    }

    /** Path of a file inside the folder being written. */
    public Path resolve(String name) {
        return staging.resolve(name);
    }

    /** The final location. */
    public Path target() {
        return target;
    }

    /** Write bytes to a file in the folder. */
    public void write(String name, byte[] bytes) {
        try {
            Path p = staging.resolve(name);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new EsegenException(request.option() + " " + target + ": cannot write " + name + " ("
                    + describe(e) + ")", e);
        }
    }

    /** Replace the target with the finished folder: old moved aside, new moved in, old deleted. */
    public synchronized void commit() {
        if (closed || committed) {
            throw new IllegalStateException("output folder " + target + " already " + (closed ? "closed" : "committed"));
        }
        Path aside = null;
        try {
            if (Files.getFileStore(staging).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                aside = target.resolveSibling(uniqueName(ASIDE_PREFIX));
                Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                if (aside != null) {
                    Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
                }
                throw e;
            }
            committed = true;
        } catch (IOException e) {
            throw new EsegenException(request.option() + " " + target + ": cannot move the finished output into place ("
                    + describe(e) + ")", e);
        }
        if (aside != null) {
            deleteTree(aside);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        deleteStagingIfOpen();
        closed = true;
        lock.release();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it finds the staging folder already gone
        }
    }

    /** On Ctrl-C or SIGTERM: the staging folder and the lock file go. */
    private synchronized void abandonOnExit() {
        if (!closed) {
            deleteStagingIfOpen();
            closed = true;
            lock.release();
        }
    }

    private synchronized void deleteStagingIfOpen() {
        if (!committed && !closed) {
            try {
                deleteTree(staging);
            } catch (UncheckedIOException e) {
                System.err.println("esegen: could not remove " + staging + ": " + e.getCause().getMessage());
            }
        }
    }

    /** Delete a folder (or file) and everything below it, never following a symbolic link. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Deletes the staging and moved-aside folders esegen left in {@code parent} (by name, and only
     * when they hold the marker) whose process no longer runs.
     */
    static void deleteLeftovers(Path parent) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(parent, ".esegen-*")) {
            for (Path entry : entries) {
                Matcher m = LEFTOVER.matcher(entry.getFileName().toString());
                if (!m.matches() || !Files.isRegularFile(entry.resolve(MARKER), LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                long pid = Long.parseLong(m.group(1));
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    continue;
                }
                try {
                    deleteTree(entry);
                } catch (UncheckedIOException e) {
                    System.err.println("esegen: could not remove the stale " + entry + ": " + e.getCause().getMessage());
                }
            }
        }
    }

    /** A short hidden name unique to this process: {@code prefix} + pid + random. */
    static String uniqueName(String prefix) {
        return prefix + ProcessHandle.current().pid() + "-"
                + Long.toString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }

    private static Path realPath(Path absolute) {
        Path existing = absolute;
        Path rest = Path.of("");
        while (existing != null && !Files.exists(existing)) {
            rest = existing.getFileName().resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute;
        }
        try {
            return existing.toRealPath().resolve(rest).normalize();
        } catch (IOException e) {
            return absolute;
        }
    }

    /** An I/O failure as a user reads it: a full disk says "no space left on device" and the file. */
    public static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            if (message.contains("No space left on device")) {
                return "no space left on device" + (t instanceof java.nio.file.FileSystemException fse
                        && fse.getFile() != null ? " while writing " + fse.getFile() : "");
            }
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * The lock beside a target: {@code .esegen-lock-HASH} in the target's parent, held with an OS file
     * lock (released by the OS if the process dies) and deleted by its holder on release. The holder
     * writes a token into it and reads it back by path, so a run that locked an inode its previous
     * holder had just deleted notices and tries again.
     */
    private record TargetLock(Path file, FileChannel channel, FileLock lock) {
        static TargetLock acquire(Path target, String option) {
            String hash = Integer.toHexString(target.getFileName().toString().hashCode());
            Path file = target.resolveSibling(".esegen-lock-" + hash);
            for (int attempt = 0; attempt < 10; attempt++) {
                FileChannel channel = null;
                try {
                    channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = channel.tryLock();
                    if (lock == null) {
                        channel.close();
                        throw busy(option, target, file);
                    }
                    String owner = ProcessHandle.current().pid() + "-" + System.identityHashCode(lock) + "\n";
                    channel.truncate(0);
                    channel.write(java.nio.ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)), 0);
                    if (owner.equals(readOrEmpty(file))) {
                        return new TargetLock(file, channel, lock);
                    }
                    channel.close();
                } catch (OverlappingFileLockException e) {
                    closeQuietly(channel);
                    throw busy(option, target, file);
                } catch (java.nio.file.NoSuchFileException e) {
                    closeQuietly(channel);
                } catch (IOException e) {
                    closeQuietly(channel);
                    throw new EsegenException(option + " " + target + ": cannot lock " + file + " (" + describe(e) + ")", e);
                }
            }
            throw busy(option, target, file);
        }

        /** The file at {@code file} now: a holder that deleted it on release leaves another inode there. */
        private static String readOrEmpty(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }

        void release() {
            try {
                Files.deleteIfExists(file);
                lock.release();
            } catch (IOException ignored) {
                // the lock file is only a rendezvous: a later run opens or recreates it
            } finally {
                closeQuietly(channel);
            }
        }

        private static EsegenException busy(String option, Path target, Path file) {
            return new EsegenException(option + " " + target + ": another esegen run is writing this folder (it holds "
                    + file + "); wait for it to finish or write elsewhere");
        }

        private static void closeQuietly(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing a lock channel that failed: nothing left to report
                }
            }
        }
    }
}
