package io.sluice.group;

import io.sluice.protocol.TopicPartition;
import java.util.List;
import java.util.Set;

/** A snapshot of a group for DescribeGroups and ListGroups. Immutable. */
public record GroupDescription(String groupId, GroupState state, int groupEpoch, int assignmentEpoch, String assignor,
                               List<Member> members) {

    public GroupDescription {
        members = List.copyOf(members);
    }

    /** One member as described. Immutable. */
    public record Member(String memberId, String instanceId, String clientId, String clientHost, int memberEpoch,
                         List<String> topics, String topicRegex, Set<TopicPartition> assignment,
                         Set<TopicPartition> target) {
        public Member {
            topics = List.copyOf(topics);
            assignment = Set.copyOf(assignment);
            target = Set.copyOf(target);
        }
    }
}
