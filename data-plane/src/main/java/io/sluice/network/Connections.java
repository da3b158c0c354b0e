package io.sluice.network;

import io.netty.channel.Channel;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the data-plane connections by protocol: open now and accepted since start. A connection
 * counts once its first bytes have told its protocol ({@code server.ProtocolDetector}), and stops counting
 * when it closes.
 *
 * <p>Thread-safe: event loops call {@link #opened}, the metrics endpoint reads {@link #open} and
 * {@link #accepted}.
 */
public final class Connections {
    private static final class Counts {
        final LongAdder open = new LongAdder();
        final LongAdder accepted = new LongAdder();
    }

    private final Map<String, Counts> byProtocol = new ConcurrentHashMap<>();

    /** {@code channel} speaks {@code protocol}; it counts as open until it closes. */
    public void opened(String protocol, Channel channel) {
        Counts counts = byProtocol.computeIfAbsent(protocol, p -> new Counts());
        counts.accepted.increment();
        counts.open.increment();
        channel.closeFuture().addListener(f -> counts.open.decrement());
    }

    /** Connections open now, by protocol (protocols seen so far). */
    public Map<String, Long> open() {
        Map<String, Long> result = new TreeMap<>();
        byProtocol.forEach((protocol, counts) -> result.put(protocol, counts.open.sum()));
        return result;
    }

    /** Connections accepted since start, by protocol. */
    public Map<String, Long> accepted() {
        Map<String, Long> result = new TreeMap<>();
        byProtocol.forEach((protocol, counts) -> result.put(protocol, counts.accepted.sum()));
        return result;
    }
}
