package io.sluice.metadata.image;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Config overrides: topics' by topic name, then key, and brokers' dynamic settings (the replication
 * throttles) by broker id (-1 for the cluster-wide default), then key. Only keys set explicitly;
 * defaults live with the code that reads them. Immutable: the inner maps must be unmodifiable (the
 * delta builds them so).
 */
public record ConfigsImage(SortedMap<String, SortedMap<String, String>> topicConfigs,
                           SortedMap<Integer, SortedMap<String, String>> brokerConfigs) {

    public static final ConfigsImage EMPTY = new ConfigsImage(new TreeMap<>(), new TreeMap<>());
    /** The broker id under which the cluster-wide default of every broker is kept. */
    public static final int DEFAULT_BROKER = -1;

    public ConfigsImage {
        topicConfigs = Collections.unmodifiableSortedMap(new TreeMap<>(topicConfigs));
        brokerConfigs = Collections.unmodifiableSortedMap(new TreeMap<>(brokerConfigs));
    }

    /** The overrides of one topic; empty when it has none. */
    public SortedMap<String, String> topicConfig(String topic) {
        SortedMap<String, String> configs = topicConfigs.get(topic);
        return configs == null ? Collections.emptySortedMap() : configs;
    }

    public String value(String topic, String key) {
        return topicConfig(topic).get(key);
    }

    /** The dynamic settings of one broker ({@link #DEFAULT_BROKER}: the cluster-wide ones); empty when none. */
    public SortedMap<String, String> brokerConfig(int brokerId) {
        SortedMap<String, String> configs = brokerConfigs.get(brokerId);
        return configs == null ? Collections.emptySortedMap() : configs;
    }

    /** A broker's dynamic setting: its own, else the cluster-wide default, else null. */
    public String brokerValue(int brokerId, String key) {
        String own = brokerConfig(brokerId).get(key);
        return own != null ? own : brokerConfig(DEFAULT_BROKER).get(key);
    }
}
