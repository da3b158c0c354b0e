package io.sluice.metadata.controller;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterPartitionsCommand;
import io.sluice.protocol.metadata.ElectPreferredLeadersCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.TopicPartitionRef;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Batched partition commands: leader/ISR changes asked for by partition leaders, and preferred
 * leader election. Each partition succeeds or fails on its own. Stateless.
 */
final class PartitionControl {

    private PartitionControl() {
    }

    static ControllerResult alterPartitions(MetadataImage image, AlterPartitionsCommand cmd) {
        if (cmd.hasRequester()) {
            BrokerRegistration requester = image.cluster().broker(cmd.getRequester().getBrokerId());
            if (requester == null || requester.epoch() != cmd.getRequester().getBrokerEpoch()) {
                return ControllerResult.error(ErrorCode.STALE_BROKER_EPOCH, "Broker "
                        + cmd.getRequester().getBrokerId() + " with epoch " + cmd.getRequester().getBrokerEpoch()
                        + " is not the current registration: re-register before changing partitions.");
            }
        }
        PartitionChanges changes = new PartitionChanges(image);
        MetadataCommandResult.Builder result = MetadataCommandResult.newBuilder();
        int requester = cmd.hasRequester() ? cmd.getRequester().getBrokerId() : PartitionRegistration.NO_LEADER;
        for (PartitionChangeRequest request : cmd.getChangesList()) {
            result.addPartitions(alterOne(image, changes, request, requester));
        }
        return ControllerResult.of(changes.records(), result.build());
    }

    /** One partition's change; {@code requester} (when not -1) must be the partition's current leader. */
    private static PartitionOutcome alterOne(MetadataImage image, PartitionChanges changes, PartitionChangeRequest r,
                                             int requester) {
        PartitionOutcome.Builder outcome = PartitionOutcome.newBuilder().setTopic(r.getTopic()).setPartition(r.getPartition());
        TopicImage topic = image.topics().topic(r.getTopic());
        PartitionRegistration current = topic == null ? null : changes.get(topic.id(), r.getPartition());
        if (current == null) {
            return outcome.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).setErrorMessage("Partition "
                    + r.getTopic() + "-" + r.getPartition() + " does not exist.").build();
        }
        if (r.getPartitionEpoch() != current.partitionEpoch()) {
            return describe(outcome, current).setError(ErrorCode.FENCED_LEADER_EPOCH).setErrorMessage("Partition "
                    + r.getTopic() + "-" + r.getPartition() + " change was based on partition epoch "
                    + r.getPartitionEpoch() + " but it is at " + current.partitionEpoch()
                    + ": refresh metadata and retry.").build();
        }
        if (requester != PartitionRegistration.NO_LEADER && requester != current.leader()) {
            return describe(outcome, current).setError(ErrorCode.NOT_LEADER_OR_FOLLOWER).setErrorMessage("Broker "
                    + requester + " does not lead " + r.getTopic() + "-" + r.getPartition() + " (leader "
                    + current.leader() + "): only the leader changes its ISR; refresh metadata.").build();
        }
        String problem = checkLeaderAndIsr(image, current, r.getLeader(), r.getIsrList());
        if (problem != null) {
            return describe(outcome, current).setError(ErrorCode.INVALID_REQUEST)
                    .setErrorMessage("Partition " + r.getTopic() + "-" + r.getPartition() + ": " + problem).build();
        }
        // A running reassignment completes in the same apply as the ISR change that makes it possible.
        PartitionRegistration next = changes.update(topic.id(), r.getPartition(), p ->
                p.leader() == r.getLeader() && p.isr().equals(r.getIsrList()) ? p
                        : ReassignmentControl.maybeComplete(p.next(r.getLeader(), r.getIsrList()),
                                image.cluster()::isEligible));
        return describe(outcome, next).build();
    }

    /** What is wrong with the requested leader and ISR, or null when they are acceptable. */
    private static String checkLeaderAndIsr(MetadataImage image, PartitionRegistration p, int leader, List<Integer> isr) {
        if (isr.isEmpty()) {
            return "the ISR cannot be empty.";
        }
        if (new HashSet<>(isr).size() != isr.size()) {
            return "the ISR " + isr + " lists a broker twice.";
        }
        for (int broker : isr) {
            if (!p.replicas().contains(broker)) {
                return "broker " + broker + " is not a replica (replicas " + p.replicas() + ").";
            }
            if (!image.cluster().isUnfenced(broker) && !p.isr().contains(broker)) {
                return "broker " + broker + " is fenced and cannot join the ISR until it is unfenced.";
            }
        }
        if (leader != PartitionRegistration.NO_LEADER && !isr.contains(leader)) {
            return "the leader " + leader + " must be in the ISR " + isr + ".";
        }
        if (leader != p.leader() && leader != PartitionRegistration.NO_LEADER && !image.cluster().isEligible(leader)) {
            return "broker " + leader + " is fenced or shutting down and cannot become leader.";
        }
        return null;
    }

    /** Moves leadership to the first replica wherever it is in the ISR and eligible. */
    static ControllerResult electPreferred(MetadataImage image, ElectPreferredLeadersCommand cmd) {
        PartitionChanges changes = new PartitionChanges(image);
        MetadataCommandResult.Builder result = MetadataCommandResult.newBuilder();
        List<TopicPartitionRef> targets = cmd.getPartitionsCount() > 0 ? cmd.getPartitionsList() : allPartitions(image);
        for (TopicPartitionRef ref : targets) {
            PartitionOutcome.Builder outcome = PartitionOutcome.newBuilder()
                    .setTopic(ref.getTopic()).setPartition(ref.getPartition());
            TopicImage topic = image.topics().topic(ref.getTopic());
            if (topic == null || topic.partition(ref.getPartition()) == null) {
                result.addPartitions(outcome.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).setErrorMessage(
                        "Partition " + ref.getTopic() + "-" + ref.getPartition() + " does not exist."));
                continue;
            }
            PartitionRegistration next = changes.update(topic.id(), ref.getPartition(),
                    p -> Leadership.withPreferredLeader(p, image.cluster()::isEligible));
            describe(outcome, next);
            if (next.leader() != next.preferredLeader()) {
                outcome.setError(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE).setErrorMessage("Preferred leader "
                        + next.preferredLeader() + " of " + ref.getTopic() + "-" + ref.getPartition()
                        + " is not in the ISR " + next.isr() + " or not available; retry once it has caught up.");
            }
            result.addPartitions(outcome);
        }
        return ControllerResult.of(changes.records(), result.build());
    }

    private static List<TopicPartitionRef> allPartitions(MetadataImage image) {
        List<TopicPartitionRef> all = new ArrayList<>();
        for (TopicImage topic : image.topics().byName().values()) {
            for (int index : topic.partitions().keySet()) {
                all.add(TopicPartitionRef.newBuilder().setTopic(topic.name()).setPartition(index).build());
            }
        }
        return all;
    }

    private static PartitionOutcome.Builder describe(PartitionOutcome.Builder outcome, PartitionRegistration p) {
        return outcome.setLeader(p.leader()).setLeaderEpoch(p.leaderEpoch()).setPartitionEpoch(p.partitionEpoch());
    }
}
