package io.sluice.metadata.image;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.metadata.CommitSequenceRecord;
import io.sluice.protocol.metadata.GroupOffsetRecord;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Committed-offset changes of one apply. Not thread-safe (used on the apply thread only). */
public final class GroupOffsetsDelta {

    private final GroupOffsetsImage base;
    /** The complete new offsets of each touched group; empty means the group has none left. */
    private final SortedMap<String, TreeMap<TopicPartition, CommittedOffset>> changed = new TreeMap<>();
    private final SortedMap<Integer, CommitSequence> sequences = new TreeMap<>();

    GroupOffsetsDelta(GroupOffsetsImage base) {
        this.base = base;
    }

    /** Groups whose offsets changed, with their complete new offsets. */
    public SortedMap<String, SortedMap<TopicPartition, CommittedOffset>> changedGroups() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(changed));
    }

    void replay(GroupOffsetRecord record) {
        TopicPartition partition = new TopicPartition(record.getTopic(), record.getPartition());
        TreeMap<TopicPartition, CommittedOffset> offsets = touch(record.getGroup());
        if (record.getRemove()) {
            offsets.remove(partition);
        } else {
            offsets.put(partition,
                    new CommittedOffset(record.getOffset(), record.getMetadata(), record.getCommitTimestampMs()));
        }
    }

    void replay(CommitSequenceRecord record) {
        sequences.put(record.getCoordinatorId(), new CommitSequence(record.getBrokerEpoch(), record.getSequence()));
    }

    /** Drops every group's offsets of a deleted topic, as Kafka does when a topic goes away. */
    void removeTopic(String topic) {
        for (String group : base.groups().keySet()) {
            if (base.offsets(group).keySet().stream().anyMatch(p -> p.topic().equals(topic))) {
                touch(group);
            }
        }
        changed.values().forEach(offsets -> offsets.keySet().removeIf(p -> p.topic().equals(topic)));
    }

    private TreeMap<TopicPartition, CommittedOffset> touch(String group) {
        return changed.computeIfAbsent(group, g -> new TreeMap<>(base.offsets(g)));
    }

    GroupOffsetsImage apply() {
        if (changed.isEmpty() && sequences.isEmpty()) {
            return base;
        }
        TreeMap<String, SortedMap<TopicPartition, CommittedOffset>> groups = new TreeMap<>(base.groups());
        changed.forEach((group, offsets) -> {
            if (offsets.isEmpty()) {
                groups.remove(group);
            } else {
                groups.put(group, Collections.unmodifiableSortedMap(new TreeMap<>(offsets)));
            }
        });
        SortedMap<Integer, CommitSequence> commitSequences = base.commitSequences();
        if (!sequences.isEmpty()) {
            commitSequences = new TreeMap<>(commitSequences);
            commitSequences.putAll(sequences);
        }
        return new GroupOffsetsImage(groups, commitSequences);
    }
}
