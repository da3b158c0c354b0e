package io.sluice.replication;

import static io.sluice.replication.ReplicaHarness.TP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.metadata.BrokerRef;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.ErrorCode;
import io.sluice.replication.ProduceService.PartitionRecords;
import io.sluice.replication.ProduceService.PartitionResult;
import io.sluice.server.TestWire;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link ReplicaManager} follows the metadata image on broker 1: replicas no longer assigned here
 * are deleted (their waiting requests answered), a topic created again under the same name starts
 * from an empty log, logs on disk that no topic assigns are deleted, topic configs reach the logs,
 * and ISR shrinks and expansions of led partitions are counted.
 */
@Timeout(30)
class ReplicaManagerTest {
    private static final Map<String, String> INTERVAL = Map.of("log.flush.policy", "interval");

    @TempDir
    Path dir;
    private ReplicaHarness h;

    @AfterEach
    void close() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    private void publish(String topicId, Map<String, String> config, PartitionRegistration reg) {
        h.metadata.publish(ReplicaHarness.image(h.metadata.image().index() + 1, topicId, config, reg));
    }

    private static PartitionRegistration ledBy1(List<Integer> replicas) {
        return new PartitionRegistration(replicas, replicas, 1, 0, 0);
    }

    private void append(String... values) throws Exception {
        PartitionResult r = h.produce.append(1, 1_000,
                List.of(new PartitionRecords(TP, TestWire.batch(List.of(values), null)))).get(5, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorCode.NONE, r.error(), r.message());
    }

    private void awaitNoReplica() {
        await().atMost(Duration.ofSeconds(10)).until(() -> h.replicas.partition(TP).isEmpty());
    }

    @Test
    void aReplicaMovedAwayIsDeletedAndItsWaitingProduceAnswered() throws Exception {
        h = new ReplicaHarness(dir, 1);
        Partition p = h.publish(List.of(1, 2, 3), 1, 0, 0);
        Path logDir = p.log().dir();
        CompletableFuture<List<PartitionResult>> waiting = h.produce.append(-1, 30_000,
                List.of(new PartitionRecords(TP, TestWire.batch(List.of("a"), null))));
        assertFalse(waiting.isDone());

        publish(ReplicaHarness.TOPIC_ID, INTERVAL, new PartitionRegistration(List.of(2, 3), List.of(2, 3), 2, 1, 1));

        awaitNoReplica();
        PartitionResult r = waiting.get(5, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, r.error(), "as Kafka: the client refreshes its metadata");
        assertEquals(2, r.currentLeaderId(), "the leader the image names, not this broker's old view");
        assertEquals(1, r.currentLeaderEpoch());
        assertTrue(h.logs.getLog(TP).isEmpty());
        assertFalse(Files.exists(logDir), "the log's directory is deleted");
    }

    @Test
    void aParkedFetchIsAnsweredAtOnceWhenItsReplicaIsDeleted() throws Exception {
        h = new ReplicaHarness(dir, 1);
        h.publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<FetchService.PartitionData>> parked = h.fetch.fetch(new FetchService.FetchParams(-1,
                30_000, 1, 1 << 20, List.of(new FetchService.PartitionFetch(TP, 0, -1, -1, 1 << 20))));
        assertFalse(parked.isDone());
        publish(ReplicaHarness.TOPIC_ID, INTERVAL, new PartitionRegistration(List.of(2, 3), List.of(2, 3), 2, 1, 1));
        awaitNoReplica();
        // The manual timer never runs out its max wait: only the deletion can answer it.
        FetchService.PartitionData answer = parked.get(5, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, answer.error());
        assertEquals(2, answer.leaderId());
    }

    @Test
    void aSoleIsrLeaderCommitsOnItsOwnFsyncWhenEveryWriteIsFlushedBeforeTheAck() throws Exception {
        h = new ReplicaHarness(dir, 1, Map.of()); // log.flush.policy as the default: fsync before the ack
        Partition p = h.publish(List.of(1), 1, 0, 0);
        PartitionResult r = h.produce.append(-1, 30_000, List.of(new PartitionRecords(TP, TestWire.batch(List.of("a"),
                null)))).get(5, TimeUnit.SECONDS).get(0);
        assertEquals(ErrorCode.NONE, r.error(), "acks=all with no follower to wait for: committed once durable");
        assertEquals(1, p.highWatermark());
    }

    @Test
    void aDeletedTopicsReplicaIsDeletedAndItsWaitingProduceAnswered() throws Exception {
        h = new ReplicaHarness(dir, 1);
        Path logDir = h.publish(List.of(1, 2, 3), 1, 0, 0).log().dir();
        CompletableFuture<List<PartitionResult>> waiting = h.produce.append(-1, 30_000,
                List.of(new PartitionRecords(TP, TestWire.batch(List.of("a"), null))));
        publish(ReplicaHarness.TOPIC_ID, INTERVAL, null);
        awaitNoReplica();
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, waiting.get(5, TimeUnit.SECONDS).get(0).error());
        assertFalse(Files.exists(logDir));
    }

    @Test
    void aTopicCreatedAgainUnderTheSameNameStartsFromAnEmptyLog() throws Exception {
        h = new ReplicaHarness(dir, 1);
        Partition before = h.publish(List.of(1, 2, 3), 1, 0, 0);
        append("a", "b");
        assertEquals(2, before.log().logEndOffset());

        publish("id-again", INTERVAL, ledBy1(List.of(1, 2, 3)));

        await().atMost(Duration.ofSeconds(10)).until(() -> h.replicas.partition(TP).map(p -> p != before).orElse(false));
        Partition after = h.replicas.partition(TP).orElseThrow();
        assertNotSame(before.log(), after.log());
        assertEquals(0, after.log().logEndOffset(), "offsets of the earlier topic mean nothing now");
        assertTrue(PartitionMetadataFile.matches(after.log().dir(), "id-again"));
    }

    @Test
    void aLogLeftOnDiskByAnEarlierTopicOfTheSameNameIsDeletedAndOneOfTheSameTopicKept() throws Exception {
        h = new ReplicaHarness(dir, 1);
        h.publish(List.of(1, 2, 3), 1, 0, 0);
        append("a", "b");
        h.close();

        // Restarted with the same topic: the log is its own, kept.
        h = new ReplicaHarness(dir, 1);
        assertEquals(2, h.publish(List.of(1, 2, 3), 1, 0, 0).log().logEndOffset());
        h.close();

        // Restarted after the topic was deleted and created again while this broker was down.
        h = new ReplicaHarness(dir, 1);
        publish("id-again", INTERVAL, ledBy1(List.of(1, 2, 3)));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.replicas.partition(TP).isPresent());
        Partition p = h.replicas.partition(TP).orElseThrow();
        assertEquals(0, p.log().logEndOffset());
        assertTrue(PartitionMetadataFile.matches(p.log().dir(), "id-again"));
    }

    @Test
    void aLogOnDiskThatNoTopicAssignsHereIsDeleted() throws Exception {
        h = new ReplicaHarness(dir, 1);
        Path logDir = h.publish(List.of(1, 2, 3), 1, 0, 0).log().dir();
        append("a");
        h.close();

        // Moved to brokers 2 and 3 while broker 1 was down: it never had the replica in this incarnation.
        h = new ReplicaHarness(dir, 1);
        assertTrue(h.logs.getLog(TP).isPresent(), "loaded from disk");
        publish(ReplicaHarness.TOPIC_ID, INTERVAL, new PartitionRegistration(List.of(2, 3), List.of(2, 3), 2, 1, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.logs.getLog(TP).isEmpty());
        assertFalse(Files.exists(logDir));
        assertTrue(h.replicas.partition(TP).isEmpty());
    }

    @Test
    void aTopicConfigChangeReachesTheLog() throws Exception {
        h = new ReplicaHarness(dir, 1, Map.of("log.flush.policy", "interval", "retention.ms", "1000"));
        Partition p = h.publish(List.of(1, 2, 3), 1, 0, 0);
        assertEquals(1_000, p.log().config().retentionMs());
        publish(ReplicaHarness.TOPIC_ID, Map.of("log.flush.policy", "interval", "retention.ms", "2000"),
                ledBy1(List.of(1, 2, 3)));
        await().atMost(Duration.ofSeconds(10)).until(() -> p.log().config().retentionMs() == 2_000);
        assertTrue(h.replicas.partition(TP).orElseThrow() == p, "the same replica, its log reconfigured");
    }

    @Test
    void isrShrinksAndExpansionsOfALedPartitionAreCountedEachDirectionOnce() throws Exception {
        h = new ReplicaHarness(dir, 1);
        h.publish(List.of(1, 2, 3), 1, 0, 0);
        h.publish(List.of(1, 2), 1, 0, 1);
        awaitIsrChanges(1, 0);
        h.publish(List.of(1, 3), 1, 0, 2); // one change, both directions
        awaitIsrChanges(2, 1);
        h.publish(List.of(1, 2, 3), 1, 0, 3);
        awaitIsrChanges(2, 2);
        h.publish(List.of(2, 3), 2, 1, 4); // a new leader: no longer this broker's change to count
        h.publish(List.of(2), 2, 1, 5);
        h.publish(List.of(1, 2), 1, 2, 6); // leader again: ISR and leader change as one registration
        h.publish(List.of(1, 2, 3), 1, 2, 7);
        awaitIsrChanges(2, 3); // images apply in order: none of the three before counted

    }

    /** Lag allowed before a follower leaves the ISR, short so that the periodic shrink runs every 10 ms. */
    private static final ReplicationConfig SHORT_LAG = new ReplicationConfig(20, 0, 1 << 20, ReplicaHarness.BACKOFF_MS);

    /** Broker 1 leads with ISR [1, 2, 3]; followers 2 and 3 never fetch, and the clock moves past their lag. */
    private Partition leaderWithLaggingFollowers() throws Exception {
        h = new ReplicaHarness(dir, 1, INTERVAL, io.sluice.storage.FileAccess.DIRECT, SHORT_LAG, 1);
        Partition p = h.publish(List.of(1, 2, 3), 1, 0, 0);
        h.clock.sleep(SHORT_LAG.replicaLagTimeMaxMs() + 1);
        return p;
    }

    private PartitionChangeRequest awaitIsrChangeRequest(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> h.metadata.submitted.size() >= count);
        MetadataCommand command = h.metadata.submitted.get(count - 1);
        assertEquals(1, command.getAlterPartitions().getChangesCount());
        return command.getAlterPartitions().getChanges(0);
    }

    @Test
    void theIsrShrinkRunsPeriodicallyAndAsksWithThisBrokersEpoch() throws Exception {
        leaderWithLaggingFollowers();
        PartitionChangeRequest change = awaitIsrChangeRequest(1);
        assertEquals(List.of(1), change.getIsrList(), "both followers lag");
        assertEquals(0, change.getPartitionEpoch());
        BrokerRef requester = h.metadata.submitted.get(0).getAlterPartitions().getRequester();
        assertEquals(1, requester.getBrokerId());
        assertEquals(1, requester.getBrokerEpoch(), "the epoch this broker registered with");
    }

    @Test
    void theIsrShrinkPeriodIsHalfTheLagAllowed() {
        assertEquals(15_000, ReplicaManager.isrShrinkPeriodMs(30_000), "a lagging follower leaves within 1.5 lags");
        assertEquals(10, ReplicaManager.isrShrinkPeriodMs(4), "but not more often than every 10 ms");
    }

    @Test
    void anIsrChangeTheQuorumRefusedIsAskedForAgain() throws Exception {
        leaderWithLaggingFollowers();
        awaitIsrChangeRequest(1);
        h.metadata.answers.get(0).complete(CommandResult.error(ErrorCode.INVALID_REQUEST, "refused (fake)"));
        PartitionChangeRequest again = awaitIsrChangeRequest(2);
        assertEquals(List.of(1), again.getIsrList(), "the next shrink pass asks again");
    }

    @Test
    void anIsrChangeWithoutAnAnswerIsSentAgainAfterItsBackOff() throws Exception {
        leaderWithLaggingFollowers();
        awaitIsrChangeRequest(1);
        // Nothing answered: the partition waits for its request (the quorum may still apply it).
        h.stateThread.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertEquals(1, h.metadata.submitted.size());
        h.metadata.answers.get(0).completeExceptionally(new java.io.IOException("no quorum (fake)"));
        PartitionChangeRequest again = awaitIsrChangeRequest(2);
        assertEquals(List.of(1), again.getIsrList());
        assertTrue(h.stateThread.delays.contains(100L), "sent again after the 100 ms back-off: " + h.stateThread.delays);
    }

    /**
     * Before its registration a restarted broker acts on no image (it may name it leader of an epoch
     * long gone); at registration it applies the image it has, from its own registration's index on,
     * and an image older than that (a stale view) changes nothing.
     */
    @Test
    void imagesBeforeTheRegistrationAreIgnoredAndTheCurrentOneAppliedAtIt() throws Exception {
        h = new ReplicaHarness(dir, 1, INTERVAL, io.sluice.storage.FileAccess.DIRECT, ReplicaHarness.CONFIG, -1);
        h.metadata.publish(ReplicaHarness.image(1, INTERVAL, ledBy1(List.of(1, 2, 3))));
        h.metadata.publish(ReplicaHarness.image(2, INTERVAL, ledBy1(List.of(1, 2, 3))));
        h.stateThread.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertTrue(h.replicas.partition(TP).isEmpty(), "not registered yet");

        h.replicas.setBrokerEpoch(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> h.replicas.partition(TP).isPresent());
        assertEquals(Map.of(TP, h.replicas.partition(TP).orElseThrow()), h.replicas.partitions());

        h.metadata.publish(ReplicaHarness.image(1, ReplicaHarness.TOPIC_ID, INTERVAL, (PartitionRegistration) null));
        h.stateThread.submit(() -> { }).get(5, TimeUnit.SECONDS);
        assertTrue(h.replicas.partition(TP).isPresent(), "an image from before the registration deletes nothing");
    }

    @Test
    void closingStopsTheStateThreadAndTheFetchers() throws Exception {
        h = new ReplicaHarness(dir, 2);
        h.publish(List.of(1, 2, 3), 1, 0, 0);
        FakeLeader.Fetch pending = h.leader.next();
        h.close();
        assertTrue(h.stateThread.isShutdown());
        assertTrue(h.fetcherScheduler.isShutdown());
        int before = h.fetcherScheduler.delays.size();
        pending.refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        assertEquals(before, h.fetcherScheduler.delays.size(), "a closed fetcher asks for no retry");
        h = null;
    }

    /** A broker shutting down answers what waits in its purgatories instead of leaving clients hanging. */
    @Test
    void closingAnswersTheWaitingProducesAndFetches() throws Exception {
        h = new ReplicaHarness(dir, 1);
        h.publish(List.of(1, 2, 3), 1, 0, 0);
        CompletableFuture<List<PartitionResult>> produce = h.produce.append(-1, 30_000,
                List.of(new PartitionRecords(TP, TestWire.batch(List.of("a"), null))));
        CompletableFuture<List<FetchService.PartitionData>> fetch = h.fetch.fetch(new FetchService.FetchParams(-1,
                30_000, 1 << 20, 1 << 20, List.of(new FetchService.PartitionFetch(TP, 0, -1, -1, 1 << 20))));
        assertFalse(produce.isDone());
        assertFalse(fetch.isDone());
        h.close();
        h = null;
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, produce.get(5, TimeUnit.SECONDS).get(0).error(),
                "acks=all not reached before the shutdown");
        assertEquals(ErrorCode.NONE, fetch.get(5, TimeUnit.SECONDS).get(0).error());
    }

    @Test
    void theReplicaThreadsAreDaemons() throws Exception {
        for (java.util.concurrent.ScheduledExecutorService s : List.of(ReplicaManager.newStateThread(),
                ReplicaFetchers.newScheduler())) {
            try {
                Thread t = s.submit(Thread::currentThread).get(5, TimeUnit.SECONDS);
                assertTrue(t.isDaemon(), t.getName() + " must not keep the broker's JVM alive");
                assertTrue(t.getName().startsWith("sluice-replica-"), t.getName());
            } finally {
                s.shutdownNow();
            }
        }
    }

    /** The counters move after the ISR the harness awaits: wait for them too, then check both. */
    private void awaitIsrChanges(long shrinks, long expands) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> h.replicas.isrShrinks() >= shrinks && h.replicas.isrExpands() >= expands);
        assertEquals(shrinks, h.replicas.isrShrinks());
        assertEquals(expands, h.replicas.isrExpands());
    }
}
