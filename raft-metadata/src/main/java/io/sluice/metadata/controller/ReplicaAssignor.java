package io.sluice.metadata.controller;

import java.util.ArrayList;
import java.util.List;

/**
 * Rack-unaware replica placement in the manner of Kafka's {@code AdminUtils}: the first replica of
 * partition p goes to broker {@code (p + start) mod n}, the others follow at a shift that grows by one
 * every n partitions, so replicas and preferred leaders spread evenly. Where Kafka picks the start
 * index at random, the caller passes a deterministic one: this runs inside apply. Stateless.
 */
public final class ReplicaAssignor {

    private ReplicaAssignor() {
    }

    /**
     * Assigns partitions {@code firstPartition .. firstPartition + count - 1}.
     *
     * @param brokers eligible broker ids, ascending; at least {@code replicationFactor} of them
     * @param startIndex position in {@code brokers} of partition 0's first replica
     * @return one replica list per partition; the first replica is the preferred leader
     */
    public static List<List<Integer>> assign(List<Integer> brokers, int firstPartition, int count,
                                             int replicationFactor, int startIndex) {
        int n = brokers.size();
        if (replicationFactor < 1 || replicationFactor > n) {
            throw new IllegalArgumentException("replication factor " + replicationFactor + " with " + n + " brokers");
        }
        List<List<Integer>> assignment = new ArrayList<>(count);
        for (int p = firstPartition; p < firstPartition + count; p++) {
            int shift = Math.floorMod(startIndex + p / n, n);
            int first = Math.floorMod(p + startIndex, n);
            List<Integer> replicas = new ArrayList<>(replicationFactor);
            replicas.add(brokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                replicas.add(brokers.get(replicaIndex(first, shift, j, n)));
            }
            assignment.add(List.copyOf(replicas));
        }
        return assignment;
    }

    private static int replicaIndex(int first, int shift, int j, int n) {
        // n - 1 candidates besides the first replica; the shift rotates which ones follow it.
        return (first + 1 + (shift + j) % (n - 1)) % n;
    }
}
