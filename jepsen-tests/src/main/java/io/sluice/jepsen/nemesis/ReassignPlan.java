package io.sluice.jepsen.nemesis;

import io.sluice.client.PartitionInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Chooses the moves of the {@code reassign} nemesis from a seeded {@link Random} and the topic's
 * partitions as they are when the fault starts: which partitions move and to which replicas. A move
 * keeps the replication factor and always changes the replica set (a reorder would move nothing),
 * which needs more nodes than replicas. Pure: the same random state and partitions give the same plan.
 */
public final class ReassignPlan {

    /** What a {@code reassign} fault does, as named in its mode ({@code move 1234}). */
    public enum Action {
        /** some partitions (one to all) move to random replica sets */
        MOVE,
        /** as MOVE, then the moves still running a moment later are cancelled */
        CANCEL,
        /** one partition moves to replicas that exclude its current leader */
        LEADER_OFF;

        public String flag() {
            return name().toLowerCase().replace('_', '-');
        }

        public static Action ofFlag(String flag) {
            return valueOf(flag.toUpperCase().replace('-', '_'));
        }
    }

    private ReassignPlan() {
    }

    /**
     * The target replicas of each partition to move, by partition.
     *
     * @param nodes the cluster's nodes
     * @param partitions the topic's partitions by number
     * @throws IllegalArgumentException when a partition has as many replicas as there are nodes
     * @throws IllegalStateException for LEADER_OFF when no partition has a leader
     */
    public static Map<Integer, List<Integer>> choose(Random random, Action action, List<Integer> nodes,
                                                     Map<Integer, PartitionInfo> partitions) {
        List<Integer> numbers = new ArrayList<>(partitions.keySet());
        Collections.sort(numbers);
        Map<Integer, List<Integer>> moves = new LinkedHashMap<>();
        if (action == Action.LEADER_OFF) {
            List<Integer> led = numbers.stream().filter(p -> partitions.get(p).leader() > 0).toList();
            if (led.isEmpty()) {
                throw new IllegalStateException("no partition has a leader to move off");
            }
            PartitionInfo p = partitions.get(led.get(random.nextInt(led.size())));
            List<Integer> others = new ArrayList<>(nodes);
            others.remove(Integer.valueOf(p.leader()));
            moves.put(p.partition(), target(random, others, p.replicas()));
            return moves;
        }
        Collections.shuffle(numbers, random);
        for (int p : numbers.subList(0, 1 + random.nextInt(numbers.size()))) {
            moves.put(p, target(random, nodes, partitions.get(p).replicas()));
        }
        return moves;
    }

    /** As many replicas as {@code current}, drawn from {@code candidates}, as a set different from it. */
    private static List<Integer> target(Random random, List<Integer> candidates, List<Integer> current) {
        int replicationFactor = current.size();
        if (candidates.size() <= replicationFactor) {
            throw new IllegalArgumentException("moving a partition of " + replicationFactor + " replicas needs more than "
                    + replicationFactor + " nodes to choose from, not " + candidates);
        }
        List<Integer> shuffled = new ArrayList<>(candidates);
        Collections.shuffle(shuffled, random);
        List<Integer> target = new ArrayList<>(shuffled.subList(0, replicationFactor));
        if (new HashSet<>(target).equals(new HashSet<>(current))) {
            // the same set: swap one replica for a node outside it, so something really moves
            target.set(random.nextInt(replicationFactor), shuffled.get(replicationFactor));
        }
        return target;
    }
}
