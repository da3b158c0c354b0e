package io.sluice.metadata.image;

import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.PartitionRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * Replicas, in-sync replicas and leadership of one partition, and its reassignment while one runs.
 * Immutable.
 *
 * <p>{@code leaderEpoch} changes only when the leader changes, or when replicas leave the replica set
 * (followers truncate by it, and a removed replica's fetches are refused by it);
 * {@code partitionEpoch} changes on every change, so a stale leader/ISR update can be refused.
 *
 * <p>A reassignment (Kafka's KIP-455) keeps, as Kafka's registration does, the union of the original
 * and the target replicas in {@code replicas} (target first, so the target's first replica is the
 * preferred leader), the replicas being added and those being removed. Every replica of the union
 * fetches and may join the ISR; the controller completes the move once every target replica is in it.
 *
 * @param replicas the assignment (during a reassignment the union); the first replica is the preferred leader
 * @param leader the leading broker, or {@link #NO_LEADER}
 * @param addingReplicas target replicas that were not replicas before the reassignment (empty when none runs)
 * @param removingReplicas original replicas that are not in the target (empty when none runs)
 */
public record PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader,
                                    int leaderEpoch, int partitionEpoch,
                                    List<Integer> addingReplicas, List<Integer> removingReplicas) {

    public static final int NO_LEADER = -1;

    public PartitionRegistration {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition with no reassignment running. */
    public PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader, int leaderEpoch,
                                 int partitionEpoch) {
        this(replicas, isr, leader, leaderEpoch, partitionEpoch, List.of(), List.of());
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    public int preferredLeader() {
        return replicas.get(0);
    }

    public boolean isReassigning() {
        return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
    }

    /** The replicas the partition had before its reassignment (its replicas when none runs). */
    public List<Integer> originalReplicas() {
        List<Integer> original = new ArrayList<>(replicas);
        original.removeAll(addingReplicas);
        return original;
    }

    /** The replicas it will have once its reassignment completes (its replicas when none runs). */
    public List<Integer> targetReplicas() {
        List<Integer> target = new ArrayList<>(replicas);
        target.removeAll(removingReplicas);
        return target;
    }

    /** The next version of this partition: the leader epoch moves only if the leader changed. */
    public PartitionRegistration next(int newLeader, List<Integer> newIsr) {
        int newLeaderEpoch = newLeader == leader ? leaderEpoch : leaderEpoch + 1;
        return new PartitionRegistration(replicas, newIsr, newLeader, newLeaderEpoch, partitionEpoch + 1,
                addingReplicas, removingReplicas);
    }

    /**
     * The next version with another replica set (a reassignment starting, completing or reverted). As
     * Kafka does, the leader epoch moves when the leader changes or when a replica leaves the set, so
     * the leader starts a new epoch without it and a removed replica's fetches are fenced.
     */
    public PartitionRegistration reassigned(List<Integer> newReplicas, List<Integer> newIsr, int newLeader,
                                            List<Integer> adding, List<Integer> removing) {
        boolean replicaLeft = !newReplicas.containsAll(replicas);
        int newLeaderEpoch = newLeader != leader || replicaLeft ? leaderEpoch + 1 : leaderEpoch;
        return new PartitionRegistration(newReplicas, newIsr, newLeader, newLeaderEpoch, partitionEpoch + 1,
                adding, removing);
    }

    public static PartitionRegistration fromRecord(PartitionRecord r) {
        return new PartitionRegistration(r.getReplicasList(), r.getIsrList(), r.getLeader(),
                r.getLeaderEpoch(), r.getPartitionEpoch(), r.getAddingReplicasList(), r.getRemovingReplicasList());
    }

    public MetadataRecord toRecord(String topicId, int partition) {
        return MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder()
                .setTopicId(topicId).setPartition(partition).addAllReplicas(replicas).addAllIsr(isr)
                .setLeader(leader).setLeaderEpoch(leaderEpoch).setPartitionEpoch(partitionEpoch)
                .addAllAddingReplicas(addingReplicas).addAllRemovingReplicas(removingReplicas)).build();
    }
}
