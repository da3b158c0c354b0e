package io.sluice.replication;

import io.sluice.protocol.ErrorCode;
import io.sluice.storage.EpochEndOffset;
import io.sluice.storage.PartitionLog;
import io.sluice.storage.TimestampOffset;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.util.Optional;

/**
 * ListOffsets on the partition leader, shared by every protocol: earliest (-2) and earliest local
 * (-4; there is no remote tier) are the log start, latest (-1) the high watermark (what a consumer
 * can read; the log end for a replica), max timestamp (-3) the first committed record carrying the
 * log's largest timestamp, latest tiered (-5) none (-1, as Kafka answers without a remote tier), and
 * a timestamp the first committed offset whose record is at least that new. Also the end offset of a
 * leader epoch (Kafka's OffsetForLeaderEpoch). Stateless; thread-safe.
 */
public final class ListOffsetsService {
    public static final long LATEST = -1;
    public static final long EARLIEST = -2;
    public static final long MAX_TIMESTAMP = -3;
    public static final long EARLIEST_LOCAL = -4;
    public static final long LATEST_TIERED = -5;

    /** The answer; {@code offset} and {@code timestamp} are -1 when no record matches. */
    public record Result(TopicPartition tp, ErrorCode error, String message, long timestamp, long offset,
                         int leaderEpoch) {
    }

    private final ReplicaManager replicas;

    public ListOffsetsService(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    public Result lookup(TopicPartition tp, long timestamp, int currentLeaderEpoch, boolean replica) {
        Partition p = replicas.partition(tp).orElse(null);
        Result refused = refuse(tp, p, currentLeaderEpoch);
        if (refused != null) {
            return refused;
        }
        PartitionLog log = p.log();
        long hw = p.highWatermark();
        if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL) {
            return found(tp, -1, log.logStartOffset(), p.leaderEpoch());
        }
        if (timestamp == LATEST) {
            return found(tp, -1, replica ? log.logEndOffset() : hw, p.leaderEpoch());
        }
        if (timestamp == LATEST_TIERED) {
            return found(tp, -1, -1, -1);
        }
        if (timestamp < 0 && timestamp != MAX_TIMESTAMP) {
            return failed(tp, ErrorCode.INVALID_REQUEST, "timestamp " + timestamp + " is neither -1 (latest), "
                    + "-2 (earliest), -3 (max timestamp), -4 (earliest local), -5 (latest tiered) nor a time in ms");
        }
        try {
            Optional<TimestampOffset> found = timestamp == MAX_TIMESTAMP ? log.maxTimestampOffset()
                    : log.offsetForTimestamp(timestamp);
            if (found.isPresent() && found.get().offset() < hw) {
                return found(tp, found.get().timestamp(), found.get().offset(), p.leaderEpoch());
            }
            return found(tp, -1, -1, p.leaderEpoch());
        } catch (IOException e) {
            return failed(tp, ErrorCode.KAFKA_STORAGE_ERROR, "cannot read the log of " + tp + ": " + e.getMessage());
        }
    }

    /**
     * Kafka's OffsetForLeaderEpoch on the leader: the largest epoch at most {@code epoch} that this
     * log holds (in {@code leaderEpoch}) and the offset where the epoch after it starts (in
     * {@code offset}); the log end for the latest epoch. A client compares it with its position to
     * see whether the log it read was truncated. Epoch and offset are -1 when the epoch is newer than
     * any here or the log has none.
     */
    public Result endOffsetForEpoch(TopicPartition tp, int currentLeaderEpoch, int epoch) {
        Partition p = replicas.partition(tp).orElse(null);
        Result refused = refuse(tp, p, currentLeaderEpoch);
        if (refused != null) {
            return refused;
        }
        EpochEndOffset end = p.log().endOffsetForEpoch(epoch);
        return found(tp, -1, end.endOffset(), end.epoch());
    }

    /** The answer for a partition this broker cannot serve (not its leader, or another epoch), or null. */
    private Result refuse(TopicPartition tp, Partition p, int currentLeaderEpoch) {
        if (p == null || !p.isLeader()) {
            var topic = replicas.image().topics().topic(tp.topic());
            boolean exists = topic != null && topic.partition(tp.partition()) != null;
            return failed(tp, exists ? ErrorCode.NOT_LEADER_OR_FOLLOWER : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                    exists ? "this broker does not lead " + tp : "topic-partition " + tp + " does not exist");
        }
        ErrorCode epoch = LeaderEpochCheck.check(currentLeaderEpoch, p.leaderEpoch());
        if (epoch != ErrorCode.NONE) {
            return failed(tp, epoch, tp + ": " + LeaderEpochCheck.describe(currentLeaderEpoch, p.leaderEpoch()));
        }
        return null;
    }

    private static Result found(TopicPartition tp, long timestamp, long offset, int leaderEpoch) {
        return new Result(tp, ErrorCode.NONE, null, timestamp, offset, leaderEpoch);
    }

    private static Result failed(TopicPartition tp, ErrorCode error, String message) {
        return new Result(tp, error, message, -1, -1, -1);
    }
}
