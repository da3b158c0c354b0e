package io.sluice.metadata.image;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** One topic: its name, its id (fixed at creation) and its partitions by index. Immutable. */
public record TopicImage(String name, String id, SortedMap<Integer, PartitionRegistration> partitions) {

    public TopicImage {
        partitions = Collections.unmodifiableSortedMap(new TreeMap<>(partitions));
    }

    public int partitionCount() {
        return partitions.size();
    }

    public PartitionRegistration partition(int index) {
        return partitions.get(index);
    }
}
