package io.sluice.jepsen.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * Generates the timeline of faults of a test from a seed: a quiet period first, then alternating fault
 * windows and quiet periods, each lasting the interval give or take half, until a last quiet period
 * before the time limit. Pure: the same arguments give the same schedule.
 */
public final class Schedule {

    /** One fault and when it starts and ends, in milliseconds since the start of the test. */
    public record Entry(long startMs, long endMs, Fault fault) {
    }

    private static final List<Fault.Target> PROCESS_TARGETS = List.of(Fault.Target.ONE, Fault.Target.RAFT_LEADER,
            Fault.Target.PARTITION_LEADER, Fault.Target.MINORITY, Fault.Target.ALL);
    private static final List<Fault.Target> PARTITION_TARGETS = List.of(Fault.Target.ONE,
            Fault.Target.MAJORITY_MINORITY, Fault.Target.LEADER_FROM_FOLLOWERS, Fault.Target.RAFT_LEADER_CUT,
            Fault.Target.BRIDGE);
    private static final double[] LOSS_PROBABILITIES = {0.05, 0.2, 0.5};

    private Schedule() {
    }

    /**
     * @param kinds fault families to draw from (empty gives no faults)
     * @param nodeCount nodes in the cluster
     * @param timeLimitMs length of the test's fault phase
     * @param intervalMs typical length of a fault window and of a quiet period
     */
    public static List<Entry> generate(long seed, Set<Fault.Kind> kinds, int nodeCount, long timeLimitMs,
                                       long intervalMs) {
        if (intervalMs <= 0) {
            throw new IllegalArgumentException("the nemesis interval must be positive");
        }
        List<Entry> entries = new ArrayList<>();
        if (kinds.isEmpty()) {
            return entries;
        }
        Random random = new Random(seed);
        List<Fault.Kind> families = new ArrayList<>(EnumSet.copyOf(kinds)); // enum order, whatever the set's order
        long t = jitter(random, intervalMs);
        while (true) {
            long length = jitter(random, intervalMs);
            if (t + length + intervalMs / 2 > timeLimitMs) {
                return entries;
            }
            entries.add(new Entry(t, t + length, fault(random, families.get(random.nextInt(families.size())), nodeCount)));
            t += length + jitter(random, intervalMs);
        }
    }

    private static long jitter(Random random, long intervalMs) {
        return intervalMs / 2 + (long) (random.nextDouble() * intervalMs);
    }

    static Fault fault(Random random, Fault.Kind kind, int nodeCount) {
        List<Integer> shuffled = new ArrayList<>(IntStream.rangeClosed(1, nodeCount).boxed().toList());
        Collections.shuffle(shuffled, random);
        int minority = Math.max(1, (nodeCount - 1) / 2);
        return switch (kind) {
            case KILL, PAUSE -> {
                Fault.Target target = PROCESS_TARGETS.get(random.nextInt(PROCESS_TARGETS.size()));
                List<Integer> picked = switch (target) {
                    case ONE -> shuffled.subList(0, 1);
                    case MINORITY -> shuffled.subList(0, 1 + random.nextInt(minority));
                    default -> List.of();
                };
                yield new Fault(kind, target, picked, 0);
            }
            case PARTITION -> {
                Fault.Target target = PARTITION_TARGETS.get(random.nextInt(PARTITION_TARGETS.size()));
                List<Integer> picked = switch (target) {
                    case ONE -> shuffled.subList(0, 1);
                    case MAJORITY_MINORITY -> shuffled.subList(0, 1 + random.nextInt(minority));
                    case BRIDGE -> shuffled;
                    default -> List.of();
                };
                yield new Fault(kind, target, picked, 0);
            }
            case LOSS -> new Fault(kind, Fault.Target.ALL, List.of(),
                    LOSS_PROBABILITIES[random.nextInt(LOSS_PROBABILITIES.length)]);
        };
    }
}
