package io.sluice.kafka;

import io.sluice.protocol.ErrorCode;
import org.apache.kafka.common.protocol.Errors;

/**
 * Sluice's error codes as Kafka's. Sluice numbers its codes as Kafka does wherever the meaning is the
 * same, so most map by number; the few of its own (unknown API, malformed or oversized frame) become
 * the Kafka error with the closest meaning.
 */
public final class KafkaErrors {
    private KafkaErrors() {
    }

    public static Errors of(ErrorCode code) {
        return switch (code) {
            case UNKNOWN_API, MALFORMED_REQUEST -> Errors.INVALID_REQUEST;
            case FRAME_TOO_LARGE -> Errors.MESSAGE_TOO_LARGE;
            case UNRECOGNIZED -> Errors.UNKNOWN_SERVER_ERROR;
            default -> Errors.forCode((short) code.getNumber());
        };
    }

    public static short code(ErrorCode code) {
        return of(code).code();
    }
}
