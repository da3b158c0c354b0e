package io.sluice.client.admin;

import io.sluice.protocol.TopicPartition;
import java.util.Set;

/**
 * One member of a described group. Immutable.
 *
 * @param memberId         the id its coordinator gave it
 * @param groupInstanceId  its {@code group.instance.id}, empty for a dynamic member
 * @param clientId         its {@code client.id}
 * @param host             the address it connects from
 * @param memberEpoch      its epoch
 * @param assignment       the partitions it owns now
 * @param targetAssignment the partitions it will own once the group has reconciled
 */
public record MemberDescription(String memberId, String groupInstanceId, String clientId, String host,
                                int memberEpoch, Set<TopicPartition> assignment, Set<TopicPartition> targetAssignment) {
    public MemberDescription {
        assignment = Set.copyOf(assignment);
        targetAssignment = Set.copyOf(targetAssignment);
    }
}
