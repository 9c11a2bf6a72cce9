package org.esegen.io;

import org.esegen.EsegenException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * An output folder written all-or-nothing: files go into a hidden temporary sibling, which replaces
 * the target only on {@link #commit()}. On {@link #close()} without commit the temporary folder is
 * deleted, so a failed command leaves nothing half-written.
 */
public final class OutputFolder implements AutoCloseable {
    private final Path target;
    private final Path staging;
    private boolean committed;

    private OutputFolder(Path target, Path staging) {
        this.target = target;
        this.staging = staging;
    }

    /** Start writing {@code target}; fails clearly when its parent cannot be written. */
    public static OutputFolder create(Path target) {
        Path absolute = target.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
            throw new EsegenException("--out " + target + ": exists and is not a folder");
        }
        try {
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, "." + absolute.getFileName() + ".tmp-");
            return new OutputFolder(absolute, staging);
        } catch (IOException | SecurityException e) {
            throw new EsegenException("--out " + target + ": cannot write there (" + e.getMessage() + ")", e);
        }
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
            throw new EsegenException("--out " + target + ": cannot write " + name + " (" + e.getMessage() + ")", e);
        }
    }

    /** Replace the target with the finished folder. */
    public void commit() {
        try {
            if (Files.getFileStore(staging).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            if (Files.exists(target)) {
                deleteTree(target);
            }
            try {
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, target);
            }
            committed = true;
        } catch (IOException e) {
            throw new EsegenException("--out " + target + ": cannot move the finished output into place ("
                    + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        if (!committed) {
            deleteTree(staging);
        }
    }

    /** Delete a folder and everything below it. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root)) {
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
}
