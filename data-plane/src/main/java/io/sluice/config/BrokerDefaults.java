package io.sluice.config;

import io.sluice.storage.LogConfig;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a topic gets when it does not say otherwise: its partition count and replication factor at
 * creation, and the default of every topic setting (the broker's {@code log.*} keys, as in Kafka).
 * The effective config of a topic is its own settings over these. Immutable.
 */
public final class BrokerDefaults {
    private final int numPartitions;
    private final int replicationFactor;
    private final Map<String, String> topicDefaults;

    private BrokerDefaults(int numPartitions, int replicationFactor, Map<String, String> topicDefaults) {
        this.numPartitions = numPartitions;
        this.replicationFactor = replicationFactor;
        this.topicDefaults = Collections.unmodifiableMap(topicDefaults);
    }

    public static BrokerDefaults from(Map<String, String> settings) {
        Map<String, String> d = new TreeMap<>();
        d.put("compression.type", "producer");
        d.put("message.timestamp.type", "CreateTime");
        d.put("unclean.leader.election.enable", "false");
        d.put("min.insync.replicas", settings.getOrDefault("min.insync.replicas", "1"));
        // Which replicas a broker's replication throttle applies to: none unless set on the topic.
        d.put("leader.replication.throttled.replicas", "");
        d.put("follower.replication.throttled.replicas", "");
        Map<String, String> log = LogConfig.defaultValues();
        d.put(LogConfig.FLUSH_POLICY, settings.getOrDefault("log.flush.policy", log.get(LogConfig.FLUSH_POLICY)));
        d.put(LogConfig.FLUSH_MS, settings.getOrDefault("log.flush.interval.ms", log.get(LogConfig.FLUSH_MS)));
        d.put(LogConfig.RETENTION_MS, settings.getOrDefault("log.retention.ms", log.get(LogConfig.RETENTION_MS)));
        d.put(LogConfig.RETENTION_BYTES, settings.getOrDefault("log.retention.bytes", log.get(LogConfig.RETENTION_BYTES)));
        d.put(LogConfig.SEGMENT_BYTES, settings.getOrDefault("log.segment.bytes", log.get(LogConfig.SEGMENT_BYTES)));
        d.put(LogConfig.SEGMENT_MS, settings.getOrDefault("log.roll.ms", log.get(LogConfig.SEGMENT_MS)));
        d.put(LogConfig.CLEANUP_POLICY, settings.getOrDefault("log.cleanup.policy", log.get(LogConfig.CLEANUP_POLICY)));
        d.put(LogConfig.DELETE_RETENTION_MS, settings.getOrDefault("log.cleaner.delete.retention.ms",
                log.get(LogConfig.DELETE_RETENTION_MS)));
        d.put(LogConfig.MIN_CLEANABLE_DIRTY_RATIO, settings.getOrDefault("log.cleaner.min.cleanable.ratio",
                log.get(LogConfig.MIN_CLEANABLE_DIRTY_RATIO)));
        d.put(LogConfig.MIN_COMPACTION_LAG_MS, settings.getOrDefault("log.cleaner.min.compaction.lag.ms",
                log.get(LogConfig.MIN_COMPACTION_LAG_MS)));
        d.put(LogConfig.MAX_COMPACTION_LAG_MS, settings.getOrDefault("log.cleaner.max.compaction.lag.ms",
                log.get(LogConfig.MAX_COMPACTION_LAG_MS)));
        d.put(LogConfig.MAX_MESSAGE_BYTES, settings.getOrDefault("message.max.bytes", log.get(LogConfig.MAX_MESSAGE_BYTES)));
        BrokerDefaults defaults = new BrokerDefaults(
                Settings.intValue(settings, "num.partitions", 1, 1, 100_000),
                Settings.intValue(settings, "default.replication.factor", 1, 1, 100),
                d);
        defaults.logConfig(Map.of()); // refuses a bad log.* value at start, naming the key
        Settings.intValue(settings, "min.insync.replicas", 1, 1, 100);
        return defaults;
    }

    public int numPartitions() {
        return numPartitions;
    }

    public int replicationFactor() {
        return replicationFactor;
    }

    /** Every topic setting Sluice knows, with its default on this broker, sorted by key. */
    public Map<String, String> topicDefaults() {
        return topicDefaults;
    }

    /** A topic's effective setting. */
    public String effective(Map<String, String> topicConfig, String key) {
        return topicConfig.getOrDefault(key, topicDefaults.get(key));
    }

    /**
     * The min.insync.replicas a partition with {@code replicationFactor} replicas enforces: the topic's
     * own setting as given, else the broker default capped at the replication factor (so a broker
     * default of 2 protects replicated topics without making single-replica topics unwritable).
     */
    public int minInsyncReplicas(Map<String, String> topicConfig, int replicationFactor) {
        String own = topicConfig.get("min.insync.replicas");
        if (own != null) {
            return Integer.parseInt(own);
        }
        return Math.min(Integer.parseInt(topicDefaults.get("min.insync.replicas")), Math.max(1, replicationFactor));
    }

    /** The storage settings of a topic with the given settings of its own. */
    public LogConfig logConfig(Map<String, String> topicConfig) {
        Map<String, String> storage = new TreeMap<>();
        for (String key : LogConfig.defaultValues().keySet()) {
            String value = topicConfig.getOrDefault(key, topicDefaults.get(key));
            if (value != null) {
                storage.put(key, value);
            }
        }
        return LogConfig.fromMap(storage);
    }
}
