package io.sluice.metadata.image;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Committed offsets by group, then partition. Immutable: the per-group maps must be unmodifiable
 * (the delta builds them so), which lets an apply reuse every group it did not touch.
 */
public record GroupOffsetsImage(SortedMap<String, SortedMap<TopicPartition, CommittedOffset>> groups) {

    public static final GroupOffsetsImage EMPTY = new GroupOffsetsImage(new TreeMap<>());

    public GroupOffsetsImage {
        groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
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
