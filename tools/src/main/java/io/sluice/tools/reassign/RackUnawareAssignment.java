package io.sluice.tools.reassign;

import java.util.ArrayList;
import java.util.List;

/**
 * Kafka's rack-unaware replica placement, as its reassign tool proposes it: partition p's first
 * replica is broker {@code p mod n}, followers at a shift that grows every n partitions, so leaders
 * and replicas spread evenly. Kafka starts at a random broker; this starts at the first, so the same
 * input proposes the same plan. Pure.
 */
final class RackUnawareAssignment {
    private RackUnawareAssignment() {
    }

    static List<List<Integer>> assign(List<Integer> brokers, int partitions, int replicationFactor) {
        int n = brokers.size();
        List<List<Integer>> out = new ArrayList<>();
        int shift = 0;
        for (int p = 0; p < partitions; p++) {
            if (p > 0 && p % n == 0) {
                shift++;
            }
            int first = p % n;
            List<Integer> replicas = new ArrayList<>();
            replicas.add(brokers.get(first));
            for (int j = 0; j < replicationFactor - 1; j++) {
                replicas.add(brokers.get((first + 1 + (shift + j) % (n - 1)) % n));
            }
            out.add(replicas);
        }
        return out;
    }
}
