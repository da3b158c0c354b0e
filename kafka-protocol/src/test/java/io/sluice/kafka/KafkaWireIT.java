package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.TestCluster;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Kafka's protocol by hand against one node: the refusals no well-behaved client provokes (bad CRC,
 * old magic, transactional batches, zstd before v7, transactional ids), acks=0, fetch
 * sessions (KIP-227), and a seeded fuzz loop of random, truncated, oversized, negative-length, unknown-API and
 * corrupted frames. Whatever arrives, the node answers with a Kafka error or closes the connection,
 * keeps serving, and its log is unchanged.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaWireIT {
    private static final String TOPIC = "wire";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static OneNode one;

    @BeforeAll
    static void start() throws Exception {
        one = OneNode.start(TOPIC);
        try (KafkaWire wire = one.wire()) {
            ProduceResponseData r = produce(wire, (short) 12, MemoryRecords.withRecords(Compression.NONE, records(10)));
            assertEquals(Errors.NONE.code(), partitionError(r));
        }
    }

    @AfterAll
    static void stop() {
        if (one != null) {
            one.close();
        }
    }

    @Test
    void batchWithBadCrcIsRefusedAsCorrupt() throws Exception {
        long end = logEnd();
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, records(3));
        records.buffer().put(records.sizeInBytes() - 2, (byte) 0x5a); // inside the CRC's cover
        try (KafkaWire wire = wire()) {
            assertEquals(Errors.CORRUPT_MESSAGE.code(), partitionError(produce(wire, (short) 12, records)));
        }
        assertEquals(end, logEnd());
    }

    @Test
    void kafkasRequestRulesAndMissingTransactionsRefuseBatches() throws Exception {
        long end = logEnd();
        try (KafkaWire wire = wire()) {
            MemoryRecords magic1 = MemoryRecords.withRecords(Compression.NONE, records(2));
            magic1.buffer().put(16, (byte) 1);
            assertEquals(Errors.INVALID_RECORD.code(), partitionError(produce(wire, (short) 12, magic1)));
            MemoryRecords transactional = MemoryRecords.withTransactionalRecords(Compression.NONE, 42L, (short) 0, 0,
                    records(2));
            assertEquals(Errors.INVALID_TXN_STATE.code(), partitionError(produce(wire, (short) 12, transactional)));
            MemoryRecords zstd = MemoryRecords.withRecords(Compression.zstd().build(), records(2));
            assertEquals(Errors.UNSUPPORTED_COMPRESSION_TYPE.code(), partitionError(produce(wire, (short) 6, zstd)));
            InitProducerIdResponseData tx = ((InitProducerIdResponse) wire.roundTrip(ApiKeys.INIT_PRODUCER_ID, (short) 5,
                    7, new InitProducerIdRequestData().setTransactionalId("tx").setTransactionTimeoutMs(60_000))).data();
            assertEquals(Errors.TRANSACTIONAL_ID_NOT_FOUND.code(), tx.errorCode());
            InitProducerIdResponseData idempotent = ((InitProducerIdResponse) wire.roundTrip(ApiKeys.INIT_PRODUCER_ID,
                    (short) 5, 8, new InitProducerIdRequestData().setTransactionalId(null))).data();
            assertEquals(Errors.NONE.code(), idempotent.errorCode());
            assertTrue(idempotent.producerId() >= 0);
        }
        assertEquals(end, logEnd());
    }

    @Test
    void acksZeroIsAnsweredWithNothing() throws Exception {
        long end = logEnd();
        try (KafkaWire wire = wire()) {
            ProduceRequestData data = produceData(MemoryRecords.withRecords(Compression.NONE, records(1)))
                    .setAcks((short) 0);
            wire.send(KafkaWire.frame(ApiKeys.PRODUCE, (short) 12, 1, data));
            // The next response on the connection is the ApiVersions one: the produce got none.
            ApiVersionsResponse versions = (ApiVersionsResponse) wire.roundTrip(ApiKeys.API_VERSIONS, (short) 3, 2,
                    new ApiVersionsRequestData().setClientSoftwareName("wire").setClientSoftwareVersion("1"));
            assertEquals(Errors.NONE.code(), versions.data().errorCode());
        }
        TestCluster.await(java.time.Duration.ofSeconds(10), "the acks=0 record in the log", () -> logEnd() == end + 1);
    }

    @Test
    void fetchSessionsAnswerOnlyPartitionsWithNews() throws Exception {
        try (KafkaWire wire = wire()) {
            FetchResponseData sessionless = fetch(wire, fetchData(0, -1));
            assertEquals(0, sessionless.sessionId());
            FetchResponseData.PartitionData p = sessionless.responses().get(0).partitions().get(0);
            assertEquals(Errors.NONE.code(), p.errorCode());
            assertEquals(logEnd(), p.highWatermark());
            assertEquals(p.highWatermark(), p.lastStableOffset());
            assertTrue(MemoryRecords.readableRecords(ByteBuffer.wrap(recordBytes(p))).records().iterator().hasNext());

            FetchResponseData full = fetch(wire, fetchData(0, 0));
            int session = full.sessionId();
            assertTrue(session > 0, "a full fetch of epoch 0 starts a session");
            assertEquals(1, full.responses().get(0).partitions().size());
            // The consumer moves to the log end: the partition has no news, so the answer is empty.
            long end = logEnd();
            assertEquals(List.of(), fetch(wire, fetchData(session, 1, end)).responses());
            assertEquals(List.of(), fetch(wire, fetchData(session, 2, null)).responses(), "the position is kept");
            assertEquals(Errors.NONE.code(),
                    partitionError(produce(wire, (short) 12, MemoryRecords.withRecords(Compression.NONE, records(1)))));
            FetchResponseData news = fetch(wire, fetchData(session, 3, null));
            assertEquals(session, news.sessionId());
            FetchResponseData.PartitionData fresh = news.responses().get(0).partitions().get(0);
            assertEquals(end + 1, fresh.highWatermark());
            assertTrue(recordBytes(fresh).length > 0, "the new record comes with its partition");

            FetchResponseData replayed = fetch(wire, fetchData(session, 3, null));
            assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), replayed.errorCode());
            assertEquals(0, replayed.sessionId());
            assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), fetch(wire, fetchData(session + 1, 1, null)).errorCode());

            FetchRequestData forget = fetchData(session, 4, null).setForgottenTopicsData(List.of(
                    new FetchRequestData.ForgottenTopic().setTopic(TOPIC).setPartitions(List.of(0))));
            assertEquals(List.of(), fetch(wire, forget).responses());
            assertEquals(Errors.NONE.code(),
                    partitionError(produce(wire, (short) 12, MemoryRecords.withRecords(Compression.NONE, records(1)))));
            assertEquals(List.of(), fetch(wire, fetchData(session, 5, null)).responses(), "a forgotten partition is not read");

            assertEquals(0, fetch(wire, fetchData(session, -1)).sessionId(), "epoch -1 closes the session");
            assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), fetch(wire, fetchData(session, 6, null)).errorCode());
        }
    }

    /** Frames no client sends, on fresh connections: the node never changes its log and keeps serving. */
    @Test
    void fuzzedFramesNeverCrashTheNodeNorChangeTheLog() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        Random random = new Random(seed);
        long end = logEnd();
        for (int i = 0; i < 400; i++) {
            byte[] frame = fuzzedFrame(random);
            try (KafkaWire wire = wire()) {
                wire.send(frame);
                wire.drainUntilClosed();
            } catch (SocketException e) {
                // the node reset a connection it refused while bytes were still arriving: a closed connection
            } catch (IOException e) {
                throw new AssertionError("seed " + seed + ", case " + i + ": " + e, e);
            }
        }
        assertEquals(end, logEnd(), "seed " + seed + ": the log changed");
        try (KafkaWire wire = wire()) {
            FetchResponseData.PartitionData p = fetch(wire, fetchData(0, -1)).responses().get(0).partitions().get(0);
            assertEquals(Errors.NONE.code(), p.errorCode(), "seed " + seed);
        }
    }

    /** One of: random bytes, a random header, a cut, oversized, negative or unknown-API frame, a bit-flipped request. */
    private static byte[] fuzzedFrame(Random random) {
        ApiKeys[] keys = ApiKeys.values();
        switch (random.nextInt(7)) {
            case 0 -> { // random body behind a Kafka-looking size and API key
                byte[] bytes = new byte[6 + random.nextInt(300)];
                random.nextBytes(bytes);
                ByteBuffer.wrap(bytes).putInt(bytes.length - 4).put((byte) 0);
                return bytes;
            }
            case 1 -> { // a real API key and any version, then garbage
                byte[] bytes = new byte[12 + random.nextInt(200)];
                random.nextBytes(bytes);
                ApiKeys key = keys[random.nextInt(keys.length)];
                ByteBuffer.wrap(bytes).putInt(bytes.length - 4).putShort(key.id)
                        .putShort((short) (random.nextInt(key.latestVersion(true) + 3) - 1));
                return bytes;
            }
            case 2 -> { // a valid request cut short: the rest never comes
                byte[] valid = validRequest(random);
                return Arrays.copyOf(valid, 4 + random.nextInt(valid.length - 4));
            }
            case 3 -> { // a size the node must refuse before buffering it
                int size = random.nextBoolean() ? -1 - random.nextInt(Integer.MAX_VALUE)
                        : Integer.MAX_VALUE - random.nextInt(1000);
                return ByteBuffer.allocate(12).putInt(size).putShort((short) 0).putShort((short) 3).putInt(1).array();
            }
            case 4 -> { // an API key no Kafka version defines
                return ByteBuffer.allocate(16).putInt(12).putShort((short) (200 + random.nextInt(50)))
                        .putShort((short) 0).putInt(1).putShort((short) -1).putShort((short) 0).array();
            }
            case 5 -> { // a produce to the real topic whose batch is corrupted under its CRC
                MemoryRecords records = MemoryRecords.withRecords(Compression.NONE, records(1 + random.nextInt(5)));
                int at = 21 + random.nextInt(records.sizeInBytes() - 21);
                records.buffer().put(at, (byte) (records.buffer().get(at) ^ (1 + random.nextInt(255))));
                return KafkaWire.frame(ApiKeys.PRODUCE, (short) (3 + random.nextInt(10)), 1, produceData(records));
            }
            default -> { // a valid request with a few bytes flipped
                byte[] bytes = validRequest(random);
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                    bytes[4 + random.nextInt(bytes.length - 4)] ^= (byte) (1 + random.nextInt(255));
                }
                return bytes;
            }
        }
    }

    /** A well-formed request that could not change the log even when bent: produces go to a missing topic. */
    private static byte[] validRequest(Random random) {
        int kind = random.nextInt(4);
        ApiMessage body = switch (kind) {
            case 0 -> new ProduceRequestData().setAcks((short) -1).setTimeoutMs(1000).setTopicData(
                    new ProduceRequestData.TopicProduceDataCollection(List.of(new ProduceRequestData.TopicProduceData()
                            .setName("zz-absent").setPartitionData(List.of(new ProduceRequestData.PartitionProduceData()
                                    .setIndex(0).setRecords(MemoryRecords.withRecords(Compression.NONE, records(2))))))
                            .iterator()));
            case 1 -> fetchData(0, -1);
            case 2 -> new MetadataRequestData().setTopics(null).setAllowAutoTopicCreation(false);
            default -> new ApiVersionsRequestData().setClientSoftwareName("fuzz").setClientSoftwareVersion("1");
        };
        ApiKeys key = switch (kind) {
            case 0 -> ApiKeys.PRODUCE;
            case 1 -> ApiKeys.FETCH;
            case 2 -> ApiKeys.METADATA;
            default -> ApiKeys.API_VERSIONS;
        };
        short version = switch (kind) {
            case 0 -> (short) 12;
            case 1 -> (short) 12;
            case 2 -> (short) 12;
            default -> (short) 3;
        };
        return KafkaWire.frame(key, version, random.nextInt(), body);
    }

    private static SimpleRecord[] records(int n) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            records[i] = new SimpleRecord(1_000L + i, ("k" + i).getBytes(), ("v" + i).getBytes());
        }
        return records;
    }

    private static ProduceRequestData produceData(MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        return data;
    }

    private static ProduceResponseData produce(KafkaWire wire, short version, MemoryRecords records) throws IOException {
        return ((ProduceResponse) wire.roundTrip(ApiKeys.PRODUCE, version, 11, produceData(records))).data();
    }

    private static short partitionError(ProduceResponseData r) {
        return r.responses().iterator().next().partitionResponses().get(0).errorCode();
    }

    private static FetchRequestData fetchData(int sessionId, int sessionEpoch) {
        return fetchData(sessionId, sessionEpoch, 0L);
    }

    /** A fetch of the partition from {@code offset}, or of nothing new in the session when it is null. */
    private static FetchRequestData fetchData(int sessionId, int sessionEpoch, Long offset) {
        List<FetchRequestData.FetchTopic> topics = offset == null ? List.of() : List.of(new FetchRequestData.FetchTopic()
                .setTopic(TOPIC).setPartitions(List.of(new FetchRequestData.FetchPartition().setPartition(0)
                        .setFetchOffset(offset).setPartitionMaxBytes(1 << 20))));
        return new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0).setMaxBytes(1 << 20)
                .setSessionId(sessionId).setSessionEpoch(sessionEpoch).setTopics(topics);
    }

    private static FetchResponseData fetch(KafkaWire wire, FetchRequestData data) throws IOException {
        return ((FetchResponse) wire.roundTrip(ApiKeys.FETCH, (short) 12, 21, data)).data();
    }

    private static byte[] recordBytes(FetchResponseData.PartitionData p) {
        MemoryRecords records = (MemoryRecords) p.records();
        byte[] bytes = new byte[records.sizeInBytes()];
        records.buffer().duplicate().get(bytes);
        return bytes;
    }

    private static long logEnd() {
        return one.logEnd(TP);
    }

    private static KafkaWire wire() throws IOException {
        return one.wire();
    }
}
