package io.sluice.metadata.image;

import io.sluice.protocol.metadata.ConfigRecord;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Topic config changes of one apply. Not thread-safe (used on the apply thread only). */
public final class ConfigsDelta {

    private final ConfigsImage base;
    /** The complete new overrides of each touched topic; empty means "no overrides left". */
    private final SortedMap<String, TreeMap<String, String>> changed = new TreeMap<>();

    ConfigsDelta(ConfigsImage base) {
        this.base = base;
    }

    /** Topics whose overrides changed, with their complete new overrides. */
    public SortedMap<String, SortedMap<String, String>> changedTopics() {
        return Collections.unmodifiableSortedMap(new TreeMap<>(changed));
    }

    void replay(ConfigRecord record) {
        TreeMap<String, String> configs = touch(record.getTopic());
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
        if (changed.isEmpty()) {
            return base;
        }
        TreeMap<String, SortedMap<String, String>> topics = new TreeMap<>(base.topicConfigs());
        changed.forEach((topic, configs) -> {
            if (configs.isEmpty()) {
                topics.remove(topic);
            } else {
                topics.put(topic, Collections.unmodifiableSortedMap(new TreeMap<>(configs)));
            }
        });
        return new ConfigsImage(topics);
    }
}
