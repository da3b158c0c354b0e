package io.sluice.metadata.controller;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.RegisterBrokerCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;

import static io.sluice.metadata.controller.ControllerHarness.createTopic;
import static io.sluice.metadata.controller.ControllerHarness.register;
import static io.sluice.metadata.controller.ControllerHarness.unfence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class BrokerControlTest {

    @Test
    void registrationEpochIsTheLogIndexAndTheBrokerStartsFenced() {
        ControllerHarness h = ControllerHarness.withBrokers();
        ControllerResult result = h.ok(register(7, 42));
        assertEquals(h.index, result.result().getBrokerEpoch());
        assertTrue(h.broker(7).fenced());
        assertEquals(42, h.broker(7).incarnationId());
        assertEquals("host7", h.broker(7).host());
    }

    @Test
    void retriedRegistrationOfTheSameIncarnationKeepsItsEpoch() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        long epoch = h.epoch(1);
        ControllerResult retry = h.ok(register(1, 1));
        assertEquals(epoch, retry.result().getBrokerEpoch());
        assertEquals(List.of(), retry.records());
        assertFalse(h.broker(1).fenced());
    }

    @Test
    void newIncarnationReplacesTheOldOneFencedAndTakesItsLeadershipAway() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2);
        h.ok(createTopic("t", 2, 2));
        long newEpoch = h.ok(register(1, 2)).result().getBrokerEpoch();
        assertEquals(newEpoch, h.epoch(1));
        assertTrue(h.broker(1).fenced());
        for (PartitionRegistration p : h.image.topics().topic("t").partitions().values()) {
            assertEquals(2, p.leader());
            assertEquals(List.of(2), p.isr());
        }
    }

    @Test
    void refusesRegistrationForAnotherCluster() {
        ControllerHarness h = ControllerHarness.withBrokers();
        MetadataCommand other = MetadataCommand.newBuilder().setRegisterBroker(
                RegisterBrokerCommand.newBuilder().setBrokerId(1).setClusterId("cluster-b").setIncarnationId(1)).build();
        ControllerResult result = h.run(other);
        assertEquals(ErrorCode.INCONSISTENT_CLUSTER_ID, result.result().getError());
        assertTrue(result.result().getErrorMessage().contains("cluster-b"));
        assertTrue(h.image.cluster().brokers().isEmpty());
    }

    @Test
    void fencingDecidedByAControllerOfAnEarlierTermIsIgnored() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);
        MetadataCommand stale = h.fence(2, 3).toBuilder().setFenceBrokers(h.fence(2, 3).getFenceBrokers().toBuilder()
                .setControllerTerm(ControllerHarness.TERM - 1)).build();
        ControllerResult refused = h.run(stale);
        assertEquals(ErrorCode.NOT_CONTROLLER, refused.result().getError(),
                "a controller paused through its term saw no heartbeats; its verdict must not be applied");
        assertFalse(h.broker(2).fenced());
        assertFalse(h.broker(3).fenced());

        h.ok(h.fence(2).toBuilder().setFenceBrokers(h.fence(2).getFenceBrokers().toBuilder()
                .setControllerTerm(ControllerHarness.TERM)).build());
        assertTrue(h.broker(2).fenced(), "the active controller's own decision is applied");
    }

    @Test
    void fencingMovesEveryLeadershipToAnotherIsrMemberWithHigherLeaderEpoch() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);
        h.ok(createTopic("t", 6, 3));
        TopicImage before = h.image.topics().topic("t");

        h.ok(h.fence(1));

        assertTrue(h.broker(1).fenced());
        TopicImage after = h.image.topics().topic("t");
        for (int i = 0; i < 6; i++) {
            PartitionRegistration old = before.partition(i);
            PartitionRegistration now = after.partition(i);
            assertFalse(now.isr().contains(1), "fenced broker leaves the ISR");
            assertTrue(now.hasLeader());
            assertTrue(now.leader() != 1);
            assertEquals(old.partitionEpoch() + 1, now.partitionEpoch());
            assertEquals(old.leader() == 1 ? old.leaderEpoch() + 1 : old.leaderEpoch(), now.leaderEpoch());
            if (old.leader() == 1) {
                // The next replica in assignment order that is in the ISR takes over.
                assertEquals(old.replicas().get(1), now.leader());
            }
        }
    }

    @Test
    void lastIsrMemberStaysAndThePartitionHasNoLeader() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2);
        h.ok(createTopic("t", 1, 2));
        int first = h.partition("t", 0).leader();
        int second = first == 1 ? 2 : 1;
        h.ok(h.fence(first));
        h.ok(h.fence(second));
        PartitionRegistration p = h.partition("t", 0);
        assertEquals(PartitionRegistration.NO_LEADER, p.leader());
        assertEquals(List.of(second), p.isr());
        assertEquals(2, p.leaderEpoch());
    }

    @Test
    void fencingSeveralBrokersInOneCommandNeverElectsOneOfThem() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);
        h.ok(createTopic("t", 3, 3));
        h.ok(h.fence(1, 2));
        for (PartitionRegistration p : h.image.topics().topic("t").partitions().values()) {
            assertEquals(3, p.leader());
            assertEquals(List.of(3), p.isr());
        }
    }

    @Test
    void uncleanElectionOnlyWhenTheTopicAllowsIt() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2);
        h.ok(createTopic("clean", 1, 2));
        h.ok(createTopic("unclean", 1, 2, Map.of("unclean.leader.election.enable", "true")));
        // ISR shrinks to {leader} (follower fenced, then back but not caught up), then the leader dies.
        int leader = h.partition("clean", 0).leader();
        int follower = leader == 1 ? 2 : 1;
        h.ok(h.fence(follower));
        h.ok(unfence(follower, h.epoch(follower)));
        h.ok(h.fence(leader));

        assertEquals(PartitionRegistration.NO_LEADER, h.partition("clean", 0).leader());
        PartitionRegistration unclean = h.partition("unclean", 0);
        assertEquals(follower, unclean.leader());
        assertEquals(List.of(follower), unclean.isr());
    }

    @Test
    void unfencingGivesLeaderlessPartitionsTheirIsrMemberBack() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        h.ok(createTopic("t", 2, 1));
        h.ok(h.fence(1));
        assertEquals(PartitionRegistration.NO_LEADER, h.partition("t", 0).leader());
        h.ok(unfence(1, h.epoch(1)));
        assertFalse(h.broker(1).fenced());
        assertEquals(1, h.partition("t", 0).leader());
        assertEquals(2, h.partition("t", 0).leaderEpoch());
    }

    @Test
    void staleFencingAndUnfencingAreIgnoredOrRefused() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        long oldEpoch = h.epoch(1);
        h.ok(register(1, 99));
        h.ok(unfence(1, h.epoch(1)));
        ControllerResult staleFence = h.ok(MetadataCommand.newBuilder().setFenceBrokers(
                io.sluice.protocol.metadata.FenceBrokersCommand.newBuilder().addBrokers(ControllerHarness.ref(1, oldEpoch))).build());
        assertEquals(List.of(), staleFence.records());
        assertFalse(h.broker(1).fenced());
        assertEquals(ErrorCode.STALE_BROKER_EPOCH, h.run(unfence(1, oldEpoch)).result().getError());
        assertEquals(ErrorCode.BROKER_ID_NOT_REGISTERED, h.run(unfence(5, 1)).result().getError());
    }

    @Test
    void controlledShutdownMovesLeadershipAwayAndKeepsTheBrokerFromLeadingAgain() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);
        h.ok(createTopic("t", 6, 2));
        h.ok(h.shutdown(2));
        assertTrue(h.broker(2).inControlledShutdown());
        assertEquals(0, h.image.topics().partitionsLedBy(2));
        // A shutting-down broker may not take replicas or be unfenced back into leadership.
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, h.run(createTopic("u", 1, 3)).result().getError());
        h.ok(unfence(2, h.epoch(2)));
        assertEquals(0, h.image.topics().partitionsLedBy(2));
    }
}
