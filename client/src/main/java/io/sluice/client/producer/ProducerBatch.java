package io.sluice.client.producer;

import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The records bound for one partition that travel together as one v2 record batch. Records are
 * encoded into the batch as they are appended (no per-record buffer); the batch is sealed (header,
 * producer id, sequence, CRC) when the sender drains it, and the sealed bytes are reused unchanged by
 * retries so the broker can recognise a duplicate.
 *
 * <p>Appends happen under the lock of the partition's deque in {@link RecordAccumulator}; once
 * drained, a batch belongs to the sender thread alone.
 */
final class ProducerBatch {
    /** Bytes a record adds beyond key, value and headers, at most (varint lengths, deltas, attributes). */
    static final int RECORD_OVERHEAD = 21;

    /** What one appended record waits for. */
    private record Thunk(CompletableFuture<RecordMetadata> future, Callback callback, long timestamp,
                         int keySize, int valueSize) {
    }

    final TopicPartition tp;
    final long createdMs;
    final long reservedBytes;
    private final int batchSize;
    private final RecordBatchBuilder builder;
    private final List<Thunk> thunks = new ArrayList<>();
    private ByteBuffer sealed;
    private long sealOrder = Long.MAX_VALUE;
    private int attempts;
    private long lastAttemptMs;
    private boolean retry;
    private boolean done;
    private boolean recycled;

    /** A batch built in {@code buffer} (from the pool); {@link #recyclableBuffer()} is what to give back when done. */
    ProducerBatch(TopicPartition tp, CompressionType compression, int batchSize, long reservedBytes, long nowMs,
                  ByteBuffer buffer) {
        this.tp = tp;
        this.batchSize = batchSize;
        this.reservedBytes = reservedBytes;
        this.createdMs = nowMs;
        this.lastAttemptMs = nowMs;
        this.builder = new RecordBatchBuilder(compression, buffer);
    }

    /** Upper bound of a record's bytes in a batch, for sizing before it is appended. */
    static int estimateSize(byte[] key, byte[] value, Header[] headers) {
        int size = RECORD_OVERHEAD + (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        for (Header h : headers) {
            size += 10 + h.key().length() * 3 + (h.value() == null ? 0 : h.value().length);
        }
        return size;
    }

    /** Appends the record, or returns null when it does not fit and the batch already has records. */
    CompletableFuture<RecordMetadata> tryAppend(long timestamp, byte[] key, byte[] value, Header[] headers,
                                                Callback callback) {
        if (!thunks.isEmpty() && builder.uncompressedSizeInBytes() + estimateSize(key, value, headers) > batchSize) {
            return null;
        }
        builder.append(timestamp, key, value, headers);
        CompletableFuture<RecordMetadata> future = new CompletableFuture<>();
        thunks.add(new Thunk(future, callback, timestamp, key == null ? -1 : key.length, value == null ? -1 : value.length));
        return future;
    }

    boolean isFull() {
        return builder.uncompressedSizeInBytes() >= batchSize;
    }

    int recordCount() {
        return thunks.size();
    }

    /** Bytes before compression, an upper bound of what the batch adds to a request. */
    int estimatedSizeInBytes() {
        return sealed != null ? sealed.remaining() : builder.uncompressedSizeInBytes();
    }

    boolean isSealed() {
        return sealed != null;
    }

    /**
     * Writes the header; with a producer id, the batch carries it and its base sequence from now on.
     * {@code order} ranks the batch among the sealed batches of its partition.
     */
    void seal(long producerId, short producerEpoch, int baseSequence, long order) {
        sealOrder = order;
        if (producerId != RecordBatch.NO_PRODUCER_ID) {
            builder.idempotent(producerId, producerEpoch, baseSequence);
        }
        sealed = builder.build();
    }

    /** The sealed batch's bytes, a fresh view each call so every send reads them from the start. */
    ByteBuffer buffer() {
        return sealed.duplicate();
    }

    /** The rank given when sealed; unsealed batches rank last. */
    long sealOrder() {
        return sealOrder;
    }

    /** The producer id the sealed batch carries, or none. */
    long producerId() {
        return sealed == null ? RecordBatch.NO_PRODUCER_ID : RecordBatch.wrap(sealed, 0).producerId();
    }

    int baseSequence() {
        return sealed == null ? RecordBatch.NO_SEQUENCE : RecordBatch.wrap(sealed, 0).baseSequence();
    }

    int attempts() {
        return attempts;
    }

    void onSend(long nowMs) {
        attempts++;
        lastAttemptMs = nowMs;
    }

    /** Marks the batch for another attempt after the retry backoff. */
    void onRetry(long nowMs) {
        retry = true;
        lastAttemptMs = nowMs;
    }

    boolean inRetry() {
        return retry;
    }

    long lastAttemptMs() {
        return lastAttemptMs;
    }

    boolean isDone() {
        return done;
    }

    /**
     * Completes every record: callbacks first, then futures, in append order. {@code baseOffset} is -1
     * when unknown (acks=0); {@code logAppendTime} is -1 unless the broker stamped the batch.
     */
    void complete(long baseOffset, long logAppendTime, RuntimeException error) {
        if (done) {
            return;
        }
        done = true;
        for (int i = 0; i < thunks.size(); i++) {
            Thunk t = thunks.get(i);
            RecordMetadata metadata = error != null ? null : new RecordMetadata(tp.topic(), tp.partition(),
                    baseOffset < 0 ? -1 : baseOffset + i, logAppendTime > 0 ? logAppendTime : t.timestamp(),
                    t.keySize(), t.valueSize());
            if (t.callback() != null) {
                try {
                    t.callback().onCompletion(metadata, error);
                } catch (RuntimeException e) {
                    org.slf4j.LoggerFactory.getLogger(ProducerBatch.class)
                            .error("a send callback for {} threw; ignoring it", tp, e);
                }
            }
            if (error != null) {
                t.future().completeExceptionally(error);
            } else {
                t.future().complete(metadata);
            }
        }
    }

    /** The buffer the batch was built in, to recycle once the batch is done and nothing reads it. */
    ByteBuffer recyclableBuffer() {
        if (recycled) {
            return null; // given back already: never twice, or two batches would share it
        }
        recycled = true;
        return builder.buffer();
    }

    /** A future that completes when the batch's outcome is known, for flush. */
    CompletableFuture<?> lastFuture() {
        return thunks.get(thunks.size() - 1).future();
    }

    @Override
    public String toString() {
        return "ProducerBatch(" + tp + ", " + thunks.size() + " records, attempts=" + attempts + ")";
    }
}
