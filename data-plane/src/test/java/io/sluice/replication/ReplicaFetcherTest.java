package io.sluice.replication;

import static io.sluice.replication.ReplicaHarness.TP;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.ConfigRecord;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.rpc.EpochEndOffset;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.server.TestWire;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follower side: broker 2 follows broker 1 (played by {@link FakeLeader}) in epoch 5. It fetches
 * from its log end with its latest epoch, appends what comes, takes the leader's high watermark up to
 * what it holds, truncates by leader epoch when told it diverged (to the high watermark when the
 * leader cannot say where: the UNDEFINED-epoch rule), and handles offsets out of range on both sides.
 */
@Timeout(30)
class ReplicaFetcherTest {
    private static final int EPOCH = 5;
    @TempDir
    Path dir;
    private ReplicaHarness h;
    private PartitionLog log;

    @BeforeEach
    void start() throws Exception {
        h = new ReplicaHarness(dir, 2);
        log = h.publish(List.of(1, 2, 3), 1, EPOCH, 0).log();
    }

    @AfterEach
    void close() throws Exception {
        h.close();
    }

    /** A batch as the leader stores it: offsets from {@code base}, written in {@code epoch}. */
    private static ByteBuffer batch(long base, int epoch, String... values) {
        ByteBuffer b = TestWire.batch(List.of(values), null);
        RecordBatch rb = RecordBatch.wrap(b);
        rb.setBaseOffset(base);
        rb.setPartitionLeaderEpoch(epoch);
        return b;
    }

    private static ByteBuffer concat(ByteBuffer... parts) {
        int size = 0;
        for (ByteBuffer p : parts) {
            size += p.remaining();
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        for (ByteBuffer p : parts) {
            out.put(p.duplicate());
        }
        return out.flip();
    }

    private static FetchPartitionResponse.Builder answer(long hw, long logStart, long logEnd) {
        return FetchPartitionResponse.newBuilder().setTopic(TP.topic()).setPartition(TP.partition())
                .setError(ErrorCode.NONE).setHighWatermark(hw).setLogStartOffset(logStart).setLogEndOffset(logEnd);
    }

    /** An answer saying the follower diverged: the leader's epoch {@code epoch} ends at {@code endOffset}. */
    private static FetchPartitionResponse.Builder diverged(long hw, long logStart, long logEnd, int epoch, long endOffset) {
        return answer(hw, logStart, logEnd).setDivergingEpoch(EpochEndOffset.newBuilder().setEpoch(epoch)
                .setEndOffset(endOffset));
    }

    /**
     * Takes the follower's next fetch, sent at once after whatever came before (an answer handled, a
     * partition added), and checks what it asks for.
     */
    private FakeLeader.Fetch expectFetch(long offset, int lastFetchedEpoch) throws Exception {
        return expectFetch(offset, lastFetchedEpoch, 0);
    }

    /** Takes the follower's next fetch, sent only after the back-off (an error came before it). */
    private FakeLeader.Fetch expectRetry(long offset, int lastFetchedEpoch) throws Exception {
        return expectFetch(offset, lastFetchedEpoch, ReplicaHarness.BACKOFF_MS);
    }

    private FakeLeader.Fetch expectFetch(long offset, int lastFetchedEpoch, long delayMs) throws Exception {
        FakeLeader.Fetch f = h.leader.next();
        assertEquals(delayMs, f.delayMs(), delayMs == 0 ? "sent at once" : "sent after the back-off");
        assertTrue(f.timeoutMs() > ReplicaHarness.CONFIG.fetchMaxWaitMs(), "the leader may hold it its whole max wait");
        assertEquals(2, f.request().getReplicaId());
        assertEquals(9001, f.address().getPort(), "sent to broker 1's address from the image");
        FetchPartition p = f.request().getPartitions(0);
        assertEquals(offset, p.getFetchOffset(), "fetch offset");
        assertEquals(lastFetchedEpoch, p.getLastFetchedEpoch(), "last fetched epoch");
        assertEquals(EPOCH, p.getCurrentLeaderEpoch());
        return f;
    }

    /**
     * Gives the follower offsets 0-2 of epoch 3 in one batch and 3, 4, 5 of epoch 4 in one batch each, with
     * the leader's high watermark at {@code hw} (truncation removes whole batches, so offsets 3-5 are
     * where a test can cut at any offset).
     */
    private void replicateSixOffsets(long hw) throws Exception {
        expectFetch(0, -1).answer(answer(hw, 0, 6), concat(batch(0, 3, "a", "b", "c"), batch(3, 4, "d"),
                batch(4, 4, "e"), batch(5, 4, "f")));
        assertEquals(6, log.logEndOffset());
    }

    private List<String> values() throws Exception {
        return TestWire.values(log);
    }

    @Test
    void appendsTheLeadersBatchesAndTakesItsHighWatermarkUpToItsOwnEnd() throws Exception {
        replicateSixOffsets(100);
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), values());
        assertEquals(6, log.highWatermark(), "capped at what this replica holds");
        assertEquals(4, log.latestEpoch());
        expectFetch(6, 4).answer(answer(4, 0, 6), null);
        assertEquals(6, log.highWatermark(), "a follower's high watermark never moves backward");
        expectFetch(6, 4);
    }

    @Test
    void truncatesToTheEndOfTheDivergingEpochOnTheLeader() throws Exception {
        replicateSixOffsets(2);
        // The leader's epoch 4 ended at 4: offset 4 and 5 were never committed there.
        expectFetch(6, 4).answer(diverged(2, 0, 8, 4, 4), null);
        assertEquals(4, log.logEndOffset());
        assertEquals(List.of("a", "b", "c", "d"), values());
        expectFetch(4, 4);
    }

    @Test
    void truncatesToItsOwnEndOfTheEpochWhenThatIsLower() throws Exception {
        replicateSixOffsets(2);
        // The leader has epoch 3 up to 5, but locally epoch 3 ends at 3 (epoch 4 starts there).
        expectFetch(6, 4).answer(diverged(2, 0, 8, 3, 5), null);
        assertEquals(3, log.logEndOffset());
        assertEquals(3, log.latestEpoch());
        expectFetch(3, 3);
    }

    @Test
    void anUndefinedEpochTruncatesToTheHighWatermarkAndNeverBelowIt() throws Exception {
        replicateSixOffsets(4);
        expectFetch(6, 4).answer(diverged(4, 0, 8, -1, -1), null);
        assertEquals(4, log.logEndOffset(), "what is below the high watermark is committed and stays");
        assertEquals(List.of("a", "b", "c", "d"), values());
        expectFetch(4, 4);
    }

    @Test
    void aFollowerBehindTheLeadersLogStartStartsOverThere() throws Exception {
        replicateSixOffsets(6);
        expectFetch(6, 4).answer(answer(100, 100, 120).setError(ErrorCode.OFFSET_OUT_OF_RANGE), null);
        assertEquals(100, log.logStartOffset());
        assertEquals(100, log.logEndOffset());
        expectFetch(100, -1);
    }

    /** Where the divergence is below this replica's own log start, nothing of the log can stay. */
    @Test
    void aDivergenceBelowTheLogStartStartsOverAtTheLeadersLogStart() throws Exception {
        replicateSixOffsets(6);
        expectFetch(6, 4).answer(answer(6, 5, 6), null); // the leader's log start moved to 5: so does this one's
        assertEquals(5, log.logStartOffset());
        expectFetch(6, 4).answer(diverged(6, 8, 9, 3, 3), null);
        assertEquals(8, log.logStartOffset());
        assertEquals(8, log.logEndOffset());
        expectFetch(8, -1);
    }

    /** As Kafka's fetcher: only a follower strictly behind the leader's log start drops its log. */
    @Test
    void aFollowerWhoseEndIsTheLeadersLogStartKeepsItsLog() throws Exception {
        replicateSixOffsets(6);
        expectFetch(6, 4).answer(answer(6, 6, 10).setError(ErrorCode.OFFSET_OUT_OF_RANGE), null);
        assertEquals(0, log.logStartOffset());
        assertEquals(6, log.logEndOffset());
        expectFetch(6, 4);
    }

    /** A divergence exactly at its own log start empties the log there, whatever the leader's log start. */
    @Test
    void aDivergenceAtTheLogStartTruncatesToIt() throws Exception {
        replicateSixOffsets(6);
        expectFetch(6, 4).answer(answer(6, 3, 6), null);
        assertEquals(3, log.logStartOffset());
        expectFetch(6, 4).answer(diverged(6, 2, 9, 3, 3), null);
        assertEquals(3, log.logStartOffset());
        assertEquals(3, log.logEndOffset());
    }

    @Test
    void aMalformedAnswerIsRetriedAfterTheBackOff() throws Exception {
        replicateSixOffsets(6);
        expectFetch(6, 4).answerMalformed(answer(6, 0, 7));
        assertEquals(6, log.logEndOffset());
        expectRetry(6, 4).answer(answer(6, 0, 7), batch(6, 5, "g"));
        assertEquals(7, log.logEndOffset());
    }

    @Test
    void aFollowerAheadOfTheLeadersEndTruncatesToIt() throws Exception {
        replicateSixOffsets(3);
        expectFetch(6, 4).answer(answer(3, 0, 4).setError(ErrorCode.OFFSET_OUT_OF_RANGE), null);
        assertEquals(4, log.logEndOffset());
        expectFetch(4, 4);
    }

    @Test
    void errorsAndFailedConnectionsAreRetriedFromTheSameOffset() throws Exception {
        replicateSixOffsets(6);
        assertEquals(java.util.Map.of(1, List.of(TP)), h.replicas.followedByLeader());
        expectFetch(6, 4).answer(answer(6, 0, 6).setError(ErrorCode.NOT_LEADER_OR_FOLLOWER), null);
        expectRetry(6, 4).fail();
        expectRetry(6, 4).refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER); // the whole request refused
        expectRetry(6, 4).answer(answer(6, 0, 7), batch(6, 5, "g"));
        assertEquals(7, log.logEndOffset());
        assertEquals(5, log.latestEpoch());
    }

    @Test
    void batchesBelowTheLogEndAreRefusedAndNothingIsWritten() throws Exception {
        replicateSixOffsets(6);
        expectFetch(6, 4).answer(answer(6, 0, 12), batch(4, 5, "again"));
        assertEquals(6, log.logEndOffset());
        assertEquals(List.of("a", "b", "c", "d", "e", "f"), values());
        expectRetry(6, 4);
    }

    @Test
    void gapsInTheLeadersOffsetsAreKept() throws Exception {
        replicateSixOffsets(6);
        // A compacted log has gaps; the follower copies them as they are.
        expectFetch(6, 4).answer(answer(6, 0, 10), batch(9, 5, "after-gap"));
        assertEquals(10, log.logEndOffset());
        assertTrue(values().contains("after-gap"));
    }

    @Test
    void becomingLeaderStopsFetching() throws Exception {
        replicateSixOffsets(6);
        FakeLeader.Fetch pending = expectFetch(6, 4);
        h.publish(List.of(1, 2, 3), 2, EPOCH + 1, 1);
        pending.answer(answer(6, 0, 7), batch(6, 5, "late"));
        assertEquals(6, log.logEndOffset(), "a leader does not append what its old leader sends");
        awaitNoMoreFetches();
        assertEquals(java.util.Map.of(), h.replicas.followedByLeader());
    }

    @Test
    void aReplicaMovedAwayIsNoLongerFetched() throws Exception {
        replicateSixOffsets(6);
        FakeLeader.Fetch pending = expectFetch(6, 4);
        h.metadata.publish(ReplicaHarness.image(h.metadata.image().index() + 1, INTERVAL,
                new PartitionRegistration(List.of(1, 3), List.of(1, 3), 1, EPOCH + 1, 1)));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.replicas.partition(TP).isEmpty());
        assertEquals(java.util.Map.of(), h.replicas.followedByLeader(), "no fetcher left for a leader followed in nothing");
        int before = h.fetcherScheduler.delays.size();
        pending.refuse(ErrorCode.NOT_LEADER_OR_FOLLOWER);
        awaitNoMoreFetches();
        assertEquals(List.of(), h.fetcherScheduler.delays.subList(before, h.fetcherScheduler.delays.size()),
                "a fetcher dropped schedules no retry");
    }

    /** Waits until the fetcher has asked for {@code count} back-offs in all (each one a fetch not sent). */
    private void awaitBackOffs(int count) {
        await().atMost(Duration.ofSeconds(10)).until(() -> h.fetcherScheduler.delays.stream()
                .filter(d -> d == ReplicaHarness.BACKOFF_MS).count() >= count);
    }

    /**
     * Once the fetcher's scheduler has nothing queued or running, whatever the answers so far led to
     * was done: no fetch was sent (nor is any retry waiting to send one).
     */
    private void awaitNoMoreFetches() throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(h.fetcherScheduler::isIdle);
        assertNull(h.leader.poll(0), "fetched a partition this broker no longer follows");
    }

    @Test
    void aFetchWhileFollowerFetchingIsPausedWaitsTheBackOffUntilItIsResumed() throws Exception {
        FakeLeader.Fetch first = expectFetch(0, -1);
        h.replicas.pauseFollowerFetching(true);
        first.answer(answer(0, 0, 0), null);
        awaitBackOffs(3);
        assertNull(h.leader.poll(0), "no fetch while paused");
        h.replicas.pauseFollowerFetching(false);
        expectRetry(0, -1);
    }

    @Test
    void aLeaderWithoutAnAddressIsAskedAgainAfterTheBackOffUntilItHasOne() throws Exception {
        try (ReplicaHarness noAddress = new ReplicaHarness(dir.resolve("no-address"), 2)) {
            PartitionRegistration reg = new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), 1, EPOCH, 0);
            noAddress.metadata.publish(ReplicaHarness.image(1, ReplicaHarness.TOPIC_ID, INTERVAL, List.of(reg),
                    List.of(2, 3)));
            await().atMost(Duration.ofSeconds(10)).until(() -> noAddress.fetcherScheduler.delays.size() >= 3);
            assertNull(noAddress.leader.poll(0), "broker 1 is not registered: nowhere to send");
            noAddress.metadata.publish(ReplicaHarness.image(2, INTERVAL, reg));
            FakeLeader.Fetch f = noAddress.leader.next();
            assertEquals(9001, f.address().getPort());
            assertEquals(ReplicaHarness.BACKOFF_MS, f.delayMs(), "a retry after the back-off");
        }
    }

    /**
     * A throttled follower (out of the ISR, listed, a follower rate set) counts what it receives: its
     * next fetch asks for no more than what is left of the quota.
     */
    @Test
    void aThrottledFollowerAsksForWhatIsLeftOfItsQuotaAfterWhatItReceived() throws Exception {
        FakeLeader.Fetch first = expectFetch(0, -1);
        throttleBroker2(1000);
        first.answer(answer(0, 0, 0), null);
        long quota = 1000 * 11; // the rate over Kafka's window of 11 one-second samples
        FakeLeader.Fetch throttled = expectFetch(0, -1);
        assertEquals(quota, throttled.request().getPartitions(0).getPartitionMaxBytes());
        ByteBuffer b = batch(0, 3, "a", "b");
        int size = b.remaining();
        throttled.answer(answer(0, 0, 2), b);
        assertEquals(quota - size, expectFetch(2, 3).request().getPartitions(0).getPartitionMaxBytes());
    }

    /**
     * A throttled follower whose quota is spent leaves the partition out; with nothing else to fetch it
     * sends nothing and asks again after each back-off, until the window moves on.
     */
    @Test
    void aThrottledFollowerWhoseQuotaIsSpentFetchesNothingUntilTheWindowMovesOn() throws Exception {
        FakeLeader.Fetch first = expectFetch(0, -1);
        throttleBroker2(1); // 11 bytes over the window: one batch spends it
        first.answer(answer(0, 0, 0), null);
        expectFetch(0, -1).answer(answer(0, 0, 1), batch(0, 3, "more than eleven bytes"));
        awaitBackOffs(3);
        assertNull(h.leader.poll(0), "the quota is spent: nothing to ask for");
        h.clock.sleep(11_000); // the window's samples have all expired
        expectRetry(1, 3);
    }

    /** Broker 2 out of the ISR, listed as a throttled follower, with a follower rate of {@code rate} bytes/s. */
    private void throttleBroker2(long rate) {
        MetadataDelta delta = new MetadataDelta(ReplicaHarness.image(h.metadata.image().index() + 1,
                java.util.Map.of("log.flush.policy", "interval", "follower.replication.throttled.replicas", "0:2"),
                new PartitionRegistration(List.of(1, 2, 3), List.of(1, 3), 1, EPOCH, 1)));
        delta.replay(MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder().setBroker(true).setBrokerId(2)
                .setKey("follower.replication.throttled.rate").setValue(Long.toString(rate))).build());
        h.metadata.publish(delta.apply(h.metadata.image().index() + 1, 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> h.replicas.partition(TP).orElseThrow().isr().equals(List.of(1, 3)));
    }

    private static final java.util.Map<String, String> INTERVAL = java.util.Map.of("log.flush.policy", "interval");

    /** Epoch 0 is an epoch like any other: its divergence is answered by epoch, not by the high watermark. */
    @Test
    void aDivergenceInEpochZeroTruncatesToWhereEpochZeroEndsOnTheLeader() throws Exception {
        expectFetch(0, -1).answer(answer(1, 0, 4), concat(batch(0, 0, "a", "b"), batch(2, 0, "c"), batch(3, 0, "d")));
        expectFetch(4, 0).answer(diverged(1, 0, 3, 0, 3), null);
        assertEquals(3, log.logEndOffset(), "epoch 0 ends at 3 on the leader");
        assertEquals(List.of("a", "b", "c"), values());
    }

    /** Under log.flush.policy=always a fetch offset tells the leader what is durable here, nothing more. */
    @Test
    void aFollowerFetchesAgainOnlyOnceWhatItAppendedIsDurable() throws Exception {
        GatedDisk disk = new GatedDisk();
        try (ReplicaHarness always = new ReplicaHarness(dir.resolve("always"), 2,
                java.util.Map.of("log.flush.policy", "always"), disk)) {
            PartitionLog durable = always.publish(List.of(1, 2, 3), 1, EPOCH, 0).log();
            // Epoch 3 first, so that the next answer needs no epoch checkpoint (fsynced on the fetch path).
            always.leader.next().answer(answer(0, 0, 3), batch(0, 3, "a"));
            FakeLeader.Fetch second = always.leader.next();
            assertEquals(1, second.request().getPartitions(0).getFetchOffset());
            // From here the flusher's fsyncs wait for the gate: a fetch sent before it opens told too much.
            disk.shut();
            List<Boolean> durableAtSend = new java.util.concurrent.CopyOnWriteArrayList<>();
            always.leader.onSend = () -> durableAtSend.add(disk.isOpen());
            second.answer(answer(0, 0, 3), concat(batch(1, 3, "b"), batch(2, 3, "c")));
            disk.open();
            FakeLeader.Fetch next = always.leader.next();
            assertEquals(3, next.request().getPartitions(0).getFetchOffset());
            assertEquals(List.of(true), durableAtSend, "sent only after the fsync");
            assertEquals(3, durable.durableEndOffset());
        }
    }

    /**
     * A new leader epoch of the same leader replaces the fetcher: the new one must not send an offset
     * the old one's appends made before they are durable (it did: its first fetch went out at once).
     */
    @Test
    void aNewLeaderEpochWhileAppendsAreFlushedFetchesOnlyOnceTheyAreDurable() throws Exception {
        GatedDisk disk = new GatedDisk();
        try (ReplicaHarness always = new ReplicaHarness(dir.resolve("always"), 2, ALWAYS, disk)) {
            always.publish(List.of(1, 2, 3), 1, EPOCH, 0);
            always.leader.next().answer(answer(0, 0, 3), batch(0, 3, "a"));
            FakeLeader.Fetch second = always.leader.next();
            disk.shut();
            try {
                List<Boolean> durableAtSend = new java.util.concurrent.CopyOnWriteArrayList<>();
                always.leader.onSend = () -> durableAtSend.add(disk.isOpen());
                second.answer(answer(0, 0, 3), concat(batch(1, 3, "b"), batch(2, 3, "c")));
                always.publish(List.of(1, 2, 3), 1, EPOCH + 1, 1);
                // A bounded look for a fetch that must not come (it came at once when it did).
                assertNull(always.leader.poll(500), "fetched before the appends were durable");
                disk.open();
                FakeLeader.Fetch next = always.leader.next();
                assertEquals(3, next.request().getPartitions(0).getFetchOffset());
                assertEquals(EPOCH + 1, next.request().getPartitions(0).getCurrentLeaderEpoch());
                assertEquals(List.of(true), durableAtSend, "sent only after the fsync");
            } finally {
                disk.open();
            }
        }
    }

    /**
     * Partition 1 moves to another leader while its append is being flushed: the fetcher of broker 1
     * goes on fetching partition 0 (it waited forever for partition 1's durability, which it no longer
     * tracked), and the new leader's fetcher waits for that durability before its first fetch.
     */
    @Test
    void aPartitionMovedAwayWhileItsAppendIsFlushedHoldsBackNeitherFetcher() throws Exception {
        GatedDisk disk = new GatedDisk();
        TopicPartition tp1 = new TopicPartition(TP.topic(), 1);
        try (ReplicaHarness always = new ReplicaHarness(dir.resolve("always"), 2, ALWAYS, disk)) {
            always.metadata.publish(twoPartitions(2, 1));
            FakeLeader.Fetch f = always.leader.next();
            while (f.request().getPartitionsCount() < 2) { // partition 1 joined after the first fetch
                f.answer(f.request().getPartitionsList().stream().map(p -> empty(p.getPartition())).toList(),
                        java.util.Collections.nCopies(f.request().getPartitionsCount(), null));
                f = always.leader.next();
            }
            f.answer(List.of(empty(0), empty(1).setLogEndOffset(1)), java.util.Arrays.asList(null, batch(0, 3, "a")));
            f = always.leader.next();
            disk.shut();
            try {
                f.answer(List.of(empty(0), empty(1).setLogEndOffset(2)), java.util.Arrays.asList(null, batch(1, 3, "b")));
                always.metadata.publish(twoPartitions(3, 3));

                FakeLeader.Fetch toBroker1 = always.leader.next();
                assertEquals(9001, toBroker1.address().getPort(), "broker 3's fetcher waits for the fsync");
                assertEquals(List.of(0),
                        toBroker1.request().getPartitionsList().stream().map(FetchPartition::getPartition).toList());
                disk.open();
                FakeLeader.Fetch toBroker3 = always.leader.next();
                assertEquals(9003, toBroker3.address().getPort());
                assertEquals(2, toBroker3.request().getPartitions(0).getFetchOffset());
            } finally {
                disk.open();
            }
        }
    }

    private static final java.util.Map<String, String> ALWAYS = java.util.Map.of("log.flush.policy", "always");

    private static FetchPartitionResponse.Builder empty(int partition) {
        return FetchPartitionResponse.newBuilder().setTopic(TP.topic()).setPartition(partition).setError(ErrorCode.NONE);
    }

    /** Partitions 0 (led by 1, epoch 5) and 1 (led by {@code leaderOf1}) of the topic, on brokers 1-3. */
    private static MetadataImage twoPartitions(long index, int leaderOf1) {
        MetadataImage one = ReplicaHarness.image(index, ALWAYS,
                new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), 1, EPOCH, 0));
        MetadataDelta delta = new MetadataDelta(one);
        int epoch = leaderOf1 == 1 ? EPOCH : EPOCH + 1;
        delta.replay(new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), leaderOf1, epoch, epoch - EPOCH)
                .toRecord(ReplicaHarness.TOPIC_ID, 1));
        return delta.apply(index, 1);
    }
}
