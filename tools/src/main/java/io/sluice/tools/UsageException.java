package io.sluice.tools;

/** A mistake in how a command was called: the message says what is wrong and what to do instead. */
public class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }

    public UsageException(String message, Throwable cause) {
        super(message, cause);
    }
}
