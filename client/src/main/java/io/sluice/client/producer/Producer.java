package io.sluice.client.producer;

import io.sluice.client.Cluster;
import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.PartitionInfo;
import io.sluice.client.Serializer;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.RecordBatch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends records to a Sluice cluster, shaped like Kafka's {@code KafkaProducer}. {@link #send} is
 * asynchronous: it picks the partition, appends the record to that partition's open batch and returns a
 * future; a background sender thread sends batches when they are full ({@code batch.size}) or have
 * waited {@code linger.ms}, retries retriable failures, and completes futures and callbacks.
 *
 * <pre>{@code
 * try (Producer<String, String> producer = new Producer<>(Map.of("bootstrap.servers", "localhost:9092"),
 *         Serializer.STRING, Serializer.STRING)) {
 *     producer.send(new ProducerRecord<>("events", "key", "value"), (md, e) -> ...);
 * }
 * }</pre>
 *
 * <p>Thread-safe: one producer is meant to be shared by all threads of an application. Callbacks run on
 * the sender thread and must not block.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Producer<K, V> implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Header[] NO_HEADERS = new Header[0];

    private final ProducerConfig config;
    private final Serializer<K> keySerializer;
    private final Serializer<V> valueSerializer;
    private final Time time;
    private final Network network;
    private final Metadata metadata;
    private final RecordAccumulator accumulator;
    private final BuiltInPartitioner partitioner;
    private final Sender sender;
    private final Thread senderThread;
    private final ProducerMetrics metrics = new ProducerMetrics();
    private final BufferPool pool;
    private final String clientId;
    private final long maxBlockMs;
    private final int maxRequestSize;
    private final boolean ignoreKeys;
    private volatile boolean closed;

    /** A producer of byte-array keys and values. */
    public static Producer<byte[], byte[]> ofBytes(Map<String, ?> props) {
        return new Producer<>(props, Serializer.BYTES, Serializer.BYTES);
    }

    /** Creates a producer; unknown or invalid properties are refused with a {@link io.sluice.client.ConfigException}. */
    public Producer(Map<String, ?> props, Serializer<K> keySerializer, Serializer<V> valueSerializer) {
        this(new ProducerConfig(props), keySerializer, valueSerializer, Time.SYSTEM, null);
    }

    Producer(ProducerConfig config, Serializer<K> keySerializer, Serializer<V> valueSerializer, Time time, Network network) {
        this.config = config;
        this.keySerializer = keySerializer;
        this.valueSerializer = valueSerializer;
        this.time = time;
        this.clientId = config.clientId("producer-" + IDS.incrementAndGet());
        this.network = network != null ? network : new NetworkClient(config, clientId, time);
        this.metadata = new Metadata(config, this.network, time);
        this.pool = new BufferPool(config.getLong(ProducerConfig.BUFFER_MEMORY), config.getInt(ProducerConfig.BATCH_SIZE), time);
        this.accumulator = new RecordAccumulator(config, pool, time);
        this.partitioner = new BuiltInPartitioner(config.getInt(ProducerConfig.BATCH_SIZE),
                bound -> ThreadLocalRandom.current().nextInt(bound));
        this.maxBlockMs = config.getLong(ProducerConfig.MAX_BLOCK_MS);
        this.maxRequestSize = config.getInt(ProducerConfig.MAX_REQUEST_SIZE);
        this.ignoreKeys = config.getBoolean(ProducerConfig.PARTITIONER_IGNORE_KEYS);
        this.sender = new Sender(config, accumulator, metadata, this.network, time, metrics);
        this.senderThread = new Thread(sender, "sluice-producer-sender-" + clientId);
        this.senderThread.setDaemon(true);
        this.senderThread.start();
    }

    /** Sends a record; see {@link #send(ProducerRecord, Callback)}. */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record) {
        return send(record, null);
    }

    /**
     * Queues a record for sending and returns at once (unless it must wait up to {@code max.block.ms} for
     * the topic's metadata or for {@code buffer.memory}). The future and the callback report the
     * outcome: the record's offset, or why it finally failed (a {@link SluiceException} with a code).
     *
     * @throws IllegalStateException if the producer is closed
     */
    public CompletableFuture<RecordMetadata> send(ProducerRecord<K, V> record, Callback callback) {
        if (closed) {
            throw new IllegalStateException("the producer is closed");
        }
        try {
            long start = time.monotonicMs();
            Cluster cluster = awaitPartitions(record.topic(), maxBlockMs);
            byte[] key = keySerializer.serialize(record.topic(), record.key());
            byte[] value = valueSerializer.serialize(record.topic(), record.value());
            Header[] headers = record.headers().isEmpty() ? NO_HEADERS : record.headers().toArray(NO_HEADERS);
            int size = RecordBatch.HEADER_SIZE + ProducerBatch.estimateSize(key, value, headers);
            if (size > maxRequestSize) {
                throw new SluiceException(ErrorCode.MESSAGE_TOO_LARGE, "the record is " + size
                        + " bytes when serialized, more than max.request.size (" + maxRequestSize + ")");
            }
            // The sticky partitioner counts record bytes, as Kafka's does, not the batch header.
            TopicPartition tp = new TopicPartition(record.topic(),
                    partition(record, key, size - RecordBatch.HEADER_SIZE, cluster));
            long timestamp = record.timestamp() != null ? record.timestamp() : time.milliseconds();
            long remaining = Math.max(0, maxBlockMs - (time.monotonicMs() - start));
            RecordAccumulator.AppendResult result = accumulator.append(tp, timestamp, key, value, headers, callback, remaining);
            if (result.batchFull() || result.newBatch()) {
                sender.wakeup();
            }
            return result.future();
        } catch (SluiceException e) {
            if (callback != null) {
                callback.onCompletion(null, e);
            }
            return CompletableFuture.failedFuture(e);
        }
    }

    private int partition(ProducerRecord<K, V> record, byte[] key, int size, Cluster cluster) {
        int count = cluster.partitionCount(record.topic());
        if (record.partition() != null) {
            if (record.partition() < 0 || record.partition() >= count) {
                throw new SluiceException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + record.topic() + "' has "
                        + count + " partition(s); partition " + record.partition() + " does not exist");
            }
            return record.partition();
        }
        if (key != null && !ignoreKeys) {
            return BuiltInPartitioner.partitionForKey(key, count);
        }
        return partitioner.stickyPartition(record.topic(), cluster, size);
    }

    /**
     * Waits until the topic's partitions are known. A topic the brokers keep calling unknown is
     * reported after three refreshes rather than at the end of max.block.ms, so a typo fails fast.
     */
    private Cluster awaitPartitions(String topic, long timeoutMs) {
        Cluster cluster = metadata.cluster();
        if (cluster.partitionCount(topic) > 0) {
            return cluster;
        }
        metadata.addTopics(List.of(topic));
        int[] unknownSeen = {0};
        int[] lastVersion = {-1};
        cluster = metadata.await(c -> {
            if (c.topicError(topic) == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && metadata.version() != lastVersion[0]) {
                lastVersion[0] = metadata.version();
                unknownSeen[0]++;
            }
            return c.partitionCount(topic) > 0 || unknownSeen[0] >= 3
                    || c.topicError(topic) == ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        }, timeoutMs, "the partitions of topic '" + topic + "'");
        if (cluster.topicError(topic) == ErrorCode.TOPIC_AUTHORIZATION_FAILED && cluster.partitionCount(topic) <= 0) {
            // as Kafka's producer: not retried, the ACLs must change first
            throw new SluiceException(ErrorCode.TOPIC_AUTHORIZATION_FAILED, "not authorized to access topic '" + topic
                    + "' (DESCRIBE and WRITE are needed)");
        }
        if (cluster.partitionCount(topic) <= 0) {
            throw new SluiceException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + topic
                    + "' does not exist; create it with ./sluice topics --create --topic " + topic);
        }
        return cluster;
    }

    /** The partitions of a topic, waiting up to {@code max.block.ms} for its metadata. */
    public List<PartitionInfo> partitionsFor(String topic) {
        return awaitPartitions(topic, maxBlockMs).partitionsFor(topic);
    }

    /**
     * Sends every queued record now, ignoring linger, and blocks until all records sent before this
     * call have their outcome.
     */
    public void flush() {
        accumulator.beginFlush();
        sender.wakeup();
        try {
            accumulator.awaitFlushCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes after sending every queued record (waits without bound). */
    @Override
    public void close() {
        close(Duration.ofMillis(Long.MAX_VALUE));
    }

    /**
     * Stops accepting records, sends what is queued for up to {@code timeout}, then fails what is left
     * and releases the connections. Idempotent.
     */
    public void close(Duration timeout) {
        if (closed) {
            return;
        }
        closed = true;
        accumulator.close();
        sender.initiateClose();
        try {
            senderThread.join(Math.max(1, Math.min(timeout.toMillis(), TimeUnit.DAYS.toMillis(365))));
            if (senderThread.isAlive()) {
                sender.forceClose();
                senderThread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sender.forceClose();
        } finally {
            network.close();
        }
    }

    /**
     * The producer's counters by Kafka's metric names ({@code producer-metrics:record-send-total:{client-id=..}}
     * and so on): totals and averages since the producer started.
     */
    public Map<String, Double> metrics() {
        return metrics.snapshot(clientId, pool.available());
    }

    /** The configuration in effect, defaults included. */
    public ProducerConfig config() {
        return config;
    }

    /** For tests: the sender thread's idempotence phase. */
    IdempotenceState.Phase idempotencePhase() {
        return sender.idempotencePhase();
    }
}
