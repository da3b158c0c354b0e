package io.sluice.metadata.controller;

import io.sluice.metadata.image.CommitSequence;
import io.sluice.metadata.image.CommittedOffset;
import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AllocateProducerIdsCommand;
import io.sluice.protocol.metadata.CommitOffsetsCommand;
import io.sluice.protocol.metadata.DeleteGroupOffsetsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.OffsetCommit;
import io.sluice.protocol.metadata.TopicPartitionRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.sluice.metadata.controller.ControllerHarness.createTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

@Timeout(10)
class GroupControlTest {

    private final ControllerHarness h = ControllerHarness.withBrokers(1);

    @Test
    void commitsOffsetsOfManyGroupsInOneEntryWithTheProposersTimestamp() {
        h.ok(createTopic("t", 2, 1));
        ControllerResult result = h.ok(MetadataCommand.newBuilder().setTimestampMs(1234).setCommitOffsets(
                CommitOffsetsCommand.newBuilder().addOffsets(commit("g1", "t", 0, 10)).addOffsets(commit("g1", "t", 1, 11))
                        .addOffsets(commit("g2", "t", 0, 20))).build());
        assertEquals(3, result.records().size());
        assertEquals(new CommittedOffset(10, "meta", 1234), h.image.groupOffsets().offset("g1", new TopicPartition("t", 0)));
        assertEquals(20, h.image.groupOffsets().offset("g2", new TopicPartition("t", 0)).offset());
    }

    @Test
    void refusesOnlyTheBadEntriesOfABatch() {
        h.ok(createTopic("t", 1, 1));
        ControllerResult result = h.ok(MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .addOffsets(commit("g", "t", 0, 5)).addOffsets(commit("g", "t", 3, 5))
                .addOffsets(commit("g", "missing", 0, 5)).addOffsets(commit("", "t", 0, 5))
                .addOffsets(commit("g", "t", 0, -2))).build());
        assertEquals(ErrorCode.NONE, result.result().getPartitions(0).getError());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, result.result().getPartitions(1).getError());
        assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, result.result().getPartitions(2).getError());
        assertEquals(ErrorCode.INVALID_GROUP_ID, result.result().getPartitions(3).getError());
        assertEquals(ErrorCode.INVALID_COMMIT_OFFSET_SIZE, result.result().getPartitions(4).getError());
        assertEquals(1, result.records().size());
        assertEquals(5, h.image.groupOffsets().offset("g", new TopicPartition("t", 0)).offset());
    }

    @Test
    void onlyTheGroupsCoordinatorInTheQuorumsViewCommitsItsOffsets() {
        ControllerHarness three = ControllerHarness.withBrokers(3);
        three.ok(createTopic("t", 1, 1));
        int coordinator = CoordinatorLocator.coordinatorFor("g", three.image.cluster()).getAsInt();
        int other = coordinator % 3 + 1;
        ControllerResult stale = three.ok(MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .setCoordinatorId(other).addOffsets(commit("g", "t", 0, 5))).build());
        assertEquals(ErrorCode.NOT_COORDINATOR, stale.result().getPartitions(0).getError(),
                "a broker whose image still says it coordinates the group must not commit for it");
        assertNull(three.image.groupOffsets().offset("g", new TopicPartition("t", 0)));

        three.ok(MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .setCoordinatorId(coordinator).addOffsets(commit("g", "t", 0, 7))).build());
        assertEquals(7, three.image.groupOffsets().offset("g", new TopicPartition("t", 0)).offset());
    }

    @Test
    void aCommitCommandOlderThanOneAlreadyAppliedFromItsCoordinatorIsRefusedWhole() {
        ControllerHarness one = ControllerHarness.withBrokers(1);
        one.ok(createTopic("t", 1, 1));
        int coordinator = CoordinatorLocator.coordinatorFor("g", one.image.cluster()).getAsInt();
        one.ok(sequenced(coordinator, 40, 7, 300));
        assertEquals(new CommitSequence(40, 7), one.image.groupOffsets().commitSequence(coordinator));

        // Command 6 timed out at its coordinator and reaches the quorum only now: it must not move the offset back.
        ControllerResult late = one.run(sequenced(coordinator, 40, 6, 200));
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, late.result().getError());
        assertEquals(300, one.image.groupOffsets().offset("g", new TopicPartition("t", 0)).offset());
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, one.run(sequenced(coordinator, 40, 7, 200)).result().getError(),
                "the same command twice is no newer");
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, one.run(sequenced(coordinator, 39, 99, 200)).result().getError(),
                "an earlier incarnation of the broker is older, whatever its count");

        one.ok(sequenced(coordinator, 52, 1, 310)); // the broker restarted: its count starts again, its epoch is newer
        assertEquals(310, one.image.groupOffsets().offset("g", new TopicPartition("t", 0)).offset());
        assertEquals(new CommitSequence(52, 1), one.image.groupOffsets().commitSequence(coordinator));
    }

    @Test
    void anEmptyCommitCommandOnlyAdvancesItsCoordinatorsSequence() {
        ControllerHarness one = ControllerHarness.withBrokers(1);
        one.ok(createTopic("t", 1, 1));
        int coordinator = CoordinatorLocator.coordinatorFor("g", one.image.cluster()).getAsInt();
        one.ok(MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .setCoordinatorId(coordinator).setCoordinatorEpoch(3).setSequence(5)).build());
        assertEquals(new CommitSequence(3, 5), one.image.groupOffsets().commitSequence(coordinator));
        assertEquals(ErrorCode.REQUEST_TIMED_OUT, one.run(sequenced(coordinator, 3, 4, 1)).result().getError());
        assertNull(one.image.groupOffsets().offset("g", new TopicPartition("t", 0)));
    }

    private static MetadataCommand sequenced(int coordinator, long epoch, long sequence, long offset) {
        return MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder().setCoordinatorId(coordinator)
                .setCoordinatorEpoch(epoch).setSequence(sequence).addOffsets(commit("g", "t", 0, offset))).build();
    }

    @Test
    void aCommitOfAGroupThatMovedAwayFromItsCoordinatorAndBackIsRefused() {
        ControllerHarness three = ControllerHarness.withBrokers(1, 2, 3);
        three.ok(createTopic("t", 1, 1));
        String group = "g";
        int first = CoordinatorLocator.coordinatorFor(group, three.image.cluster()).getAsInt();
        three.ok(three.fence(first));
        int second = CoordinatorLocator.coordinatorFor(group, three.image.cluster()).getAsInt();
        long since = three.image.index(); // the second broker takes the group here, and accepts a commit
        MetadataCommand late = MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .setCoordinatorId(second).addOffsets(commit(group, "t", 0, 5).toBuilder().setCoordinatedSince(since)))
                .build();
        three.ok(ControllerHarness.unfence(first, three.image.cluster().broker(first).epoch())); // the group goes back
        three.ok(three.fence(first)); // and comes again

        ControllerResult result = three.ok(late);
        assertEquals(ErrorCode.NOT_COORDINATOR, result.result().getPartitions(0).getError(),
                "the first broker may have handed the partition to another member meanwhile");
        assertNull(three.image.groupOffsets().offset(group, new TopicPartition("t", 0)));

        MetadataCommand fresh = MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .setCoordinatorId(second).addOffsets(commit(group, "t", 0, 6).toBuilder()
                        .setCoordinatedSince(three.image.index()))).build();
        three.ok(fresh);
        assertEquals(6, three.image.groupOffsets().offset(group, new TopicPartition("t", 0)).offset());
    }

    @Test
    void deletesSomeOrAllOffsetsOfAGroup() {
        h.ok(createTopic("t", 3, 1));
        h.ok(MetadataCommand.newBuilder().setCommitOffsets(CommitOffsetsCommand.newBuilder()
                .addOffsets(commit("g", "t", 0, 1)).addOffsets(commit("g", "t", 1, 1))
                .addOffsets(commit("g", "t", 2, 1))).build());
        h.ok(MetadataCommand.newBuilder().setDeleteGroupOffsets(DeleteGroupOffsetsCommand.newBuilder().setGroup("g")
                .addPartitions(TopicPartitionRef.newBuilder().setTopic("t").setPartition(1))).build());
        assertEquals(2, h.image.groupOffsets().offsets("g").size());
        assertNull(h.image.groupOffsets().offset("g", new TopicPartition("t", 1)));

        h.ok(MetadataCommand.newBuilder().setDeleteGroupOffsets(DeleteGroupOffsetsCommand.newBuilder().setGroup("g")).build());
        assertEquals(0, h.image.groupOffsets().groups().size());
        ControllerResult missing = h.run(MetadataCommand.newBuilder().setDeleteGroupOffsets(
                DeleteGroupOffsetsCommand.newBuilder().setGroup("g")).build());
        assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, missing.result().getError());
    }

    @Test
    void allocatesConsecutiveProducerIdBlocks() {
        ControllerResult first = h.ok(allocate(0));
        ControllerResult second = h.ok(allocate(10));
        assertEquals(0, first.result().getProducerIdStart());
        assertEquals(GroupControl.DEFAULT_PRODUCER_ID_BLOCK, first.result().getProducerIdCount());
        assertEquals(GroupControl.DEFAULT_PRODUCER_ID_BLOCK, second.result().getProducerIdStart());
        assertEquals(10, second.result().getProducerIdCount());
        assertEquals(GroupControl.DEFAULT_PRODUCER_ID_BLOCK + 10, h.image.nextProducerId());
        assertEquals(ErrorCode.INVALID_REQUEST, h.run(allocate(-1)).result().getError());
        assertEquals(ErrorCode.INVALID_REQUEST, h.run(allocate(GroupControl.MAX_PRODUCER_ID_BLOCK + 1)).result().getError());
    }

    private static MetadataCommand allocate(int size) {
        return MetadataCommand.newBuilder().setAllocateProducerIds(
                AllocateProducerIdsCommand.newBuilder().setBrokerId(1).setBlockSize(size)).build();
    }

    private static OffsetCommit commit(String group, String topic, int partition, long offset) {
        return OffsetCommit.newBuilder().setGroup(group).setTopic(topic).setPartition(partition).setOffset(offset)
                .setMetadata("meta").build();
    }
}
