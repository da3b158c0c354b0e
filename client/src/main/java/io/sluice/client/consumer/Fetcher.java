package io.sluice.client.consumer;

import io.netty.buffer.ByteBuf;
import io.sluice.client.Cluster;
import io.sluice.client.Deserializer;
import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.client.Node;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.client.NetworkClient;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordCursor;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.wire.ResponseFrame;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Fetches records for the consumer: at most one fetch in flight per leader, covering every assigned
 * partition of that leader that has a position and no undrained data; responses are queued by the
 * I/O thread as {@link CompletedFetch}es and turned into records on the consumer thread by
 * {@link #collect}. Records below the position (the start of a batch fetched from its middle) are
 * skipped; a fetch whose partition was sought elsewhere meanwhile is dropped.
 *
 * <p>Methods other than the response callback run on the consumer thread only.
 */
final class Fetcher<K, V> {
    /** Wakes a waiting poll when a fetch failed as a whole. */
    private static final CompletedFetch NODE_FAILED = new CompletedFetch(null, -1, null, null);

    private final ConsumerConfig config;
    private final Metadata metadata;
    private final Network network;
    private final SubscriptionState subscriptions;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final LinkedBlockingQueue<CompletedFetch> completed = new LinkedBlockingQueue<>();
    private final Set<Integer> nodesInFlight = ConcurrentHashMap.newKeySet();
    private final boolean checkCrcs;
    private final int maxPollRecords;
    private CompletedFetch current;
    private CompletedFetch polled;
    private volatile boolean closed;

    Fetcher(ConsumerConfig config, Metadata metadata, Network network, SubscriptionState subscriptions,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this.config = config;
        this.metadata = metadata;
        this.network = network;
        this.subscriptions = subscriptions;
        this.keyDeserializer = keyDeserializer;
        this.valueDeserializer = valueDeserializer;
        this.checkCrcs = config.getBoolean(ConsumerConfig.CHECK_CRCS);
        this.maxPollRecords = config.getInt(ConsumerConfig.MAX_POLL_RECORDS);
    }

    /** Sends a fetch to every leader that has fetchable partitions and no fetch in flight. */
    void sendFetches() {
        Cluster cluster = metadata.cluster();
        Set<TopicPartition> buffered = bufferedPartitions();
        Map<Node, List<TopicPartition>> byLeader = new LinkedHashMap<>();
        for (TopicPartition tp : subscriptions.assignment()) {
            if (!subscriptions.hasPosition(tp) || buffered.contains(tp)) {
                continue;
            }
            Node leader = cluster.leaderFor(tp);
            if (leader == null) {
                metadata.requestUpdate();
            } else if (!nodesInFlight.contains(leader.id())) {
                byLeader.computeIfAbsent(leader, n -> new ArrayList<>()).add(tp);
            }
        }
        byLeader.forEach((node, partitions) -> sendFetch(cluster, node, partitions));
    }

    /**
     * Each partition names the leader epoch the snapshot knows, so a broker still acting as leader of an
     * older epoch (one cut off from the quorum) answers UNKNOWN_LEADER_EPOCH instead of serving its log,
     * which may be shorter than the position: an OFFSET_OUT_OF_RANGE from it would reset the position.
     */
    private volatile SluiceException denied;

    private void sendFetch(Cluster cluster, Node node, List<TopicPartition> partitions) {
        FetchRequest.Builder request = FetchRequest.newBuilder().setReplicaId(-1)
                .setMaxWaitMs(config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS))
                .setMinBytes(config.getInt(ConsumerConfig.FETCH_MIN_BYTES))
                .setMaxBytes(config.getInt(ConsumerConfig.FETCH_MAX_BYTES));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            long offset = subscriptions.position(tp);
            offsets.put(tp, offset);
            request.addPartitions(FetchPartition.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
                    .setFetchOffset(offset).setPartitionMaxBytes(config.getInt(ConsumerConfig.MAX_PARTITION_FETCH_BYTES))
                    .setCurrentLeaderEpoch(cluster.partition(tp).leaderEpoch()).setLastFetchedEpoch(-1).setLogStartOffset(-1));
        }
        nodesInFlight.add(node.id());
        // The broker may hold the fetch for fetch.max.wait.ms before it even starts to answer.
        long timeout = (long) config.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS) + config.getInt(ConsumerConfig.FETCH_MAX_WAIT_MS);
        network.send(node, ApiKey.FETCH, request.build(), null, timeout)
                .whenComplete((frame, error) -> onResponse(node, offsets, frame, error));
    }

    /** Runs on the I/O thread: splits the raw section per partition and queues each part. */
    private void onResponse(Node node, Map<TopicPartition, Long> offsets, ResponseFrame frame, Throwable error) {
        try {
            if (closed) { // nobody will drain what arrives now
                if (frame != null) {
                    frame.release();
                }
                return;
            }
            if (error != null) {
                noteDenied(NetworkClient.unwrap(error));
                metadata.requestUpdate();
                completed.add(NODE_FAILED);
                return;
            }
            try {
                FetchResponse response = Network.parse(node, ApiKey.FETCH, frame, FetchResponse.parser());
                ByteBuf raw = frame.raw();
                int at = raw.readerIndex();
                for (FetchPartitionResponse p : response.getPartitionsList()) {
                    TopicPartition tp = new TopicPartition(p.getTopic(), p.getPartition());
                    ByteBuf slice = p.getRecordsSize() > 0 ? raw.retainedSlice(at, p.getRecordsSize()) : null;
                    at += p.getRecordsSize();
                    Long offset = offsets.get(tp);
                    if (offset == null) {
                        if (slice != null) {
                            slice.release();
                        }
                        continue;
                    }
                    completed.add(new CompletedFetch(tp, offset, p, slice));
                }
            } catch (SluiceException | IndexOutOfBoundsException e) {
                noteDenied(e);
                metadata.requestUpdate();
                completed.add(NODE_FAILED);
            } finally {
                frame.release();
            }
        } finally {
            nodesInFlight.remove(node.id());
        }
    }

    /** Waits up to {@code timeoutMs} for a fetch response to arrive; true if one did. */
    boolean awaitCompleted(long timeoutMs) throws InterruptedException {
        if (current != null || polled != null || !completed.isEmpty()) {
            return true;
        }
        CompletedFetch next = completed.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (next == null) {
            return false;
        }
        if (next != NODE_FAILED) {
            polled = next;
        }
        return true;
    }

    /** Turns queued fetches into at most {@code max.poll.records} records, advancing positions. */
    /** A fetch refused for the caller (an ACL): the next {@link #collect} reports it, as Kafka's consumer does. */
    private void noteDenied(Throwable error) {
        if (error instanceof SluiceException e && Errors.isAccessDenied(e.code())) {
            denied = e;
        }
    }

    Map<TopicPartition, List<ConsumerRecord<K, V>>> collect() {
        SluiceException refused = denied;
        if (refused != null) {
            denied = null;
            throw new SluiceException(refused.code(), refused.getMessage());
        }
        Map<TopicPartition, List<ConsumerRecord<K, V>>> out = new LinkedHashMap<>();
        int remaining = maxPollRecords;
        while (remaining > 0) {
            if (current == null) {
                CompletedFetch next = polled != null ? polled : completed.poll();
                polled = null;
                if (next == null) {
                    break;
                }
                if (next == NODE_FAILED || !initialize(next)) {
                    continue;
                }
                current = next;
            }
            List<ConsumerRecord<K, V>> records = out.computeIfAbsent(current.tp, k -> new ArrayList<>());
            remaining -= drain(current, records, remaining);
            if (records.isEmpty()) {
                out.remove(current.tp);
            }
            if (current.exhausted()) {
                current.release();
                current = null;
            }
        }
        return out;
    }

    /** Checks a fetch's error and whether it still matches the position; false means dropped. */
    private boolean initialize(CompletedFetch fetch) {
        TopicPartition tp = fetch.tp;
        if (!subscriptions.isAssigned(tp) || !Long.valueOf(fetch.fetchOffset).equals(subscriptions.position(tp))) {
            fetch.release(); // unassigned or sought elsewhere since the fetch was sent
            return false;
        }
        ErrorCode error = fetch.response.getError();
        if (error == ErrorCode.NONE) {
            subscriptions.highWatermark(tp, fetch.response.getHighWatermark());
            return true;
        }
        fetch.release();
        if (error == ErrorCode.OFFSET_OUT_OF_RANGE) {
            if (!subscriptions.resetToDefault(tp)) {
                throw new SluiceException(error, "offset " + fetch.fetchOffset + " of " + tp
                        + " is out of range and auto.offset.reset is none; seek to a valid offset");
            }
        } else if (Errors.isRetriable(error) || Errors.needsMetadataRefresh(error)) {
            metadata.requestUpdate();
        } else {
            throw new SluiceException(error, "fetching " + tp + " failed: "
                    + Errors.describe(error, fetch.response.getErrorMessage()));
        }
        return false;
    }

    /** Reads up to {@code max} records at or after the position; returns how many it added. */
    private int drain(CompletedFetch fetch, List<ConsumerRecord<K, V>> out, int max) {
        int added = 0;
        long position = subscriptions.position(fetch.tp);
        while (added < max && !fetch.exhausted()) {
            RecordBatch batch = fetch.batches().get(fetch.batchIndex());
            if (fetch.cursor() == null) {
                if (batch.lastOffset() < position || batch.isControlBatch()) {
                    position = Math.max(position, batch.nextOffset());
                    fetch.nextBatch();
                    continue;
                }
                if (checkCrcs) {
                    batch.ensureValid();
                }
                fetch.cursor(batch.records());
            }
            RecordCursor cursor = fetch.cursor();
            boolean more;
            while ((more = cursor.next()) && cursor.offset() < position) {
                // records before the position: the batch was fetched from its middle
            }
            if (!more) {
                position = Math.max(position, batch.nextOffset());
                fetch.nextBatch();
                continue;
            }
            out.add(toRecord(fetch.tp, batch, cursor));
            added++;
            position = cursor.offset() + 1;
        }
        subscriptions.seek(fetch.tp, position);
        return added;
    }

    private ConsumerRecord<K, V> toRecord(TopicPartition tp, RecordBatch batch, RecordCursor cursor) {
        byte[] key = bytes(cursor.key());
        byte[] value = bytes(cursor.value());
        return new ConsumerRecord<>(tp.topic(), tp.partition(), cursor.offset(), cursor.timestamp(), batch.timestampType(),
                keyDeserializer.deserialize(tp.topic(), key), valueDeserializer.deserialize(tp.topic(), value),
                cursor.headerCount() == 0 ? List.of() : cursor.headers(),
                key == null ? -1 : key.length, value == null ? -1 : value.length);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private Set<TopicPartition> bufferedPartitions() {
        Set<TopicPartition> out = new java.util.HashSet<>();
        if (current != null) {
            out.add(current.tp);
        }
        if (polled != null) {
            out.add(polled.tp);
        }
        for (CompletedFetch f : completed) {
            if (f.tp != null) {
                out.add(f.tp);
            }
        }
        return out;
    }

    /** Drops buffered data of a partition whose position the application changed. */
    void clearBuffered(TopicPartition tp) {
        if (current != null && current.tp.equals(tp)) {
            current.release();
            current = null;
        }
    }

    /** Releases every buffered response; the consumer is closing. */
    void close() {
        closed = true;
        if (current != null) {
            current.release();
            current = null;
        }
        if (polled != null) {
            polled.release();
            polled = null;
        }
        for (CompletedFetch f; (f = completed.poll()) != null; ) {
            f.release();
        }
    }
}
