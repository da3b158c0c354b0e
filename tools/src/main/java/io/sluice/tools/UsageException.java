package io.sluice.tools;

/**
 * A mistake in how a command was called (exit code 2): the message says what is wrong, naming the
 * flag as the user types it; {@link Sluice} adds where to read the usage, {@code ./sluice HELP --help},
 * where HELP is the command (and sub-action) whose help explains it.
 */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String helpFor;

    public UsageException(String message) {
        this(message, (String) null);
    }

    /** {@code helpFor} is the command whose help to point at, e.g. "quorum start"; null for the failing command. */
    public UsageException(String message, String helpFor) {
        super(message);
        this.helpFor = helpFor;
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
        this.helpFor = null;
    }

    public String helpFor() {
        return helpFor;
    }
}
