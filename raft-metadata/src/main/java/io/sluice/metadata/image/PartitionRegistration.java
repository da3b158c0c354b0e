package io.sluice.metadata.image;

import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.PartitionRecord;

import java.util.List;

/**
 * Replicas, in-sync replicas and leadership of one partition. Immutable.
 *
 * <p>{@code leaderEpoch} changes only when the leader changes (followers truncate by it);
 * {@code partitionEpoch} changes on every change, so a stale leader/ISR update can be refused.
 *
 * @param replicas the assignment; the first replica is the preferred leader
 * @param leader the leading broker, or {@link #NO_LEADER}
 */
public record PartitionRegistration(List<Integer> replicas, List<Integer> isr, int leader,
                                    int leaderEpoch, int partitionEpoch) {

    public static final int NO_LEADER = -1;

    public PartitionRegistration {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
    }

    public boolean hasLeader() {
        return leader != NO_LEADER;
    }

    public int preferredLeader() {
        return replicas.get(0);
    }

    /** The next version of this partition: the leader epoch moves only if the leader changed. */
    public PartitionRegistration next(int newLeader, List<Integer> newIsr) {
        int newLeaderEpoch = newLeader == leader ? leaderEpoch : leaderEpoch + 1;
        return new PartitionRegistration(replicas, newIsr, newLeader, newLeaderEpoch, partitionEpoch + 1);
    }

    public static PartitionRegistration fromRecord(PartitionRecord r) {
        return new PartitionRegistration(r.getReplicasList(), r.getIsrList(), r.getLeader(),
                r.getLeaderEpoch(), r.getPartitionEpoch());
    }

    public MetadataRecord toRecord(String topicId, int partition) {
        return MetadataRecord.newBuilder().setPartition(PartitionRecord.newBuilder()
                .setTopicId(topicId).setPartition(partition).addAllReplicas(replicas).addAllIsr(isr)
                .setLeader(leader).setLeaderEpoch(leaderEpoch).setPartitionEpoch(partitionEpoch)).build();
    }
}
