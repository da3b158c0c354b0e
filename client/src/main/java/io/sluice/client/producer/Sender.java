package io.sluice.client.producer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.sluice.client.Cluster;
import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.InitProducerIdRequest;
import io.sluice.protocol.rpc.InitProducerIdResponse;
import io.sluice.protocol.rpc.ProducePartition;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.protocol.rpc.ProduceRequest;
import io.sluice.protocol.rpc.ProduceResponse;
import io.sluice.protocol.wire.ResponseFrame;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's background thread. Each {@link #runOnce()} handles the responses that arrived,
 * refreshes metadata when due, asks the accumulator which leaders have batches ready, drains them into
 * one produce request per leader (at most {@code max.in.flight.requests.per.connection} per leader) and
 * fails batches past {@code delivery.timeout.ms}. Responses are queued by the I/O thread and handled
 * here, so batches, sequence numbers and in-flight counts have a single owner; tests call {@link #runOnce()}
 * with a fake {@link Network} to step it deterministically.
 *
 * <p>Retriable errors put a batch back at the head of its partition after {@code retry.backoff.ms}
 * (and refresh metadata when the error says the leader moved), until {@code retries} or the delivery
 * timeout runs out.
 */
final class Sender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Sender.class);

    private final RecordAccumulator accumulator;
    private final Metadata metadata;
    private final Network network;
    private final Time time;
    private final short acks;
    private final int requestTimeoutMs;
    private final int maxRequestSize;
    private final int maxInFlight;
    private final int retries;
    private final long retryBackoffMs;
    private final IdempotenceState idempotence;
    private final ProducerMetrics metrics;
    private final LinkedBlockingQueue<Runnable> completions = new LinkedBlockingQueue<>();
    private final Map<Integer, Integer> inFlight = new HashMap<>();
    /** Per partition, the seal order of batches sealed but not finally completed. */
    private final Map<TopicPartition, TreeSet<Long>> unresolved = new HashMap<>();
    private long sealCounter;
    private volatile boolean running = true;
    private volatile boolean forceClose;

    Sender(ProducerConfig config, RecordAccumulator accumulator, Metadata metadata, Network network, Time time) {
        this(config, accumulator, metadata, network, time, new ProducerMetrics());
    }

    Sender(ProducerConfig config, RecordAccumulator accumulator, Metadata metadata, Network network, Time time,
           ProducerMetrics metrics) {
        this.metrics = metrics;
        this.accumulator = accumulator;
        this.metadata = metadata;
        this.network = network;
        this.time = time;
        this.acks = config.acks();
        this.requestTimeoutMs = config.getInt(ProducerConfig.REQUEST_TIMEOUT_MS);
        this.maxRequestSize = config.getInt(ProducerConfig.MAX_REQUEST_SIZE);
        this.maxInFlight = config.getInt(ProducerConfig.MAX_IN_FLIGHT);
        this.retries = config.getInt(ProducerConfig.RETRIES);
        this.retryBackoffMs = config.getLong(ProducerConfig.RETRY_BACKOFF_MS);
        this.idempotence = new IdempotenceState(config.getBoolean(ProducerConfig.ENABLE_IDEMPOTENCE));
    }

    @Override
    public void run() {
        while (running) {
            awaitWork(runOnce());
        }
        // Graceful close: send what is queued, unless the caller gave up waiting.
        while (!forceClose && (accumulator.hasIncomplete() || inFlightTotal() > 0)) {
            awaitWork(runOnce());
        }
        if (forceClose) {
            accumulator.abortIncomplete(new SluiceException(ErrorCode.NETWORK_EXCEPTION,
                    "the producer was closed before the record was sent"));
        }
    }

    /** One round of the loop; returns how long the caller may wait for new work, in ms. */
    long runOnce() {
        for (Runnable r; (r = completions.poll()) != null; ) {
            r.run();
        }
        long now = time.monotonicMs();
        metadata.maybeUpdate();
        maybeRequestProducerId(now);
        Cluster cluster = metadata.cluster();
        int perPartition = perPartitionLimit();
        RecordAccumulator.ReadyResult ready = accumulator.ready(cluster, now, perPartition);
        if (!ready.unknownLeaderTopics().isEmpty()) {
            metadata.requestUpdate();
        }
        long timeout = Math.min(ready.nextReadyCheckDelayMs(), metadata.timeToNextUpdate(now));
        if (idempotence.canSeal()) {
            Set<Node> sendable = ready.readyNodes().stream()
                    .filter(n -> inFlight.getOrDefault(n.id(), 0) < maxInFlight)
                    .collect(Collectors.toSet());
            Map<Integer, List<ProducerBatch>> drained = accumulator.drain(cluster, sendable, maxRequestSize, now, perPartition);
            for (Map.Entry<Integer, List<ProducerBatch>> e : drained.entrySet()) {
                sendProduce(cluster.node(e.getKey()), e.getValue(), now);
            }
        } else {
            timeout = Math.min(timeout, retryBackoffMs);
        }
        for (ProducerBatch expired : accumulator.expiredBatches(now)) {
            fail(expired, new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "expiring " + expired.recordCount()
                    + " record(s) for " + expired.tp + ": " + (now - expired.createdMs)
                    + " ms has passed since batch creation (delivery.timeout.ms)"));
        }
        return Math.max(0, Math.min(timeout, 1000));
    }

    private void awaitWork(long timeoutMs) {
        try {
            Runnable r = completions.poll(timeoutMs, TimeUnit.MILLISECONDS);
            if (r != null) {
                r.run();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forceClose = true;
            running = false;
        }
    }

    /** Interrupts a wait so new records, a flush or a close are seen at once. */
    void wakeup() {
        completions.offer(() -> { });
    }

    void initiateClose() {
        running = false;
        wakeup();
    }

    void forceClose() {
        forceClose = true;
        initiateClose();
    }

    /**
     * Batches of one partition allowed in flight: with a producer id the broker's sequence check refuses
     * a batch that would overtake an earlier one, so they can be pipelined; without one, only a single
     * batch at a time keeps retries from reordering records.
     */
    private int perPartitionLimit() {
        return idempotence.phase() == IdempotenceState.Phase.READY ? maxInFlight : 1;
    }

    private int inFlightTotal() {
        return inFlight.values().stream().mapToInt(Integer::intValue).sum();
    }

    private void sendProduce(Node node, List<ProducerBatch> batches, long now) {
        ProduceRequest.Builder request = ProduceRequest.newBuilder().setAcks(acks).setTimeoutMs(requestTimeoutMs);
        int rawSize = 0;
        for (ProducerBatch batch : batches) {
            if (!batch.isSealed()) {
                int sequence = idempotence.takeSequence(batch.tp, batch.recordCount());
                batch.seal(idempotence.producerId(), idempotence.producerEpoch(), sequence, ++sealCounter);
                unresolved.computeIfAbsent(batch.tp, k -> new TreeSet<>()).add(batch.sealOrder());
            }
            rawSize += batch.estimatedSizeInBytes();
        }
        // One copy of the sealed batches into pooled direct memory, which the socket writes as it is
        // (heap buffers would be merged and copied again by the transport).
        ByteBuf raw = PooledByteBufAllocator.DEFAULT.directBuffer(rawSize);
        for (ProducerBatch batch : batches) {
            ByteBuffer bytes = batch.buffer();
            request.addPartitions(ProducePartition.newBuilder().setTopic(batch.tp.topic())
                    .setPartition(batch.tp.partition()).setRecordsSize(bytes.remaining()));
            raw.writeBytes(bytes);
            batch.onSend(now);
            accumulator.sending(batch.tp);
        }
        inFlight.merge(node.id(), 1, Integer::sum);
        metrics.requests.increment();
        metrics.requestBytes.add(raw.readableBytes());
        metrics.batches.add(batches.size());
        metrics.batchBytes.add(raw.readableBytes());
        long sentAt = time.monotonicMs();
        network.send(node, ApiKey.PRODUCE, request.build(), raw, requestTimeoutMs)
                .whenComplete((frame, error) -> completions.add(() -> {
                    long latency = time.monotonicMs() - sentAt;
                    metrics.responses.increment();
                    metrics.requestLatencyMs.add(latency);
                    metrics.requestLatencyMaxMs.accumulate(latency);
                    onResponse(node, batches, frame, error);
                }));
        if (acks == 0) { // nobody waits for the broker: the records count as sent once written
            for (ProducerBatch batch : batches) {
                accumulator.sent(batch.tp);
                succeed(batch, -1, -1);
            }
        }
    }

    private void onResponse(Node node, List<ProducerBatch> batches, ResponseFrame frame, Throwable error) {
        inFlight.merge(node.id(), -1, Integer::sum);
        long now = time.monotonicMs();
        if (acks == 0) {
            if (frame != null) {
                frame.release();
            }
            return;
        }
        ProduceResponse response = null;
        if (error == null) {
            try {
                response = Network.parse(node, ApiKey.PRODUCE, frame, ProduceResponse.parser());
            } catch (SluiceException e) {
                error = e;
            } finally {
                frame.release();
            }
        }
        if (error != null) {
            Throwable cause = NetworkClient.unwrap(error);
            ErrorCode code = cause instanceof SluiceException s ? s.code() : ErrorCode.UNKNOWN_SERVER_ERROR;
            if (code == ErrorCode.NETWORK_EXCEPTION || code == ErrorCode.REQUEST_TIMED_OUT) {
                metadata.requestUpdate();
            }
            for (ProducerBatch batch : batches) {
                onPartitionError(batch, code, cause.getMessage(), now);
            }
            return;
        }
        // The broker answers each entry of the request in order: a partition may appear more than once.
        List<ProducePartitionResponse> answers = response.getPartitionsList();
        for (int i = 0; i < batches.size(); i++) {
            ProducerBatch batch = batches.get(i);
            ProducePartitionResponse p = i < answers.size() ? answers.get(i) : null;
            if (p == null || !p.getTopic().equals(batch.tp.topic()) || p.getPartition() != batch.tp.partition()) {
                onPartitionError(batch, ErrorCode.UNKNOWN_SERVER_ERROR, node + " did not answer for " + batch.tp, now);
            } else if (p.getError() == ErrorCode.NONE) {
                accumulator.sent(batch.tp);
                succeed(batch, p.getBaseOffset(), p.getLogAppendTimeMs());
            } else {
                if (p.getError() == ErrorCode.NOT_LEADER_OR_FOLLOWER && p.getCurrentLeaderId() > 0) {
                    metadata.updateLeader(batch.tp, p.getCurrentLeaderId(), p.getCurrentLeaderEpoch());
                }
                onPartitionError(batch, p.getError(), Errors.describe(p.getError(), p.getErrorMessage()), now);
            }
        }
    }

    private void onPartitionError(ProducerBatch batch, ErrorCode code, String message, long now) {
        accumulator.sent(batch.tp);
        if (code == ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
            succeed(batch, -1, -1); // an earlier attempt was written; the broker dropped this copy
            return;
        }
        boolean retriable = Errors.isRetriable(code) || code == ErrorCode.NETWORK_EXCEPTION
                || (code == ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && earlierUnresolved(batch));
        if (retriable && batch.attempts() <= retries && !accumulator.isExpired(batch, now) && !forceClose) {
            if (Errors.needsMetadataRefresh(code)) {
                metadata.requestUpdate();
            }
            log.debug("retrying {} after {}: {}", batch, code, message);
            metrics.recordRetries.add(batch.recordCount());
            accumulator.reenqueue(batch, now);
            return;
        }
        String why = retriable && accumulator.isExpired(batch, now)
                ? " (gave up after " + batch.attempts() + " attempts: delivery.timeout.ms passed)" : "";
        fail(batch, new SluiceException(code, "producing to " + batch.tp + " failed: " + message + why));
    }

    /**
     * Whether a batch sealed before this one still awaits its outcome: then an out-of-order answer only
     * means that batch failed first and this one must follow it again.
     */
    private boolean earlierUnresolved(ProducerBatch batch) {
        TreeSet<Long> orders = unresolved.get(batch.tp);
        return orders != null && orders.lower(batch.sealOrder()) != null;
    }

    private void resolved(ProducerBatch batch) {
        TreeSet<Long> orders = unresolved.get(batch.tp);
        if (orders != null && orders.remove(batch.sealOrder()) && orders.isEmpty()) {
            unresolved.remove(batch.tp);
        }
    }

    private void succeed(ProducerBatch batch, long baseOffset, long logAppendTime) {
        resolved(batch);
        metrics.recordsSent.add(batch.recordCount());
        batch.complete(baseOffset, logAppendTime, null);
        accumulator.deallocate(batch);
    }

    private void fail(ProducerBatch batch, RuntimeException error) {
        resolved(batch);
        // Its sequence numbers are now a gap the broker will refuse: start over with a new producer id,
        // once per id (later batches of the old id fail on their own).
        if (batch.isSealed() && batch.producerId() != RecordBatch.NO_PRODUCER_ID
                && batch.producerId() == idempotence.producerId()) {
            idempotence.reset();
        }
        metrics.recordErrors.add(batch.recordCount());
        batch.complete(-1, -1, error);
        accumulator.deallocate(batch);
    }

    private void maybeRequestProducerId(long now) {
        if (!idempotence.shouldRequest(now)) {
            return;
        }
        idempotence.requested();
        Node node = metadata.anyNode();
        InitProducerIdRequest request = InitProducerIdRequest.newBuilder().setTransactionTimeoutMs(-1).build();
        network.call(node, ApiKey.INIT_PRODUCER_ID, request, InitProducerIdResponse.parser(), requestTimeoutMs)
                .whenComplete((response, error) -> completions.add(() -> onProducerId(node, response, error)));
    }

    private void onProducerId(Node node, InitProducerIdResponse response, Throwable error) {
        Throwable cause = error == null ? null : NetworkClient.unwrap(error);
        ErrorCode code = cause instanceof SluiceException s ? s.code()
                : cause != null ? ErrorCode.UNKNOWN_SERVER_ERROR : response.getError();
        if (code == ErrorCode.NONE) {
            idempotence.granted(response.getProducerId(), (short) response.getProducerEpoch());
            log.debug("producer id {} epoch {}", response.getProducerId(), response.getProducerEpoch());
        } else if (code == ErrorCode.NETWORK_EXCEPTION || code == ErrorCode.REQUEST_TIMED_OUT
                || code == ErrorCode.NOT_CONTROLLER || code == ErrorCode.COORDINATOR_NOT_AVAILABLE) {
            idempotence.retryAt(time.monotonicMs() + retryBackoffMs);
        } else {
            String message = cause != null ? cause.getMessage() : Errors.describe(code, response.getErrorMessage());
            log.warn("{} did not grant a producer id ({}: {}); sending without idempotence, so a retried batch "
                    + "may be written twice", node, code, message);
            idempotence.disable();
        }
    }

    /** For tests: where getting a producer id stands. */
    IdempotenceState.Phase idempotencePhase() {
        return idempotence.phase();
    }
}
