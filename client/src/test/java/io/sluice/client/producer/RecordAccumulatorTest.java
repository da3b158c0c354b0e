package io.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Cluster;
import io.sluice.protocol.MockTime;
import io.sluice.client.Node;
import io.sluice.client.TestMetadata;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.Header;
import io.sluice.protocol.record.RecordBatch;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class RecordAccumulatorTest {
    private static final Header[] NO_HEADERS = new Header[0];
    private final MockTime time = new MockTime();
    private final Cluster cluster = new TestMetadata().brokers(2).topic("t", 1, 2).cluster();
    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);

    private RecordAccumulator accumulator(int batchSize, long lingerMs, long memory) {
        return new RecordAccumulator(batchSize, CompressionType.NONE, lingerMs, 100, 120_000, new BufferPool(memory, time), time);
    }

    private RecordAccumulator.AppendResult append(RecordAccumulator acc, TopicPartition tp, int valueSize) {
        return acc.append(tp, time.milliseconds(), null, new byte[valueSize], NO_HEADERS, null, 0);
    }

    @Test
    void batchWaitsForLingerThenBecomesReady() {
        RecordAccumulator acc = accumulator(16_384, 5, 1 << 20);
        assertTrue(append(acc, p0, 10).newBatch());
        RecordAccumulator.ReadyResult notYet = acc.ready(cluster, time.monotonicMs());
        assertTrue(notYet.readyNodes().isEmpty());
        assertEquals(5, notYet.nextReadyCheckDelayMs());
        time.sleep(5);
        assertEquals(Set.of(cluster.node(1)), acc.ready(cluster, time.monotonicMs()).readyNodes());
    }

    @Test
    void fullBatchIsReadyWithoutLinger() {
        RecordAccumulator acc = accumulator(200, 10_000, 1 << 20);
        RecordAccumulator.AppendResult result = null;
        int appended = 0;
        while (result == null || !result.batchFull()) {
            result = append(acc, p0, 50);
            appended++;
        }
        assertTrue(appended >= 2, "several records share a batch before it fills");
        assertEquals(Set.of(cluster.node(1)), acc.ready(cluster, time.monotonicMs()).readyNodes());
    }

    @Test
    void drainTakesOneBatchPerPartitionAndRespectsTheInFlightLimit() {
        RecordAccumulator acc = accumulator(100, 0, 1 << 20);
        for (int i = 0; i < 6; i++) {
            append(acc, p0, 60); // each record fills its own batch: three batches behind each other
        }
        append(acc, p1, 10);
        Set<Node> ready = acc.ready(cluster, time.monotonicMs()).readyNodes();
        assertEquals(2, ready.size());
        Map<Integer, List<ProducerBatch>> drained = acc.drain(cluster, ready, 1 << 20, time.monotonicMs());
        assertEquals(1, drained.get(1).size());
        assertEquals(1, drained.get(2).size());
        acc.sending(p0);
        assertTrue(acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs()).isEmpty(),
                "one batch of a partition in flight at a time by default");
        acc.sent(p0);
        assertEquals(1, acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs()).get(1).size());
    }

    @Test
    void aBacklogOfFullBatchesOfOnePartitionTravelsInOneRequestUpToTheInFlightLimit() {
        RecordAccumulator acc = accumulator(100, 0, 1 << 20);
        for (int i = 0; i < 7; i++) {
            append(acc, p0, 60); // 60 bytes do not fit twice in 100: a full batch each
        }
        List<ProducerBatch> drained = acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs(), 5).get(1);
        assertEquals(5, drained.size(), "at most max.in.flight batches of a partition out at once");
        drained.forEach(b -> assertEquals(p0, b.tp));
        for (int i = 0; i < 5; i++) {
            acc.sending(p0);
        }
        assertTrue(acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs(), 5).isEmpty());
        acc.sent(p0);
        assertEquals(1, acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs(), 5).get(1).size(),
                "one slot free: one batch");
    }

    @Test
    void anOpenBatchBehindAFullHeadIsNotTakenAlong() {
        RecordAccumulator acc = accumulator(200, 10_000, 1 << 20);
        append(acc, p0, 150); // full: 150 + overhead leaves no room for another 150
        append(acc, p0, 10); // a new batch, still open
        List<ProducerBatch> drained = acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs(), 5).get(1);
        assertEquals(1, drained.size(), "only the head goes with it: the open batch may still fill");
    }

    @Test
    void drainStopsAtMaxRequestSizeButAlwaysTakesOne() {
        Cluster one = new TestMetadata().brokers(1).topic("t", 1, 1, 1).cluster();
        RecordAccumulator acc = accumulator(1000, 0, 1 << 20);
        for (int p = 0; p < 3; p++) {
            append(acc, new TopicPartition("t", p), 500);
        }
        Map<Integer, List<ProducerBatch>> drained = acc.drain(one, Set.of(one.node(1)), 100, time.monotonicMs());
        assertEquals(1, drained.get(1).size());
    }

    @Test
    void retriedBatchWaitsForBackoffAtTheHead() {
        RecordAccumulator acc = accumulator(16_384, 0, 1 << 20);
        append(acc, p0, 10);
        ProducerBatch batch = acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs()).get(1).get(0);
        batch.seal(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, 1);
        acc.reenqueue(batch, time.monotonicMs());
        append(acc, p0, 10); // goes to a new batch behind the sealed one
        assertTrue(acc.ready(cluster, time.monotonicMs()).readyNodes().isEmpty());
        time.sleep(100);
        List<ProducerBatch> again = acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs()).get(1);
        assertEquals(List.of(batch), again);
    }

    @Test
    void pipelinedPartitionSendsRetriesAloneAndInSealOrder() {
        RecordAccumulator acc = accumulator(100, 0, 1 << 20);
        for (int i = 0; i < 4; i++) {
            append(acc, p0, 60);
        }
        Set<Node> leader = Set.of(cluster.node(1));
        ProducerBatch[] sent = acc.drain(cluster, leader, 1 << 20, time.monotonicMs(), 3).get(1).toArray(new ProducerBatch[0]);
        assertEquals(3, sent.length, "three full batches go together");
        for (int i = 0; i < 3; i++) {
            sent[i].seal(RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH, RecordBatch.NO_SEQUENCE, i + 1);
            acc.sending(p0);
        }
        assertTrue(acc.drain(cluster, leader, 1 << 20, time.monotonicMs(), 3).isEmpty(), "three in flight is the limit");
        // The answers fail in the order 2, 1, 3; the batches must still go back as 1, 2, 3.
        for (int i : new int[] {1, 0, 2}) {
            acc.sent(p0);
            acc.reenqueue(sent[i], time.monotonicMs());
        }
        time.sleep(100);
        acc.sending(p0); // something else of the partition is still in flight
        assertTrue(acc.drain(cluster, leader, 1 << 20, time.monotonicMs(), 3).isEmpty(), "a retry goes alone");
        acc.sent(p0);
        for (int i = 0; i < 3; i++) {
            ProducerBatch next = acc.drain(cluster, leader, 1 << 20, time.monotonicMs(), 3).get(1).get(0);
            assertEquals(sent[i], next);
            acc.sending(p0);
            acc.sent(p0);
        }
    }

    @Test
    void unknownLeaderIsReported() {
        Cluster noLeader = new TestMetadata().brokers(1).topic("t", -1).cluster();
        RecordAccumulator acc = accumulator(16_384, 0, 1 << 20);
        append(acc, p0, 10);
        RecordAccumulator.ReadyResult result = acc.ready(noLeader, time.monotonicMs());
        assertEquals(Set.of("t"), result.unknownLeaderTopics());
        assertTrue(result.readyNodes().isEmpty());
    }

    @Test
    void fullBufferMemoryBlocksThenTimesOut() {
        RecordAccumulator acc = accumulator(1024, 0, 2048);
        append(acc, p0, 900);
        append(acc, p1, 900);
        SluiceException e = assertThrows(SluiceException.class, () -> append(acc, p0, 900));
        assertTrue(e.getMessage().contains("buffer.memory"), e.getMessage());
        ProducerBatch batch = acc.drain(cluster, Set.of(cluster.node(1)), 1 << 20, time.monotonicMs()).get(1).get(0);
        batch.complete(0, -1, null);
        acc.deallocate(batch);
        assertTrue(append(acc, p0, 900).newBatch(), "memory given back is reusable");
    }

    @Test
    void expiredBatchesAreRemoved() {
        RecordAccumulator acc = accumulator(16_384, 5, 1 << 20);
        append(acc, p0, 10);
        assertTrue(acc.expiredBatches(time.monotonicMs()).isEmpty());
        time.sleep(120_000);
        assertEquals(1, acc.expiredBatches(time.monotonicMs()).size());
        assertFalse(acc.ready(cluster, time.monotonicMs()).readyNodes().contains(cluster.node(1)));
    }
}
