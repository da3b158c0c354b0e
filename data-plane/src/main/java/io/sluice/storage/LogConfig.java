package io.sluice.storage;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Per-partition log settings, under Kafka's topic-level key names. This class is the one place the
 * defaults are defined:
 *
 * <table>
 * <caption>keys</caption>
 * <tr><th>key</th><th>default</th><th>meaning</th></tr>
 * <tr><td>segment.bytes</td><td>1073741824 (1 GiB)</td><td>roll the active segment before it would exceed this</td></tr>
 * <tr><td>segment.ms</td><td>604800000 (7 days)</td><td>roll a non-empty active segment this long after it was created</td></tr>
 * <tr><td>segment.index.bytes</td><td>10485760 (10 MiB)</td><td>capacity of each offset index (time index: 3/2 of it)</td></tr>
 * <tr><td>retention.ms</td><td>604800000 (7 days)</td><td>delete segments whose newest record is older; -1 keeps forever</td></tr>
 * <tr><td>retention.bytes</td><td>-1 (unlimited)</td><td>delete oldest segments while the log is larger</td></tr>
 * <tr><td>max.message.bytes</td><td>1048588</td><td>largest batch accepted (1 MiB of records plus batch overhead)</td></tr>
 * <tr><td>index.interval.bytes</td><td>4096</td><td>bytes of log between two index entries</td></tr>
 * <tr><td>log.flush.policy</td><td>always</td><td>{@code always}: durable only after fsync (group commit);
 *     {@code interval}: page cache, fsync every flush.ms</td></tr>
 * <tr><td>flush.ms</td><td>1000</td><td>fsync period under the interval policy</td></tr>
 * <tr><td>cleanup.policy</td><td>delete</td><td>{@code delete} (retention), {@code compact} (keep the latest
 *     record per key, see {@link LogCleaner}) or both, comma-separated</td></tr>
 * <tr><td>delete.retention.ms</td><td>86400000 (1 day)</td><td>how long a compacted log keeps tombstones
 *     (null values) after the segment holding them was first cleaned</td></tr>
 * <tr><td>min.cleanable.dirty.ratio</td><td>0.5</td><td>clean a compacted log once uncleaned bytes are at
 *     least this share of its closed segments</td></tr>
 * <tr><td>min.compaction.lag.ms</td><td>0</td><td>a record stays uncompacted at least this long</td></tr>
 * <tr><td>max.compaction.lag.ms</td><td>9223372036854775807</td><td>a dirty segment older than this is
 *     cleaned whatever the dirty ratio</td></tr>
 * </table>
 *
 * Immutable and thread-safe.
 */
public record LogConfig(
        int segmentBytes,
        long segmentMs,
        int segmentIndexBytes,
        long retentionMs,
        long retentionBytes,
        int maxMessageBytes,
        int indexIntervalBytes,
        FlushPolicy flushPolicy,
        long flushMs,
        CleanupPolicy cleanupPolicy,
        long deleteRetentionMs,
        double minCleanableDirtyRatio,
        long minCompactionLagMs,
        long maxCompactionLagMs) {

    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String SEGMENT_INDEX_BYTES = "segment.index.bytes";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String FLUSH_POLICY = "log.flush.policy";
    public static final String FLUSH_MS = "flush.ms";
    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";

    /**
     * Kafka's {@code cleanup.policy}: a comma-separated list of {@code delete} and {@code compact}.
     * At least one of the two (Kafka 4.4's empty list, "keep forever", is not accepted).
     */
    public record CleanupPolicy(boolean compact, boolean delete) {
        public static final CleanupPolicy DELETE = new CleanupPolicy(false, true);

        /** Parses the list; throws {@link IllegalArgumentException} for anything else. */
        public static CleanupPolicy parse(String raw) {
            boolean compact = false;
            boolean delete = false;
            for (String part : raw.split(",", -1)) {
                switch (part.trim()) {
                    case "compact" -> compact = true;
                    case "delete" -> delete = true;
                    default -> throw new IllegalArgumentException("invalid value '" + raw + "' for " + CLEANUP_POLICY
                            + ": expected delete, compact or compact,delete");
                }
            }
            return new CleanupPolicy(compact, delete);
        }

        @Override
        public String toString() {
            return compact && delete ? "compact,delete" : compact ? "compact" : "delete";
        }
    }

    /** When an append becomes durable. */
    public enum FlushPolicy {
        /** fsync before an append counts as durable; concurrent appends share one fsync. */
        ALWAYS,
        /** Appends count as durable once written to the page cache; fsync every {@code flush.ms}. */
        INTERVAL
    }

    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put(SEGMENT_BYTES, "1073741824");
        d.put(SEGMENT_MS, "604800000");
        d.put(SEGMENT_INDEX_BYTES, "10485760");
        d.put(RETENTION_MS, "604800000");
        d.put(RETENTION_BYTES, "-1");
        d.put(MAX_MESSAGE_BYTES, "1048588");
        d.put(INDEX_INTERVAL_BYTES, "4096");
        d.put(FLUSH_POLICY, "always");
        d.put(FLUSH_MS, "1000");
        d.put(CLEANUP_POLICY, "delete");
        d.put(DELETE_RETENTION_MS, "86400000");
        d.put(MIN_CLEANABLE_DIRTY_RATIO, "0.5");
        d.put(MIN_COMPACTION_LAG_MS, "0");
        d.put(MAX_COMPACTION_LAG_MS, Long.toString(Long.MAX_VALUE));
        return Map.copyOf(d);
    }

    /** Every key with its default value as a string. */
    public static Map<String, String> defaultValues() {
        return DEFAULTS;
    }

    public static LogConfig defaultConfig() {
        return fromMap(Map.of());
    }

    /**
     * Builds a config from Kafka-named keys; missing keys take their default. An unknown key or an
     * unacceptable value throws {@link IllegalArgumentException} naming the key, the value and what
     * is allowed.
     */
    public static LogConfig fromMap(Map<String, String> overrides) {
        checkKnownKeys(overrides);
        Function<String, String> get = key -> overrides.getOrDefault(key, DEFAULTS.get(key));
        return new LogConfig(
                (int) parseLong(SEGMENT_BYTES, get, 14 + 61, Integer.MAX_VALUE),
                parseLong(SEGMENT_MS, get, 1, Long.MAX_VALUE),
                (int) parseLong(SEGMENT_INDEX_BYTES, get, 64, Integer.MAX_VALUE),
                parseLong(RETENTION_MS, get, -1, Long.MAX_VALUE),
                parseLong(RETENTION_BYTES, get, -1, Long.MAX_VALUE),
                (int) parseLong(MAX_MESSAGE_BYTES, get, 61, Integer.MAX_VALUE),
                (int) parseLong(INDEX_INTERVAL_BYTES, get, 0, Integer.MAX_VALUE),
                parsePolicy(get.apply(FLUSH_POLICY)),
                parseLong(FLUSH_MS, get, 1, Long.MAX_VALUE),
                CleanupPolicy.parse(get.apply(CLEANUP_POLICY)),
                parseLong(DELETE_RETENTION_MS, get, 0, Long.MAX_VALUE),
                parseRatio(MIN_CLEANABLE_DIRTY_RATIO, get.apply(MIN_CLEANABLE_DIRTY_RATIO)),
                parseLong(MIN_COMPACTION_LAG_MS, get, 0, Long.MAX_VALUE),
                parseLong(MAX_COMPACTION_LAG_MS, get, 1, Long.MAX_VALUE));
    }

    /** This config with some keys replaced, validated the same way. */
    public LogConfig with(Map<String, String> overrides) {
        checkKnownKeys(overrides);
        Map<String, String> all = new LinkedHashMap<>(toMap());
        all.putAll(overrides);
        return fromMap(all);
    }

    /** All keys and their values, as strings under Kafka's names. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(SEGMENT_BYTES, Integer.toString(segmentBytes));
        m.put(SEGMENT_MS, Long.toString(segmentMs));
        m.put(SEGMENT_INDEX_BYTES, Integer.toString(segmentIndexBytes));
        m.put(RETENTION_MS, Long.toString(retentionMs));
        m.put(RETENTION_BYTES, Long.toString(retentionBytes));
        m.put(MAX_MESSAGE_BYTES, Integer.toString(maxMessageBytes));
        m.put(INDEX_INTERVAL_BYTES, Integer.toString(indexIntervalBytes));
        m.put(FLUSH_POLICY, flushPolicy.name().toLowerCase(java.util.Locale.ROOT));
        m.put(FLUSH_MS, Long.toString(flushMs));
        m.put(CLEANUP_POLICY, cleanupPolicy.toString());
        m.put(DELETE_RETENTION_MS, Long.toString(deleteRetentionMs));
        m.put(MIN_CLEANABLE_DIRTY_RATIO, Double.toString(minCleanableDirtyRatio));
        m.put(MIN_COMPACTION_LAG_MS, Long.toString(minCompactionLagMs));
        m.put(MAX_COMPACTION_LAG_MS, Long.toString(maxCompactionLagMs));
        return m;
    }

    private static void checkKnownKeys(Map<String, String> overrides) {
        for (String key : overrides.keySet()) {
            if (!DEFAULTS.containsKey(key)) {
                throw new IllegalArgumentException("unknown log config key '" + key + "' (known: "
                        + String.join(", ", new java.util.TreeSet<>(DEFAULTS.keySet())) + ")");
            }
        }
    }

    private static long parseLong(String key, Function<String, String> get, long min, long max) {
        String raw = get.apply(key);
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value '" + raw + "' for " + key
                    + ": expected an integer in [" + min + ", " + max + "]", e);
        }
        if (value < min || value > max) {
            throw new IllegalArgumentException("invalid value '" + raw + "' for " + key
                    + ": expected an integer in [" + min + ", " + max + "]");
        }
        return value;
    }

    private static double parseRatio(String key, String raw) {
        double value;
        try {
            value = Double.parseDouble(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid value '" + raw + "' for " + key
                    + ": expected a number in [0, 1]", e);
        }
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException("invalid value '" + raw + "' for " + key
                    + ": expected a number in [0, 1]");
        }
        return value;
    }

    private static FlushPolicy parsePolicy(String raw) {
        return switch (raw.trim()) {
            case "always" -> FlushPolicy.ALWAYS;
            case "interval" -> FlushPolicy.INTERVAL;
            default -> throw new IllegalArgumentException("invalid value '" + raw + "' for " + FLUSH_POLICY
                    + ": expected 'always' or 'interval'");
        };
    }
}
