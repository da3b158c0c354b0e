package io.sluice.group;

import io.sluice.protocol.TopicPartition;
import java.util.Map;
import java.util.Set;

/**
 * Computes a group's target assignment: which member should own which partition. Pure and
 * deterministic (same spec, same answer), so it is unit-tested without a coordinator, and stateless,
 * so one instance serves every group on any thread.
 *
 * <p>Implementations must be <em>sticky</em>: a member keeps the partitions it currently holds unless
 * they must move for balance or because it no longer subscribes to them. The coordinator turns the
 * difference between two targets into revocations first and assignments second, so every partition
 * that does not move is one that keeps being read without a pause.
 */
public interface PartitionAssignor {

    /** The name members ask for in {@code group.remote.assignor}. */
    String name();

    /**
     * The target assignment: every member of the spec gets an entry (possibly empty), and every
     * partition of a subscribed topic goes to exactly one member subscribed to its topic.
     */
    Map<String, Set<TopicPartition>> assign(AssignmentSpec spec);
}
