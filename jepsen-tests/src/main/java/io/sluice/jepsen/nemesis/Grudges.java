package io.sluice.jepsen.nemesis;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Network partitions as grudges: for each node, the nodes whose packets it drops. Cuts are symmetric
 * except {@link #oneWay}. Pure.
 */
public final class Grudges {
    private Grudges() {
    }

    /** Cuts every link between {@code side} and the other nodes. */
    public static Map<Integer, Set<Integer>> isolate(Collection<Integer> side, Collection<Integer> all) {
        Map<Integer, Set<Integer>> g = new TreeMap<>();
        for (int a : side) {
            for (int b : all) {
                if (!side.contains(b)) {
                    cut(g, a, b);
                }
            }
        }
        return g;
    }

    /**
     * The nodes in this order, split in two halves around the middle one, which keeps its links to
     * both (Jepsen's bridge): the halves cannot talk to each other.
     */
    public static Map<Integer, Set<Integer>> bridge(List<Integer> order) {
        int middle = order.size() / 2;
        Map<Integer, Set<Integer>> g = new TreeMap<>();
        for (int a : order.subList(0, middle)) {
            for (int b : order.subList(middle + 1, order.size())) {
                cut(g, a, b);
            }
        }
        return g;
    }

    /**
     * A partition leader cut off from its followers, but still reaching the metadata leader (unless it
     * is the metadata leader itself, in which case it is cut from all of them).
     */
    public static Map<Integer, Set<Integer>> leaderFromFollowers(int leader, Collection<Integer> replicas, int raftLeader) {
        Map<Integer, Set<Integer>> g = new TreeMap<>();
        for (int r : replicas) {
            if (r != leader && r != raftLeader) {
                cut(g, leader, r);
            }
        }
        return g;
    }

    /** Only {@code to} drops what {@code from} sends: a link that fails in one direction. */
    public static Map<Integer, Set<Integer>> oneWay(int from, int to) {
        Map<Integer, Set<Integer>> g = new TreeMap<>();
        g.computeIfAbsent(to, x -> new HashSet<>()).add(from);
        return g;
    }

    /** One link cut both ways: {@code a} and {@code b} cannot talk, each still reaches everyone else. */
    public static Map<Integer, Set<Integer>> link(int a, int b) {
        Map<Integer, Set<Integer>> g = new TreeMap<>();
        cut(g, a, b);
        return g;
    }

    private static void cut(Map<Integer, Set<Integer>> g, int a, int b) {
        g.computeIfAbsent(a, x -> new HashSet<>()).add(b);
        g.computeIfAbsent(b, x -> new HashSet<>()).add(a);
    }
}
