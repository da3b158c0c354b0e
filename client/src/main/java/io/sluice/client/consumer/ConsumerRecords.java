package io.sluice.client.consumer;

import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The records of one {@link Consumer#poll}, grouped by partition, each partition's in offset order.
 * Immutable.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class ConsumerRecords<K, V> implements Iterable<ConsumerRecord<K, V>> {
    private final Map<TopicPartition, List<ConsumerRecord<K, V>>> records;
    private final int count;

    ConsumerRecords(Map<TopicPartition, List<ConsumerRecord<K, V>>> records) {
        Map<TopicPartition, List<ConsumerRecord<K, V>>> copy = new LinkedHashMap<>();
        int n = 0;
        for (Map.Entry<TopicPartition, List<ConsumerRecord<K, V>>> e : records.entrySet()) {
            copy.put(e.getKey(), Collections.unmodifiableList(e.getValue()));
            n += e.getValue().size();
        }
        this.records = Collections.unmodifiableMap(copy);
        this.count = n;
    }

    /** No records. */
    public static <K, V> ConsumerRecords<K, V> empty() {
        return new ConsumerRecords<>(Map.of());
    }

    public int count() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public Set<TopicPartition> partitions() {
        return records.keySet();
    }

    /** The records of one partition, in offset order; empty if none. */
    public List<ConsumerRecord<K, V>> records(TopicPartition tp) {
        return records.getOrDefault(tp, List.of());
    }

    @Override
    public Iterator<ConsumerRecord<K, V>> iterator() {
        List<ConsumerRecord<K, V>> all = new ArrayList<>(count);
        records.values().forEach(all::addAll);
        return all.iterator();
    }
}
