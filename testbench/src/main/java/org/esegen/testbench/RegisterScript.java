package org.esegen.testbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

import org.esegen.EsegenException;

/** Builds the AXI-Lite register script the harness executes, one command per line. */
public final class RegisterScript {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.\\-]+");

    private final StringBuilder text = new StringBuilder();

    public RegisterScript comment(String comment) {
        text.append("# ").append(comment.replace('\n', ' ')).append('\n');
        return this;
    }

    public RegisterScript write(int address, long value) {
        text.append(String.format(Locale.ROOT, "write 0x%03X 0x%08X%n", checkAddress(address),
                checkWord("value", value)));
        return this;
    }

    /** Polls {@code address} until {@code (register & mask) == value}; fails the run after {@code maxCycles}. */
    public RegisterScript waitFor(int address, long mask, long value, long maxCycles) {
        if (maxCycles < 1) {
            throw new EsegenException("register script wait: maxCycles " + maxCycles + " must be at least 1");
        }
        text.append(String.format(Locale.ROOT, "wait 0x%03X 0x%08X 0x%08X %d%n", checkAddress(address),
                checkWord("mask", mask), checkWord("value", value), maxCycles));
        return this;
    }

    /** Reads a register into the run's results under {@code name}. */
    public RegisterScript read(int address, String name) {
        if (!NAME.matcher(name).matches() || name.startsWith("harness.")) {
            throw new EsegenException("register script read: name '" + name
                    + "' must match " + NAME + " and not start with 'harness.'");
        }
        text.append(String.format(Locale.ROOT, "read 0x%03X %s%n", checkAddress(address), name));
        return this;
    }

    public String text() {
        return text.toString();
    }

    public Path writeTo(Path file) throws IOException {
        return Files.writeString(file, text(), StandardCharsets.UTF_8);
    }

    private static int checkAddress(int address) {
        if (address < 0 || address > 0xFFF) {
            throw new EsegenException("register script: address 0x" + Integer.toHexString(address)
                    + " outside the 12-bit AXI-Lite space 0x000..0xFFF");
        }
        return address;
    }

    private static long checkWord(String what, long word) {
        if (word < 0 || word > 0xFFFF_FFFFL) {
            throw new EsegenException("register script: " + what + " 0x" + Long.toHexString(word)
                    + " does not fit 32 bits");
        }
        return word;
    }
}
