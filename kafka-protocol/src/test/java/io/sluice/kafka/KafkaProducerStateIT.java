package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.kafka.handlers.TopicIds;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.DescribeProducersResponse;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Idempotent-producer semantics over Kafka's protocol as Kafka defines them (a retried batch gets its
 * original offsets and is not written twice; a gap is OUT_OF_ORDER_SEQUENCE_NUMBER; DescribeProducers
 * shows the producer), Produce v13 by topic id, OffsetForLeaderEpoch, and the closed connection that
 * answers a failed acks=0 produce. One node, requests by hand.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaProducerStateIT {
    private static final String TOPIC = "state";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static OneNode one;

    @BeforeAll
    static void start() throws Exception {
        one = OneNode.start(TOPIC);
    }

    @AfterAll
    static void stop() {
        if (one != null) {
            one.close();
        }
    }

    @Test
    void retriedBatchGetsItsOriginalOffsetsAndAGapIsOutOfOrder() throws Exception {
        try (KafkaWire wire = wire()) {
            long pid = ((InitProducerIdResponse) wire.roundTrip(ApiKeys.INIT_PRODUCER_ID, (short) 5, 1,
                    new InitProducerIdRequestData().setTransactionalId(null))).data().producerId();
            PartitionProduceResponse first = produce(wire, (short) 12, byName(idempotent(pid, 0, 3)));
            assertEquals(Errors.NONE.code(), first.errorCode());
            long end = logEnd();
            PartitionProduceResponse retry = produce(wire, (short) 12, byName(idempotent(pid, 0, 3)));
            assertEquals(Errors.NONE.code(), retry.errorCode());
            assertEquals(first.baseOffset(), retry.baseOffset());
            assertEquals(end, logEnd(), "the retried batch was written again");
            PartitionProduceResponse gap = produce(wire, (short) 12, byName(idempotent(pid, 10, 1)));
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(), gap.errorCode());
            assertEquals(end, logEnd());

            DescribeProducersRequestData describe = new DescribeProducersRequestData();
            describe.topics().add(new DescribeProducersRequestData.TopicRequest().setName(TOPIC)
                    .setPartitionIndexes(List.of(0)));
            DescribeProducersResponseData.PartitionResponse producers = ((DescribeProducersResponse) wire.roundTrip(
                    ApiKeys.DESCRIBE_PRODUCERS, (short) 0, 5, describe)).data().topics().get(0).partitions().get(0);
            assertEquals(Errors.NONE.code(), producers.errorCode());
            assertTrue(producers.activeProducers().stream().anyMatch(p -> p.producerId() == pid && p.lastSequence() == 2),
                    producers.toString());
        }
    }

    @Test
    void produceByTopicIdFromVersion13() throws Exception {
        Uuid id = TopicIds.toKafka(one.node().metadata().image().topics().topic(TOPIC).id());
        try (KafkaWire wire = wire()) {
            long end = logEnd();
            PartitionProduceResponse known = produce(wire, (short) 13, byId(id, plain(2)));
            assertEquals(Errors.NONE.code(), known.errorCode());
            assertEquals(end, known.baseOffset());
            PartitionProduceResponse unknown = produce(wire, (short) 13, byId(Uuid.randomUuid(), plain(2)));
            assertEquals(Errors.UNKNOWN_TOPIC_ID.code(), unknown.errorCode());
            assertEquals(end + 2, logEnd());
        }
    }

    @Test
    void offsetForLeaderEpochAnswersFromTheEpochCache() throws Exception {
        try (KafkaWire wire = wire()) {
            assertEquals(Errors.NONE.code(), produce(wire, (short) 12, byName(plain(1))).errorCode());
            int epoch = one.node().replicas().partition(TP).orElseThrow().leaderEpoch();
            EpochEndOffset current = epochEnd(wire, -1, epoch);
            assertEquals(Errors.NONE.code(), current.errorCode());
            assertEquals(epoch, current.leaderEpoch());
            assertEquals(logEnd(), current.endOffset());
            EpochEndOffset newer = epochEnd(wire, -1, epoch + 5);
            assertEquals(-1, newer.leaderEpoch());
            assertEquals(-1, newer.endOffset());
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), epochEnd(wire, epoch + 1, epoch).errorCode());
        }
    }

    @Test
    void aFailedAcksZeroProduceClosesTheConnection() throws Exception {
        try (KafkaWire wire = wire()) {
            ProduceRequestData data = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000);
            data.topicData().add(new ProduceRequestData.TopicProduceData().setName("absent").setPartitionData(
                    List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(plain(1)))));
            wire.send(KafkaWire.frame(ApiKeys.PRODUCE, (short) 12, 1, data));
            assertEquals(List.of(), wire.drainUntilClosed()); // closed, without an answer
        }
    }

    private static EpochEndOffset epochEnd(KafkaWire wire, int currentLeaderEpoch, int epoch) throws IOException {
        OffsetForLeaderEpochRequestData data = new OffsetForLeaderEpochRequestData().setReplicaId(-1);
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic(TOPIC);
        topic.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                .setCurrentLeaderEpoch(currentLeaderEpoch).setLeaderEpoch(epoch));
        data.topics().add(topic);
        return ((OffsetsForLeaderEpochResponse) wire.roundTrip(ApiKeys.OFFSET_FOR_LEADER_EPOCH, (short) 4, 3, data))
                .data().topics().iterator().next().partitions().get(0);
    }

    private static MemoryRecords idempotent(long pid, int firstSequence, int count) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, pid, (short) 0, firstSequence, records(count));
    }

    private static MemoryRecords plain(int count) {
        return MemoryRecords.withRecords(Compression.NONE, records(count));
    }

    private static SimpleRecord[] records(int n) {
        SimpleRecord[] records = new SimpleRecord[n];
        for (int i = 0; i < n; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(), ("v" + i).getBytes());
        }
        return records;
    }

    private static ProduceRequestData byName(MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(TOPIC).setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        return data;
    }

    private static ProduceRequestData byId(Uuid id, MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setTopicId(id).setPartitionData(
                List.of(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        return data;
    }

    private static PartitionProduceResponse produce(KafkaWire wire, short version, ProduceRequestData data)
            throws IOException {
        return ((ProduceResponse) wire.roundTrip(ApiKeys.PRODUCE, version, 2, data)).data().responses().iterator()
                .next().partitionResponses().get(0);
    }

    private static long logEnd() {
        return one.logEnd(TP);
    }

    private static KafkaWire wire() throws IOException {
        return one.wire();
    }
}
