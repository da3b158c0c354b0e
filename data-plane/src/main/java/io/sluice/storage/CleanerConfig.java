package io.sluice.storage;

import java.util.Map;

/**
 * The log cleaner's node settings, under Kafka's {@code log.cleaner.*} names:
 * <ul>
 *   <li>{@code log.cleaner.enable} (true): run the cleaner at all;</li>
 *   <li>{@code log.cleaner.threads} (1): cleaner threads, each cleaning one log at a time;</li>
 *   <li>{@code log.cleaner.io.max.bytes.per.second} (unlimited): bytes read plus written per second,
 *       shared by all cleaner threads of the node;</li>
 *   <li>{@code log.cleaner.backoff.ms} (15000): sleep when no log needs cleaning;</li>
 *   <li>{@code log.cleaner.dedupe.buffer.size} (128 MiB): memory for the key maps, split between the
 *       threads; bounds how much of the dirty log one pass covers.</li>
 * </ul>
 * Immutable.
 */
public record CleanerConfig(boolean enabled, int threads, double ioMaxBytesPerSecond, long backoffMs,
        long dedupeBufferSize) {

    public static final CleanerConfig DEFAULT = new CleanerConfig(true, 1, Double.MAX_VALUE, 15_000, 128L << 20);

    /** Reads the keys from node settings; absent ones take the defaults. Bad values throw, naming the key. */
    public static CleanerConfig from(Map<String, String> settings) {
        String enable = settings.getOrDefault("log.cleaner.enable", "true").trim();
        if (!enable.equals("true") && !enable.equals("false")) {
            throw new IllegalArgumentException("log.cleaner.enable must be true or false, not '" + enable + "'");
        }
        return new CleanerConfig(Boolean.parseBoolean(enable),
                (int) number(settings, "log.cleaner.threads", DEFAULT.threads, 1, 64),
                rate(settings.get("log.cleaner.io.max.bytes.per.second")),
                number(settings, "log.cleaner.backoff.ms", DEFAULT.backoffMs, 1, Long.MAX_VALUE),
                number(settings, "log.cleaner.dedupe.buffer.size", DEFAULT.dedupeBufferSize, 1L << 20, Long.MAX_VALUE));
    }

    private static long number(Map<String, String> settings, String key, long def, long min, long max) {
        String raw = settings.get(key);
        if (raw == null) {
            return def;
        }
        try {
            long v = Long.parseLong(raw.trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the one error below
        }
        throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max
                + ", not '" + raw + "'");
    }

    private static double rate(String raw) {
        if (raw == null) {
            return DEFAULT.ioMaxBytesPerSecond;
        }
        try {
            double v = Double.parseDouble(raw.trim());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("log.cleaner.io.max.bytes.per.second must be a positive number, not '"
                + raw + "'");
    }
}
