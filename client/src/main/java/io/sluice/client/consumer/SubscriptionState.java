package io.sluice.client.consumer;

import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The partitions a consumer reads and, for each, its position: the offset of the next record to
 * return. A partition without a position waits for a reset (auto.offset.reset, seekToBeginning,
 * seekToEnd), which the consumer resolves with ListOffsets before fetching it.
 *
 * <p>Not thread-safe: owned by the consumer's (single) user thread.
 */
final class SubscriptionState {
    /** Per partition: position, or the reset to perform; the last high watermark seen. */
    private static final class PartitionState {
        Long position;
        OffsetResetStrategy pendingReset;
        long highWatermark = -1;
    }

    private final OffsetResetStrategy defaultReset;
    private final Map<TopicPartition, PartitionState> assignment = new LinkedHashMap<>();

    SubscriptionState(OffsetResetStrategy defaultReset) {
        this.defaultReset = defaultReset;
    }

    /** Replaces the assignment; partitions kept keep their position. */
    void assign(Collection<TopicPartition> partitions) {
        Map<TopicPartition, PartitionState> next = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            PartitionState state = assignment.get(tp);
            if (state == null) {
                state = new PartitionState();
                state.pendingReset = defaultReset;
            }
            next.put(tp, state);
        }
        assignment.clear();
        assignment.putAll(next);
    }

    Set<TopicPartition> assignment() {
        return assignment.keySet();
    }

    boolean isAssigned(TopicPartition tp) {
        return assignment.containsKey(tp);
    }

    void seek(TopicPartition tp, long offset) {
        PartitionState s = state(tp);
        s.position = offset;
        s.pendingReset = null;
    }

    void requestReset(TopicPartition tp, OffsetResetStrategy strategy) {
        PartitionState s = state(tp);
        s.position = null;
        s.pendingReset = strategy;
    }

    /** Falls back to auto.offset.reset after OFFSET_OUT_OF_RANGE; false if that is NONE. */
    boolean resetToDefault(TopicPartition tp) {
        if (defaultReset == OffsetResetStrategy.NONE) {
            return false;
        }
        requestReset(tp, defaultReset);
        return true;
    }

    /** The position, or null while a reset is pending. */
    Long position(TopicPartition tp) {
        return state(tp).position;
    }

    boolean hasPosition(TopicPartition tp) {
        return state(tp).position != null;
    }

    /** Partitions waiting for a reset with the given strategy. */
    List<TopicPartition> pendingResets(OffsetResetStrategy strategy) {
        List<TopicPartition> out = new ArrayList<>();
        assignment.forEach((tp, s) -> {
            if (s.position == null && s.pendingReset == strategy) {
                out.add(tp);
            }
        });
        return out;
    }

    void highWatermark(TopicPartition tp, long hw) {
        state(tp).highWatermark = hw;
    }

    long highWatermark(TopicPartition tp) {
        return state(tp).highWatermark;
    }

    private PartitionState state(TopicPartition tp) {
        PartitionState s = assignment.get(tp);
        if (s == null) {
            throw new IllegalStateException("partition " + tp + " is not assigned to this consumer");
        }
        return s;
    }
}
