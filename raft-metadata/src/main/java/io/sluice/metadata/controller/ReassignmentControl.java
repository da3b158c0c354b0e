package io.sluice.metadata.controller;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterPartitionReassignmentsCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.PartitionReassignment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Partition reassignment as Kafka's controller does it (KIP-455): a target replica list turns the
 * registration into the union of the current and the target replicas with the adding and removing
 * replicas named; the new replicas fetch and the leader adds them to the ISR as usual; once every
 * target replica is in the ISR, {@link #maybeComplete} (run on the same apply as the ISR change)
 * makes the target the replica set, drops the removed replicas from the ISR and moves leadership
 * if its holder is leaving. A cancel reverts to the original replicas. Each partition succeeds or
 * fails on its own; a refused one is left as it was. Stateless.
 */
final class ReassignmentControl {

    private ReassignmentControl() {
    }

    static ControllerResult alter(MetadataImage image, AlterPartitionReassignmentsCommand cmd) {
        PartitionChanges changes = new PartitionChanges(image);
        MetadataCommandResult.Builder result = MetadataCommandResult.newBuilder();
        for (PartitionReassignment r : cmd.getReassignmentsList()) {
            result.addPartitions(alterOne(image, changes, r, cmd.getKeepReplicationFactor()));
        }
        return ControllerResult.of(changes.records(), result.build());
    }

    private static PartitionOutcome alterOne(MetadataImage image, PartitionChanges changes, PartitionReassignment r,
                                             boolean keepReplicationFactor) {
        PartitionOutcome.Builder outcome = PartitionOutcome.newBuilder().setTopic(r.getTopic()).setPartition(r.getPartition());
        String name = r.getTopic() + "-" + r.getPartition();
        TopicImage topic = image.topics().topic(r.getTopic());
        PartitionRegistration current = topic == null ? null : changes.get(topic.id(), r.getPartition());
        if (current == null) {
            return outcome.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    .setErrorMessage("Partition " + name + " does not exist.").build();
        }
        IntPredicate eligible = image.cluster()::isEligible;
        if (r.getCancel()) {
            if (!current.isReassigning()) {
                return outcome.setError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS)
                        .setErrorMessage("No reassignment of " + name + " is in progress.").build();
            }
            PartitionRegistration reverted = revert(current, eligible);
            if (reverted == null) {
                return outcome.setError(ErrorCode.INVALID_REPLICA_ASSIGNMENT).setErrorMessage("Cannot cancel the"
                        + " reassignment of " + name + ": none of its original replicas " + current.originalReplicas()
                        + " is in the ISR " + current.isr() + ", so going back would lose acknowledged records."
                        + " Let the reassignment complete, or reassign it again.").build();
            }
            changes.update(topic.id(), r.getPartition(), p -> reverted);
            return describe(outcome, reverted).build();
        }
        String problem = checkTarget(image, current, r.getReplicasList(), keepReplicationFactor);
        if (problem != null) {
            ErrorCode code = problem.startsWith("replication factor") ? ErrorCode.INVALID_REPLICATION_FACTOR
                    : ErrorCode.INVALID_REPLICA_ASSIGNMENT;
            return outcome.setError(code).setErrorMessage("Cannot reassign " + name + ": " + problem).build();
        }
        PartitionRegistration next = changes.update(topic.id(), r.getPartition(),
                p -> maybeComplete(withTarget(p, r.getReplicasList()), eligible));
        return describe(outcome, next).build();
    }

    /** What is wrong with {@code target} as the partition's new replicas, or null when it is acceptable. */
    private static String checkTarget(MetadataImage image, PartitionRegistration p, List<Integer> target,
                                      boolean keepReplicationFactor) {
        if (target.isEmpty()) {
            return "the target replica list is empty.";
        }
        if (new HashSet<>(target).size() != target.size()) {
            return "the target replicas " + target + " list a broker twice.";
        }
        for (int broker : target) {
            if (image.cluster().broker(broker) == null) {
                return "the target replicas " + target + " include broker " + broker
                        + ", but no such broker is registered.";
            }
        }
        int replicationFactor = p.originalReplicas().size();
        if (keepReplicationFactor && target.size() != replicationFactor) {
            return "replication factor " + replicationFactor + " would change to " + target.size()
                    + " and the request does not allow a replication factor change.";
        }
        return null;
    }

    /**
     * The partition moving from its current replicas (during a running reassignment: their union, as
     * Kafka does) to {@code target}: the union, target first; the ISR and the leader as they are.
     */
    static PartitionRegistration withTarget(PartitionRegistration p, List<Integer> target) {
        List<Integer> current = p.replicas();
        List<Integer> adding = new ArrayList<>(target);
        adding.removeAll(current);
        List<Integer> removing = new ArrayList<>(current);
        removing.removeAll(target);
        List<Integer> union = new ArrayList<>(target);
        union.addAll(removing);
        if (union.equals(current) && adding.equals(p.addingReplicas()) && removing.equals(p.removingReplicas())) {
            return p;
        }
        return p.reassigned(union, p.isr(), p.leader(), adding, removing);
    }

    /**
     * Completes a running reassignment once every target replica is in the ISR: the target becomes the
     * replica set, the removed replicas leave the ISR, and a leader that is being removed hands over to
     * the first target replica in the ISR that is eligible (none: no leader until one returns).
     *
     * @return the same instance when no reassignment runs or it cannot complete yet
     */
    static PartitionRegistration maybeComplete(PartitionRegistration p, IntPredicate eligible) {
        if (!p.isReassigning()) {
            return p;
        }
        List<Integer> target = p.targetReplicas();
        if (!p.isr().containsAll(target)) {
            return p;
        }
        List<Integer> isr = new ArrayList<>(p.isr());
        isr.removeAll(p.removingReplicas());
        int leader = target.contains(p.leader()) ? p.leader() : firstEligible(target, isr, eligible);
        return p.reassigned(target, isr, leader, List.of(), List.of());
    }

    /**
     * The partition back on its original replicas: the added replicas leave the ISR and leadership;
     * null when no original replica is in the ISR (going back would need an unclean election).
     */
    private static PartitionRegistration revert(PartitionRegistration p, IntPredicate eligible) {
        List<Integer> original = p.originalReplicas();
        List<Integer> isr = new ArrayList<>(p.isr());
        isr.retainAll(original);
        if (isr.isEmpty()) {
            return null;
        }
        int leader = original.contains(p.leader()) ? p.leader() : firstEligible(original, isr, eligible);
        return p.reassigned(original, isr, leader, List.of(), List.of());
    }

    private static int firstEligible(List<Integer> replicas, List<Integer> isr, IntPredicate eligible) {
        for (int replica : replicas) {
            if (isr.contains(replica) && eligible.test(replica)) {
                return replica;
            }
        }
        return PartitionRegistration.NO_LEADER;
    }

    private static PartitionOutcome.Builder describe(PartitionOutcome.Builder outcome, PartitionRegistration p) {
        return outcome.setLeader(p.leader()).setLeaderEpoch(p.leaderEpoch()).setPartitionEpoch(p.partitionEpoch());
    }
}
