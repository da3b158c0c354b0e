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
 */
public record Fault(Kind kind, Target target, List<Integer> nodes, double probability) {
    public Fault {
        nodes = List.copyOf(nodes);
    }

    /** The families of faults, as named on the command line. */
    public enum Kind {
        KILL, PAUSE, PARTITION, LOSS;

        public String flag() {
            return name().toLowerCase();
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
        return kind == Kind.LOSS ? base + " p=" + probability : base;
    }
}
