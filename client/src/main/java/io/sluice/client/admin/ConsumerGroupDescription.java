package io.sluice.client.admin;

import java.util.List;

/**
 * A group as its coordinator describes it. Immutable.
 *
 * @param groupId       the group id
 * @param state         Empty, Reconciling or Stable
 * @param groupEpoch    bumped by every change of membership or subscriptions
 * @param assignor      the server-side assignor in use, empty for a group without members
 * @param coordinatorId the broker that coordinates the group
 * @param members       its members, by member id
 * @param lag           over its committed partitions, high watermark minus committed offset, as the
 *                      coordinator computed it; -1 when unknown (a partition without a reachable leader)
 */
public record ConsumerGroupDescription(String groupId, String state, int groupEpoch, String assignor, int coordinatorId,
                                       List<MemberDescription> members, long lag) {
    public ConsumerGroupDescription {
        members = List.copyOf(members);
    }
}
