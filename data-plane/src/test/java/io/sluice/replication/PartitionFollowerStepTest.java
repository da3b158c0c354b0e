package io.sluice.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.server.TestWire;
import io.sluice.storage.LogConfig;
import io.sluice.storage.PartitionLog;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower changes its log on a leader's answer only while it still follows in the epoch the fetch
 * was sent for, and a leadership change never interleaves with such a change. Found on a running
 * cluster: an answer of epoch 15 appended just after the replica became the epoch-16 leader put epoch-15
 * batches above the new epoch's start, and the followers truncated and re-fetched them forever.
 */
@Timeout(20)
class PartitionFollowerStepTest {
    private static final TopicPartition TP = new TopicPartition("t", 0);
    @TempDir
    Path dir;
    private PartitionLog log;
    private Partition partition;

    @BeforeEach
    void setUp() throws Exception {
        log = PartitionLog.open(dir.resolve("t-0"), TP, LogConfig.fromMap(Map.of("log.flush.policy", "interval")));
        partition = new Partition(TP, 2, log, new MockTime(1_000), new PartitionListener() {
            @Override
            public void onHighWatermarkChanged(TopicPartition tp) {
            }

            @Override
            public void onIsrChangeWanted(TopicPartition tp, int leader, List<Integer> isr, int partitionEpoch) {
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
    }

    private static PartitionRegistration ledBy(int leader, int epoch) {
        return new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), leader, epoch, epoch);
    }

    /** Three offsets from {@code base}, written by the leader of {@code epoch}. */
    private static ByteBuffer batch(long base, int epoch) {
        ByteBuffer b = TestWire.batch(List.of("a", "b", "c"), null);
        RecordBatch rb = RecordBatch.wrap(b);
        rb.setBaseOffset(base);
        rb.setPartitionLeaderEpoch(epoch);
        return b;
    }

    @Test
    void runsWhileFollowingInTheEpochTheFetchWasSentFor() throws Exception {
        partition.applyRegistration(ledBy(1, 5));
        boolean ran = partition.asFollowerIn(5, false, l -> l.appendAsFollower(batch(0, 5)).succeeded());
        assertTrue(ran);
        assertEquals(3, log.logEndOffset());
    }

    @Test
    void anAnswerForAnOlderEpochChangesNothing() throws Exception {
        partition.applyRegistration(ledBy(1, 5));
        partition.applyRegistration(ledBy(3, 6));
        String outcome = partition.asFollowerIn(5, "stale", l -> fail("ran in epoch 6 for a fetch of epoch 5"));
        assertEquals("stale", outcome);
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void anAnswerArrivingAfterThisReplicaBecameLeaderChangesNothing() throws Exception {
        partition.applyRegistration(ledBy(1, 5));
        partition.applyRegistration(ledBy(2, 6));
        assertEquals("stale", partition.asFollowerIn(5, "stale", l -> fail("a leader appended its old leader's batches")));
        assertEquals("stale", partition.asFollowerIn(6, "stale", l -> fail("a leader ran a follower's step")));
        assertEquals(0, log.logEndOffset());
    }

    @Test
    void becomingLeaderWaitsForARunningAppendSoTheNewEpochStartsAfterIt() throws Exception {
        partition.applyRegistration(ledBy(1, 5));
        CountDownLatch inStep = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Boolean> step = CompletableFuture.supplyAsync(() -> {
            try {
                return partition.asFollowerIn(5, false, l -> {
                    inStep.countDown();
                    try {
                        assertTrue(release.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return l.appendAsFollower(batch(0, 5)).succeeded();
                });
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(inStep.await(10, TimeUnit.SECONDS));
        Thread leadership = new Thread(() -> partition.applyRegistration(ledBy(2, 6)), "leadership");
        leadership.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> leadership.getState() == Thread.State.WAITING);
        assertFalse(partition.isLeader(), "the leadership change waits for the follower's append");
        release.countDown();
        assertTrue(step.get(10, TimeUnit.SECONDS));
        leadership.join(10_000);
        assertTrue(partition.isLeader());
        assertEquals(3, log.endOffsetForEpoch(5).endOffset(), "epoch 6 starts after the batches of epoch 5");
    }
}
