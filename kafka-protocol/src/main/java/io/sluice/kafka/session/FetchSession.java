package io.sluice.kafka.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Uuid;

/**
 * One incremental fetch session (KIP-227): the partitions a consumer fetches from this broker, each with
 * the position the consumer last asked for and the offsets it was last told. An incremental fetch then
 * names only what changed, and the answer carries only partitions with news, which keeps fetches of
 * many partitions small on both sides.
 *
 * <p>Partitions are kept in fetch order; those that were answered move to the end, so a fetch limited
 * by {@code fetch.max.bytes} serves the others first next time (Kafka's fairness rule). Thread-safe:
 * every method holds the session's lock, since a fetch's answer is recorded on the thread that
 * completes it while a misbehaving client could already send the next one.
 */
public final class FetchSession {
    /** A partition in a session: by topic id from Fetch v13, by name before (the other field null). */
    public record Key(Uuid topicId, String topic, int partition) {
    }

    /** What the consumer asks of a partition: where to read and how much. */
    public record Position(long fetchOffset, int currentLeaderEpoch, int lastFetchedEpoch, int maxBytes) {
    }

    /** A partition with its position, as handed to the fetch. */
    public record Entry(Key key, Position position) {
    }

    /** The offsets a partition's answer carries, compared with what the consumer was last told. */
    public record Offsets(long highWatermark, long lastStableOffset, long logStartOffset) {
        static final Offsets UNKNOWN = new Offsets(-1, -1, -1);
    }

    private static final class Cached {
        Position position;
        Offsets told = Offsets.UNKNOWN;

        Cached(Position position) {
            this.position = position;
        }
    }

    private final int id;
    private final boolean topicIds;
    private final LinkedHashMap<Key, Cached> partitions = new LinkedHashMap<>();
    private int nextEpoch = 1;
    private long lastUsedMs;

    FetchSession(int id, boolean topicIds, List<Entry> entries, long nowMs) {
        this.id = id;
        this.topicIds = topicIds;
        this.lastUsedMs = nowMs;
        for (Entry e : entries) {
            partitions.put(e.key(), new Cached(e.position()));
        }
    }

    public int id() {
        return id;
    }

    /** Whether the session names topics by id (Fetch v13 and later) rather than by name. */
    boolean usesTopicIds() {
        return topicIds;
    }

    synchronized int nextEpoch() {
        return nextEpoch;
    }

    synchronized long lastUsedMs() {
        return lastUsedMs;
    }

    synchronized int size() {
        return partitions.size();
    }

    /**
     * Takes an incremental fetch of epoch {@code epoch}: false when it is not the epoch this session
     * expects. Otherwise adds or updates the partitions named, drops the forgotten ones, advances the
     * epoch, and returns true.
     */
    synchronized boolean update(int epoch, List<Entry> changed, Collection<Key> forgotten, long nowMs) {
        if (epoch != nextEpoch) {
            return false;
        }
        nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        lastUsedMs = nowMs;
        for (Entry e : changed) {
            Cached cached = partitions.get(e.key());
            if (cached == null) {
                partitions.put(e.key(), new Cached(e.position()));
            } else {
                cached.position = e.position();
            }
        }
        for (Key key : forgotten) { // after the changes, as Kafka does: forgetting wins
            partitions.remove(key);
        }
        return true;
    }

    /** Every partition of the session, in the order they are to be fetched. */
    public synchronized List<Entry> entries() {
        List<Entry> entries = new ArrayList<>(partitions.size());
        for (Map.Entry<Key, Cached> e : partitions.entrySet()) {
            entries.add(new Entry(e.getKey(), e.getValue().position));
        }
        return entries;
    }

    /**
     * Records a partition's answer and says whether an incremental answer must include it: when it has
     * records or an error, or when an offset differs from what the consumer was last told. A partition
     * that is included moves to the end of the fetch order when {@code rotate}; one forgotten meanwhile
     * is ignored (false).
     */
    public synchronized boolean recordAnswer(Key key, Offsets offsets, boolean hasRecords, boolean hasError,
                                             boolean rotate) {
        Cached cached = partitions.get(key);
        if (cached == null) {
            return false;
        }
        boolean news = hasRecords || hasError || !offsets.equals(cached.told);
        cached.told = offsets;
        if (news && rotate) {
            partitions.remove(key);
            partitions.put(key, cached);
        }
        return news;
    }
}
