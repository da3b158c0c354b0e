package io.sluice.tools.reassign;

import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rule of {@code ./sluice cluster decommission}: which replicas take over from a broker that is
 * leaving. Each partition that lists the broker gets, in the broker's place in its replica list (so a
 * preferred leader is replaced by a preferred leader), the live broker that hosts the fewest replicas
 * and is not already a replica of it (ties: the lowest id); counts are updated move by move, so the
 * leaving broker's replicas spread evenly. Rack-unaware; the replication factor is kept. Pure.
 */
public final class DecommissionPlan {
    private DecommissionPlan() {
    }

    /** A plan that cannot be made: too few other live brokers for a partition's replication factor. */
    public static final class NotEnoughBrokersException extends IllegalArgumentException {
        NotEnoughBrokersException(String message) {
            super(message);
        }
    }

    /**
     * The new replicas of each partition that lists {@code broker}, in topic and partition order.
     *
     * @param assignment every partition's current replicas (all topics, so the counts are the cluster's)
     * @param liveBrokers the registered, unfenced brokers (the leaving one may be among them)
     * @param skip partitions not to move now (being reassigned already)
     * @throws NotEnoughBrokersException when some partition has more replicas than there are other
     *                                   live brokers to hold them; nothing is planned then
     */
    public static Map<TopicPartition, List<Integer>> plan(int broker, Map<TopicPartition, List<Integer>> assignment,
                                                          Collection<Integer> liveBrokers, Set<TopicPartition> skip) {
        Set<Integer> others = new TreeSet<>(liveBrokers);
        others.remove(broker);
        Map<Integer, Integer> load = new TreeMap<>();
        others.forEach(b -> load.put(b, 0));
        assignment.values().forEach(replicas -> replicas.forEach(b -> load.computeIfPresent(b, (k, n) -> n + 1)));
        Map<TopicPartition, List<Integer>> sorted = new TreeMap<>(
                (a, b) -> a.topic().equals(b.topic()) ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        sorted.putAll(assignment);
        Map<TopicPartition, List<Integer>> plan = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, List<Integer>> e : sorted.entrySet()) {
            List<Integer> replicas = e.getValue();
            if (!replicas.contains(broker) || skip.contains(e.getKey())) {
                continue;
            }
            if (replicas.size() > others.size()) {
                throw new NotEnoughBrokersException("cannot move broker " + broker + "'s replicas off it: partition "
                        + e.getKey() + " has " + replicas.size() + " replicas, and only " + others.size() + " other live"
                        + " broker" + (others.size() == 1 ? "" : "s") + " " + others + " can hold them; add a broker first"
                        + " (or lower the replication factor with reassign-partitions)");
            }
            int replacement = others.stream().filter(b -> !replicas.contains(b))
                    .min((a, b) -> load.get(a).equals(load.get(b)) ? Integer.compare(a, b) : Integer.compare(load.get(a), load.get(b)))
                    .orElseThrow();
            List<Integer> target = new ArrayList<>(replicas);
            target.set(replicas.indexOf(broker), replacement);
            load.merge(replacement, 1, Integer::sum);
            plan.put(e.getKey(), target);
        }
        return plan;
    }
}
