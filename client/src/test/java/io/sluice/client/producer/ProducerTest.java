package io.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.ConfigException;
import io.sluice.client.FakeNetwork;
import io.sluice.client.Serializer;
import io.sluice.client.TestMetadata;
import io.sluice.protocol.Time;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.InitProducerIdResponse;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.protocol.rpc.ProduceRequest;
import io.sluice.protocol.rpc.ProduceResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The producer's public behaviour over a fake network: flush, close, back-pressure, configuration checks. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProducerTest {
    private final FakeNetwork network = new FakeNetwork();
    private final AtomicLong nextOffset = new AtomicLong();

    private Producer<String, String> producer(Map<String, Object> overrides, boolean answerProduce) {
        Map<String, Object> props = new HashMap<>(Map.of("linger.ms", 1000, "enable.idempotence", true));
        props.putAll(overrides);
        network.answerMetadataWith(new TestMetadata().brokers(1).topic("t", 1, 1).response());
        network.autoAnswer(ApiKey.INIT_PRODUCER_ID, sent -> FakeNetwork.frame(
                InitProducerIdResponse.newBuilder().setProducerId(1).build(), new byte[0]));
        if (answerProduce) {
            network.autoAnswer(ApiKey.PRODUCE, sent -> {
                ProduceResponse.Builder response = ProduceResponse.newBuilder();
                for (var p : ((ProduceRequest) sent.body()).getPartitionsList()) {
                    response.addPartitions(ProducePartitionResponse.newBuilder().setTopic(p.getTopic())
                            .setPartition(p.getPartition()).setBaseOffset(nextOffset.getAndAdd(1000)));
                }
                return FakeNetwork.frame(response.build(), new byte[0]);
            });
        }
        return new Producer<>(new ProducerConfig(props), Serializer.STRING, Serializer.STRING, Time.SYSTEM, network);
    }

    @Test
    void flushSendsLingeringRecordsAndWaitsForThem() {
        try (Producer<String, String> producer = producer(Map.of(), true)) {
            List<CompletableFuture<RecordMetadata>> futures = new ArrayList<>();
            List<RecordMetadata> viaCallback = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(producer.send(new ProducerRecord<>("t", "k" + i, "v" + i), (md, e) -> viaCallback.add(md)));
            }
            producer.flush(); // linger.ms is 1000: only the flush sends them now
            assertTrue(futures.stream().allMatch(CompletableFuture::isDone));
            assertEquals(50, viaCallback.size());
            assertEquals(50.0, producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("producer-metrics:record-send-total:")).findFirst().orElseThrow()
                    .getValue(), 0.0);
        }
    }

    @Test
    void fullBufferBlocksSendForMaxBlockMsThenFails() {
        try (Producer<String, String> producer = producer(Map.of("buffer.memory", 2048, "batch.size", 1024,
                "max.block.ms", 300, "linger.ms", 0), false)) {
            producer.send(new ProducerRecord<>("t", 0, "a", "x".repeat(900)));
            producer.send(new ProducerRecord<>("t", 1, "b", "x".repeat(900)));
            CompletableFuture<RecordMetadata> blocked = producer.send(new ProducerRecord<>("t", 0, "c", "x".repeat(900)));
            // Failed by the time send returned: send itself waited out max.block.ms (no wall clock asserted).
            assertTrue(blocked.isCompletedExceptionally(), "send returned before its wait for memory was over");
            ExecutionException e = assertThrows(ExecutionException.class, blocked::get);
            assertTrue(e.getCause().getMessage().contains("buffer.memory"), e.getCause().getMessage());
            assertTrue(e.getCause().getMessage().contains("max.block.ms (300 ms)"), e.getCause().getMessage());
            producer.close(Duration.ofMillis(100));
        }
    }

    @Test
    void closeWithTimeoutFailsWhatCouldNotBeSent() {
        Producer<String, String> producer = producer(Map.of("linger.ms", 0), false);
        CompletableFuture<RecordMetadata> pending = producer.send(new ProducerRecord<>("t", "k", "v"));
        producer.close(Duration.ofMillis(200));
        ExecutionException e = assertThrows(ExecutionException.class, pending::get);
        assertTrue(e.getCause().getMessage().contains("closed before the record was sent"), e.getCause().getMessage());
        assertThrows(IllegalStateException.class, () -> producer.send(new ProducerRecord<>("t", "v")));
    }

    @Test
    void oversizedRecordFailsWithoutBeingQueued() {
        try (Producer<String, String> producer = producer(Map.of("max.request.size", 1000), true)) {
            CompletableFuture<RecordMetadata> f = producer.send(new ProducerRecord<>("t", "x".repeat(2000)));
            ExecutionException e = assertThrows(ExecutionException.class, f::get);
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, assertInstanceOf(SluiceException.class, e.getCause()).code());
        }
    }

    @Test
    void badConfigurationIsRefusedWithTheKeyNamed() {
        assertTrue(assertThrows(ConfigException.class, () -> new ProducerConfig(Map.of("linger.msec", "5")))
                .getMessage().startsWith("unknown producer config 'linger.msec'"));
        assertTrue(assertThrows(ConfigException.class, () -> new ProducerConfig(Map.of("acks", "2")))
                .getMessage().contains("must be one of all, -1, 0, 1"));
        assertTrue(assertThrows(ConfigException.class, () -> new ProducerConfig(Map.of("batch.size", "big")))
                .getMessage().contains("must be an integer"));
        assertTrue(assertThrows(ConfigException.class, () -> new ProducerConfig(Map.of("delivery.timeout.ms", "1000")))
                .getMessage().contains("linger.ms + request.timeout.ms"));
        assertEquals(-1, new ProducerConfig(Map.of()).acks());
    }
}
