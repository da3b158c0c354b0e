package io.sluice.kafka.session;

import io.sluice.protocol.Time;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The broker's incremental fetch sessions (KIP-227), bounded by
 * {@code max.incremental.fetch.session.cache.slots}. A new session takes a free slot, or the slot of
 * the session least recently used if that one has been idle longer than the eviction time; otherwise
 * the fetch is answered without a session (id 0) and the consumer keeps sending full fetches, which
 * costs bandwidth but nothing else. Sessions are not tied to a connection, as in Kafka: a consumer may
 * reconnect and continue its session. Thread-safe (one lock; every call is short).
 */
public final class FetchSessionCache {
    /** Kafka's eviction time for idle sessions when the cache is full. */
    public static final long DEFAULT_EVICTION_MS = 120_000;

    private final int maxSessions;
    private final long evictionMs;
    private final Time time;
    private final IntSupplier ids;
    private final Map<Integer, FetchSession> sessions = new HashMap<>();

    /** {@code ids} draws candidate session ids; non-positive and taken ones are drawn again. */
    public FetchSessionCache(int maxSessions, long evictionMs, Time time, IntSupplier ids) {
        this.maxSessions = maxSessions;
        this.evictionMs = evictionMs;
        this.time = time;
        this.ids = ids;
    }

    /** A new session over these partitions (fetch epoch 0), or null when there is no slot for one. */
    public synchronized FetchSession create(boolean topicIds, List<FetchSession.Entry> entries) {
        if (maxSessions <= 0) {
            return null;
        }
        long now = time.monotonicMs();
        if (sessions.size() >= maxSessions && !evictIdle(now)) {
            return null;
        }
        int id;
        do {
            id = ids.getAsInt();
        } while (id <= 0 || sessions.containsKey(id));
        FetchSession session = new FetchSession(id, topicIds, entries, now);
        sessions.put(id, session);
        return session;
    }

    /** The session with this id, or null. */
    public synchronized FetchSession get(int id) {
        return sessions.get(id);
    }

    /** Closes a session (a full fetch that names it, or epoch -1); unknown ids are ignored. */
    public synchronized void remove(int id) {
        sessions.remove(id);
    }

    public synchronized int size() {
        return sessions.size();
    }

    /** The current time on this cache's clock, for a session's last use. */
    long now() {
        return time.monotonicMs();
    }

    private boolean evictIdle(long now) {
        FetchSession oldest = null;
        for (FetchSession s : sessions.values()) {
            if (oldest == null || s.lastUsedMs() < oldest.lastUsedMs()) {
                oldest = s;
            }
        }
        if (oldest == null || now - oldest.lastUsedMs() < evictionMs) {
            return false;
        }
        sessions.remove(oldest.id());
        return true;
    }
}
