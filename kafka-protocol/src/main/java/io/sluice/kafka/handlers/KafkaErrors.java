package io.sluice.kafka.handlers;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Sluice's error codes as Kafka's. Most Sluice codes carry Kafka's name and meaning, so they map by
 * name (not by number: Sluice numbers UNKNOWN_SERVER_ERROR 1 and OFFSET_OUT_OF_RANGE 11, which are
 * Kafka's OFFSET_OUT_OF_RANGE and STALE_CONTROLLER_EPOCH); the few of its own (unknown API, malformed
 * or oversized frame) become the Kafka error with the closest meaning.
 */
public final class KafkaErrors {
    private static final Map<ErrorCode, Errors> BY_NAME = new EnumMap<>(ErrorCode.class);

    static {
        for (ErrorCode code : ErrorCode.values()) {
            try {
                BY_NAME.put(code, Errors.valueOf(code.name()));
            } catch (IllegalArgumentException e) {
                // one of Sluice's own, mapped by meaning below
            }
        }
    }

    private KafkaErrors() {
    }

    public static Errors of(ErrorCode code) {
        Errors same = BY_NAME.get(code);
        if (same != null) {
            return same;
        }
        return switch (code) {
            case UNKNOWN_API, MALFORMED_REQUEST -> Errors.INVALID_REQUEST;
            case FRAME_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
            default -> Errors.UNKNOWN_SERVER_ERROR;
        };
    }

    public static short code(ErrorCode code) {
        return of(code).code();
    }

    /**
     * The Kafka error and message for a failed service call: a {@link SluiceException}'s code, else
     * Kafka's own mapping of the exception (UNKNOWN_SERVER_ERROR for anything unexpected).
     */
    public static ApiError of(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SluiceException s) {
            return new ApiError(of(s.code()), s.getMessage());
        }
        return new ApiError(Errors.forException(cause), cause.getMessage());
    }

    /** A Sluice outcome as Kafka's (code and message, the message null when there is no error). */
    public static ApiError of(ErrorCode code, String message) {
        Errors error = of(code);
        return new ApiError(error, error == Errors.NONE || message == null || message.isEmpty() ? null : message);
    }
}
