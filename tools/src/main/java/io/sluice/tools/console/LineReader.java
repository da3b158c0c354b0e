package io.sluice.tools.console;

import io.sluice.tools.UsageException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Turns a line of console-producer input into a key and a value, following Kafka's
 * {@code LineMessageReader} properties: {@code parse.key} (default false), {@code key.separator}
 * (default tab) and {@code ignore.error} (a line without the separator becomes a value without a key
 * instead of an error). Immutable.
 */
final class LineReader {
    /** A parsed line. */
    record KeyValue(byte[] key, byte[] value) {
    }

    private final boolean parseKey;
    private final String keySeparator;
    private final boolean ignoreError;

    LineReader(Map<String, String> properties) {
        for (String key : properties.keySet()) {
            if (!key.equals("parse.key") && !key.equals("key.separator") && !key.equals("ignore.error")) {
                throw new UsageException("unknown --property '" + key + "' for console-producer; known: parse.key, "
                        + "key.separator, ignore.error");
            }
        }
        this.parseKey = Boolean.parseBoolean(properties.getOrDefault("parse.key", "false"));
        this.keySeparator = properties.getOrDefault("key.separator", "\t");
        this.ignoreError = Boolean.parseBoolean(properties.getOrDefault("ignore.error", "false"));
        if (keySeparator.isEmpty()) {
            throw new UsageException("key.separator must not be empty");
        }
    }

    KeyValue parse(String line, long lineNumber) {
        if (!parseKey) {
            return new KeyValue(null, bytes(line));
        }
        int at = line.indexOf(keySeparator);
        if (at < 0) {
            if (ignoreError) {
                return new KeyValue(null, bytes(line));
            }
            throw new UsageException("No key separator found on line number " + lineNumber + ": '" + line + "'");
        }
        return new KeyValue(bytes(line.substring(0, at)), bytes(line.substring(at + keySeparator.length())));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
