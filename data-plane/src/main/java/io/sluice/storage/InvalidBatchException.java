package io.sluice.storage;

import io.sluice.protocol.ErrorCode;

/** Why an append was refused: the error code to send back and a message a person can act on. */
public final class InvalidBatchException extends Exception {
    private final ErrorCode error;

    public InvalidBatchException(ErrorCode error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    public ErrorCode error() {
        return error;
    }
}
