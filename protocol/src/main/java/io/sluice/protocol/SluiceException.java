package io.sluice.protocol;

/**
 * An error with a wire {@link ErrorCode} and a message a person can act on. Thrown by client and
 * server code where a request fails as a whole; per-partition errors travel in response bodies.
 */
public class SluiceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ErrorCode code;

    public SluiceException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public SluiceException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** Whether retrying the same request (after a metadata refresh where relevant) may succeed. */
    public boolean retriable() {
        return Errors.isRetriable(code);
    }
}
