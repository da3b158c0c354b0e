package io.sluice.metadata.controller;

import io.sluice.metadata.image.CommitSequence;
import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AllocateProducerIdsCommand;
import io.sluice.protocol.metadata.CommitOffsetsCommand;
import io.sluice.protocol.metadata.CommitSequenceRecord;
import io.sluice.protocol.metadata.DeleteGroupOffsetsCommand;
import io.sluice.protocol.metadata.GroupOffsetRecord;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.OffsetCommit;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.ProducerIdsRecord;
import io.sluice.protocol.metadata.TopicPartitionRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** Consumer group offsets and producer id blocks. Stateless. */
final class GroupControl {

    /** Block size when the command asks for none, and the most one command may take. */
    static final int DEFAULT_PRODUCER_ID_BLOCK = 1000;
    static final int MAX_PRODUCER_ID_BLOCK = 100_000;

    private GroupControl() {
    }

    /**
     * Commits each offset on its own: an unknown partition fails that entry only, and so does a group
     * that the committing coordinator (when the command names it) does not coordinate in this image.
     * The image is the one every later command sees, so of two brokers that both believe for a moment
     * that they coordinate a group, only the one the quorum agrees on commits its offsets; and a commit
     * of a group that moved away from its coordinator and back since that coordinator took it is refused
     * too. A command with a sequence that is not newer than the last one applied from its coordinator
     * is refused whole.
     */
    static ControllerResult commitOffsets(MetadataImage image, CommitOffsetsCommand cmd, long timestampMs) {
        List<MetadataRecord> records = new ArrayList<>();
        if (cmd.hasCoordinatorId() && cmd.hasSequence()) {
            CommitSequence sent = new CommitSequence(cmd.getCoordinatorEpoch(), cmd.getSequence());
            CommitSequence last = image.groupOffsets().commitSequence(cmd.getCoordinatorId());
            if (last != null && sent.compareTo(last) <= 0) {
                return ControllerResult.error(ErrorCode.REQUEST_TIMED_OUT, "This offset commit reached the quorum "
                        + "after a later one of broker " + cmd.getCoordinatorId() + " (command " + sent.sequence()
                        + " of broker epoch " + sent.brokerEpoch() + ", after " + last.sequence() + " of epoch "
                        + last.brokerEpoch() + "); its coordinator had given up on it, so it was not applied: commit again.");
            }
            records.add(MetadataRecord.newBuilder().setCommitSequence(CommitSequenceRecord.newBuilder()
                    .setCoordinatorId(cmd.getCoordinatorId()).setBrokerEpoch(sent.brokerEpoch())
                    .setSequence(sent.sequence())).build());
        }
        MetadataCommandResult.Builder result = MetadataCommandResult.newBuilder();
        Map<GroupSince, String> notCoordinator = new HashMap<>(); // why refused, "" when allowed
        for (OffsetCommit commit : cmd.getOffsetsList()) {
            PartitionOutcome.Builder outcome = PartitionOutcome.newBuilder().setGroup(commit.getGroup())
                    .setTopic(commit.getTopic()).setPartition(commit.getPartition());
            TopicImage topic = image.topics().topic(commit.getTopic());
            String refusal = cmd.hasCoordinatorId() ? notCoordinator.computeIfAbsent(new GroupSince(commit.getGroup(),
                    commit.hasCoordinatedSince() ? commit.getCoordinatedSince() : NOT_GIVEN),
                    key -> whyNotCoordinator(image, key, cmd.getCoordinatorId())) : "";
            if (commit.getGroup().isEmpty()) {
                outcome.setError(ErrorCode.INVALID_GROUP_ID).setErrorMessage("The group id is empty: set group.id.");
            } else if (!refusal.isEmpty()) {
                outcome.setError(ErrorCode.NOT_COORDINATOR).setErrorMessage(refusal);
            } else if (topic == null || topic.partition(commit.getPartition()) == null) {
                outcome.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).setErrorMessage("Partition "
                        + commit.getTopic() + "-" + commit.getPartition() + " does not exist; its offset was not committed.");
            } else if (commit.getOffset() < 0) {
                outcome.setError(ErrorCode.INVALID_COMMIT_OFFSET_SIZE).setErrorMessage("Offset "
                        + commit.getOffset() + " for " + commit.getTopic() + "-" + commit.getPartition() + " is negative.");
            } else {
                records.add(MetadataRecord.newBuilder().setGroupOffset(GroupOffsetRecord.newBuilder()
                        .setGroup(commit.getGroup()).setTopic(commit.getTopic()).setPartition(commit.getPartition())
                        .setOffset(commit.getOffset()).setMetadata(commit.getMetadata())
                        .setCommitTimestampMs(timestampMs)).build());
            }
            result.addPartitions(outcome);
        }
        return ControllerResult.of(records, result.build());
    }

    /** A commit's group and the index since which its coordinator says it has held it (or NOT_GIVEN). */
    private record GroupSince(String group, long since) {
    }

    private static final long NOT_GIVEN = -1;

    /**
     * Why {@code broker} may not commit for the group in this image, or "" when it coordinates it and,
     * when the commit says since when, has without a break. Decided once per group and index in a
     * command, which may carry thousands of offsets of few groups.
     */
    private static String whyNotCoordinator(MetadataImage image, GroupSince key, int broker) {
        OptionalInt coordinator = CoordinatorLocator.coordinatorFor(key.group(), image.cluster());
        if (coordinator.isEmpty() || coordinator.getAsInt() != broker) {
            return "Broker " + broker + " no longer coordinates group '" + key.group() + "' (" + (coordinator.isEmpty()
                    ? "no broker is live" : "broker " + coordinator.getAsInt() + " does")
                    + "); the offset was not committed: find the coordinator again.";
        }
        if (key.since() != NOT_GIVEN && !CoordinatorLocator.coordinatedSince(key.group(), broker, key.since(),
                image.cluster())) {
            return "Group '" + key.group() + "' was coordinated by another broker after broker " + broker
                    + " accepted this commit (it has held the group since index " + key.since()
                    + "); the offset was not committed: find the coordinator again.";
        }
        return "";
    }

    static ControllerResult deleteOffsets(MetadataImage image, DeleteGroupOffsetsCommand cmd) {
        var offsets = image.groupOffsets().offsets(cmd.getGroup());
        if (offsets.isEmpty()) {
            return ControllerResult.error(ErrorCode.GROUP_ID_NOT_FOUND,
                    "Group '" + cmd.getGroup() + "' has no committed offsets.");
        }
        List<TopicPartition> targets = new ArrayList<>();
        if (cmd.getPartitionsCount() == 0) {
            targets.addAll(offsets.keySet());
        } else {
            for (TopicPartitionRef ref : cmd.getPartitionsList()) {
                TopicPartition tp = new TopicPartition(ref.getTopic(), ref.getPartition());
                if (offsets.containsKey(tp) && !targets.contains(tp)) {
                    targets.add(tp);
                }
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (TopicPartition tp : targets) {
            records.add(MetadataRecord.newBuilder().setGroupOffset(GroupOffsetRecord.newBuilder()
                    .setGroup(cmd.getGroup()).setTopic(tp.topic()).setPartition(tp.partition()).setRemove(true)).build());
        }
        return ControllerResult.ok(records);
    }

    static ControllerResult allocateProducerIds(MetadataImage image, AllocateProducerIdsCommand cmd) {
        int size = cmd.getBlockSize() == 0 ? DEFAULT_PRODUCER_ID_BLOCK : cmd.getBlockSize();
        if (size < 0 || size > MAX_PRODUCER_ID_BLOCK) {
            return ControllerResult.error(ErrorCode.INVALID_REQUEST, "Producer id block size " + size
                    + " is out of range: ask for 1 to " + MAX_PRODUCER_ID_BLOCK + " ids.");
        }
        long start = image.nextProducerId();
        if (start > Long.MAX_VALUE - size) {
            return ControllerResult.error(ErrorCode.UNKNOWN_SERVER_ERROR, "Producer ids are exhausted.");
        }
        MetadataRecord record = MetadataRecord.newBuilder().setProducerIds(ProducerIdsRecord.newBuilder()
                .setBrokerId(cmd.getBrokerId()).setNextProducerId(start + size)).build();
        return ControllerResult.of(List.of(record), MetadataCommandResult.newBuilder()
                .setProducerIdStart(start).setProducerIdCount(size).build());
    }
}
