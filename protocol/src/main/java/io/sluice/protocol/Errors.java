package io.sluice.protocol;

import java.util.EnumSet;
import java.util.Set;

/** Facts about {@link ErrorCode}s shared by clients and servers: which are worth a retry, and a default text. */
public final class Errors {
    private static final Set<ErrorCode> RETRIABLE = EnumSet.of(
            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
            ErrorCode.LEADER_NOT_AVAILABLE,
            ErrorCode.NOT_LEADER_OR_FOLLOWER,
            ErrorCode.REQUEST_TIMED_OUT,
            ErrorCode.NETWORK_EXCEPTION,
            ErrorCode.COORDINATOR_LOAD_IN_PROGRESS,
            ErrorCode.COORDINATOR_NOT_AVAILABLE,
            ErrorCode.NOT_COORDINATOR,
            ErrorCode.NOT_ENOUGH_REPLICAS,
            ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND,
            ErrorCode.NOT_CONTROLLER,
            ErrorCode.KAFKA_STORAGE_ERROR,
            ErrorCode.FENCED_LEADER_EPOCH,
            ErrorCode.UNKNOWN_LEADER_EPOCH,
            ErrorCode.OFFSET_NOT_AVAILABLE,
            ErrorCode.REBALANCE_IN_PROGRESS,
            ErrorCode.CORRUPT_MESSAGE);

    private Errors() {
    }

    public static boolean isRetriable(ErrorCode code) {
        return RETRIABLE.contains(code);
    }

    /**
     * Whether the code refuses the caller itself (an ACL, a failed authentication): retrying cannot help
     * until an operator changes something, so clients report it at once, as Kafka's do.
     */
    public static boolean isAccessDenied(ErrorCode code) {
        return code == ErrorCode.TOPIC_AUTHORIZATION_FAILED || code == ErrorCode.GROUP_AUTHORIZATION_FAILED
                || code == ErrorCode.CLUSTER_AUTHORIZATION_FAILED
                || code == ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                || code == ErrorCode.SASL_AUTHENTICATION_FAILED;
    }

    /** Whether a client should refresh its metadata before retrying. */
    public static boolean needsMetadataRefresh(ErrorCode code) {
        return code == ErrorCode.NOT_LEADER_OR_FOLLOWER
                || code == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
                || code == ErrorCode.LEADER_NOT_AVAILABLE
                || code == ErrorCode.FENCED_LEADER_EPOCH
                || code == ErrorCode.UNKNOWN_LEADER_EPOCH
                || code == ErrorCode.NOT_CONTROLLER
                || code == ErrorCode.NOT_COORDINATOR;
    }

    /** The message to show when a response carried a code but no text of its own. */
    public static String describe(ErrorCode code, String message) {
        if (message != null && !message.isEmpty()) {
            return message;
        }
        return code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }
}
