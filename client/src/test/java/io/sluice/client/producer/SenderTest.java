package io.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.FakeNetwork;
import io.sluice.protocol.MockTime;
import io.sluice.client.Metadata;
import io.sluice.client.TestMetadata;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.InitProducerIdResponse;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.protocol.rpc.ProduceRequest;
import io.sluice.protocol.rpc.ProduceResponse;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class SenderTest {
    private final MockTime time = new MockTime();
    private final FakeNetwork network = new FakeNetwork();
    private final TopicPartition p0 = new TopicPartition("t", 0);
    private RecordAccumulator accumulator;
    private Metadata metadata;
    private Sender sender;

    private void setUp(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>(Map.of("linger.ms", 0, "retry.backoff.ms", 100,
                "enable.idempotence", false, "delivery.timeout.ms", 60_000, "request.timeout.ms", 1000));
        props.putAll(overrides);
        ProducerConfig config = new ProducerConfig(props);
        network.answerMetadataWith(new TestMetadata().brokers(2).topic("t", 1, 2).response());
        metadata = new Metadata(config, network, time);
        metadata.addTopics(List.of("t"));
        metadata.maybeUpdate();
        accumulator = new RecordAccumulator(config, new BufferPool(1 << 20, time), time);
        sender = new Sender(config, accumulator, metadata, network, time);
    }

    private CompletableFuture<RecordMetadata> append(String value) {
        return accumulator.append(p0, time.milliseconds(), null, value.getBytes(), new Header[0], null, 0).future();
    }

    private static ProduceResponse answer(ErrorCode error, long baseOffset) {
        return ProduceResponse.newBuilder().addPartitions(ProducePartitionResponse.newBuilder().setTopic("t")
                .setPartition(0).setError(error).setBaseOffset(baseOffset)).build();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get();
            throw new AssertionError("expected a failure");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void sendsBatchAsRawSectionAndCompletesOffsets() throws Exception {
        setUp(Map.of());
        CompletableFuture<RecordMetadata> a = append("a");
        CompletableFuture<RecordMetadata> b = append("b");
        sender.runOnce();
        List<FakeNetwork.Sent> sent = network.take(ApiKey.PRODUCE);
        assertEquals(1, sent.size());
        ProduceRequest request = (ProduceRequest) sent.get(0).body();
        assertEquals(-1, request.getAcks());
        assertEquals(sent.get(0).raw().length, request.getPartitions(0).getRecordsSize());
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(sent.get(0).raw()));
        batch.ensureValid();
        assertEquals(2, batch.recordCount());
        assertFalse(batch.hasProducerId());
        sent.get(0).respond(answer(ErrorCode.NONE, 42));
        sender.runOnce();
        assertEquals(42, a.get().offset());
        assertEquals(43, b.get().offset());
        assertFalse(accumulator.hasIncomplete());
    }

    @Test
    void notLeaderRefreshesMetadataAndRetriesOnNewLeader() throws Exception {
        setUp(Map.of());
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        FakeNetwork.Sent first = network.take(ApiKey.PRODUCE).get(0);
        assertEquals(1, first.node().id());
        int version = metadata.version();
        network.answerMetadataWith(new TestMetadata().brokers(2).topic("t", 2, 2).response());
        first.respond(answer(ErrorCode.NOT_LEADER_OR_FOLLOWER, -1));
        sender.runOnce();
        assertTrue(network.take(ApiKey.PRODUCE).isEmpty(), "the retry waits for retry.backoff.ms");
        time.sleep(100);
        sender.runOnce();
        assertTrue(metadata.version() > version, "NOT_LEADER_OR_FOLLOWER asks for fresh metadata");
        FakeNetwork.Sent retry = network.take(ApiKey.PRODUCE).get(0);
        assertEquals(2, retry.node().id());
        assertTrue(java.util.Arrays.equals(first.raw(), retry.raw()), "a retry resends the same bytes");
        retry.respond(answer(ErrorCode.NONE, 7));
        sender.runOnce();
        assertEquals(7, f.get().offset());
    }

    @Test
    void notLeaderNamingTheNewLeaderIsFollowedBeforeMetadataArrives() throws Exception {
        setUp(Map.of());
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        network.answerMetadataWith(null); // the refresh now stays unanswered
        network.take(ApiKey.PRODUCE).get(0).respond(ProduceResponse.newBuilder().addPartitions(
                ProducePartitionResponse.newBuilder().setTopic("t").setPartition(0)
                        .setError(ErrorCode.NOT_LEADER_OR_FOLLOWER).setCurrentLeaderId(2).setCurrentLeaderEpoch(2)).build());
        sender.runOnce();
        time.sleep(100);
        sender.runOnce();
        FakeNetwork.Sent retry = network.take(ApiKey.PRODUCE).get(0);
        assertEquals(2, retry.node().id());
        assertEquals(1, network.take(ApiKey.METADATA).size(), "a refresh was still asked for");
        retry.respond(answer(ErrorCode.NONE, 3));
        sender.runOnce();
        assertEquals(3, f.get().offset());
    }

    @Test
    void requestTimeoutIsRetriedUntilRetriesRunOut() {
        setUp(Map.of("retries", 1));
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        network.take(ApiKey.PRODUCE).get(0).fail(ErrorCode.REQUEST_TIMED_OUT, "no response within 1000 ms");
        sender.runOnce();
        time.sleep(100);
        sender.runOnce();
        network.take(ApiKey.PRODUCE).get(0).fail(ErrorCode.REQUEST_TIMED_OUT, "no response within 1000 ms");
        sender.runOnce();
        SluiceException e = assertInstanceOf(SluiceException.class, failure(f));
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, e.code());
        assertTrue(network.take(ApiKey.PRODUCE).isEmpty());
    }

    @Test
    void deliveryTimeoutEndsRetries() {
        setUp(Map.of("delivery.timeout.ms", 2000));
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        time.sleep(2000);
        network.take(ApiKey.PRODUCE).get(0).fail(ErrorCode.NETWORK_EXCEPTION, "connection closed");
        sender.runOnce();
        SluiceException e = assertInstanceOf(SluiceException.class, failure(f));
        assertTrue(e.getMessage().contains("delivery.timeout.ms"), e.getMessage());
    }

    @Test
    void queuedBatchExpiresWhenNoLeaderAppears() {
        setUp(Map.of("delivery.timeout.ms", 2000));
        network.answerMetadataWith(new TestMetadata().brokers(2).topic("t", -1, -1).response());
        metadata.requestUpdate();
        time.sleep(100);
        metadata.maybeUpdate();
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        assertTrue(network.take(ApiKey.PRODUCE).isEmpty());
        time.sleep(2000);
        sender.runOnce();
        SluiceException e = assertInstanceOf(SluiceException.class, failure(f));
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, e.code());
    }

    @Test
    void nonRetriableErrorFailsAtOnce() {
        setUp(Map.of());
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        network.take(ApiKey.PRODUCE).get(0).respond(answer(ErrorCode.INVALID_RECORD, -1));
        sender.runOnce();
        assertEquals(ErrorCode.INVALID_RECORD, assertInstanceOf(SluiceException.class, failure(f)).code());
    }

    @Test
    void idempotentBatchesCarryProducerIdAndSequences() throws Exception {
        setUp(Map.of("enable.idempotence", true));
        append("a");
        sender.runOnce();
        assertTrue(network.take(ApiKey.PRODUCE).isEmpty(), "nothing is sealed before the producer id arrives");
        network.take(ApiKey.INIT_PRODUCER_ID).get(0).respond(InitProducerIdResponse.newBuilder()
                .setProducerId(1000).setProducerEpoch(3).build());
        sender.runOnce();
        FakeNetwork.Sent first = network.take(ApiKey.PRODUCE).get(0);
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(first.raw()));
        assertEquals(1000, batch.producerId());
        assertEquals(3, batch.producerEpoch());
        assertEquals(0, batch.baseSequence());
        first.respond(answer(ErrorCode.NONE, 0));
        append("b");
        append("c");
        sender.runOnce();
        RecordBatch second = RecordBatch.wrap(ByteBuffer.wrap(network.take(ApiKey.PRODUCE).get(0).raw()));
        assertEquals(1, second.baseSequence());
        assertEquals(2, second.lastSequence());
    }

    private void grantProducerId() {
        sender.runOnce();
        network.take(ApiKey.INIT_PRODUCER_ID).get(0).respond(InitProducerIdResponse.newBuilder()
                .setProducerId(7).setProducerEpoch(0).build());
    }

    @Test
    void idempotentBatchesArePipelinedAndResentInOrderAfterAFailure() throws Exception {
        // batch.size 1: every record is a batch of its own
        setUp(Map.of("enable.idempotence", true, "max.in.flight.requests.per.connection", 3, "batch.size", 1));
        grantProducerId();
        List<CompletableFuture<RecordMetadata>> futures = List.of(append("a"), append("b"), append("c"));
        List<FakeNetwork.Sent> requests = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sender.runOnce();
            requests.addAll(network.take(ApiKey.PRODUCE));
        }
        assertEquals(1, requests.size(), "a partition's backlog travels in one request");
        assertEquals(3, ((ProduceRequest) requests.get(0).body()).getPartitionsCount(), "three batches in flight at once");
        RecordBatch first = RecordBatch.wrap(ByteBuffer.wrap(requests.get(0).raw()));
        // The first fails; the two behind it are refused as out of order, each answered in request order.
        ProducePartitionResponse outOfOrder = answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, -1).getPartitions(0);
        requests.get(0).respond(answer(ErrorCode.NOT_LEADER_OR_FOLLOWER, -1).toBuilder()
                .addPartitions(outOfOrder).addPartitions(outOfOrder).build());
        sender.runOnce();
        time.sleep(100);
        sender.runOnce();
        List<FakeNetwork.Sent> retries = network.take(ApiKey.PRODUCE);
        assertEquals(1, retries.size(), "the first retry goes alone");
        assertEquals(first.baseSequence(), RecordBatch.wrap(ByteBuffer.wrap(retries.get(0).raw())).baseSequence());
        retries.get(0).respond(answer(ErrorCode.NONE, 0));
        sender.runOnce();
        assertEquals(0, futures.get(0).get().offset());
        int expectedSequence = first.lastSequence() + 1;
        for (int round = 0; round < 10 && !futures.get(2).isDone(); round++) {
            sender.runOnce();
            for (FakeNetwork.Sent r : network.take(ApiKey.PRODUCE)) {
                RecordBatch b = RecordBatch.wrap(ByteBuffer.wrap(r.raw()));
                assertEquals(expectedSequence, b.baseSequence(), "resent in sequence order");
                expectedSequence = b.lastSequence() + 1;
                r.respond(answer(ErrorCode.NONE, 100 + round));
            }
        }
        assertTrue(futures.get(2).get().offset() > 0);
    }

    @Test
    void outOfOrderWithoutAnEarlierBatchInFlightIsFatal() {
        setUp(Map.of("enable.idempotence", true));
        grantProducerId();
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        network.take(ApiKey.PRODUCE).get(0).respond(answer(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, -1));
        sender.runOnce();
        assertEquals(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, assertInstanceOf(SluiceException.class, failure(f)).code());
    }

    @Test
    void aFinallyFailedBatchMakesTheProducerStartOverWithANewId() throws Exception {
        setUp(Map.of("enable.idempotence", true));
        grantProducerId();
        CompletableFuture<RecordMetadata> lost = append("x");
        sender.runOnce();
        network.take(ApiKey.PRODUCE).get(0).respond(answer(ErrorCode.INVALID_RECORD, -1));
        sender.runOnce();
        assertEquals(ErrorCode.INVALID_RECORD, assertInstanceOf(SluiceException.class, failure(lost)).code());
        CompletableFuture<RecordMetadata> next = append("y");
        sender.runOnce();
        assertTrue(network.take(ApiKey.PRODUCE).isEmpty(), "the sequence has a gap: no batch before a new id");
        network.take(ApiKey.INIT_PRODUCER_ID).get(0).respond(InitProducerIdResponse.newBuilder()
                .setProducerId(8).setProducerEpoch(0).build());
        sender.runOnce();
        FakeNetwork.Sent sent = network.take(ApiKey.PRODUCE).get(0);
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(sent.raw()));
        assertEquals(8, batch.producerId());
        assertEquals(0, batch.baseSequence());
        sent.respond(answer(ErrorCode.NONE, 5));
        sender.runOnce();
        assertEquals(5, next.get().offset());
    }

    @Test
    void producerIdRefusedFallsBackToPlainBatches() {
        setUp(Map.of("enable.idempotence", true));
        append("a");
        sender.runOnce();
        network.take(ApiKey.INIT_PRODUCER_ID).get(0).fail(ErrorCode.UNKNOWN_API, "unknown api INIT_PRODUCER_ID");
        sender.runOnce();
        assertEquals(IdempotenceState.Phase.DISABLED, sender.idempotencePhase());
        RecordBatch batch = RecordBatch.wrap(ByteBuffer.wrap(network.take(ApiKey.PRODUCE).get(0).raw()));
        assertFalse(batch.hasProducerId());
    }

    @Test
    void acksZeroCompletesWithoutWaiting() throws Exception {
        setUp(Map.of("acks", "0"));
        CompletableFuture<RecordMetadata> f = append("x");
        sender.runOnce();
        assertEquals(0, ((ProduceRequest) network.take(ApiKey.PRODUCE).get(0).body()).getAcks());
        assertEquals(-1, f.get().offset());
    }
}
