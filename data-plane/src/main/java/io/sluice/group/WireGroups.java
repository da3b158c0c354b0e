package io.sluice.group;

import io.sluice.metadata.image.CommittedOffset;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.rpc.DescribedGroup;
import io.sluice.protocol.rpc.DescribedMember;
import io.sluice.protocol.rpc.OffsetFetchPartition;
import io.sluice.protocol.rpc.OffsetFetchResponse;
import io.sluice.protocol.rpc.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/** Conversions between the group domain types and the wire messages, kept at this one edge. Stateless. */
final class WireGroups {

    private WireGroups() {
    }

    static Set<TopicPartition> partitions(List<TopicPartitions> wire) {
        Set<TopicPartition> out = new TreeSet<>();
        for (TopicPartitions t : wire) {
            t.getPartitionsList().forEach(p -> out.add(new TopicPartition(t.getTopic(), p)));
        }
        return out;
    }

    /** Grouped by topic, topics and partitions in order. */
    static List<TopicPartitions> toWire(Collection<TopicPartition> partitions) {
        SortedMap<String, List<Integer>> byTopic = new TreeMap<>();
        new TreeSet<>(partitions).forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(tp.partition()));
        List<TopicPartitions> out = new ArrayList<>();
        byTopic.forEach((topic, ps) -> out.add(TopicPartitions.newBuilder().setTopic(topic).addAllPartitions(ps).build()));
        return out;
    }

    /** The committed offsets asked for (all of the group's when none are named); -1 where none is committed. */
    static OffsetFetchResponse offsets(Map<TopicPartition, CommittedOffset> committed, List<TopicPartitions> asked) {
        OffsetFetchResponse.Builder response = OffsetFetchResponse.newBuilder();
        Collection<TopicPartition> wanted = asked.isEmpty() ? committed.keySet() : partitions(asked);
        for (TopicPartition tp : wanted) {
            CommittedOffset c = committed.get(tp);
            OffsetFetchPartition.Builder p = OffsetFetchPartition.newBuilder().setTopic(tp.topic())
                    .setPartition(tp.partition()).setOffset(-1);
            if (c != null) {
                p.setOffset(c.offset()).setMetadata(c.metadata()).setCommitTimestampMs(c.commitTimestampMs());
            }
            response.addPartitions(p);
        }
        return response.build();
    }

    static DescribedGroup.Builder describe(GroupDescription g) {
        DescribedGroup.Builder out = DescribedGroup.newBuilder().setGroupId(g.groupId()).setState(g.state().label())
                .setGroupEpoch(g.groupEpoch()).setAssignmentEpoch(g.assignmentEpoch()).setAssignor(g.assignor());
        for (GroupDescription.Member m : g.members()) {
            out.addMembers(DescribedMember.newBuilder().setMemberId(m.memberId()).setInstanceId(m.instanceId())
                    .setClientId(m.clientId()).setClientHost(m.clientHost()).setMemberEpoch(m.memberEpoch())
                    .addAllSubscribedTopics(m.topics()).setSubscribedTopicRegex(m.topicRegex())
                    .addAllAssignment(toWire(m.assignment())).addAllTargetAssignment(toWire(m.target())));
        }
        return out;
    }

    /** A Kafka classic group: its assignments are the clients' bytes, so members are shown without them. */
    static DescribedGroup.Builder describe(Classic.Description g) {
        DescribedGroup.Builder out = DescribedGroup.newBuilder().setGroupId(g.groupId()).setState(g.state())
                .setAssignor(g.protocolName());
        for (Classic.DescribedMember m : g.members()) {
            out.addMembers(DescribedMember.newBuilder().setMemberId(m.memberId())
                    .setInstanceId(m.instanceId() == null ? "" : m.instanceId())
                    .setClientId(m.clientId() == null ? "" : m.clientId())
                    .setClientHost(m.clientHost() == null ? "" : m.clientHost()));
        }
        return out;
    }
}
