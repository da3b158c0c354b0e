package io.sluice.client.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Deserializer;
import io.sluice.client.FakeNetwork;
import io.sluice.client.TestMetadata;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.RecordBatchBuilder;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.rpc.ListOffsetsPartitionResponse;
import io.sluice.protocol.rpc.ListOffsetsRequest;
import io.sluice.protocol.rpc.ListOffsetsResponse;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ConsumerTest {
    private final FakeNetwork network = new FakeNetwork();
    private final TopicPartition p0 = new TopicPartition("t", 0);
    private Consumer<String, String> consumer;

    private void setUp(Map<String, Object> overrides, long earliest, long latest) {
        Map<String, Object> props = new HashMap<>(Map.of("auto.offset.reset", "earliest", "retry.backoff.ms", 10));
        props.putAll(overrides);
        network.answerMetadataWith(new TestMetadata().brokers(1).topic("t", 1).response());
        network.autoAnswer(ApiKey.LIST_OFFSETS, sent -> {
            ListOffsetsRequest request = (ListOffsetsRequest) sent.body();
            ListOffsetsResponse.Builder response = ListOffsetsResponse.newBuilder();
            request.getPartitionsList().forEach(p -> response.addPartitions(ListOffsetsPartitionResponse.newBuilder()
                    .setTopic(p.getTopic()).setPartition(p.getPartition())
                    .setOffset(p.getTimestamp() == -2 ? earliest : latest)));
            return FakeNetwork.frame(response.build(), new byte[0]);
        });
        consumer = new Consumer<>(new ConsumerConfig(props), Deserializer.STRING, Deserializer.STRING, Time.SYSTEM, network);
        consumer.assign(List.of(p0));
    }

    @AfterEach
    void close() {
        consumer.close();
    }

    /** A v2 batch of records "v{offset}" from {@code base}, {@code count} records. */
    private static byte[] batch(long base, int count) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE).baseOffset(base);
        for (int i = 0; i < count; i++) {
            builder.append(1000 + i, ("k" + (base + i)).getBytes(StandardCharsets.UTF_8),
                    ("v" + (base + i)).getBytes(StandardCharsets.UTF_8), new Header("h", new byte[] {1}));
        }
        ByteBuffer b = builder.build();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private void answerFetch(FakeNetwork.Sent fetch, ErrorCode error, byte[] records) {
        fetch.respond(FetchResponse.newBuilder().addPartitions(FetchPartitionResponse.newBuilder().setTopic("t")
                .setPartition(0).setError(error).setHighWatermark(100).setRecordsSize(records.length)).build(), records);
    }

    private FakeNetwork.Sent awaitFetch() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ZERO);
            List<FakeNetwork.Sent> fetches = network.take(ApiKey.FETCH);
            if (!fetches.isEmpty()) {
                assertEquals(1, fetches.size(), "one fetch in flight per node");
                return fetches.get(0);
            }
        }
        throw new AssertionError("no fetch was sent");
    }

    private List<Long> offsets(ConsumerRecords<String, String> records) {
        List<Long> out = new ArrayList<>();
        records.forEach(r -> out.add(r.offset()));
        return out;
    }

    @Test
    void pollReturnsRecordsFromTheResetPositionSkippingEarlierOnes() {
        setUp(Map.of(), 3, 10);
        FakeNetwork.Sent fetch = awaitFetch();
        assertEquals(3, ((FetchRequest) fetch.body()).getPartitions(0).getFetchOffset());
        answerFetch(fetch, ErrorCode.NONE, concat(batch(0, 5), batch(5, 2))); // offsets 0-6, position 3
        ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(5));
        assertEquals(List.of(3L, 4L, 5L, 6L), offsets(records));
        ConsumerRecord<String, String> first = records.iterator().next();
        assertEquals("k3", first.key());
        assertEquals("v3", first.value());
        assertEquals(1003, first.timestamp());
        assertEquals(List.of(new Header("h", new byte[] {1})), first.headers());
        assertEquals(7, consumer.position(p0));
        FakeNetwork.Sent next = awaitFetch();
        assertEquals(7, ((FetchRequest) next.body()).getPartitions(0).getFetchOffset());
    }

    @Test
    void maxPollRecordsResumesInsideABatch() {
        setUp(Map.of("max.poll.records", 2), 0, 10);
        answerFetch(awaitFetch(), ErrorCode.NONE, batch(0, 5));
        assertEquals(List.of(0L, 1L), offsets(consumer.poll(Duration.ofSeconds(5))));
        assertEquals(List.of(2L, 3L), offsets(consumer.poll(Duration.ofSeconds(5))));
        assertTrue(network.take(ApiKey.FETCH).isEmpty(), "no new fetch while data of the partition is buffered");
        assertEquals(List.of(4L), offsets(consumer.poll(Duration.ofSeconds(5))));
    }

    @Test
    void seekDropsBufferedDataAndFetchesFromTheNewOffset() {
        setUp(Map.of("max.poll.records", 1), 0, 10);
        answerFetch(awaitFetch(), ErrorCode.NONE, batch(0, 5));
        assertEquals(List.of(0L), offsets(consumer.poll(Duration.ofSeconds(5))));
        consumer.seek(p0, 40);
        FakeNetwork.Sent fetch = awaitFetch();
        assertEquals(40, ((FetchRequest) fetch.body()).getPartitions(0).getFetchOffset());
    }

    @Test
    void outOfRangeResetsWithAutoOffsetReset() {
        setUp(Map.of(), 0, 10);
        consumer.seek(p0, 500);
        answerFetch(awaitFetch(), ErrorCode.OFFSET_OUT_OF_RANGE, new byte[0]);
        FakeNetwork.Sent fetch = awaitFetch();
        assertEquals(0, ((FetchRequest) fetch.body()).getPartitions(0).getFetchOffset());
    }

    @Test
    void fetchesNameTheLeaderEpochAndAnUnknownEpochKeepsThePosition() {
        setUp(Map.of(), 0, 10);
        consumer.seek(p0, 7);
        FakeNetwork.Sent fetch = awaitFetch();
        assertEquals(1, ((FetchRequest) fetch.body()).getPartitions(0).getCurrentLeaderEpoch(),
                "the epoch of the metadata, so a former leader that has not heard of a newer one refuses");
        answerFetch(fetch, ErrorCode.UNKNOWN_LEADER_EPOCH, new byte[0]);
        FakeNetwork.Sent retry = awaitFetch();
        assertEquals(7, ((FetchRequest) retry.body()).getPartitions(0).getFetchOffset(), "no reset");
        assertEquals(7, consumer.position(p0));
    }

    @Test
    void outOfRangeWithResetNoneFailsPoll() {
        setUp(Map.of("auto.offset.reset", "none"), 0, 10);
        SluiceException noPosition = assertThrows(SluiceException.class, () -> consumer.poll(Duration.ZERO));
        assertTrue(noPosition.getMessage().contains("auto.offset.reset is none"), noPosition.getMessage());
        consumer.seek(p0, 500);
        answerFetch(awaitFetch(), ErrorCode.OFFSET_OUT_OF_RANGE, new byte[0]);
        SluiceException e = assertThrows(SluiceException.class, () -> consumer.poll(Duration.ofSeconds(5)));
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, e.code());
    }

    @Test
    void seekToEndStartsAtTheHighWatermark() {
        setUp(Map.of(), 0, 10);
        consumer.seekToEnd(List.of(p0));
        assertEquals(10, consumer.position(p0));
    }

    @Test
    void groupOperationsNeedAGroupIdAndCannotBeMixedWithAssign() {
        setUp(Map.of(), 0, 0);
        assertEquals(ErrorCode.INVALID_GROUP_ID, assertThrows(SluiceException.class,
                () -> consumer.subscribe(List.of("t"))).code());
        assertEquals(ErrorCode.INVALID_GROUP_ID, assertThrows(SluiceException.class, () -> consumer.commitSync()).code());
        assertEquals("roundrobin", new ConsumerConfig(Map.of("group.id", "g", "partition.assignment.strategy",
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor")).assignor());
        assertEquals("range", new ConsumerConfig(Map.of("partition.assignment.strategy", "roundrobin",
                "group.remote.assignor", "range")).assignor());
        assertThrows(io.sluice.client.ConfigException.class,
                () -> new ConsumerConfig(Map.of("partition.assignment.strategy", "fancy")));
        try (Consumer<String, String> grouped = new Consumer<>(new ConsumerConfig(Map.of("group.id", "g")),
                Deserializer.STRING, Deserializer.STRING, Time.SYSTEM, network)) {
            grouped.assign(List.of(p0));
            assertThrows(IllegalStateException.class, () -> grouped.subscribe(List.of("t")));
        }
    }
}
