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

    /**
     * A fault window, in milliseconds since the start of the test: {@code fault} starts at its start,
     * each of {@code overlapping} (composed faults) a share of the window later, in order, and all are
     * healed together at its end.
     */
    public record Entry(long startMs, long endMs, Fault fault, List<Fault> overlapping) {
        public Entry {
            overlapping = List.copyOf(overlapping);
        }

        public Entry(long startMs, long endMs, Fault fault) {
            this(startMs, endMs, fault, List.of());
        }

        /** Every fault of the window, in the order they start. */
        public List<Fault> faults() {
            List<Fault> all = new ArrayList<>(List.of(fault));
            all.addAll(overlapping);
            return all;
        }

        /** When the {@code k}-th fault of {@link #faults()} starts: spread over the window's first half. */
        public long startOf(int k) {
            return startMs + k * (endMs - startMs) / (2L * (overlapping.size() + 1));
        }

        public Entry shift(long byMs) {
            return new Entry(startMs + byMs, endMs + byMs, fault, overlapping);
        }

        public String describe() {
            return String.join(" + ", faults().stream().map(Fault::describe).toList());
        }
    }

    private static final List<Fault.Target> PROCESS_TARGETS = List.of(Fault.Target.ONE, Fault.Target.RAFT_LEADER,
            Fault.Target.PARTITION_LEADER, Fault.Target.MINORITY, Fault.Target.MAJORITY, Fault.Target.ALL);
    private static final List<Fault.Target> PARTITION_TARGETS = List.of(Fault.Target.ONE,
            Fault.Target.MAJORITY_MINORITY, Fault.Target.LEADER_FROM_FOLLOWERS, Fault.Target.RAFT_LEADER_CUT,
            Fault.Target.RAFT_FOLLOWER_CUT, Fault.Target.ONE_WAY, Fault.Target.BRIDGE);
    private static final double[] LOSS_PROBABILITIES = {0.05, 0.2, 0.5};
    private static final List<Fault.Target> POWER_LOSS_TARGETS = List.of(Fault.Target.ONE, Fault.Target.RAFT_LEADER,
            Fault.Target.PARTITION_LEADER, Fault.Target.MAJORITY);
    private static final List<String> DROP_MODES = List.of("", "torn");
    private static final List<ReassignPlan.Action> REASSIGN_ACTIONS = List.of(ReassignPlan.Action.MOVE,
            ReassignPlan.Action.MOVE, ReassignPlan.Action.CANCEL, ReassignPlan.Action.LEADER_OFF);
    private static final List<Fault.Target> DISK_TARGETS = List.of(Fault.Target.ONE, Fault.Target.PARTITION_LEADER);

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
        return generate(seed, kinds, nodeCount, timeLimitMs, intervalMs, false);
    }

    /**
     * With {@code compose}, each window holds one to three faults of any of the families (a pause during
     * a partition, a kill while the leader that another kill forced is being elected), and one window in
     * four lasts until the end of the fault phase: its faults are healed only by the final heal.
     */
    public static List<Entry> generate(long seed, Set<Fault.Kind> kinds, int nodeCount, long timeLimitMs,
                                       long intervalMs, boolean compose) {
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
            Fault first = fault(random, families.get(random.nextInt(families.size())), nodeCount);
            if (!compose) {
                entries.add(new Entry(t, t + length, first));
                t += length + jitter(random, intervalMs);
                continue;
            }
            List<Fault> overlapping = new ArrayList<>();
            for (int extra = random.nextInt(3); extra > 0; extra--) {
                overlapping.add(fault(random, families.get(random.nextInt(families.size())), nodeCount));
            }
            if (random.nextInt(4) == 0) {
                entries.add(new Entry(t, timeLimitMs, first, overlapping));
                return entries;
            }
            entries.add(new Entry(t, t + length, first, overlapping));
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
                    case MAJORITY -> shuffled.subList(0, nodeCount / 2 + 1);
                    default -> List.of();
                };
                yield new Fault(kind, target, picked, 0);
            }
            case PARTITION -> {
                Fault.Target target = PARTITION_TARGETS.get(random.nextInt(PARTITION_TARGETS.size()));
                List<Integer> picked = switch (target) {
                    case ONE -> shuffled.subList(0, 1);
                    case MAJORITY_MINORITY -> shuffled.subList(0, 1 + random.nextInt(minority));
                    case BRIDGE, RAFT_FOLLOWER_CUT -> shuffled;
                    case ONE_WAY -> shuffled.subList(0, 2);
                    default -> List.of();
                };
                yield new Fault(kind, target, picked, 0);
            }
            case LOSS -> new Fault(kind, Fault.Target.ALL, List.of(),
                    LOSS_PROBABILITIES[random.nextInt(LOSS_PROBABILITIES.length)]);
            case POWER_LOSS, POWER_LOSS_ALL, POWER_LOSS_DIRS -> {
                Fault.Target target = kind != Fault.Kind.POWER_LOSS ? Fault.Target.ALL
                        : POWER_LOSS_TARGETS.get(random.nextInt(POWER_LOSS_TARGETS.size()));
                List<Integer> picked = switch (target) {
                    case ONE -> shuffled.subList(0, 1);
                    case MAJORITY -> shuffled.subList(0, nodeCount / 2 + 1);
                    default -> List.of();
                };
                String mode = (DROP_MODES.get(random.nextInt(DROP_MODES.size()))
                        + (kind == Fault.Kind.POWER_LOSS_DIRS ? " dirs " : " ") + random.nextInt(1 << 30)).trim();
                yield new Fault(kind, target, picked, 0, mode);
            }
            case DISK -> {
                Fault.Target target = DISK_TARGETS.get(random.nextInt(DISK_TARGETS.size()));
                yield new Fault(kind, target, target == Fault.Target.ONE ? shuffled.subList(0, 1) : List.of(), 0,
                        random.nextBoolean() ? "enospc" : "eio");
            }
            case REASSIGN -> {
                // which partitions move where depends on where they are when the fault starts: only the
                // action and the seed of those choices are drawn here
                ReassignPlan.Action action = REASSIGN_ACTIONS.get(random.nextInt(REASSIGN_ACTIONS.size()));
                yield new Fault(kind, action == ReassignPlan.Action.LEADER_OFF ? Fault.Target.PARTITION_LEADER
                        : Fault.Target.ALL, List.of(), 0, action.flag() + " " + random.nextInt(1 << 30));
            }
        };
    }
}
