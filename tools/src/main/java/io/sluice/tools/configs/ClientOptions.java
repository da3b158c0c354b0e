package io.sluice.tools.configs;

import io.sluice.tools.UsageException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the client tools share: reading {@code k=v} flags and {@code --xxx.config} properties files into
 * client properties, and the bounded waits a person at a terminal expects (10 s rather than a
 * library's minute) when the cluster cannot be reached. Stateless.
 */
public final class ClientOptions {
    /** How long the tools wait for an unreachable cluster before they say so. */
    public static final String TOOL_TIMEOUT_MS = "10000";

    private ClientOptions() {
    }

    /** Parses {@code k=v} items (each may hold several, comma-separated, when {@code splitCommas}). */
    public static Map<String, String> parsePairs(List<String> items, String flag) {
        Map<String, String> out = new LinkedHashMap<>();
        if (items == null) {
            return out;
        }
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("'" + item + "' given to " + flag + " is not key=value");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }

    /**
     * Splits {@code k=v,k2=v2} as kafka-configs does; a value holding commas is written in square
     * brackets: {@code k=[a,b],k2=v}.
     */
    public static Map<String, String> parseConfigList(String text, String flag) {
        Map<String, String> out = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return out;
        }
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                throw new UsageException("'" + text.substring(i) + "' given to " + flag + " is not key=value");
            }
            String key = text.substring(i, eq).trim();
            int end;
            String value;
            if (eq + 1 < text.length() && text.charAt(eq + 1) == '[') {
                int close = text.indexOf(']', eq);
                if (close < 0) {
                    throw new UsageException("unclosed '[' in the value of '" + key + "' given to " + flag);
                }
                value = text.substring(eq + 2, close);
                end = close + 1;
            } else {
                end = text.indexOf(',', eq);
                end = end < 0 ? text.length() : end;
                value = text.substring(eq + 1, end);
            }
            if (key.isEmpty()) {
                throw new UsageException("an empty key in '" + text + "' given to " + flag);
            }
            out.put(key, value.trim());
            i = end < text.length() && text.charAt(end) == ',' ? end + 1 : end;
        }
        return out;
    }

    /** Reads a properties file given to a {@code --xxx.config} flag. */
    public static Map<String, String> loadFile(String file, String flag) {
        Map<String, String> out = new LinkedHashMap<>();
        if (file == null) {
            return out;
        }
        Properties props = new Properties();
        try (Reader reader = Files.newBufferedReader(Path.of(file))) {
            props.load(reader);
        } catch (IOException e) {
            throw new UsageException("cannot read " + flag + " file '" + file + "': " + e.getMessage());
        }
        props.stringPropertyNames().forEach(k -> out.put(k, props.getProperty(k)));
        return out;
    }

    /** Waits for an admin or producer future and rethrows its cause, so the tool prints one clear line. */
    public static <T> T await(java.util.concurrent.CompletableFuture<T> future) throws Exception {
        try {
            return future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw e;
        }
    }

    /** Admin properties for a tool: bootstrap address, bounded waits, then the user's own. */
    public static Map<String, Object> adminProps(String bootstrapServer, Map<String, String> overrides) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("bootstrap.servers", bootstrapServer);
        props.put("default.api.timeout.ms", TOOL_TIMEOUT_MS);
        props.putAll(overrides);
        return props;
    }

    /**
     * Checks a topic name as Kafka does, so a bad one is refused before anything is sent: 1-249
     * characters of ASCII letters, digits, '.', '_' and '-', and not "." or "..".
     */
    public static void validateTopicName(String name) {
        if (name == null || name.isEmpty()) {
            throw new UsageException("the topic name is empty; give one with --topic");
        }
        if (name.equals(".") || name.equals("..")) {
            throw new UsageException("topic name cannot be \".\" or \"..\"");
        }
        if (name.length() > 249) {
            throw new UsageException("topic name is illegal, it can't be longer than 249 characters, topic name: " + name);
        }
        for (char c : name.toCharArray()) {
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            if (!ok) {
                throw new UsageException("topic name '" + name + "' is illegal, it contains a character other than "
                        + "ASCII alphanumerics, '.', '_' and '-'");
            }
        }
    }
}
