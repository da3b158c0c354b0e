package io.sluice.replication;

import static io.sluice.replication.ReplicaHarness.TP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.replication.FetchService.FetchParams;
import io.sluice.replication.FetchService.PartitionFetch;
import io.sluice.replication.ProduceService.PartitionRecords;
import io.sluice.replication.ProduceService.PartitionResult;
import io.sluice.server.TestWire;
import io.sluice.protocol.TopicPartition;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The produce rules of {@link ProduceService} on broker 1, leader of a partition replicated on 1, 2
 * and 3 with {@code min.insync.replicas=2}: acks=all completes when the high watermark passes the
 * batch and not before, times out on the purgatory's (manual) timer, is refused before the append
 * when the ISR is below the minimum, and fails after the append when the ISR shrank below it.
 */
@Timeout(30)
class ProduceServiceTest {
    @TempDir
    Path dir;
    private ReplicaHarness h;

    private ReplicaHarness start() throws Exception {
        h = new ReplicaHarness(dir, 1, Map.of("log.flush.policy", "interval", "min.insync.replicas", "2"));
        return h;
    }

    @AfterEach
    void close() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    private CompletableFuture<List<PartitionResult>> produce(int acks, int timeoutMs, String... values) {
        return h.produce.append(acks, timeoutMs, List.of(new PartitionRecords(TP, TestWire.batch(List.of(values), null))));
    }

    /** Follower {@code replica} fetches at {@code offset}: it holds everything below durably. */
    private void followerFetch(int replica, long offset) throws Exception {
        h.fetch.fetch(new FetchParams(replica, 0, 1, 1 << 20, List.of(new PartitionFetch(TP, offset, 0, 0, 1 << 20))))
                .get(5, TimeUnit.SECONDS);
    }

    private static PartitionResult only(CompletableFuture<List<PartitionResult>> f) throws Exception {
        List<PartitionResult> results = f.get(5, TimeUnit.SECONDS);
        assertEquals(1, results.size());
        return results.get(0);
    }

    @Test
    void acksAllCompletesWhenTheHighWatermarkPassesTheBatchAndNotBefore() throws Exception {
        Partition p = start().publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<PartitionResult>> done = produce(-1, 30_000, "a", "b", "c");
        assertFalse(done.isDone(), "acks=all answered before any follower had the batch");
        assertEquals(1, h.replicas.producePurgatory().watched());

        followerFetch(2, 3);
        assertEquals(0, p.highWatermark(), "follower 3 of the ISR does not have the batch yet");
        assertFalse(done.isDone());
        followerFetch(3, 2);
        assertEquals(2, p.highWatermark());
        assertFalse(done.isDone(), "the high watermark is inside the batch, not past it");

        followerFetch(3, 3);
        assertEquals(3, p.highWatermark());
        PartitionResult r = only(done);
        assertEquals(ErrorCode.NONE, r.error(), r.message());
        assertEquals(0, r.baseOffset());
        assertEquals(0, h.replicas.producePurgatory().watched());
    }

    @Test
    void acksAllTimesOutOnThePurgatoryTimerWithTheRecordsStillInTheLog() throws Exception {
        start().publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<PartitionResult>> done = produce(-1, 1_000, "a");
        h.timer.advance(999);
        assertFalse(done.isDone());
        h.timer.advance(1);
        PartitionResult r = only(done);
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, r.error());
        assertEquals(-1, r.baseOffset());
        assertEquals(1, h.replicas.partition(TP).orElseThrow().log().logEndOffset(), "as Kafka: written, not acknowledged");
    }

    @Test
    void acksAllIsRefusedBeforeTheAppendWhenTheIsrIsBelowTheMinimum() throws Exception {
        Partition p = start().publish(List.of(1), 1, 0, 0);
        PartitionResult r = only(produce(-1, 30_000, "a"));
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS, r.error());
        assertEquals(0, p.log().logEndOffset(), "nothing written");
        // min.insync.replicas governs acks=all only.
        PartitionResult one = only(produce(1, 30_000, "b"));
        assertEquals(ErrorCode.NONE, one.error());
        assertEquals(0, one.baseOffset());
    }

    @Test
    void acksAllFailsAfterTheAppendWhenTheIsrShrankBelowTheMinimumMeanwhile() throws Exception {
        Partition p = start().publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<PartitionResult>> done = produce(-1, 30_000, "a");
        assertFalse(done.isDone());
        // The quorum drops both followers: the leader alone holds the batch and the high watermark passes it.
        h.publish(List.of(1), 1, 0, 1);
        PartitionResult r = only(done);
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, r.error());
        assertEquals(1, p.highWatermark());
    }

    @Test
    void anIsrThatShrinksButStaysAtTheMinimumAcknowledges() throws Exception {
        start().publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<PartitionResult>> done = produce(-1, 30_000, "a");
        followerFetch(2, 1);
        h.publish(List.of(1, 2), 1, 0, 1);
        assertEquals(ErrorCode.NONE, only(done).error());
    }

    @Test
    void acksOneAndZeroDoNotWaitForFollowers() throws Exception {
        start().publish(List.of(1, 2, 3), 1, 0, 0);
        assertEquals(ErrorCode.NONE, only(produce(1, 30_000, "a")).error());
        assertEquals(ErrorCode.NONE, only(produce(0, 30_000, "b")).error());
        assertEquals(0, h.replicas.producePurgatory().watched());
    }

    @Test
    void aLeaderChangeWhileWaitingAnswersNotLeaderWithTheNewLeader() throws Exception {
        start().publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<PartitionResult>> done = produce(-1, 30_000, "a");
        h.publish(List.of(2, 3), 2, 1, 1);
        PartitionResult r = only(done);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, r.error());
        assertEquals(2, r.currentLeaderId());
        assertEquals(1, r.currentLeaderEpoch());
    }

    @Test
    void refusesWhatThisBrokerCannotTake() throws Exception {
        start().publish(List.of(2, 3), 2, 1, 1);
        PartitionResult follower = only(produce(-1, 30_000, "a"));
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, follower.error());
        assertEquals(2, follower.currentLeaderId());
        PartitionResult unknown = only(h.produce.append(-1, 1000,
                List.of(new PartitionRecords(new TopicPartition("nope", 0), TestWire.batch(List.of("x"), null)))));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, unknown.error());
        assertEquals(ErrorCode.INVALID_REQUIRED_ACKS, only(produce(2, 1000, "a")).error());
    }

    @Test
    void aRequestForTwoBatchesOfOnePartitionCompletesWhenBothAreReplicated() throws Exception {
        Partition p = start().publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<PartitionResult>> done = h.produce.append(-1, 30_000, List.of(
                new PartitionRecords(TP, TestWire.batch(List.of("a"), null)),
                new PartitionRecords(TP, TestWire.batch(List.of("b", "c"), null))));
        followerFetch(2, 1);
        followerFetch(3, 1);
        assertFalse(done.isDone(), "the second batch is not replicated");
        followerFetch(2, 3);
        followerFetch(3, 3);
        List<PartitionResult> results = done.get(5, TimeUnit.SECONDS);
        assertEquals(List.of(0L, 1L), results.stream().map(PartitionResult::baseOffset).toList());
        assertTrue(results.stream().allMatch(r -> r.error() == ErrorCode.NONE));
        assertEquals(3, p.highWatermark());
    }
}
