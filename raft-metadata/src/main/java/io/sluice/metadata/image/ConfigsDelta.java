package io.sluice.metadata.image;

import io.sluice.protocol.metadata.ConfigRecord;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Topic and broker config changes of one apply. Not thread-safe (used on the apply thread only). */
public final class ConfigsDelta {

    private final ConfigsImage base;
    /** The complete new overrides of each touched topic; empty means "no overrides left". */
    private final SortedMap<String, TreeMap<String, String>> changed = new TreeMap<>();
    /** The same for brokers' dynamic settings. */
    private final SortedMap<Integer, TreeMap<String, String>> changedBrokers = new TreeMap<>();

    ConfigsDelta(ConfigsImage base) {
        this.base = base;
    }

    /** Topics whose overrides changed, with their complete new overrides. */
    public SortedMap<String, SortedMap<String, String>> changedTopics() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(changed));
    }

    void replay(ConfigRecord record) {
        TreeMap<String, String> configs = record.getBroker()
                ? changedBrokers.computeIfAbsent(record.getBrokerId(), b -> new TreeMap<>(base.brokerConfig(b)))
                : touch(record.getTopic());
        if (record.getRemove()) {
            configs.remove(record.getKey());
        } else {
            configs.put(record.getKey(), record.getValue());
        }
    }

    void removeTopic(String topic) {
        touch(topic).clear();
    }

    private TreeMap<String, String> touch(String topic) {
        return changed.computeIfAbsent(topic, t -> new TreeMap<>(base.topicConfig(t)));
    }

    ConfigsImage apply() {
        if (changed.isEmpty() && changedBrokers.isEmpty()) {
            return base;
        }
        return new ConfigsImage(merge(base.topicConfigs(), changed), merge(base.brokerConfigs(), changedBrokers));
    }

    private static <K> TreeMap<K, SortedMap<String, String>> merge(SortedMap<K, SortedMap<String, String>> base,
                                                                   SortedMap<K, TreeMap<String, String>> changes) {
        TreeMap<K, SortedMap<String, String>> merged = new TreeMap<>(base);
        changes.forEach((key, configs) -> {
            if (configs.isEmpty()) {
                merged.remove(key);
            } else {
                merged.put(key, Collections.unmodifiableSortedMap(new TreeMap<>(configs)));
            }
        });
        return merged;
    }
}
