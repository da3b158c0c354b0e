package io.sluice.tools.console;

import io.sluice.client.consumer.ConsumerRecord;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.TimestampType;
import io.sluice.tools.UsageException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes consumed records the way Kafka's {@code DefaultMessageFormatter} does, driven by the same
 * {@code --property} keys: {@code print.timestamp}, {@code print.partition}, {@code print.offset},
 * {@code print.headers}, {@code print.key}, {@code print.value} (default true), {@code key.separator}
 * (default tab, between fields), {@code line.separator} (default newline), {@code headers.separator}
 * and {@code null.literal}. Immutable.
 */
final class RecordFormatter {
    private static final Set<String> KNOWN = Set.of("print.timestamp", "print.partition", "print.offset",
            "print.headers", "print.key", "print.value", "key.separator", "line.separator", "headers.separator",
            "null.literal");

    private final boolean timestamp;
    private final boolean partition;
    private final boolean offset;
    private final boolean headers;
    private final boolean key;
    private final boolean value;
    private final String separator;
    private final String lineSeparator;
    private final String headersSeparator;
    private final String nullLiteral;

    RecordFormatter(Map<String, String> properties) {
        for (String k : properties.keySet()) {
            if (!KNOWN.contains(k)) {
                throw new UsageException("unknown --property '" + k + "' for console-consumer; known: "
                        + KNOWN.stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        timestamp = flag(properties, "print.timestamp", false);
        partition = flag(properties, "print.partition", false);
        offset = flag(properties, "print.offset", false);
        headers = flag(properties, "print.headers", false);
        key = flag(properties, "print.key", false);
        value = flag(properties, "print.value", true);
        separator = unescape(properties.getOrDefault("key.separator", "\t"));
        lineSeparator = unescape(properties.getOrDefault("line.separator", "\n"));
        headersSeparator = unescape(properties.getOrDefault("headers.separator", ","));
        nullLiteral = properties.getOrDefault("null.literal", "null");
    }

    void write(ConsumerRecord<byte[], byte[]> r, PrintStream out) {
        StringBuilder line = new StringBuilder();
        if (timestamp) {
            line.append(r.timestamp() < 0 ? "NO_TIMESTAMP"
                    : (r.timestampType() == TimestampType.LOG_APPEND_TIME ? "LogAppendTime:" : "CreateTime:") + r.timestamp());
            line.append(separator);
        }
        if (partition) {
            line.append("Partition:").append(r.partition()).append(separator);
        }
        if (offset) {
            line.append("Offset:").append(r.offset()).append(separator);
        }
        if (headers) {
            line.append(formatHeaders(r.headers())).append(separator);
        }
        if (key) {
            line.append(text(r.key()));
            if (value) {
                line.append(separator);
            }
        }
        if (value) {
            line.append(text(r.value()));
        }
        line.append(lineSeparator);
        out.print(line);
    }

    private String formatHeaders(List<Header> list) {
        if (list.isEmpty()) {
            return "NO_HEADERS";
        }
        return list.stream().map(h -> h.key() + ":" + text(h.value())).collect(Collectors.joining(headersSeparator));
    }

    private String text(byte[] bytes) {
        return bytes == null ? nullLiteral : new String(bytes, StandardCharsets.UTF_8);
    }

    private static boolean flag(Map<String, String> p, String name, boolean dflt) {
        return Boolean.parseBoolean(p.getOrDefault(name, Boolean.toString(dflt)).trim());
    }

    /** Shells pass "\t" literally; Kafka's formatter reads such escapes, so this one does too. */
    private static String unescape(String s) {
        return s.replace("\\t", "\t").replace("\\n", "\n").replace("\\r", "\r");
    }
}
