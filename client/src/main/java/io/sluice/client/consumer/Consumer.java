package io.sluice.client.consumer;

import io.sluice.client.Deserializer;
import io.sluice.client.ListedOffset;
import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.OffsetLookup;
import io.sluice.client.PartitionInfo;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.client.OffsetSpec;
import io.sluice.client.consumer.internals.GroupSettings;
import io.sluice.client.consumer.internals.PartitionsView;
import java.util.regex.Pattern;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reads records from assigned partitions, shaped like Kafka's {@code KafkaConsumer} . Either
 * {@link #subscribe} as a member of the consumer group {@code group.id} (the group's coordinator assigns
 * partitions; positions start at the committed offsets; see docs/groups.md), or {@link #assign} the
 * partitions yourself; optionally {@link #seek}, then {@link #poll} in a loop. A partition without a position
 * starts where {@code auto.offset.reset} says (earliest, latest, or none: fail until the application
 * seeks). While the application processes one poll's records, the next fetches are already in flight.
 *
 * <pre>{@code
 * try (Consumer<String, String> consumer = new Consumer<>(Map.of("auto.offset.reset", "earliest"),
 *         Deserializer.STRING, Deserializer.STRING)) {
 *     consumer.assign(List.of(new TopicPartition("events", 0)));
 *     while (running) {
 *         for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe, like Kafka's: use one consumer from one thread.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Consumer<K, V> implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();

    private final ConsumerConfig config;
    private final Time time;
    private final Network network;
    private final Metadata metadata;
    private final SubscriptionState subscriptions;
    private final Fetcher<K, V> fetcher;
    private final OffsetLookup offsets;
    private final long apiTimeoutMs;
    private final long retryBackoffMs;
    private boolean closed;
    /** Group membership and commits; null without {@code group.id}. */
    private final ConsumerGroupClient group;

    /** A consumer of byte-array keys and values. */
    public static Consumer<byte[], byte[]> ofBytes(Map<String, ?> props) {
        return new Consumer<>(props, Deserializer.BYTES, Deserializer.BYTES);
    }

    /** Creates a consumer; unknown or invalid properties are refused with a {@link io.sluice.client.ConfigException}. */
    public Consumer(Map<String, ?> props, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer) {
        this(new ConsumerConfig(props), keyDeserializer, valueDeserializer, Time.SYSTEM, null);
    }

    Consumer(ConsumerConfig config, Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer, Time time,
             Network network) {
        this.config = config;
        this.time = time;
        this.network = network != null ? network
                : new NetworkClient(config, config.clientId("consumer-" + IDS.incrementAndGet()), time);
        this.metadata = new Metadata(config, this.network, time);
        this.subscriptions = new SubscriptionState(config.resetStrategy());
        this.fetcher = new Fetcher<>(config, metadata, this.network, subscriptions, keyDeserializer, valueDeserializer);
        this.apiTimeoutMs = config.getInt(ConsumerConfig.DEFAULT_API_TIMEOUT_MS);
        this.retryBackoffMs = config.getLong(ConsumerConfig.RETRY_BACKOFF_MS);
        this.offsets = new OffsetLookup(metadata, this.network, time, config.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS),
                retryBackoffMs);
        this.group = config.getString(ConsumerConfig.GROUP_ID).isEmpty() ? null : new ConsumerGroupClient(
                groupSettings(config), metadata, this.network, time, new View(), config.clientId("consumer"));
    }

    /** Reads exactly these partitions from now on; partitions kept from the previous assignment keep their position. */
    public void assign(Collection<TopicPartition> partitions) {
        ensureOpen();
        if (group != null && group.isSubscribed()) {
            throw new IllegalStateException("this consumer is subscribed; call unsubscribe() before assign()");
        }
        subscriptions.assign(partitions);
        metadata.addTopics(partitions.stream().map(TopicPartition::topic).distinct().toList());
    }

    public Set<TopicPartition> assignment() {
        return Set.copyOf(subscriptions.assignment());
    }

    /**
     * Returns the records available now, or waits up to {@code timeout} for some. Throws a
     * {@link SluiceException} for errors the application must handle (an unknown partition, an offset
     * out of range with {@code auto.offset.reset=none}, an unreachable cluster).
     */
    public ConsumerRecords<K, V> poll(Duration timeout) {
        ensureOpen();
        boolean subscribed = group != null && group.isSubscribed();
        if (subscriptions.assignment().isEmpty() && !subscribed) {
            throw new IllegalStateException("no partitions are assigned; call assign() or subscribe() first");
        }
        long deadline = time.monotonicMs() + timeout.toMillis();
        do {
            metadata.maybeUpdate();
            if (subscribed) {
                group.poll(apiTimeoutMs); // applies a new assignment, positions from committed offsets, auto-commit
            }
            // Partitions whose position could not be resolved in time are simply not fetched yet.
            updatePositionsWithin(Math.max(1, deadline - time.monotonicMs()));
            Map<TopicPartition, List<ConsumerRecord<K, V>>> records = fetcher.collect();
            fetcher.sendFetches(); // pipelining: the next fetch travels while the caller processes these
            if (!records.isEmpty()) {
                return new ConsumerRecords<>(records);
            }
            long left = deadline - time.monotonicMs();
            try {
                fetcher.awaitCompleted(Math.max(0, Math.min(left, Math.max(retryBackoffMs, 1))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ConsumerRecords.empty();
            }
        } while (time.monotonicMs() < deadline);
        return new ConsumerRecords<>(fetcher.collect());
    }

    /** Makes {@code offset} the next record the partition returns. */
    public void seek(TopicPartition tp, long offset) {
        ensureOpen();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be at least 0, not " + offset);
        }
        subscriptions.seek(tp, offset);
        fetcher.clearBuffered(tp);
    }

    /** Moves the partitions to their first offset (looked up at the next poll or position call). */
    public void seekToBeginning(Collection<TopicPartition> partitions) {
        reset(partitions, OffsetResetStrategy.EARLIEST);
    }

    /** Moves the partitions to their high watermark (looked up at the next poll or position call). */
    public void seekToEnd(Collection<TopicPartition> partitions) {
        reset(partitions, OffsetResetStrategy.LATEST);
    }

    private void reset(Collection<TopicPartition> partitions, OffsetResetStrategy strategy) {
        ensureOpen();
        for (TopicPartition tp : partitions.isEmpty() ? subscriptions.assignment() : partitions) {
            subscriptions.requestReset(tp, strategy);
            fetcher.clearBuffered(tp);
        }
    }

    /** The offset of the next record the partition will return, looking it up first if needed. */
    public long position(TopicPartition tp) {
        ensureOpen();
        if (!subscriptions.hasPosition(tp)) {
            updatePositions(apiTimeoutMs);
        }
        return subscriptions.position(tp);
    }

    /** The first offset of each partition. */
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return lookup(partitions, OffsetSpec.EARLIEST_TIMESTAMP);
    }

    /** The high watermark of each partition: the offset the next produced record will get. */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return lookup(partitions, OffsetSpec.LATEST_TIMESTAMP);
    }

    /** The partitions of a topic, waiting up to {@code default.api.timeout.ms} for its metadata. */
    public List<PartitionInfo> partitionsFor(String topic) {
        metadata.addTopics(List.of(topic));
        return metadata.await(c -> c.partitionCount(topic) > 0 || c.topicError(topic) != null, apiTimeoutMs,
                "the partitions of topic '" + topic + "'").partitionsFor(topic);
    }

    /** Joins the group ({@code group.id}) and reads the partitions it assigns of these topics. */
    public void subscribe(Collection<String> topics) {
        subscribe(topics, ConsumerRebalanceListener.NONE);
    }

    /**
     * Joins the group and reads the partitions it assigns of these topics; {@code listener} hears of
     * partitions revoked and assigned, from inside {@link #poll}.
     */
    public void subscribe(Collection<String> topics, ConsumerRebalanceListener listener) {
        ConsumerGroupClient g = requireGroup("subscribe");
        if (topics.stream().anyMatch(t -> t == null || t.isBlank())) {
            throw new IllegalArgumentException("topic names must not be empty: " + topics);
        }
        checkNotAssigned();
        g.subscribe(topics, listener);
    }

    /** Joins the group and reads the partitions it assigns of every topic whose name matches. */
    public void subscribe(Pattern pattern) {
        subscribe(pattern, ConsumerRebalanceListener.NONE);
    }

    public void subscribe(Pattern pattern, ConsumerRebalanceListener listener) {
        ConsumerGroupClient g = requireGroup("subscribe");
        checkNotAssigned();
        g.subscribe(pattern, listener);
    }

    /** Leaves the group (committing first with auto-commit) or drops the manual assignment. */
    public void unsubscribe() {
        ensureOpen();
        if (group != null && group.isSubscribed()) {
            group.unsubscribe(apiTimeoutMs);
        }
        subscriptions.assign(List.of());
    }

    /** Commits the position of every owned partition and waits ({@code default.api.timeout.ms} at most). */
    public void commitSync() {
        requireGroup("commitSync").commitSync(null, apiTimeoutMs);
    }

    public void commitSync(Duration timeout) {
        requireGroup("commitSync").commitSync(null, timeout.toMillis());
    }

    /** Commits these offsets (each the next record to read) and waits. */
    public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
        requireGroup("commitSync").commitSync(Map.copyOf(offsets), apiTimeoutMs);
    }

    /** Commits the position of every owned partition without waiting. */
    public void commitAsync() {
        commitAsync(null, null);
    }

    public void commitAsync(OffsetCommitCallback callback) {
        commitAsync(null, callback);
    }

    /** Commits these offsets (all owned positions when null); {@code callback} runs in a later poll. */
    public void commitAsync(Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
        requireGroup("commitAsync").commitAsync(offsets, callback);
    }

    /** The group's committed offsets of these partitions; partitions without one are absent. */
    public Map<TopicPartition, OffsetAndMetadata> committed(java.util.Set<TopicPartition> partitions) {
        return committed(partitions, Duration.ofMillis(apiTimeoutMs));
    }

    public Map<TopicPartition, OffsetAndMetadata> committed(java.util.Set<TopicPartition> partitions, Duration timeout) {
        return requireGroup("committed").committed(partitions, timeout.toMillis());
    }

    /**
     * Asks the coordinator to compute the group's assignment again now. The assignors are sticky, so
     * only what balance requires moves.
     */
    public void enforceRebalance() {
        requireGroup("enforceRebalance").enforceRebalance();
    }

    /** Who this consumer is in its group (member id, epoch), e.g. for logging. */
    public ConsumerGroupMetadata groupMetadata() {
        return requireGroup("groupMetadata").groupMetadata();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (group != null) {
                group.close(); // final auto-commit, then leave so the partitions move at once
            }
        } finally {
            fetcher.close();
            network.close();
        }
    }

    private ConsumerGroupClient requireGroup(String operation) {
        ensureOpen();
        if (group == null) {
            throw new SluiceException(ErrorCode.INVALID_GROUP_ID, operation + " needs a consumer group: set group.id");
        }
        return group;
    }

    private void checkNotAssigned() {
        if (!group.isSubscribed() && !subscriptions.assignment().isEmpty()) {
            throw new IllegalStateException("partitions were assigned with assign(); call unsubscribe() before subscribe()");
        }
    }

    private static GroupSettings groupSettings(ConsumerConfig config) {
        return new GroupSettings(config.getString(ConsumerConfig.GROUP_ID), config.getString(ConsumerConfig.GROUP_INSTANCE_ID),
                config.getInt(ConsumerConfig.SESSION_TIMEOUT_MS), config.getInt(ConsumerConfig.HEARTBEAT_INTERVAL_MS),
                config.getInt(ConsumerConfig.MAX_POLL_INTERVAL_MS), config.assignor(),
                config.getBoolean(ConsumerConfig.ENABLE_AUTO_COMMIT), config.getInt(ConsumerConfig.AUTO_COMMIT_INTERVAL_MS),
                config.getInt(ConsumerConfig.REQUEST_TIMEOUT_MS), config.getLong(ConsumerConfig.RETRY_BACKOFF_MS));
    }

    /** The consumer's partition state as group membership sees it. */
    private final class View implements PartitionsView {
        @Override
        public java.util.Set<TopicPartition> assignment() {
            return subscriptions.assignment();
        }

        @Override
        public void assign(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : List.copyOf(subscriptions.assignment())) {
                if (!partitions.contains(tp)) {
                    fetcher.clearBuffered(tp);
                }
            }
            subscriptions.assign(partitions);
            metadata.addTopics(partitions.stream().map(TopicPartition::topic).distinct().toList());
        }

        @Override
        public Long position(TopicPartition tp) {
            return subscriptions.position(tp);
        }

        @Override
        public void seek(TopicPartition tp, long offset) {
            subscriptions.seek(tp, offset);
        }
    }

    private Map<TopicPartition, Long> lookup(Collection<TopicPartition> partitions, long timestamp) {
        ensureOpen();
        Map<TopicPartition, Long> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, timestamp));
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.lookup(request, apiTimeoutMs).forEach((tp, listed) -> out.put(tp, listed.offset()));
        return out;
    }

    /**
     * As {@link #updatePositions}, within a poll's time: false when the leaders or offsets could not be
     * had in time (the next poll tries again, as Kafka's consumer does), rather than an exception.
     */
    private boolean updatePositionsWithin(long timeoutMs) {
        try {
            updatePositions(timeoutMs);
            return true;
        } catch (SluiceException e) {
            if (e.code() == ErrorCode.REQUEST_TIMED_OUT || e.code() == ErrorCode.NETWORK_EXCEPTION) {
                return false;
            }
            throw e;
        }
    }

    /** Resolves pending resets with ListOffsets; NONE fails with a message saying to seek. */
    private void updatePositions(long timeoutMs) {
        List<TopicPartition> none = subscriptions.pendingResets(OffsetResetStrategy.NONE);
        if (!none.isEmpty()) {
            throw new SluiceException(ErrorCode.OFFSET_OUT_OF_RANGE, "no position for " + none
                    + " and auto.offset.reset is none; seek to an offset first");
        }
        Map<TopicPartition, Long> request = new HashMap<>();
        subscriptions.pendingResets(OffsetResetStrategy.EARLIEST).forEach(tp -> request.put(tp, OffsetSpec.EARLIEST_TIMESTAMP));
        subscriptions.pendingResets(OffsetResetStrategy.LATEST).forEach(tp -> request.put(tp, OffsetSpec.LATEST_TIMESTAMP));
        if (request.isEmpty()) {
            return;
        }
        Map<TopicPartition, ListedOffset> found = offsets.lookup(request, timeoutMs);
        found.forEach((tp, listed) -> subscriptions.seek(tp, Math.max(0, listed.offset())));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the consumer is closed");
        }
    }

    /** The configuration in effect, defaults included. */
    public ConsumerConfig config() {
        return config;
    }
}
