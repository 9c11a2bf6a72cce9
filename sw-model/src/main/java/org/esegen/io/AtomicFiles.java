package org.esegen.io;

import org.esegen.EsegenException;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a partial
 * one: the bytes go to a hidden temporary file in the target's directory, are forced to disk, and
 * the temporary file is then renamed onto the target in one atomic step. On any failure the
 * temporary file is removed and the target is left as it was.
 */
public final class AtomicFiles {

    /** Produces the bytes of a file on the stream it is given. */
    @FunctionalInterface
    public interface Body {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Prefix of the temporary files: short, so that a target name of up to 255 bytes works. */
    public static final String TEMPORARY_PREFIX = ".esegen-tmp-";

    private static final int BUFFER_BYTES = 1 << 16;

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically with the bytes {@code body} produces.
     *
     * @throws EsegenException naming the target when its directory is missing or an I/O step fails;
     *                         an EsegenException thrown by {@code body} passes through unchanged
     */
    public static void write(Path target, Body body) {
        Path absolute = target.toAbsolutePath();
        Path directory = absolute.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new EsegenException(target + ": cannot write: directory " + directory + " does not exist");
        }
        Path temporary = directory.resolve(OutputFolder.uniqueName(TEMPORARY_PREFIX));
        try {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
                 OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES)) {
                body.writeTo(out);
                out.flush();
                channel.force(true);
            }
            Files.move(temporary, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new EsegenException(target + ": cannot write: " + OutputFolder.describe(e), e);
        } finally {
            deleteQuietly(temporary);
        }
    }

    /** Writes {@code target} atomically with {@code bytes}; see {@link #write(Path, Body)}. */
    public static void write(Path target, byte[] bytes) {
        write(target, out -> out.write(bytes));
    }

    private static void deleteQuietly(Path temporary) {
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException ignored) {
            // The write itself already succeeded or failed with its own message; a stray
            // temporary file is not worth hiding that outcome.
        }
    }
}
