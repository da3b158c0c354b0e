package io.sluice.metadata.image;

import io.sluice.protocol.TopicPartition;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Committed offsets by group, then partition, and the last commit command applied from each
 * coordinator. Immutable: the per-group maps must be unmodifiable (the delta builds them so), which lets
 * an apply reuse every group it did not touch.
 */
public record GroupOffsetsImage(SortedMap<String, SortedMap<TopicPartition, CommittedOffset>> groups,
                                SortedMap<Integer, CommitSequence> commitSequences) {

    public static final GroupOffsetsImage EMPTY = new GroupOffsetsImage(new TreeMap<>(), new TreeMap<>());

    public GroupOffsetsImage {
        groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
        commitSequences = Collections.unmodifiableSortedMap(new TreeMap<>(commitSequences));
    }

    /** The last commit command applied from this broker; null when none was (or none carried a sequence). */
    public CommitSequence commitSequence(int coordinator) {
        return commitSequences.get(coordinator);
    }

    /** The offsets of one group; empty when it has none. */
    public SortedMap<TopicPartition, CommittedOffset> offsets(String group) {
        SortedMap<TopicPartition, CommittedOffset> offsets = groups.get(group);
        return offsets == null ? Collections.emptySortedMap() : offsets;
    }

    public CommittedOffset offset(String group, TopicPartition partition) {
        return offsets(group).get(partition);
    }
}
