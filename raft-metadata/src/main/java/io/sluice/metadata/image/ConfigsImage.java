package io.sluice.metadata.image;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Topic config overrides by topic name, then key (only keys set explicitly; defaults live with the
 * code that reads them). Immutable: the per-topic maps must be unmodifiable (the delta builds them so).
 */
public record ConfigsImage(SortedMap<String, SortedMap<String, String>> topicConfigs) {

    public static final ConfigsImage EMPTY = new ConfigsImage(new TreeMap<>());

    public ConfigsImage {
        topicConfigs = Collections.unmodifiableSortedMap(new TreeMap<>(topicConfigs));
    }

    /** The overrides of one topic; empty when it has none. */
    public SortedMap<String, String> topicConfig(String topic) {
        SortedMap<String, String> configs = topicConfigs.get(topic);
        return configs == null ? Collections.emptySortedMap() : configs;
    }

    public String value(String topic, String key) {
        return topicConfig(topic).get(key);
    }
}
