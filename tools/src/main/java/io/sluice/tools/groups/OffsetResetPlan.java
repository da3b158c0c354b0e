package io.sluice.tools.groups;

import io.sluice.protocol.TopicPartition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Computes the new committed offsets of {@code consumer-groups --reset-offsets} from what the cluster
 * reports, as Kafka's tool does: targets outside a partition's [earliest, latest] range are clamped
 * into it, so a reset never points before the log start or past the end. Pure; stateless.
 */
final class OffsetResetPlan {

    /** What the user asked for. {@code value} is the offset, the shift or the timestamp. */
    enum Kind { TO_EARLIEST, TO_LATEST, TO_OFFSET, SHIFT_BY, TO_DATETIME }

    /** The range of one partition and what the group has committed (-1: nothing). */
    record PartitionState(long earliest, long latest, long committed, long atTimestamp) {
    }

    private OffsetResetPlan() {
    }

    static Map<TopicPartition, Long> plan(Kind kind, long value, Map<TopicPartition, PartitionState> partitions) {
        Map<TopicPartition, Long> out = new LinkedHashMap<>();
        partitions.forEach((tp, s) -> out.put(tp, clamp(target(kind, value, s), s)));
        return out;
    }

    private static long target(Kind kind, long value, PartitionState s) {
        return switch (kind) {
            case TO_EARLIEST -> s.earliest();
            case TO_LATEST -> s.latest();
            case TO_OFFSET -> value;
            // Without a committed offset there is nothing to shift from: start from the earliest, as Kafka does.
            case SHIFT_BY -> (s.committed() < 0 ? s.earliest() : s.committed()) + value;
            // No record that late: the end of the log.
            case TO_DATETIME -> s.atTimestamp() < 0 ? s.latest() : s.atTimestamp();
        };
    }

    private static long clamp(long offset, PartitionState s) {
        return Math.max(s.earliest(), Math.min(s.latest(), offset));
    }
}
