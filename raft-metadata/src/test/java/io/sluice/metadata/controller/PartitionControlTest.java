package io.sluice.metadata.controller;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterPartitionsCommand;
import io.sluice.protocol.metadata.ElectPreferredLeadersCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.TopicPartitionRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.sluice.metadata.controller.ControllerHarness.createTopic;
import static io.sluice.metadata.controller.ControllerHarness.unfence;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class PartitionControlTest {

    private final ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);

    @Test
    void shrinksAndExpandsIsrOfManyPartitionsInOneCommand() {
        h.ok(createTopic("t", 3, 3));
        PartitionRegistration p0 = h.partition("t", 0);
        PartitionRegistration p1 = h.partition("t", 1);
        List<Integer> shrunk0 = List.of(p0.leader());
        List<Integer> shrunk1 = List.of(p1.leader());
        ControllerResult result = h.ok(alter(change("t", 0, p0.leader(), shrunk0, p0.partitionEpoch()),
                change("t", 1, p1.leader(), shrunk1, p1.partitionEpoch())));

        assertEquals(2, result.records().size());
        assertEquals(shrunk0, h.partition("t", 0).isr());
        assertEquals(shrunk1, h.partition("t", 1).isr());
        assertEquals(p0.partitionEpoch() + 1, h.partition("t", 0).partitionEpoch());
        assertEquals(p0.leaderEpoch(), h.partition("t", 0).leaderEpoch());
        PartitionOutcome outcome = result.result().getPartitions(0);
        assertEquals(ErrorCode.NONE, outcome.getError());
        assertEquals(p0.partitionEpoch() + 1, outcome.getPartitionEpoch());

        h.ok(alter(change("t", 0, p0.leader(), p0.replicas(), p0.partitionEpoch() + 1)));
        assertEquals(p0.replicas(), h.partition("t", 0).isr());
    }

    @Test
    void refusesStalePartitionEpochAndKeepsOtherChangesOfTheBatch() {
        h.ok(createTopic("t", 2, 3));
        PartitionRegistration p0 = h.partition("t", 0);
        PartitionRegistration p1 = h.partition("t", 1);
        ControllerResult result = h.ok(alter(change("t", 0, p0.leader(), List.of(p0.leader()), p0.partitionEpoch() + 5),
                change("t", 1, p1.leader(), List.of(p1.leader()), p1.partitionEpoch())));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, result.result().getPartitions(0).getError());
        assertTrue(result.result().getPartitions(0).getErrorMessage().contains("refresh metadata"));
        assertEquals(ErrorCode.NONE, result.result().getPartitions(1).getError());
        assertEquals(p0, h.partition("t", 0));
        assertEquals(List.of(p1.leader()), h.partition("t", 1).isr());
    }

    @Test
    void refusesImpossibleLeaderAndIsr() {
        h.ok(createTopic("t", 1, 2));
        PartitionRegistration p = h.partition("t", 0);
        int outsider = List.of(1, 2, 3).stream().filter(b -> !p.replicas().contains(b)).findFirst().orElseThrow();
        int follower = p.replicas().get(1);
        assertInvalid(change("t", 0, p.leader(), List.of(), p.partitionEpoch()), "cannot be empty");
        assertInvalid(change("t", 0, p.leader(), List.of(p.leader(), outsider), p.partitionEpoch()), "not a replica");
        assertInvalid(change("t", 0, p.leader(), List.of(follower), p.partitionEpoch()), "must be in the ISR");
        assertInvalid(change("t", 0, p.leader(), List.of(p.leader(), p.leader()), p.partitionEpoch()), "twice");
        ControllerResult unknown = h.ok(alter(change("t", 9, 1, List.of(1), 0)));
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, unknown.result().getPartitions(0).getError());
    }

    @Test
    void onlyTheCurrentLeaderWithItsCurrentEpochMayChangeTheIsr() {
        h.ok(createTopic("t", 1, 3));
        PartitionRegistration p = h.partition("t", 0);
        int follower = p.replicas().get(1);
        PartitionChangeRequest shrink = change("t", 0, p.leader(), List.of(p.leader()), p.partitionEpoch());

        ControllerResult notLeader = h.ok(alterBy(follower, h.epoch(follower), shrink));
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, notLeader.result().getPartitions(0).getError());
        ControllerResult staleBroker = h.run(alterBy(p.leader(), h.epoch(p.leader()) - 1, shrink));
        assertEquals(ErrorCode.STALE_BROKER_EPOCH, staleBroker.result().getError());
        assertEquals(p, h.partition("t", 0));

        h.ok(alterBy(p.leader(), h.epoch(p.leader()), shrink));
        assertEquals(List.of(p.leader()), h.partition("t", 0).isr());
    }

    private static MetadataCommand alterBy(int broker, long epoch, PartitionChangeRequest change) {
        return MetadataCommand.newBuilder().setAlterPartitions(AlterPartitionsCommand.newBuilder()
                .setRequester(ControllerHarness.ref(broker, epoch)).addChanges(change)).build();
    }

    @Test
    void leaderChangeRequestedByAlterPartitionsBumpsLeaderEpoch() {
        h.ok(createTopic("t", 1, 2));
        PartitionRegistration p = h.partition("t", 0);
        int follower = p.replicas().get(1);
        h.ok(alter(change("t", 0, follower, p.isr(), p.partitionEpoch())));
        assertEquals(follower, h.partition("t", 0).leader());
        assertEquals(p.leaderEpoch() + 1, h.partition("t", 0).leaderEpoch());
    }

    @Test
    void electsPreferredLeadersWhenTheyAreBackInTheIsr() {
        h.ok(createTopic("t", 3, 3));
        int preferred = h.partition("t", 0).preferredLeader();
        h.ok(h.fence(preferred));
        assertTrue(h.partition("t", 0).leader() != preferred);
        h.ok(unfence(preferred, h.epoch(preferred)));
        // Back, but not in the ISR yet: the election is refused for that partition.
        ControllerResult notYet = h.ok(electAll());
        assertEquals(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, notYet.result().getPartitions(0).getError());

        PartitionRegistration p = h.partition("t", 0);
        h.ok(alter(change("t", 0, p.leader(), p.replicas(), p.partitionEpoch())));
        ControllerResult elected = h.ok(MetadataCommand.newBuilder().setElectPreferredLeaders(ElectPreferredLeadersCommand
                .newBuilder().addPartitions(TopicPartitionRef.newBuilder().setTopic("t").setPartition(0))).build());
        assertEquals(ErrorCode.NONE, elected.result().getPartitions(0).getError());
        assertEquals(preferred, h.partition("t", 0).leader());
        assertEquals(p.leaderEpoch() + 1, h.partition("t", 0).leaderEpoch());
    }

    private void assertInvalid(PartitionChangeRequest change, String messagePart) {
        ControllerResult result = h.ok(alter(change));
        PartitionOutcome outcome = result.result().getPartitions(0);
        assertEquals(ErrorCode.INVALID_REQUEST, outcome.getError());
        assertTrue(outcome.getErrorMessage().contains(messagePart), outcome.getErrorMessage());
        assertEquals(List.of(), result.records());
    }

    private static MetadataCommand electAll() {
        return MetadataCommand.newBuilder().setElectPreferredLeaders(ElectPreferredLeadersCommand.getDefaultInstance()).build();
    }

    private static MetadataCommand alter(PartitionChangeRequest... changes) {
        return MetadataCommand.newBuilder().setAlterPartitions(
                AlterPartitionsCommand.newBuilder().addAllChanges(List.of(changes))).build();
    }

    private static PartitionChangeRequest change(String topic, int partition, int leader, List<Integer> isr, int epoch) {
        return PartitionChangeRequest.newBuilder().setTopic(topic).setPartition(partition).setLeader(leader)
                .addAllIsr(isr).setPartitionEpoch(epoch).build();
    }
}
