package io.sluice.jepsen.nemesis;

import io.sluice.client.PartitionInfo;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code reassign} fault family: moves the workload topic's partitions to other replicas while the
 * workload runs (see {@link ReassignPlan}), sometimes cancelling a move a moment after it started; its
 * heal lets the running moves finish (bounded), then counts which reached their target. Keeps the
 * counts of the whole test for {@code results.json}. Not thread-safe: used under the runner's lock.
 */
final class ReassignNemesis {
    private static final Logger LOG = LoggerFactory.getLogger(ReassignNemesis.class);
    static final long POLL_MS = 500;
    /** Longest delay before a CANCEL cancels what it started: long enough that some moves finish first. */
    static final int MAX_CANCEL_DELAY_MS = 3000;

    private final ReassignmentTarget target;
    private final Supplier<List<Integer>> nodes;
    private final String topic;
    private final NemesisRunner.Sleeper sleeper;
    /** Moves started and neither cancelled nor yet checked at a heal, by partition. */
    private final Map<Integer, List<Integer>> pending = new TreeMap<>();
    private final Map<String, Long> counts = new LinkedHashMap<>();

    ReassignNemesis(ReassignmentTarget target, Supplier<List<Integer>> nodes, String topic, NemesisRunner.Sleeper sleeper) {
        this.target = target;
        this.nodes = nodes;
        this.topic = topic;
        this.sleeper = sleeper;
        for (String k : List.of("started", "completed", "cancelled", "superseded", "unfinished", "refused")) {
            counts.put(k, 0L);
        }
    }

    /** Starts the moves of a {@code reassign} fault (mode {@code <action> <seed>}); returns what was done. */
    String inject(Fault fault) {
        String[] mode = fault.mode().split(" ");
        ReassignPlan.Action action = ReassignPlan.Action.ofFlag(mode[0]);
        Random random = new Random(Long.parseLong(mode[1]));
        Map<Integer, PartitionInfo> partitions;
        try {
            partitions = new TreeMap<>(target.describe(topic));
            // a partition being moved lists its old and new replicas together (5 of them, say): its
            // replication factor is not its replica count, so it is left to finish
            partitions.keySet().removeAll(target.ongoing(topic));
        } catch (RuntimeException e) {
            // like a leader-targeted fault without a leader: what to move is not known at the moment
            throw new NemesisRunner.TargetUnavailable(e.getMessage());
        }
        if (partitions.isEmpty()) {
            throw new NemesisRunner.TargetUnavailable("every partition of " + topic + " is being moved already");
        }
        Map<Integer, List<Integer>> moves;
        try {
            moves = ReassignPlan.choose(random, action, nodes.get(), partitions);
        } catch (IllegalStateException e) {
            throw new NemesisRunner.TargetUnavailable(e.getMessage()); // no partition has a leader to move off
        }
        Map<Integer, Optional<List<Integer>>> request = new LinkedHashMap<>();
        moves.forEach((p, replicas) -> request.put(p, Optional.of(replicas)));
        Map<Integer, String> refused = target.alter(topic, request);
        Map<Integer, String> started = new TreeMap<>();
        moves.forEach((p, replicas) -> {
            if (!refused.containsKey(p)) {
                started.put(p, partitions.get(p).replicas() + "->" + replicas);
                if (pending.put(p, replicas) != null) {
                    add("superseded", 1);
                }
            }
        });
        add("started", started.size());
        add("refused", refused.size());
        StringBuilder done = new StringBuilder("reassign " + action.flag() + " " + started);
        if (!refused.isEmpty()) {
            done.append(" refused ").append(refused);
        }
        if (action == ReassignPlan.Action.CANCEL && !started.isEmpty()) {
            done.append(cancelLater(random, started.keySet()));
        }
        return done.toString();
    }

    private String cancelLater(Random random, Set<Integer> started) {
        try {
            sleeper.sleep(random.nextInt(MAX_CANCEL_DELAY_MS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ", interrupted before cancelling";
        }
        Set<Integer> running = new TreeSet<>(target.ongoing(topic));
        running.retainAll(started);
        if (running.isEmpty()) {
            return ", finished before the cancel";
        }
        Map<Integer, Optional<List<Integer>>> request = new LinkedHashMap<>();
        running.forEach(p -> request.put(p, Optional.empty()));
        Map<Integer, String> notCancelled = target.alter(topic, request);
        Set<Integer> cancelled = new TreeSet<>(running);
        cancelled.removeAll(notCancelled.keySet());
        pending.keySet().removeAll(cancelled);
        add("cancelled", cancelled.size());
        return ", cancelled " + cancelled + (notCancelled.isEmpty() ? "" : " not cancelled " + notCancelled);
    }

    /**
     * The heal: waits up to {@code timeoutMs} until no move of the topic runs, then counts each move
     * started since the last heal as completed (its partition has the target's replicas) or unfinished.
     * Returns what it found, or empty when nothing was started.
     */
    Optional<String> awaitFinished(long timeoutMs) {
        if (pending.isEmpty()) {
            return Optional.empty();
        }
        Set<Integer> running = Set.of();
        for (long waited = 0; ; waited += POLL_MS) {
            try {
                running = target.ongoing(topic);
                if (running.isEmpty()) {
                    break;
                }
            } catch (RuntimeException e) {
                running = Set.of(-1); // not known: keep asking until the deadline
            }
            if (waited >= timeoutMs || !sleep()) {
                break;
            }
        }
        Map<Integer, PartitionInfo> partitions;
        try {
            partitions = new TreeMap<>(target.describe(topic));
            // a partition being moved lists its old and new replicas together (5 of them, say): its
            // replication factor is not its replica count, so it is left to finish
            partitions.keySet().removeAll(target.ongoing(topic));
        } catch (RuntimeException e) {
            partitions = Map.of();
        }
        Set<Integer> completed = new TreeSet<>();
        for (Map.Entry<Integer, List<Integer>> move : pending.entrySet()) {
            PartitionInfo p = partitions.get(move.getKey());
            if (p != null && new HashSet<>(p.replicas()).equals(new HashSet<>(move.getValue()))) {
                completed.add(move.getKey());
            }
        }
        int unfinished = pending.size() - completed.size();
        add("completed", completed.size());
        add("unfinished", unfinished);
        pending.clear();
        String found = "reassignments completed " + completed + (unfinished == 0 ? ""
                : ", " + unfinished + " unfinished (still running: " + running + ")");
        LOG.info("heal: {}", found);
        return Optional.of(found);
    }

    private boolean sleep() {
        try {
            sleeper.sleep(POLL_MS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The test's counts so far: started, completed, cancelled, superseded, unfinished, refused. */
    Map<String, Long> counts() {
        return new LinkedHashMap<>(counts);
    }

    private void add(String key, long n) {
        counts.merge(key, n, Long::sum);
    }
}
