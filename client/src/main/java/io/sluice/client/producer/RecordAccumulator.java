package io.sluice.client.producer;

import io.sluice.client.Cluster;
import io.sluice.client.Node;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.Time;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.RecordBatch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Per-partition queues of batches between the threads that send and the sender thread. {@link #append}
 * adds a record to the partition's open (last) batch or opens a new one, reserving
 * {@code buffer.memory}; {@link #ready} tells the sender which leaders have a batch worth sending (full,
 * lingered long enough, or wanted now by flush/close/memory pressure); {@link #drain} takes at most one
 * batch per partition for each ready leader.
 *
 * <p>The sender caps the batches of a partition in flight ({@code perPartitionLimit}): one without a
 * producer id, so a retry can never overtake a later batch; up to
 * {@code max.in.flight.requests.per.connection} with one, because the broker's sequence check then
 * refuses a batch that would land out of order. A retried batch goes back to the head of its deque in
 * sequence order and is sent alone, once nothing else of its partition is in flight.
 *
 * <p>Thread-safe: each deque is guarded by its own monitor; in-flight counts and the drain cursor
 * belong to the sender thread.
 */
final class RecordAccumulator {
    private final int batchSize;
    private final CompressionType compression;
    private final long lingerMs;
    private final long retryBackoffMs;
    private final long deliveryTimeoutMs;
    private final BufferPool pool;
    private final Time time;
    private final ConcurrentMap<TopicPartition, Deque<ProducerBatch>> batches = new ConcurrentHashMap<>();
    private final Set<ProducerBatch> incomplete = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
    private final AtomicInteger flushesInProgress = new AtomicInteger();
    private final Map<TopicPartition, Integer> inFlight = new HashMap<>();
    private volatile boolean closed;
    private int drainIndex;

    /**
     * The outcome of an append.
     *
     * @param future completes with the record's metadata
     * @param batchFull the batch is full or a new one was opened behind a full one: wake the sender
     * @param newBatch a new batch was opened
     */
    record AppendResult(CompletableFuture<RecordMetadata> future, boolean batchFull, boolean newBatch) {
    }

    /**
     * What {@link #ready} found.
     *
     * @param readyNodes leaders with at least one sendable batch
     * @param nextReadyCheckDelayMs when a not-yet-sendable batch becomes sendable
     * @param unknownLeaderTopics topics with batches but a partition without a known leader
     */
    record ReadyResult(Set<Node> readyNodes, long nextReadyCheckDelayMs, Set<String> unknownLeaderTopics) {
    }

    RecordAccumulator(ProducerConfig config, BufferPool pool, Time time) {
        this(config.getInt(ProducerConfig.BATCH_SIZE), config.compression(), config.getLong(ProducerConfig.LINGER_MS),
                config.getLong(ProducerConfig.RETRY_BACKOFF_MS), config.getInt(ProducerConfig.DELIVERY_TIMEOUT_MS), pool, time);
    }

    RecordAccumulator(int batchSize, CompressionType compression, long lingerMs, long retryBackoffMs,
                      long deliveryTimeoutMs, BufferPool pool, Time time) {
        this.batchSize = batchSize;
        this.compression = compression;
        this.lingerMs = lingerMs;
        this.retryBackoffMs = retryBackoffMs;
        this.deliveryTimeoutMs = deliveryTimeoutMs;
        this.pool = pool;
        this.time = time;
    }

    /** Adds a record to its partition's open batch, opening one (and waiting for memory) if needed. */
    AppendResult append(TopicPartition tp, long timestamp, byte[] key, byte[] value, Header[] headers,
                        Callback callback, long maxBlockMs) {
        Deque<ProducerBatch> deque = batches.computeIfAbsent(tp, k -> new ArrayDeque<>());
        synchronized (deque) {
            AppendResult result = tryAppend(deque, timestamp, key, value, headers, callback);
            if (result != null) {
                return result;
            }
        }
        long size = Math.max(batchSize, RecordBatch.HEADER_SIZE + ProducerBatch.estimateSize(key, value, headers));
        pool.reserve(size, maxBlockMs); // outside the deque's lock: the sender must be able to drain meanwhile
        synchronized (deque) {
            AppendResult result = tryAppend(deque, timestamp, key, value, headers, callback);
            if (result != null) { // another thread opened a batch while this one waited
                pool.release(size);
                return result;
            }
            ProducerBatch batch = new ProducerBatch(tp, compression, batchSize, size, time.monotonicMs(),
                    pool.buffer((int) size));
            CompletableFuture<RecordMetadata> future = batch.tryAppend(timestamp, key, value, headers, callback);
            deque.addLast(batch);
            incomplete.add(batch);
            return new AppendResult(future, deque.size() > 1 || batch.isFull(), true);
        }
    }

    private AppendResult tryAppend(Deque<ProducerBatch> deque, long timestamp, byte[] key, byte[] value,
                                   Header[] headers, Callback callback) {
        if (closed) {
            throw new SluiceException(ErrorCode.NETWORK_EXCEPTION, "the producer is closed; no more records can be sent");
        }
        ProducerBatch last = deque.peekLast();
        if (last == null || last.isSealed()) {
            return null;
        }
        CompletableFuture<RecordMetadata> future = last.tryAppend(timestamp, key, value, headers, callback);
        if (future == null) {
            return null;
        }
        return new AppendResult(future, deque.size() > 1 || last.isFull(), false);
    }

    /** Finds the leaders that have something to send now, and when to look again otherwise. */
    ReadyResult ready(Cluster cluster, long nowMs) {
        return ready(cluster, nowMs, 1);
    }

    /** As {@link #ready(Cluster, long)}, allowing {@code perPartitionLimit} batches of a partition in flight. */
    ReadyResult ready(Cluster cluster, long nowMs, int perPartitionLimit) {
        Set<Node> ready = new HashSet<>();
        Set<String> unknownLeaders = new HashSet<>();
        long nextDelay = Long.MAX_VALUE;
        boolean urgent = closed || flushesInProgress.get() > 0 || pool.exhausted();
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> e : batches.entrySet()) {
            Deque<ProducerBatch> deque = e.getValue();
            synchronized (deque) {
                ProducerBatch first = deque.peekFirst();
                if (first == null) {
                    continue;
                }
                Node leader = cluster.leaderFor(e.getKey());
                if (leader == null) {
                    unknownLeaders.add(e.getKey().topic());
                    continue;
                }
                if (ready.contains(leader) || !mayDrain(e.getKey(), first, perPartitionLimit, 0)) {
                    continue;
                }
                boolean backingOff = first.inRetry() && nowMs - first.lastAttemptMs() < retryBackoffMs;
                long waited = nowMs - (first.inRetry() ? first.lastAttemptMs() : first.createdMs);
                long timeToWait = first.inRetry() ? retryBackoffMs : lingerMs;
                boolean full = deque.size() > 1 || first.isFull();
                if (!backingOff && (full || urgent || waited >= timeToWait)) {
                    ready.add(leader);
                } else {
                    nextDelay = Math.min(nextDelay, Math.max(1, timeToWait - waited));
                }
            }
        }
        return new ReadyResult(ready, nextDelay, unknownLeaders);
    }

    /**
     * Takes, for each node, the first batch of each of its partitions below the in-flight limit, up to
     * {@code maxSize} bytes per node. Starts at a rotating partition so no partition starves when
     * requests fill up.
     */
    Map<Integer, List<ProducerBatch>> drain(Cluster cluster, Set<Node> nodes, int maxSize, long nowMs) {
        return drain(cluster, nodes, maxSize, nowMs, 1);
    }

    /** As {@link #drain(Cluster, Set, int, long)}, allowing {@code perPartitionLimit} batches of a partition in flight. */
    Map<Integer, List<ProducerBatch>> drain(Cluster cluster, Set<Node> nodes, int maxSize, long nowMs, int perPartitionLimit) {
        Map<Integer, List<ProducerBatch>> out = new HashMap<>();
        List<TopicPartition> partitions = new ArrayList<>(batches.keySet());
        if (partitions.isEmpty()) {
            return out;
        }
        int start = Math.floorMod(drainIndex++, partitions.size());
        Map<Integer, Integer> sizes = new HashMap<>();
        for (int i = 0; i < partitions.size(); i++) {
            TopicPartition tp = partitions.get((start + i) % partitions.size());
            Node leader = cluster.leaderFor(tp);
            if (leader == null || !nodes.contains(leader)) {
                continue;
            }
            Deque<ProducerBatch> deque = batches.get(tp);
            synchronized (deque) {
                // The head batch goes if allowed; behind it, further closed batches of the partition
                // ride in the same request (each is its own entry, in order), so a backlog costs one
                // round trip, not one per batch. A batch in retry always travels alone.
                for (int taken = 0; ; taken++) {
                    ProducerBatch first = deque.peekFirst();
                    if (first == null || !mayDrain(tp, first, perPartitionLimit, taken)
                            || (first.inRetry() && nowMs - first.lastAttemptMs() < retryBackoffMs)
                            || (taken > 0 && deque.size() == 1 && !first.isFull())) {
                        break;
                    }
                    int used = sizes.getOrDefault(leader.id(), 0);
                    if (used > 0 && used + first.estimatedSizeInBytes() > maxSize) {
                        break;
                    }
                    deque.pollFirst();
                    sizes.put(leader.id(), used + first.estimatedSizeInBytes());
                    out.computeIfAbsent(leader.id(), k -> new ArrayList<>()).add(first);
                    if (first.inRetry()) {
                        break;
                    }
                }
            }
        }
        return out;
    }

    /** Whether the partition's head batch may go, {@code taken} batches of it being drained already. */
    private boolean mayDrain(TopicPartition tp, ProducerBatch first, int perPartitionLimit, int taken) {
        int sending = inFlight.getOrDefault(tp, 0) + taken;
        return first.inRetry() ? sending == 0 : sending < perPartitionLimit;
    }

    /**
     * Puts a batch that failed retriably back at the head of its partition, to go after the backoff,
     * behind retried batches that were sealed before it: responses to pipelined batches may fail in
     * any order, the batches must be resent in the order they were sealed.
     */
    void reenqueue(ProducerBatch batch, long nowMs) {
        batch.onRetry(nowMs);
        Deque<ProducerBatch> deque = batches.computeIfAbsent(batch.tp, k -> new ArrayDeque<>());
        synchronized (deque) {
            Deque<ProducerBatch> earlier = new ArrayDeque<>();
            while (!deque.isEmpty() && deque.peekFirst().inRetry() && deque.peekFirst().sealOrder() < batch.sealOrder()) {
                earlier.addLast(deque.pollFirst());
            }
            deque.addFirst(batch);
            while (!earlier.isEmpty()) {
                deque.addFirst(earlier.pollLast());
            }
        }
    }

    /** Removes and returns queued batches older than {@code delivery.timeout.ms}. */
    List<ProducerBatch> expiredBatches(long nowMs) {
        List<ProducerBatch> expired = new ArrayList<>();
        for (Map.Entry<TopicPartition, Deque<ProducerBatch>> e : batches.entrySet()) {
            if (inFlight.getOrDefault(e.getKey(), 0) > 0) {
                continue; // batches of it are in flight: their outcome decides first
            }
            Deque<ProducerBatch> deque = e.getValue();
            synchronized (deque) {
                while (!deque.isEmpty() && isExpired(deque.peekFirst(), nowMs)) {
                    expired.add(deque.pollFirst());
                }
            }
        }
        return expired;
    }

    boolean isExpired(ProducerBatch batch, long nowMs) {
        return nowMs - batch.createdMs >= deliveryTimeoutMs;
    }

    /**
     * Gives a finished batch's memory back. Call once per batch, after completing it: its buffer is
     * reused by a later batch, so nothing may read the batch's bytes afterwards (the sender copied
     * them when it sent them).
     */
    void deallocate(ProducerBatch batch) {
        incomplete.remove(batch);
        pool.recycle(batch.recyclableBuffer());
        pool.release(batch.reservedBytes);
    }

    /** Counts a batch of the partition as in flight. */
    void sending(TopicPartition tp) {
        inFlight.merge(tp, 1, Integer::sum);
    }

    /** Counts a batch of the partition as answered (or failed). */
    void sent(TopicPartition tp) {
        inFlight.computeIfPresent(tp, (k, n) -> n <= 1 ? null : n - 1);
    }

    void beginFlush() {
        flushesInProgress.incrementAndGet();
    }

    /** Waits until every batch open when the flush began has its outcome. */
    void awaitFlushCompletion() throws InterruptedException {
        try {
            List<ProducerBatch> snapshot;
            synchronized (incomplete) {
                snapshot = new ArrayList<>(incomplete);
            }
            for (ProducerBatch b : snapshot) {
                try {
                    b.lastFuture().join();
                } catch (RuntimeException ignored) {
                    // a failed record is reported through its own future and callback
                }
            }
        } finally {
            flushesInProgress.decrementAndGet();
        }
    }

    boolean hasIncomplete() {
        return !incomplete.isEmpty();
    }

    /** Stops appends; queued batches become sendable at once. */
    void close() {
        closed = true;
    }

    /** Fails every batch not yet completed (forced close). */
    void abortIncomplete(RuntimeException error) {
        List<ProducerBatch> snapshot;
        synchronized (incomplete) {
            snapshot = new ArrayList<>(incomplete);
        }
        for (Deque<ProducerBatch> deque : batches.values()) {
            synchronized (deque) {
                deque.clear();
            }
        }
        for (ProducerBatch b : snapshot) {
            b.complete(-1, -1, error);
            deallocate(b);
        }
    }
}
