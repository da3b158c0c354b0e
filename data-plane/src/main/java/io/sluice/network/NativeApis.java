package io.sluice.network;

import io.sluice.protocol.rpc.ApiKey;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The table of the native APIs a node serves: each {@link ApiKey} and its handler, every one added
 * the same way ({@link #add}), whether the handler is a class of its own (produce, fetch) or a method
 * of a group of APIs (admin, groups). The native twin of the Kafka listener's {@code KafkaApis}. Built
 * once at start on one thread, then only read.
 */
public final class NativeApis {
    private final Map<ApiKey, RequestHandler> handlers = new EnumMap<>(ApiKey.class);

    /** Serves {@code key} with {@code handler}; a key added twice is a wiring bug and refused. */
    public NativeApis add(ApiKey key, RequestHandler handler) {
        RequestHandler previous = handlers.putIfAbsent(key, handler);
        if (previous != null) {
            throw new IllegalStateException(key + " has a handler already");
        }
        return this;
    }

    /** The table as built so far, read-only. */
    public Map<ApiKey, RequestHandler> handlers() {
        return Collections.unmodifiableMap(handlers);
    }
}
