package org.esegen.io;

import org.esegen.EsegenException;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/** Positional reads from a file channel and decoding of 16-bit floats, shared by the readers. */
final class Binary {

    private Binary() {
    }

    /**
     * Fails unless {@code file} is missing or a regular file: reading a FIFO, a device or a socket would
     * block or never end. A missing file is left to the reader's own message.
     */
    static void requireRegularFileOrMissing(Path file, String what) {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new EsegenException(file + ": is not a regular file (" + (Files.isDirectory(file)
                    ? "a folder" : "a FIFO, device or socket") + "); esegen reads " + what + " only from regular files");
        }
    }

    /** Reads exactly {@code count} bytes at {@code position} into a new little-endian buffer, flipped. */
    static ByteBuffer readBytes(FileChannel channel, long position, int count) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(count).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, position, buffer);
        return buffer.flip();
    }

    /**
     * Fills the remaining space of {@code buffer} from {@code position} on.
     *
     * @throws EOFException when the file ends first
     */
    static void readFully(FileChannel channel, long position, ByteBuffer buffer) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new EOFException("file ended at byte " + at + " while reading");
            }
            at += read;
        }
    }

    /** Decodes an IEEE 754 binary16 bit pattern (low 16 bits of {@code bits}) exactly. */
    static double halfToDouble(int bits) {
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        double magnitude;
        if (exponent == 0) {
            magnitude = Math.scalb((double) mantissa, -24);
        } else if (exponent == 0x1f) {
            magnitude = mantissa == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
        } else {
            magnitude = Math.scalb((double) (mantissa | 0x400), exponent - 25);
        }
        return (bits & 0x8000) != 0 ? -magnitude : magnitude;
    }

    /** Decodes a bfloat16 bit pattern (low 16 bits of {@code bits}) exactly. */
    static double bfloat16ToDouble(int bits) {
        return Float.intBitsToFloat((bits & 0xffff) << 16);
    }
}
