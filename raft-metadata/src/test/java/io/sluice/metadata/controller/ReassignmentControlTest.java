package io.sluice.metadata.controller;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterBrokerConfigsCommand;
import io.sluice.protocol.metadata.AlterPartitionReassignmentsCommand;
import io.sluice.protocol.metadata.AlterPartitionsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.PartitionReassignment;
import org.junit.jupiter.api.BeforeEach;
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

/** Reassignment state transitions (KIP-455) as the controller applies them. */
@Timeout(10)
class ReassignmentControlTest {

    private final ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);

    @BeforeEach
    void topicOnOneTwoThreeThenTwoMoreBrokers() {
        h.ok(createTopic("t", 2, 3));
        assertEquals(List.of(1, 2, 3), h.partition("t", 0).replicas());
        for (int id : new int[] {4, 5}) {
            h.ok(unfence(id, h.ok(register(id, 1)).result().getBrokerEpoch()));
        }
    }

    @Test
    void runsAsUnionAndCompletesWhenEveryTargetReplicaIsInTheIsr() {
        PartitionRegistration before = h.partition("t", 0);
        ControllerResult started = h.ok(reassign(move("t", 0, 2, 3, 4)));
        assertEquals(ErrorCode.NONE, started.result().getPartitions(0).getError());

        PartitionRegistration running = h.partition("t", 0);
        assertEquals(List.of(2, 3, 4, 1), running.replicas(), "target first, then the replicas being removed");
        assertEquals(List.of(4), running.addingReplicas());
        assertEquals(List.of(1), running.removingReplicas());
        assertEquals(before.isr(), running.isr());
        assertEquals(1, running.leader());
        assertEquals(before.leaderEpoch(), running.leaderEpoch(), "no replica left yet: same leader epoch");
        assertEquals(before.partitionEpoch() + 1, running.partitionEpoch());

        // The leader adds the new replica once it caught up; that same apply completes the move.
        h.ok(isr("t", 0, 1, running.partitionEpoch(), 1, 2, 3, 4));
        PartitionRegistration done = h.partition("t", 0);
        assertEquals(List.of(2, 3, 4), done.replicas());
        assertEquals(List.of(2, 3, 4), done.isr(), "the removed replica left the ISR");
        assertEquals(2, done.leader(), "the removed leader handed over to the first target replica");
        assertEquals(before.leaderEpoch() + 1, done.leaderEpoch());
        assertFalse(done.isReassigning());
    }

    @Test
    void isrChangeShortOfTheTargetLeavesTheReassignmentRunning() {
        h.ok(reassign(move("t", 0, 3, 4, 5)));
        PartitionRegistration running = h.partition("t", 0);
        h.ok(isr("t", 0, 1, running.partitionEpoch(), 1, 2, 3, 4));
        PartitionRegistration still = h.partition("t", 0);
        assertTrue(still.isReassigning());
        assertEquals(List.of(3, 4, 5, 1, 2), still.replicas());
        assertEquals(List.of(1, 2, 3, 4), still.isr());
        assertEquals(1, still.leader());
    }

    @Test
    void aLeaderThatStaysKeepsLeadingInANewEpochOnceAReplicaLeft() {
        PartitionRegistration before = h.partition("t", 0);
        h.ok(reassign(move("t", 0, 1, 2, 4)));
        h.ok(isr("t", 0, 1, h.partition("t", 0).partitionEpoch(), 1, 2, 3, 4));
        PartitionRegistration done = h.partition("t", 0);
        assertEquals(List.of(1, 2, 4), done.replicas());
        assertEquals(List.of(1, 2, 4), done.isr());
        assertEquals(1, done.leader());
        assertEquals(before.leaderEpoch() + 1, done.leaderEpoch(), "replica 3 left: its fetches must be fenced");
    }

    @Test
    void targetAlreadyInTheIsrCompletesAtOnce() {
        PartitionRegistration before = h.partition("t", 0);
        h.ok(reassign(move("t", 0, 2, 1)));
        PartitionRegistration done = h.partition("t", 0);
        assertEquals(List.of(2, 1), done.replicas());
        assertEquals(List.of(1, 2), done.isr());
        assertEquals(1, done.leader(), "the leader stays: reordering is not an election");
        assertFalse(done.isReassigning());
        assertEquals(before.leaderEpoch() + 1, done.leaderEpoch());
    }

    @Test
    void cancelRevertsToTheOriginalReplicas() {
        PartitionRegistration before = h.partition("t", 0);
        h.ok(reassign(move("t", 0, 3, 4, 5)));
        h.ok(isr("t", 0, 1, h.partition("t", 0).partitionEpoch(), 1, 2, 3, 4));
        ControllerResult cancelled = h.ok(reassign(cancel("t", 0)));
        assertEquals(ErrorCode.NONE, cancelled.result().getPartitions(0).getError());
        PartitionRegistration reverted = h.partition("t", 0);
        // As Kafka's KRaft controller: the union put the target first, so the order is the union's.
        assertEquals(List.of(3, 1, 2), reverted.replicas());
        assertEquals(List.of(1, 2, 3), reverted.isr(), "the added replica left the ISR");
        assertEquals(1, reverted.leader());
        assertFalse(reverted.isReassigning());
        assertEquals(before.leaderEpoch() + 1, reverted.leaderEpoch());
    }

    @Test
    void cancelMovesLeadershipBackWhenAnAddedReplicaLeads() {
        h.ok(reassign(move("t", 0, 4, 5, 1)));
        h.ok(isr("t", 0, 1, h.partition("t", 0).partitionEpoch(), 1, 2, 3, 4));
        // Replica 4 leads (a preferred-leader election moved it there) before the cancel.
        PartitionRegistration running = h.partition("t", 0);
        h.ok(isrAndLeader("t", 0, 1, 4, running.partitionEpoch(), 1, 2, 3, 4));
        assertEquals(4, h.partition("t", 0).leader());
        h.ok(reassign(cancel("t", 0)));
        PartitionRegistration reverted = h.partition("t", 0);
        assertEquals(List.of(1, 2, 3), reverted.replicas());
        assertEquals(1, reverted.leader(), "the first original replica in the ISR");
    }

    @Test
    void cancelOfNothingIsRefusedAndChangesNothing() {
        MetadataImage before = h.image;
        ControllerResult result = h.ok(reassign(cancel("t", 0)));
        assertEquals(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, result.result().getPartitions(0).getError());
        assertEquals(List.of(), result.records());
        assertEquals(before.topics(), h.image.topics());
    }

    @Test
    void badTargetsAreRefusedOneByOneAndChangeNothing() {
        MetadataImage before = h.image;
        ControllerResult result = h.ok(reassign(move("nope", 0, 1, 2), move("t", 7, 1, 2), move("t", 0, 1, 9),
                move("t", 0, 1, 2, 1), move("t", 0)));
        List<ErrorCode> errors = result.result().getPartitionsList().stream().map(PartitionOutcome::getError).toList();
        assertEquals(List.of(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
                ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.INVALID_REPLICA_ASSIGNMENT,
                ErrorCode.INVALID_REPLICA_ASSIGNMENT), errors);
        assertTrue(result.result().getPartitions(2).getErrorMessage().contains("no such broker is registered"));
        assertEquals(List.of(), result.records());
        assertEquals(before.topics(), h.image.topics());
    }

    @Test
    void replicationFactorChangeIsRefusedWhenNotAllowed() {
        MetadataCommand keep = MetadataCommand.newBuilder().setAlterPartitionReassignments(
                AlterPartitionReassignmentsCommand.newBuilder().setKeepReplicationFactor(true)
                        .addReassignments(move("t", 0, 2, 3, 4, 5))).build();
        ControllerResult result = h.ok(keep);
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, result.result().getPartitions(0).getError());
        assertEquals(List.of(1, 2, 3), h.partition("t", 0).replicas());
    }

    @Test
    void oneBadPartitionDoesNotStopTheOthers() {
        ControllerResult result = h.ok(reassign(move("t", 0, 1, 9), move("t", 1, 3, 4, 5)));
        assertEquals(ErrorCode.INVALID_REPLICA_ASSIGNMENT, result.result().getPartitions(0).getError());
        assertEquals(ErrorCode.NONE, result.result().getPartitions(1).getError());
        assertFalse(h.partition("t", 0).isReassigning());
        assertTrue(h.partition("t", 1).isReassigning());
    }

    @Test
    void aRunningReassignmentSurvivesASnapshot() {
        h.ok(reassign(move("t", 0, 3, 4, 5)));
        MetadataImage restored = MetadataImage.fromRecords(h.image.toRecords(), h.image.index(), h.image.term());
        assertEquals(h.image.topics(), restored.topics());
        assertEquals(List.of(4, 5), restored.topics().topic("t").partition(0).addingReplicas());
    }

    @Test
    void throttlesAreDynamicBrokerConfigsAndOtherKeysAreRefused() {
        h.ok(brokerConfigs(2, Map.of(DynamicBrokerConfigs.LEADER_THROTTLED_RATE, "1000")));
        h.ok(brokerConfigs(-1, Map.of(DynamicBrokerConfigs.FOLLOWER_THROTTLED_RATE, "500")));
        assertEquals("1000", h.image.configs().brokerValue(2, DynamicBrokerConfigs.LEADER_THROTTLED_RATE));
        assertEquals("500", h.image.configs().brokerValue(2, DynamicBrokerConfigs.FOLLOWER_THROTTLED_RATE));
        MetadataImage restored = MetadataImage.fromRecords(h.image.toRecords(), h.image.index(), h.image.term());
        assertEquals(h.image.configs(), restored.configs());

        assertEquals(ErrorCode.INVALID_REQUEST, h.run(brokerConfigs(2, Map.of("log.dirs", "/x"))).result().getError());
        assertEquals(ErrorCode.INVALID_CONFIG,
                h.run(brokerConfigs(2, Map.of(DynamicBrokerConfigs.LEADER_THROTTLED_RATE, "-5"))).result().getError());
        h.ok(MetadataCommand.newBuilder().setAlterBrokerConfigs(AlterBrokerConfigsCommand.newBuilder().setBrokerId(2)
                .addDelete(DynamicBrokerConfigs.LEADER_THROTTLED_RATE)).build());
        assertEquals(null, h.image.configs().brokerValue(2, DynamicBrokerConfigs.LEADER_THROTTLED_RATE));
    }

    private static MetadataCommand brokerConfigs(int broker, Map<String, String> set) {
        return MetadataCommand.newBuilder().setAlterBrokerConfigs(
                AlterBrokerConfigsCommand.newBuilder().setBrokerId(broker).putAllSet(set)).build();
    }

    private static MetadataCommand reassign(PartitionReassignment... reassignments) {
        return MetadataCommand.newBuilder().setAlterPartitionReassignments(
                AlterPartitionReassignmentsCommand.newBuilder().addAllReassignments(List.of(reassignments))).build();
    }

    private static PartitionReassignment move(String topic, int partition, Integer... replicas) {
        return PartitionReassignment.newBuilder().setTopic(topic).setPartition(partition)
                .addAllReplicas(List.of(replicas)).build();
    }

    private static PartitionReassignment cancel(String topic, int partition) {
        return PartitionReassignment.newBuilder().setTopic(topic).setPartition(partition).setCancel(true).build();
    }

    private static MetadataCommand isr(String topic, int partition, int leader, int epoch, Integer... isr) {
        return isrAndLeader(topic, partition, leader, leader, epoch, isr);
    }

    private static MetadataCommand isrAndLeader(String topic, int partition, int requester, int leader, int epoch,
                                                Integer... isr) {
        return MetadataCommand.newBuilder().setAlterPartitions(AlterPartitionsCommand.newBuilder()
                .addChanges(PartitionChangeRequest.newBuilder().setTopic(topic).setPartition(partition)
                        .setLeader(leader).addAllIsr(List.of(isr)).setPartitionEpoch(epoch))).build();
    }
}
