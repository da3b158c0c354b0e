package io.sluice.group;

import io.sluice.protocol.TopicPartition;
import java.util.List;
import java.util.Set;

/** The coordinator's view of a member heartbeat and its answer, free of wire types. */
public final class Heartbeat {
    /** Epoch of a join. */
    public static final int JOIN_EPOCH = 0;
    /** Epoch of a member leaving for good. */
    public static final int LEAVE_EPOCH = -1;
    /** Epoch of a static member leaving for a restart: it keeps its partitions until its session ends. */
    public static final int STATIC_LEAVE_EPOCH = -2;

    private Heartbeat() {
    }

    /**
     * One heartbeat. {@code owned} is what the member holds now. Kafka's ConsumerGroupHeartbeat sends
     * {@code topics}, {@code topicRegex}, {@code assignor} and {@code owned} only when they changed: null
     * there means "as in my last heartbeat". Immutable.
     */
    public record Request(String memberId, int memberEpoch, String instanceId, int rebalanceTimeoutMs,
                          int sessionTimeoutMs, List<String> topics, String topicRegex, String assignor,
                          Set<TopicPartition> owned, String clientId, String clientHost) {
        public Request {
            topics = topics == null ? null : List.copyOf(topics);
            owned = owned == null ? null : Set.copyOf(owned);
        }

        /** This request with the fields left out (null) taken from the member's last heartbeat, or empty. */
        Request completedFrom(List<String> lastTopics, String lastRegex, String lastAssignor,
                              Set<TopicPartition> lastOwned) {
            return new Request(memberId, memberEpoch, instanceId, rebalanceTimeoutMs, sessionTimeoutMs,
                    topics != null ? topics : lastTopics, topicRegex != null ? topicRegex : lastRegex,
                    assignor != null ? assignor : lastAssignor, owned != null ? owned : lastOwned, clientId, clientHost);
        }
    }

    /** The answer: the member's identity, epoch and the complete set of partitions it may own. Immutable. */
    public record Result(String memberId, int memberEpoch, int heartbeatIntervalMs, Set<TopicPartition> assignment,
                         boolean pending) {
        public Result {
            assignment = Set.copyOf(assignment);
        }
    }
}
