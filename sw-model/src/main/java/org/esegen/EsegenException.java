package org.esegen;

/**
 * A user-facing error: bad input, bad configuration, or an output that cannot be written.
 * The message names the file or field, what was wrong and what is allowed. The CLI prints it
 * and exits with {@link #EXIT_CODE}.
 */
public class EsegenException extends RuntimeException {
    /** Exit code of every command that fails on bad input. */
    public static final int EXIT_CODE = 2;

    public EsegenException(String message) {
        super(message);
    }

    public EsegenException(String message, Throwable cause) {
        super(message, cause);
    }
}
