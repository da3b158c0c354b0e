package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.MockTime;
import io.sluice.server.TestWire;
import io.sluice.storage.EpochEndOffset;
import io.sluice.storage.LogConfig;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The leader's high watermark and ISR bookkeeping, with a mock clock and a recording listener. */
@Timeout(20)
class PartitionTest {
    /** A fetch that names no last epoch: no divergence check. */
    private static final int NO_EPOCH = EpochEndOffset.UNDEFINED_EPOCH;

    private static final TopicPartition TP = new TopicPartition("t", 0);
    @TempDir
    Path dir;
    private PartitionLog log;
    private final MockTime clock = new MockTime(1_000_000);
    private final List<List<Integer>> isrRequests = new ArrayList<>();
    private int hwChanges;
    private Partition partition;

    @BeforeEach
    void setUp() throws Exception {
        // interval: the leader's own copy counts as durable once written, so the test controls the HW
        // through the followers alone.
        log = PartitionLog.open(dir.resolve("t-0"), TP, LogConfig.fromMap(Map.of("log.flush.policy", "interval")));
        partition = new Partition(TP, 1, log, clock, new PartitionListener() {
            @Override
            public void onHighWatermarkChanged(TopicPartition tp) {
                hwChanges++;
            }

            @Override
            public void onIsrChangeWanted(TopicPartition tp, int leader, List<Integer> isr, int partitionEpoch) {
                isrRequests.add(isr);
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        log.close();
    }

    private void lead(List<Integer> isr, int epoch) {
        partition.applyRegistration(new PartitionRegistration(List.of(1, 2, 3), isr, 1, epoch, epoch));
    }

    private void append(int records, int acks, int minIsr, ErrorCode expected) throws Exception {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            values.add("v" + i);
        }
        assertEquals(expected, partition.appendAsLeader(TestWire.batch(values, null), acks, minIsr).error());
    }

    @Test
    void aReplicaAddedByAReassignmentInTheSameEpochCatchesUpAndIsAskedIntoTheIsr() throws Exception {
        lead(List.of(1, 2, 3), 0);
        append(5, -1, 2, ErrorCode.NONE);
        partition.updateFollowerFetch(2, 5, NO_EPOCH);
        partition.updateFollowerFetch(3, 5, NO_EPOCH);
        assertEquals(5, partition.highWatermark());
        // The reassignment to [2, 3, 4] starts: same leader epoch, replica 4 added.
        assertEquals(Partition.Transition.NONE, partition.applyRegistration(new PartitionRegistration(
                List.of(2, 3, 4, 1), List.of(1, 2, 3), 1, 0, 1, List.of(4), List.of(1))));
        assertEquals(3, partition.replicaCount(), "the replication factor is the original one");
        partition.updateFollowerFetch(4, 3, NO_EPOCH);
        assertEquals(List.of(), isrRequests, "not caught up to the high watermark yet");
        partition.updateFollowerFetch(4, 5, NO_EPOCH);
        assertEquals(List.of(List.of(1, 2, 3, 4)), isrRequests);
        assertEquals(Map.of(2, 5L, 3, 5L, 4, 5L), partition.followerOffsets());
    }

    @Test
    void highWatermarkIsTheSmallestOffsetEveryIsrMemberHolds() throws Exception {
        lead(List.of(1, 2, 3), 0);
        append(5, -1, 2, ErrorCode.NONE);
        assertEquals(0, partition.highWatermark(), "no follower has fetched yet");

        partition.updateFollowerFetch(2, 5, NO_EPOCH);
        assertEquals(0, partition.highWatermark(), "follower 3 is in the ISR and holds nothing yet");
        partition.updateFollowerFetch(3, 3, NO_EPOCH);
        assertEquals(3, partition.highWatermark());
        partition.updateFollowerFetch(3, 5, NO_EPOCH);
        assertEquals(5, partition.highWatermark());
        assertEquals(2, hwChanges);

        partition.updateFollowerFetch(2, 2, NO_EPOCH); // a late, reordered report never moves it back
        assertEquals(5, partition.highWatermark());
    }

    @Test
    void aShrunkIsrLetsTheHighWatermarkMoveWithoutTheLaggard() throws Exception {
        lead(List.of(1, 2, 3), 0);
        append(4, -1, 2, ErrorCode.NONE);
        partition.updateFollowerFetch(2, 4, NO_EPOCH);
        assertEquals(0, partition.highWatermark());

        clock.sleep(10_001);
        partition.updateFollowerFetch(2, 4, NO_EPOCH); // 2 keeps up, 3 is silent
        partition.maybeShrinkIsr(10_000);
        assertEquals(List.of(List.of(1, 2)), isrRequests);
        partition.maybeShrinkIsr(10_000);
        assertEquals(1, isrRequests.size(), "the same change is not asked for twice");

        // The quorum applies it: the HW no longer waits for 3.
        partition.applyRegistration(new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 1, 0, 1));
        assertEquals(4, partition.highWatermark());
    }

    @Test
    void aFollowerThatCatchesUpIsAskedBackIntoTheIsr() throws Exception {
        lead(List.of(1, 2), 0);
        append(3, -1, 1, ErrorCode.NONE);
        partition.updateFollowerFetch(2, 3, NO_EPOCH);
        assertEquals(3, partition.highWatermark());

        partition.updateFollowerFetch(3, 1, NO_EPOCH);
        assertTrue(isrRequests.isEmpty(), "behind the high watermark: not yet");
        partition.updateFollowerFetch(3, 3, NO_EPOCH);
        assertEquals(List.of(List.of(1, 2, 3)), isrRequests);
    }

    @Test
    void acksAllIsRefusedBelowMinIsrAndFollowersAreNotLeaders() throws Exception {
        lead(List.of(1), 0);
        append(1, -1, 2, ErrorCode.NOT_ENOUGH_REPLICAS);
        append(1, 1, 2, ErrorCode.NONE); // acks=1 does not need the ISR
        assertEquals(1, log.logEndOffset());

        partition.applyRegistration(new PartitionRegistration(List.of(1, 2, 3), List.of(2, 3), 2, 1, 2));
        assertEquals(false, partition.isLeader());
        append(1, 1, 1, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }

    @Test
    void reportsDivergenceWhenAFollowerIsPastTheEndOfItsEpochHere() throws Exception {
        lead(List.of(1, 2, 3), 3);
        append(4, 1, 1, ErrorCode.NONE);       // epoch 3: offsets 0..3
        lead(List.of(1, 2, 3), 5);
        append(2, 1, 1, ErrorCode.NONE);       // epoch 5: offsets 4..5

        assertNull(partition.divergence(4, 3), "fetching right at the end of epoch 3 is consistent");
        assertNull(partition.divergence(6, 5));
        EpochEndOffset diverged = partition.divergence(6, 3); // the follower has epoch-3 data up to 6
        assertNotNull(diverged);
        assertEquals(3, diverged.epoch());
        assertEquals(4, diverged.endOffset());
        EpochEndOffset unknownEpoch = partition.divergence(5, 4); // epoch 4 never existed here
        assertEquals(3, unknownEpoch.epoch());
        assertEquals(4, unknownEpoch.endOffset());
    }

    /**
     * The fault suite's offsets seed 41 (20261202T073344, jepsen-offsets-3): node 1 led epoch 2 from
     * offset 1253 with ISR [3, 1]; node 3, the epoch-1 leader, still held an epoch-1 tail up to 1282
     * and fetched from 1282 until it had truncated. The leader counted 1282 as held by node 3, so its
     * high watermark followed its own log end and acks=all writes at 1253..1272 were acknowledged on
     * one copy; node 3 was elected next without them. A fetch offset past the leader's log end says
     * nothing about what the follower holds of this leader's log: it must not move the high watermark.
     */
    @Test
    void aFollowerFetchingPastTheLeadersEndDoesNotMoveTheHighWatermark() throws Exception {
        lead(List.of(1, 2), 1);
        append(3, -1, 2, ErrorCode.NONE);      // epoch 1: offsets 0..2
        partition.updateFollowerFetch(2, 3, NO_EPOCH);
        assertEquals(3, partition.highWatermark());

        lead(List.of(1, 2), 2);
        append(2, -1, 2, ErrorCode.NONE);      // epoch 2: offsets 3..4, only here
        partition.updateFollowerFetch(2, 10, NO_EPOCH);  // follower 2 still holds a diverged epoch-1 tail to 10
        assertEquals(3, partition.highWatermark(), "follower 2 holds none of epoch 2");
        assertTrue(isrRequests.isEmpty());
    }

    /** The same follower once it reports the epoch of its last batch and its log end is inside ours. */
    @Test
    void aFollowerWhoseLastEpochDivergesDoesNotMoveTheHighWatermarkOrJoinTheIsr() throws Exception {
        lead(List.of(1, 2), 1);
        append(3, -1, 2, ErrorCode.NONE);      // epoch 1: offsets 0..2
        partition.updateFollowerFetch(2, 3, 1);
        lead(List.of(1, 2), 2);
        append(4, -1, 2, ErrorCode.NONE);      // epoch 2: offsets 3..6
        partition.updateFollowerFetch(2, 5, 1);  // epoch-1 data up to 5: diverges at 3
        assertEquals(3, partition.highWatermark());
        partition.updateFollowerFetch(3, 6, 1);  // not in the ISR, diverged: not asked in
        assertTrue(isrRequests.isEmpty());

        partition.updateFollowerFetch(2, 3, 1);  // truncated to 3, consistent now
        partition.updateFollowerFetch(2, 7, 2);
        assertEquals(7, partition.highWatermark());
    }

    /**
     * A new leader must know where its own epoch starts before its first append, or a follower that
     * was the previous epoch's leader gets UNDEFINED for its epoch and truncates its whole log (seed 41:
     * node 1, "diverged from leader 3 at epoch -1; truncated from 1275 to 0").
     */
    @Test
    void aNewLeaderAnswersDivergenceForAnEpochItNeverSawBeforeItsFirstAppend() throws Exception {
        lead(List.of(1, 2, 3), 1);
        append(3, 1, 1, ErrorCode.NONE);       // epoch 1: offsets 0..2
        partition.applyRegistration(new PartitionRegistration(List.of(1, 2, 3), List.of(2, 3), 2, 2, 2));
        lead(List.of(1), 3);                   // leads epoch 3 from 3; nothing appended yet

        EpochEndOffset diverged = partition.divergence(5, 2); // the epoch-2 leader wrote 3..4 alone
        assertNotNull(diverged);
        assertEquals(1, diverged.epoch(), "not UNDEFINED: the follower must keep 0..2");
        assertEquals(3, diverged.endOffset());
        assertEquals(3, log.latestEpoch());
    }

    /** The other half of assigning the epoch on election: a leader that wrote nothing leaves no epoch. */
    @Test
    void anEpochLedWithoutAppendingIsDroppedWhenTheFormerLeaderTruncatesAtItsEnd() throws Exception {
        lead(List.of(1, 2, 3), 1);
        append(3, 1, 1, ErrorCode.NONE);       // epoch 1: offsets 0..2
        lead(List.of(1, 2, 3), 2);             // elected again, wrote nothing
        partition.applyRegistration(new PartitionRegistration(List.of(1, 2, 3), List.of(2, 3), 2, 3, 3));
        log.truncateTo(3);                     // what a diverging answer (1, 3) from the new leader leads to
        assertEquals(1, log.latestEpoch(), "epoch 2 has no data here and must not be this log's last epoch");
        assertEquals(3, log.logEndOffset());
    }

    /** Found by ReplicationPropertyTest: the ISR grew by a follower lacking offsets below the high watermark. */
    @Test
    void aFollowerAskedIntoTheIsrHoldsTheHighWatermarkBackUntilTheQuorumAnswers() throws Exception {
        lead(List.of(1), 0);
        append(1, -1, 1, ErrorCode.NONE);
        partition.onLocalDurable();
        assertEquals(1, partition.highWatermark(), "the leader alone is the ISR");
        partition.updateFollowerFetch(2, 1, NO_EPOCH);
        assertEquals(List.of(List.of(1, 2)), isrRequests, "follower 2 reached the high watermark");

        append(3, 1, 1, ErrorCode.NONE);
        partition.onLocalDurable();
        assertEquals(1, partition.highWatermark(),
                "follower 2 may be in the ISR the quorum applies next: the high watermark waits for it");
        partition.updateFollowerFetch(2, 4, NO_EPOCH);
        assertEquals(4, partition.highWatermark());

        append(1, 1, 1, ErrorCode.NONE);
        partition.clearRequestedIsr(List.of(1, 2), 0); // refused: follower 2 is not joining after all
        append(1, 1, 1, ErrorCode.NONE);
        partition.onLocalDurable();
        assertEquals(6, partition.highWatermark());
    }

    /** Found by ReplicationPropertyTest: an image that left the partition unchanged dropped the pending request. */
    @Test
    void anUnchangedRegistrationKeepsTheRequestedIsrPending() throws Exception {
        lead(List.of(1), 1);
        partition.updateFollowerFetch(2, 0, NO_EPOCH);
        assertEquals(List.of(List.of(1, 2)), isrRequests);
        lead(List.of(1), 1); // another change in the metadata: same partition epoch
        append(2, 1, 1, ErrorCode.NONE);
        partition.onLocalDurable();
        assertEquals(0, partition.highWatermark(), "the quorum may still add follower 2, which holds nothing");
        partition.updateFollowerFetch(2, 0, NO_EPOCH);
        assertEquals(1, isrRequests.size(), "still pending: not asked again");
    }

    /**
     * Found by ReplicationPropertyTest: follower 3 catching up while follower 2's addition was in
     * flight replaced the request, so the high watermark passed follower 2, which the quorum then added.
     */
    @Test
    void oneIsrChangeIsInFlightAtATime() throws Exception {
        lead(List.of(1), 0);
        partition.updateFollowerFetch(2, 0, NO_EPOCH);
        partition.updateFollowerFetch(3, 0, NO_EPOCH);
        assertEquals(List.of(List.of(1, 2)), isrRequests, "follower 3 waits for the answer about follower 2");
        append(2, 1, 1, ErrorCode.NONE);
        partition.onLocalDurable();
        partition.updateFollowerFetch(3, 2, NO_EPOCH);
        assertEquals(0, partition.highWatermark(), "follower 2 may still join: it holds the high watermark back");

        partition.clearRequestedIsr(List.of(1, 3), 0); // a refusal of a request this leader did not make now
        partition.onLocalDurable();
        assertEquals(0, partition.highWatermark(), "only the answer to the request in flight releases it");
        partition.clearRequestedIsr(List.of(1, 2), 1);
        partition.onLocalDurable();
        assertEquals(0, partition.highWatermark(), "nor an answer about another partition epoch");

        partition.clearRequestedIsr(List.of(1, 2), 0);
        partition.onLocalDurable();
        assertEquals(2, partition.highWatermark(), "refused: the ISR is the leader alone again");
        partition.updateFollowerFetch(3, 2, NO_EPOCH);
        assertEquals(List.of(List.of(1, 2), List.of(1, 3)), isrRequests, "now follower 3 is asked for");
    }

    /** The boundaries PIT found untested: exactly at the lag limit, exactly at the high watermark. */
    @Test
    void aFollowerExactlyAtTheLagLimitStaysAndOneMillisecondPastIsDropped() throws Exception {
        lead(List.of(1, 2, 3), 0);
        append(2, 1, 1, ErrorCode.NONE);
        partition.updateFollowerFetch(2, 2, NO_EPOCH); // caught up now
        partition.updateFollowerFetch(3, 2, NO_EPOCH);
        clock.sleep(10_000);
        partition.maybeShrinkIsr(10_000);
        assertTrue(isrRequests.isEmpty(), "lagging exactly the limit is not past it");
        clock.sleep(1);
        partition.maybeShrinkIsr(10_000);
        assertEquals(List.of(List.of(1)), isrRequests);
    }

    @Test
    void theHighWatermarkListenerHearsOnlyOfMovesAndAFollowerHoldsNoHighWatermark() throws Exception {
        assertEquals(0, partition.replicaCount(), "no registration yet");
        lead(List.of(1, 2), 0);
        assertEquals(3, partition.replicaCount());
        append(2, 1, 1, ErrorCode.NONE);
        partition.updateFollowerFetch(2, 2, NO_EPOCH);
        assertEquals(2, partition.highWatermark());
        int changes = hwChanges;
        partition.updateFollowerFetch(2, 2, NO_EPOCH);
        partition.onLocalDurable();
        assertEquals(changes, hwChanges, "no move, no notice");

        partition.applyRegistration(new PartitionRegistration(List.of(1, 2, 3), List.of(2, 1), 2, 1, 1));
        append(1, 1, 1, ErrorCode.NOT_LEADER_OR_FOLLOWER);
        log.appendAsLeader(TestWire.batch(List.of("x"), null), 1); // as the fetcher would append
        partition.onLocalDurable();
        partition.updateFollowerFetch(3, 3, NO_EPOCH);
        assertEquals(2, partition.highWatermark(), "a follower's high watermark comes from its leader only");
        partition.updateFollowerHighWatermark(5);
        assertEquals(3, partition.highWatermark(), "capped at what it holds");
        assertEquals(changes + 1, hwChanges);
        partition.updateFollowerHighWatermark(3);
        assertEquals(changes + 1, hwChanges, "no move, no notice");
    }

    @Test
    void eachRegistrationReportsWhatChangedForThisReplica() {
        PartitionRegistration lead0 = new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0);
        assertEquals(Partition.Transition.BECAME_LEADER, partition.applyRegistration(lead0));
        assertEquals(Partition.Transition.NONE, partition.applyRegistration(lead0));
        assertEquals(Partition.Transition.ISR_CHANGED, partition.applyRegistration(
                new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 1, 0, 1)));
        assertEquals(Partition.Transition.BECAME_LEADER, partition.applyRegistration(
                new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 1, 1, 2)), "a new epoch of its own");
        PartitionRegistration follow2 = new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 2, 2, 3);
        assertEquals(Partition.Transition.BECAME_FOLLOWER, partition.applyRegistration(follow2));
        assertEquals(Partition.Transition.NONE, partition.applyRegistration(
                new PartitionRegistration(List.of(1, 2, 3), List.of(2), 2, 2, 4)), "an ISR change is the leader's");
        assertEquals(Partition.Transition.FOLLOWER_OF_NEW_EPOCH, partition.applyRegistration(
                new PartitionRegistration(List.of(1, 2, 3), List.of(2), 3, 3, 5)));
        assertEquals(3, partition.leaderId());
        assertEquals(3, partition.leaderEpoch());
    }

    @Test
    void anIsrOfExactlyMinInsyncReplicasAcceptsAcksAll() throws Exception {
        lead(List.of(1, 2), 0);
        append(1, -1, 2, ErrorCode.NONE);
        append(1, -1, 3, ErrorCode.NOT_ENOUGH_REPLICAS);
        append(1, 0, 3, ErrorCode.NONE); // acks=0 does not need the ISR either
    }

    @Test
    void aLeaderAloneInTheIsrCommitsWhatItHoldsAsSoonAsItLeads() throws Exception {
        log.appendAsLeader(TestWire.batch(List.of("a", "b"), null), 0); // written as a follower would
        assertEquals(0, partition.highWatermark());
        lead(List.of(1), 1);
        assertEquals(2, partition.highWatermark(), "no follower to wait for");
        assertEquals(Map.of(2, -1L, 3, -1L), partition.followerOffsets(), "followers known, none fetched");
    }
}
