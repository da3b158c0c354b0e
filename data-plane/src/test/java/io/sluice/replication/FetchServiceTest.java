package io.sluice.replication;

import static io.sluice.replication.ReplicaHarness.TP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.replication.FetchService.FetchParams;
import io.sluice.replication.FetchService.PartitionData;
import io.sluice.replication.FetchService.PartitionFetch;
import io.sluice.replication.ProduceService.PartitionRecords;
import io.sluice.server.TestWire;
import io.sluice.storage.EpochEndOffset;
import io.sluice.protocol.TopicPartition;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fetch rules of {@link FetchService} on broker 1, leader of a partition on 1, 2 and 3: consumers
 * read below the high watermark, followers to the log end; a fetch with less than min bytes parks in
 * the purgatory until enough is visible or its wait (on the manual timer) is over; followers learn of
 * divergence; stale and unknown epochs, other leaders and offsets out of range are answered at once.
 */
@Timeout(30)
class FetchServiceTest {
    private static final int CONSUMER = -1;
    @TempDir
    Path dir;
    private ReplicaHarness h;
    private Partition p;

    @BeforeEach
    void start() throws Exception {
        h = new ReplicaHarness(dir, 1);
        p = h.publish(List.of(1, 2, 3), 1, 0, 0);
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    private void append(String... values) throws Exception {
        var r = h.produce.append(1, 1000, List.of(new PartitionRecords(TP, TestWire.batch(List.of(values), null))))
                .get(5, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorCode.NONE, r.error(), r.message());
    }

    private CompletableFuture<List<PartitionData>> fetch(int replica, long offset, int maxWaitMs, int minBytes) {
        return fetch(replica, offset, 0, -1, maxWaitMs, minBytes);
    }

    private CompletableFuture<List<PartitionData>> fetch(int replica, long offset, int currentEpoch, int lastEpoch,
                                                         int maxWaitMs, int minBytes) {
        return h.fetch.fetch(new FetchParams(replica, maxWaitMs, minBytes, 1 << 20,
                List.of(new PartitionFetch(TP, offset, currentEpoch, lastEpoch, 1 << 20))));
    }

    private static PartitionData only(CompletableFuture<List<PartitionData>> f) throws Exception {
        List<PartitionData> data = f.get(5, TimeUnit.SECONDS);
        assertEquals(1, data.size());
        return data.get(0);
    }

    /** Both followers report {@code offset}: the high watermark moves there. */
    private void replicateTo(long offset) throws Exception {
        only(fetch(2, offset, 0, 0));
        only(fetch(3, offset, 0, 0));
        assertEquals(offset, p.highWatermark());
    }

    @Test
    void consumersSeeOnlyWhatIsBelowTheHighWatermarkAndFollowersSeeTheLogEnd() throws Exception {
        append("a");
        append("b", "c");
        replicateTo(1);
        PartitionData consumer = only(fetch(CONSUMER, 0, 0, 1));
        assertEquals(ErrorCode.NONE, consumer.error());
        assertEquals(1, consumer.highWatermark());
        assertEquals(3, consumer.logEndOffset());
        assertEquals(0, consumer.records().firstOffset());
        assertEquals(0, consumer.records().lastOffset(), "the batch above the high watermark is not sent");

        PartitionData atHw = only(fetch(CONSUMER, 1, 0, 1));
        assertNull(atHw.records(), "nothing committed at the high watermark yet");

        PartitionData follower = only(fetch(2, 1, 0, 1));
        assertEquals(2, follower.records().lastOffset(), "a follower reads to the log end");
    }

    @Test
    void aLongPollParksUntilDataIsCommittedAndAnswersThenWithIt() throws Exception {
        CompletableFuture<List<PartitionData>> poll = fetch(CONSUMER, 0, 500, 1);
        assertFalse(poll.isDone(), "answered before anything was there: the fetch did not park");
        assertEquals(1, h.replicas.fetchPurgatory().watched());
        append("a");
        assertFalse(poll.isDone(), "written but not committed: still invisible to a consumer");
        replicateTo(1);
        PartitionData data = only(poll);
        assertNotNull(data.records(), "the parked fetch answered with the committed batch");
        assertEquals(0, data.records().firstOffset());
        assertEquals(0, h.timer.pending(), "its timeout was cancelled");
    }

    @Test
    void aLongPollAnswersEmptyWhenItsMaxWaitPasses() throws Exception {
        CompletableFuture<List<PartitionData>> poll = fetch(CONSUMER, 0, 500, 1);
        h.timer.advance(499);
        assertFalse(poll.isDone());
        h.timer.advance(1);
        PartitionData data = only(poll);
        assertEquals(ErrorCode.NONE, data.error());
        assertNull(data.records());
        assertEquals(0, h.replicas.fetchPurgatory().watched());
    }

    @Test
    void minBytesHoldsTheAnswerUntilThatMuchIsVisible() throws Exception {
        append("x");
        replicateTo(1);
        int oneBatch = only(fetch(CONSUMER, 0, 0, 1)).recordsSize();
        CompletableFuture<List<PartitionData>> poll = fetch(CONSUMER, 0, 500, oneBatch + 1);
        assertFalse(poll.isDone(), "one batch is less than min bytes");
        append("y");
        replicateTo(2);
        PartitionData data = only(poll);
        assertEquals(1, data.records().lastOffset());
        assertTrue(data.recordsSize() > oneBatch);
    }

    @Test
    void aFollowerPollParksAtTheLogEndAndWakesOnAnAppend() throws Exception {
        CompletableFuture<List<PartitionData>> poll = fetch(2, 0, 0, -1, 500, 1);
        assertFalse(poll.isDone());
        append("a");
        assertEquals(0, only(poll).records().firstOffset(), "a follower does not wait for the high watermark");
    }

    @Test
    void aFollowerWhoseLastEpochEndsBeforeItsOffsetIsToldWhereToTruncate() throws Exception {
        append("a", "b");
        h.publish(List.of(1, 2, 3), 1, 2, 1); // a new epoch of the same leader, starting at offset 2
        append("c");
        // Follower 2 claims offsets up to 4 in epoch 0, which ended at 2 here.
        PartitionData data = only(fetch(2, 4, 2, 0, 500, 1));
        assertEquals(new EpochEndOffset(0, 2), data.diverging());
        assertNull(data.records());
        assertEquals(-1L, p.followerOffsets().get(2), "a diverging follower's offset does not count");
        // Its offset in the current epoch is consistent: no divergence, and it counts.
        PartitionData ok = only(fetch(2, 2, 2, 2, 0, 1));
        assertNull(ok.diverging());
        assertEquals(2L, p.followerOffsets().get(2));
    }

    @Test
    void epochsOtherLeadersAndOffsetsOutOfRangeAreAnsweredAtOnce() throws Exception {
        h.publish(List.of(1, 2, 3), 1, 3, 1);
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, only(fetch(CONSUMER, 0, 2, -1, 500, 1)).error());
        assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, only(fetch(CONSUMER, 0, 4, -1, 500, 1)).error());
        assertEquals(-1L, p.followerOffsets().get(2));
        PartitionData fenced = only(fetch(2, 0, 2, -1, 500, 1));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, fenced.error());
        assertEquals(-1L, p.followerOffsets().get(2), "a follower of a stale epoch does not move the high watermark");
        assertEquals(ErrorCode.OFFSET_OUT_OF_RANGE, only(fetch(CONSUMER, 5, 3, -1, 500, 1)).error());
        var unknown = h.fetch.fetch(new FetchParams(CONSUMER, 500, 1, 1 << 20,
                List.of(new PartitionFetch(new TopicPartition("nope", 0), 0, -1, -1, 1 << 20))));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, only(unknown).error());
        h.publish(List.of(2, 3), 2, 4, 2);
        PartitionData moved = only(fetch(CONSUMER, 0, -1, -1, 500, 1));
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, moved.error());
        assertEquals(2, moved.leaderId());
        assertEquals(0, h.replicas.fetchPurgatory().watched(), "nothing parked for an error");
    }

    @Test
    void aParkedFetchIsAnsweredWhenLeadershipMovesAway() throws Exception {
        CompletableFuture<List<PartitionData>> poll = fetch(CONSUMER, 0, 500, 1);
        h.publish(List.of(2, 3), 2, 1, 1);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, only(poll).error());
    }

    @Test
    void aFetchOfExactlyMinBytesIsAnsweredAtOnceAndAParkedOneAsSoonAsExactlyThatMuchIsVisible() throws Exception {
        append("x");
        replicateTo(1);
        int oneBatch = only(fetch(CONSUMER, 0, 0, 1)).recordsSize();
        assertTrue(fetch(CONSUMER, 0, 500, oneBatch).isDone(), "min bytes are there: no wait");

        CompletableFuture<List<PartitionData>> poll = fetch(CONSUMER, 1, 500, oneBatch);
        assertFalse(poll.isDone());
        append("y");
        replicateTo(2);
        assertEquals(oneBatch, only(poll).recordsSize(), "one batch of the same size is exactly min bytes");
    }

    @Test
    void brokerIdZeroIsAFollowerAndMinusOneAConsumer() {
        assertTrue(new FetchParams(0, 0, 1, 0, List.of()).isFollower(), "broker ids start at 0");
        assertFalse(new FetchParams(CONSUMER, 0, 1, 0, List.of()).isFollower());
    }

    @Test
    void whatAFetchSendsIsCountedAsConsumerOrReplicationTraffic() throws Exception {
        append("a");
        append("b", "c");
        PartitionData toFollower = only(fetch(2, 0, 0, 1));
        assertEquals(toFollower.recordsSize(), p.counters().replicationBytesOut());
        assertEquals(0, p.counters().bytesOut(), "replication is not consumer traffic");
        assertEquals(0, p.counters().recordsOut());
        replicateTo(3);
        PartitionData toConsumer = only(fetch(CONSUMER, 1, 0, 1));
        assertEquals(toConsumer.recordsSize(), p.counters().bytesOut());
        assertEquals(2, p.counters().recordsOut(), "the batch of offsets 1 and 2");
        PartitionData again = only(fetch(CONSUMER, 0, 0, 1));
        assertEquals(toConsumer.recordsSize() + again.recordsSize(), p.counters().bytesOut());
        assertEquals(5, p.counters().recordsOut());
    }

    private static final TopicPartition TP1 = new TopicPartition(ReplicaHarness.TOPIC, 1);

    private void appendTo(TopicPartition tp, String value) throws Exception {
        var r = h.produce.append(1, 1000, List.of(new PartitionRecords(tp, TestWire.batch(List.of(value), null))))
                .get(5, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorCode.NONE, r.error(), r.message());
    }

    /** A consumer's fetch of partitions 0 and 1 from offset 0, without waiting. */
    private List<PartitionData> fetchBoth(int responseMaxBytes, int partition0MaxBytes) throws Exception {
        List<PartitionData> data = h.fetch.fetch(new FetchParams(CONSUMER, 0, 1, responseMaxBytes,
                List.of(new PartitionFetch(TP, 0, -1, -1, partition0MaxBytes), new PartitionFetch(TP1, 0, -1, -1, 1 << 20))))
                .get(5, TimeUnit.SECONDS);
        assertEquals(2, data.size());
        return data;
    }

    @Test
    void aLaterPartitionIsSentOnlyIfItFitsWhatTheResponseMaxBytesLeaves() throws Exception {
        h.publishSoleLeaderOf(2);
        appendTo(TP, "a");
        appendTo(TP1, "b");
        int both = fetchBoth(0, 1 << 20).stream().mapToInt(PartitionData::recordsSize).sum();
        int first = fetchBoth(0, 1 << 20).get(0).recordsSize();
        assertTrue(first > 0 && both > first, "max bytes 0: no limit, both partitions sent");

        assertEquals(List.of(first, both - first), sizes(fetchBoth(both, 1 << 20)), "exactly fits");
        assertEquals(List.of(first, 0), sizes(fetchBoth(both - 1, 1 << 20)), "one byte short: the second waits");
        assertEquals(List.of(first, 0), sizes(fetchBoth(1, 1 << 20)),
                "the first non-empty partition is sent although it exceeds max bytes: the consumer makes progress");
        assertEquals(List.of(first, both - first), sizes(fetchBoth(both, 0)),
                "a partition without its own limit is limited by the response's");
    }

    @Test
    void theFirstPartitionGetsOneBatchAboveTheLimitsButNoMoreThanBothAllow() throws Exception {
        h.publishSoleLeaderOf(2);
        appendTo(TP, "a");
        appendTo(TP, "b");
        appendTo(TP1, "c");
        List<PartitionData> unlimited = fetchBoth(0, 0);
        assertEquals(1, unlimited.get(0).records().lastOffset(), "no limit: both batches of partition 0");
        assertEquals(0, unlimited.get(1).records().lastOffset());

        List<PartitionData> partitionLimit = fetchBoth(0, 1);
        assertEquals(0, partitionLimit.get(0).records().lastOffset(), "one batch above the partition's max bytes");
        assertEquals(0, partitionLimit.get(1).records().lastOffset(), "the response has room for partition 1");

        // As Kafka's fetch.max.bytes: the first batch is returned whole even above the limit, and no more.
        List<PartitionData> responseLimit = fetchBoth(1, 1 << 20);
        assertEquals(0, responseLimit.get(0).records().lastOffset(), "one batch above the response's max bytes");
        assertNull(responseLimit.get(1).records());
    }

    private static List<Integer> sizes(List<PartitionData> data) {
        return data.stream().map(PartitionData::recordsSize).toList();
    }

    private CompletableFuture<List<PartitionData>> consumerFetch(int minBytes, int partitionMaxBytes) {
        return h.fetch.fetch(new FetchParams(CONSUMER, 500, minBytes, 1 << 20,
                List.of(new PartitionFetch(TP, 0, -1, -1, partitionMaxBytes))));
    }

    @Test
    void whatCountsTowardsMinBytesIsWhatThePartitionMaySend() throws Exception {
        append("x");
        replicateTo(1);
        int oneBatch = only(fetch(CONSUMER, 0, 0, 1)).recordsSize();
        // Without a partition limit, a second batch reaches min bytes of two and wakes the parked fetch.
        CompletableFuture<List<PartitionData>> unlimited = consumerFetch(2 * oneBatch, 0);
        assertFalse(unlimited.isDone());
        append("y");
        replicateTo(2);
        assertEquals(2 * oneBatch, only(unlimited).recordsSize());

        // With a partition limit of one batch, two batches can never be sent: it waits its max wait out.
        CompletableFuture<List<PartitionData>> limited = consumerFetch(2 * oneBatch, oneBatch);
        assertFalse(limited.isDone(), "more bytes are in the log than min bytes, but the partition may send only one batch");
        h.timer.advance(500);
        assertEquals(oneBatch, only(limited).recordsSize());
    }
}
