package io.sluice.jepsen.nemesis;

import java.util.List;

/**
 * One planned fault: what to do and to whom. Targets that depend on the cluster's state at the moment
 * (the Raft leader, a partition leader) are resolved when the fault starts; random choices (which
 * node, which minority) are made when the schedule is generated, so a seed reproduces them. Immutable.
 *
 * @param kind the family of fault
 * @param target which nodes
 * @param nodes the nodes picked in advance for ONE, MINORITY, MAJORITY and MAJORITY_MINORITY (the
 *              minority), the order of nodes for BRIDGE (the middle one is the bridge), the sender and
 *              the receiver for ONE_WAY, the candidates in order for RAFT_FOLLOWER_CUT (the first that is
 *              not the Raft leader when the fault starts); empty otherwise
 * @param probability the share of packets dropped, for LOSS
 * @param mode for POWER_LOSS and POWER_LOSS_ALL what crashfs drops besides un-fsynced data ({@code torn}:
 *             a random part of what was appended after the last fsync survives, ending in a torn page;
 *             {@code dirs}: un-fsynced directory entries too) and the seed of its random choices; for
 *             DISK the fault ({@code enospc} or {@code eio}); for REASSIGN the action and the seed of its
 *             choices ({@code move 1234}); empty otherwise
 */
public record Fault(Kind kind, Target target, List<Integer> nodes, double probability, String mode) {
    public Fault {
        nodes = List.copyOf(nodes);
    }

    public Fault(Kind kind, Target target, List<Integer> nodes, double probability) {
        this(kind, target, nodes, probability, "");
    }

    /** The families of faults, as named on the command line. */
    public enum Kind {
        KILL, PAUSE, PARTITION, LOSS,
        /** kill -9 and drop what the node had not fsynced (its data directory is on crashfs) */
        POWER_LOSS,
        /** the same on every node at once */
        POWER_LOSS_ALL,
        /**
         * every node at once, and each also forgets the directory entries (files created, renamed or
         * removed) whose directory it had not fsynced: stricter than ext4 or XFS, as POSIX allows
         */
        POWER_LOSS_DIRS,
        /** a full disk (writes fail with ENOSPC) or failing fsyncs (EIO) on one node */
        DISK,
        /**
         * move the workload topic's partitions to other replicas (mode {@code move}, {@code cancel} or
         * {@code leader-off}, then a seed: see {@link ReassignPlan}); healed by letting the moves finish
         */
        REASSIGN;

        public String flag() {
            return name().toLowerCase().replace('_', '-');
        }

        /** The family named {@code flag} on the command line; throws {@link IllegalArgumentException}. */
        public static Kind ofFlag(String flag) {
            return valueOf(flag.toUpperCase().replace('-', '_'));
        }

        /** Whether the family needs the nodes' data directories on crashfs. */
        public boolean needsCrashFs() {
            return this == POWER_LOSS || this == POWER_LOSS_ALL || this == POWER_LOSS_DIRS || this == DISK;
        }
    }

    /** Whom a fault hits. */
    public enum Target {
        ONE, RAFT_LEADER, PARTITION_LEADER, MINORITY, MAJORITY, ALL,
        MAJORITY_MINORITY, LEADER_FROM_FOLLOWERS, RAFT_LEADER_CUT, RAFT_FOLLOWER_CUT, ONE_WAY, BRIDGE
    }

    /** For the history and the report, e.g. {@code kill raft-leader} or {@code partition one [2]}. */
    public String describe() {
        String t = target.name().toLowerCase().replace('_', '-');
        String base = kind.flag() + " " + t + (nodes.isEmpty() ? "" : " " + nodes);
        if (kind == Kind.LOSS) {
            return base + " p=" + probability;
        }
        return mode.isEmpty() ? base : base + " (" + mode + ")";
    }
}
