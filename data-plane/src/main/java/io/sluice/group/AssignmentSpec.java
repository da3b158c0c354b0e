package io.sluice.group;

import io.sluice.protocol.TopicPartition;
import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The input of a {@link PartitionAssignor}: the members in member-id order, each with the topics it
 * subscribes to (already resolved from names or a pattern against existing topics) and the partitions
 * of the current target assignment (for stickiness), and the partition count of every subscribed topic.
 * Immutable.
 */
public record AssignmentSpec(SortedMap<String, Member> members, SortedMap<String, Integer> partitionCounts) {

    /** One member's subscription and its current target partitions. Immutable. */
    public record Member(SortedSet<String> topics, Set<TopicPartition> current) {
        public Member {
            topics = Collections.unmodifiableSortedSet(new TreeSet<>(topics));
            current = Set.copyOf(current);
        }

        public boolean subscribes(String topic) {
            return topics.contains(topic);
        }
    }

    public AssignmentSpec {
        members = Collections.unmodifiableSortedMap(new TreeMap<>(members));
        partitionCounts = Collections.unmodifiableSortedMap(new TreeMap<>(partitionCounts));
    }

    /** Topics that some member subscribes to and that exist, in name order. */
    public SortedSet<String> subscribedTopics() {
        SortedSet<String> topics = new TreeSet<>();
        members.values().forEach(m -> m.topics().stream().filter(partitionCounts::containsKey).forEach(topics::add));
        return topics;
    }

    /** Whether {@code tp} exists and the member may own it (subscribes to its topic). */
    public boolean isValidFor(Member member, TopicPartition tp) {
        Integer count = partitionCounts.get(tp.topic());
        return count != null && tp.partition() >= 0 && tp.partition() < count && member.subscribes(tp.topic());
    }
}
