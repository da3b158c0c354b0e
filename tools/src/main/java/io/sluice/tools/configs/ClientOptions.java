package io.sluice.tools.configs;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.tools.Addresses;
import io.sluice.tools.UsageException;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * What the client tools share: reading {@code k=v} flags and {@code --xxx.config} properties files into
 * client properties, and the bounded waits a person at a terminal expects (docs/cli.md: at most
 * {@value #CONNECT_TIMEOUT_MS} ms to find that no bootstrap server takes a connection, then
 * {@value #TOOL_TIMEOUT_MS} ms for an answer, rather than a library's minute). Stateless.
 */
public final class ClientOptions {
    /** How long the tools wait for an unreachable cluster before they say so. */
    public static final String TOOL_TIMEOUT_MS = "10000";
    /** How long, in all, the tools try to open a connection to the bootstrap servers. */
    public static final int CONNECT_TIMEOUT_MS = 5000;

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

    /**
     * Fails within {@link #CONNECT_TIMEOUT_MS} with one short line when none of the bootstrap servers
     * takes a TCP connection. Without this the client library retries until its request timeout and
     * then reports a chain of causes; a person at a terminal wants "is it running?" at once.
     */
    public static void requireReachable(String bootstrapServers) {
        List<InetSocketAddress> servers = Addresses.parseList(bootstrapServers);
        int perServerMs = Math.max(1000, CONNECT_TIMEOUT_MS / servers.size());
        long deadline = System.currentTimeMillis() + CONNECT_TIMEOUT_MS;
        String reason = "";
        for (InetSocketAddress server : servers) {
            if (server.isUnresolved()) {
                reason = "unknown host " + server.getHostString();
                continue;
            }
            int timeout = (int) Math.max(1, Math.min(perServerMs, deadline - System.currentTimeMillis()));
            try (Socket socket = new Socket()) {
                socket.connect(server, timeout);
                return;
            } catch (java.net.SocketTimeoutException e) {
                reason = "no answer within " + timeout + " ms";
            } catch (IOException e) {
                reason = e.getMessage() == null ? e.toString() : e.getMessage().toLowerCase(java.util.Locale.ROOT);
            }
        }
        throw new SluiceException(ErrorCode.NETWORK_EXCEPTION, "cannot connect to " + bootstrapServers + " (" + reason
                + "); is the cluster running? ./sluice quorum status checks the local one");
    }

    /** The error for a topic that does not exist, saying how to see the ones that do. */
    public static SluiceException unknownTopic(String topic) {
        return new SluiceException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + topic
                + "' does not exist; ./sluice topics --list shows the topics");
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
