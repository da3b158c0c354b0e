package io.sluice.metadata.controller;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The topic config keys Sluice supports (Kafka's names) and their validation. Only keys listed here
 * may be set; anything else is refused so a typo never silently does nothing. Stateless.
 */
public final class TopicConfigs {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String FLUSH_MS = "flush.ms";
    public static final String LOG_FLUSH_POLICY = "log.flush.policy";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    /** The replicas a broker's leader / follower replication throttle applies to (kafka-reassign-partitions sets them). */
    public static final String LEADER_THROTTLED_REPLICAS = "leader.replication.throttled.replicas";
    public static final String FOLLOWER_THROTTLED_REPLICAS = "follower.replication.throttled.replicas";

    /** Each key's validator: empty when the value is fine, else what is wrong with it. */
    private static final Map<String, Function<String, Optional<String>>> VALIDATORS = new TreeMap<>(Map.ofEntries(
            Map.entry(CLEANUP_POLICY, TopicConfigs::cleanupPolicy),
            Map.entry(DELETE_RETENTION_MS, longAtLeast(0, "a non-negative number of milliseconds")),
            Map.entry(MIN_CLEANABLE_DIRTY_RATIO, TopicConfigs::ratio),
            Map.entry(MIN_COMPACTION_LAG_MS, longAtLeast(0, "a non-negative number of milliseconds")),
            Map.entry(MAX_COMPACTION_LAG_MS, longAtLeast(1, "a positive number of milliseconds")),
            Map.entry(LEADER_THROTTLED_REPLICAS, TopicConfigs::throttledReplicas),
            Map.entry(FOLLOWER_THROTTLED_REPLICAS, TopicConfigs::throttledReplicas),
            Map.entry(RETENTION_MS, longAtLeast(-1, "-1 (keep forever) or a number of milliseconds")),
            Map.entry(RETENTION_BYTES, longAtLeast(-1, "-1 (no size limit) or a number of bytes")),
            Map.entry(SEGMENT_BYTES, intAtLeast(14, "a number of bytes of at least 14")),
            Map.entry(SEGMENT_MS, longAtLeast(1, "a positive number of milliseconds")),
            Map.entry(MAX_MESSAGE_BYTES, intAtLeast(0, "a non-negative number of bytes")),
            Map.entry(MIN_INSYNC_REPLICAS, intAtLeast(1, "a number of replicas of at least 1")),
            Map.entry(UNCLEAN_LEADER_ELECTION_ENABLE, oneOf(Set.of("true", "false"), "true or false")),
            Map.entry(FLUSH_MS, longAtLeast(0, "a non-negative number of milliseconds")),
            Map.entry(LOG_FLUSH_POLICY, oneOf(Set.of("always", "interval"),
                    "always (acknowledge after fsync, the default) or interval (Kafka's page-cache behaviour)")),
            Map.entry(MESSAGE_TIMESTAMP_TYPE, oneOf(Set.of("CreateTime", "LogAppendTime"),
                    "CreateTime or LogAppendTime")),
            Map.entry(COMPRESSION_TYPE, oneOf(Set.of("producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"),
                    "one of producer, uncompressed, gzip, snappy, lz4, zstd"))));

    private TopicConfigs() {
    }

    public static Set<String> supportedKeys() {
        return VALIDATORS.keySet();
    }

    /** Why the key is not accepted, or empty if it is a supported key. */
    public static Optional<String> checkKey(String key) {
        if (VALIDATORS.containsKey(key)) {
            return Optional.empty();
        }
        return Optional.of("Unknown topic config '" + key + "'. Supported keys: " + String.join(", ", supportedKeys()));
    }

    /** Why the key or value is not accepted, or empty if both are fine. */
    public static Optional<String> check(String key, String value) {
        Optional<String> keyProblem = checkKey(key);
        if (keyProblem.isPresent()) {
            return keyProblem;
        }
        return VALIDATORS.get(key).apply(value)
                .map(expected -> "Invalid value '" + value + "' for topic config " + key + ": expected " + expected);
    }

    /** The first problem among the entries, in key order (deterministic), or empty. */
    public static Optional<String> checkAll(Map<String, String> configs) {
        return new TreeMap<>(configs).entrySet().stream()
                .map(e -> check(e.getKey(), e.getValue()))
                .flatMap(Optional::stream)
                .findFirst();
    }

    /** A comma-separated list of delete and compact, at least one (Kafka's list type). */
    private static Optional<String> cleanupPolicy(String value) {
        String[] parts = value.split(",", -1);
        for (String part : parts) {
            if (!part.trim().equals("delete") && !part.trim().equals("compact")) {
                return Optional.of("delete, compact or compact,delete");
            }
        }
        return Optional.empty();
    }

    /** Kafka's throttled replica list: empty, "*" (every replica), or partition:broker pairs. */
    private static Optional<String> throttledReplicas(String value) {
        String trimmed = value.trim();
        if (trimmed.isEmpty() || trimmed.equals("*")) {
            return Optional.empty();
        }
        for (String entry : trimmed.split(",", -1)) {
            if (!entry.trim().matches("[0-9]+:[0-9]+")) {
                return Optional.of("*, or a comma-separated list of partition:broker pairs such as 0:1,0:2");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> ratio(String value) {
        try {
            double d = Double.parseDouble(value.trim());
            return d >= 0 && d <= 1 ? Optional.empty() : Optional.of("a number from 0 to 1");
        } catch (NumberFormatException e) {
            return Optional.of("a number from 0 to 1");
        }
    }

    private static Function<String, Optional<String>> oneOf(Set<String> allowed, String expected) {
        return value -> allowed.contains(value) ? Optional.empty() : Optional.of(expected);
    }

    static Function<String, Optional<String>> longAtLeast(long min, String expected) {
        return value -> {
            try {
                return Long.parseLong(value.trim()) >= min ? Optional.empty() : Optional.of(expected);
            } catch (NumberFormatException e) {
                return Optional.of(expected);
            }
        };
    }

    private static Function<String, Optional<String>> intAtLeast(int min, String expected) {
        return value -> {
            try {
                return Integer.parseInt(value.trim()) >= min ? Optional.empty() : Optional.of(expected);
            } catch (NumberFormatException e) {
                return Optional.of(expected);
            }
        };
    }
}
