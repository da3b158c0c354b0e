package io.sluice.jepsen.nemesis;

import io.sluice.client.PartitionInfo;
import io.sluice.jepsen.checker.RunCoverage;
import io.sluice.jepsen.harness.Cluster;
import io.sluice.jepsen.harness.Disks;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link Schedule} against a cluster: at each entry's start it resolves the targets and
 * injects the fault, at its end it heals it, and it records both in the history as operations of
 * process -1 ({@code fault-start} / {@code fault-stop}, the value naming the fault and its nodes), which
 * the report shades. {@link #healAll} undoes every fault, whatever state a failure left. Runs on one
 * thread (the test's); {@link #healAll} may also run from the shutdown hook, so fault state is guarded
 * by this object's lock.
 */
public final class NemesisRunner {
    private static final Logger LOG = LoggerFactory.getLogger(NemesisRunner.class);
    public static final int PROCESS = -1;
    /** How long a heal waits for running partition moves: a move's new replica copies the whole partition. */
    static final long REASSIGN_HEAL_MS = 60_000;
    /** How long a fault waits for its target (a leader) to be known: 20 looks, 250 ms apart. */
    private static final int TARGET_LOOKS = 20;
    private static final long TARGET_LOOK_MS = 250;

    /** The fault's target does not exist at the moment (no leader known after waiting): skipped, not failed. */
    static final class TargetUnavailable extends IllegalStateException {
        TargetUnavailable(String why) {
            super(why);
        }
    }

    /** How the runner waits for the next entry: real sleeps, or a fake clock's in tests. */
    interface Sleeper {
        void sleep(long ms) throws InterruptedException;
    }

    private final FaultTarget cluster;
    private final History history;
    private final String topic;
    private final long startNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private final ReassignNemesis reassign;

    public NemesisRunner(Cluster cluster, Disks disks, History history, String topic, long startNanos) {
        this(FaultTarget.of(cluster, disks), ReassignmentTarget.of(cluster), history, topic, startNanos,
                System::nanoTime, Thread::sleep);
    }

    NemesisRunner(FaultTarget cluster, ReassignmentTarget partitions, History history, String topic, long startNanos,
                  LongSupplier nanoTime, Sleeper sleeper) {
        this.cluster = cluster;
        this.history = history;
        this.topic = topic;
        this.startNanos = startNanos;
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.reassign = new ReassignNemesis(partitions, cluster::ids, topic, sleeper);
    }

    /** Runs the schedule to its end (or until interrupted), then heals. */
    public void run(List<Schedule.Entry> schedule) {
        for (Schedule.Entry entry : schedule) {
            List<String> applied = new ArrayList<>();
            List<Fault> faults = entry.faults();
            boolean onTime = true;
            for (int k = 0; k < faults.size() && onTime; k++) {
                onTime = sleepUntil(entry.startOf(k));
                if (onTime) {
                    injectRecorded(faults.get(k)).ifPresent(applied::add);
                }
            }
            if (applied.isEmpty()) {
                if (!onTime) {
                    break;
                }
                continue; // nothing to heal
            }
            onTime = onTime && sleepUntil(entry.endMs());
            String all = String.join(" + ", applied);
            Op stop = history.invoke("fault-stop", PROCESS, null, all, null);
            healAll();
            history.complete(stop, Op.Type.OK, all, null, null);
            if (!onTime) {
                break;
            }
        }
    }

    /** Injects a fault and records it in the history; empty when it could not be injected. */
    private Optional<String> injectRecorded(Fault fault) {
        Op start = history.invoke("fault-start", PROCESS, null, fault.describe(), null);
        try {
            String applied = inject(fault);
            history.complete(start, Op.Type.OK, applied, null, null);
            LOG.info("fault: {}", applied);
            return Optional.of(applied);
        } catch (TargetUnavailable e) {
            // e.g. a leader-targeted fault right after another fault, before an election ended
            LOG.info("skipped {}: {}", fault.describe(), e.getMessage());
            history.complete(start, Op.Type.FAIL, fault.describe(), null, RunCoverage.SKIPPED + e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.warn("could not inject {}: {}", fault.describe(), e.getMessage());
            history.complete(start, Op.Type.FAIL, fault.describe(), null, e.getMessage());
            return Optional.empty();
        }
    }

    /** Injects one fault now; returns what was done, naming the nodes. */
    synchronized String inject(Fault fault) {
        return switch (fault.kind()) {
            case KILL -> {
                List<Integer> targets = processTargets(fault);
                targets.forEach(cluster::kill);
                yield "kill " + fault.target().name().toLowerCase() + " " + targets;
            }
            case PAUSE -> {
                List<Integer> targets = processTargets(fault);
                targets.forEach(cluster::pause);
                yield "pause " + fault.target().name().toLowerCase() + " " + targets;
            }
            case PARTITION -> {
                Map<Integer, Set<Integer>> grudges = grudges(fault);
                cluster.network().cut(grudges);
                yield "partition " + fault.target().name().toLowerCase() + " " + grudges;
            }
            case LOSS -> {
                cluster.network().loss(cluster.ids(), fault.probability());
                yield "loss p=" + fault.probability() + " on " + cluster.ids();
            }
            case POWER_LOSS, POWER_LOSS_ALL, POWER_LOSS_DIRS -> {
                // every target loses power at the same moment: all are dead before any disk forgets
                List<Integer> targets = processTargets(fault);
                targets.forEach(cluster::kill);
                List<String> dropped = targets.stream().map(n -> n + ": " + cluster.dropUnsynced(n, fault.mode())).toList();
                yield fault.kind().flag() + " " + fault.target().name().toLowerCase() + " " + targets + " ("
                        + fault.mode() + ") " + dropped;
            }
            case DISK -> {
                List<Integer> targets = processTargets(fault);
                targets.forEach(n -> cluster.failDisk(n, fault.mode()));
                yield "disk " + fault.mode() + " " + fault.target().name().toLowerCase() + " " + targets;
            }
            case REASSIGN -> reassign.inject(fault);
        };
    }

    private List<Integer> processTargets(Fault fault) {
        return switch (fault.target()) {
            case RAFT_LEADER -> List.of(await(cluster::raftLeader, "no metadata leader is known"));
            case PARTITION_LEADER -> List.of(await(() -> leaderOfPartitionZero().map(PartitionInfo::leader)
                    .filter(l -> l > 0), "partition 0 has no leader"));
            case ALL -> cluster.ids();
            default -> fault.nodes();
        };
    }

    private Map<Integer, Set<Integer>> grudges(Fault fault) {
        return switch (fault.target()) {
            case RAFT_LEADER_CUT -> Grudges.isolate(List.of(await(cluster::raftLeader, "no metadata leader is known")),
                    cluster.ids());
            case LEADER_FROM_FOLLOWERS -> {
                PartitionInfo p = await(() -> leaderOfPartitionZero().filter(i -> i.leader() > 0), "partition 0 has no leader");
                yield Grudges.leaderFromFollowers(p.leader(), p.replicas(), cluster.raftLeader().orElse(-1));
            }
            case BRIDGE -> Grudges.bridge(fault.nodes());
            case ONE_WAY -> Grudges.oneWay(fault.nodes().get(0), fault.nodes().get(1));
            case RAFT_FOLLOWER_CUT -> {
                int leader = await(cluster::raftLeader, "no metadata leader is known");
                int follower = require(fault.nodes().stream().filter(n -> n != leader).findFirst(), "no Raft follower");
                yield Grudges.link(leader, follower);
            }
            default -> Grudges.isolate(fault.nodes(), cluster.ids());
        };
    }

    private Optional<PartitionInfo> leaderOfPartitionZero() {
        return cluster.partition(topic, 0);
    }

    private static <T> T require(Optional<T> value, String why) {
        return value.orElseThrow(() -> new IllegalStateException(why));
    }

    /** The target once it is known, looking a few times; {@link TargetUnavailable} when it never is. */
    private <T> T await(Supplier<Optional<T>> target, String why) {
        for (int look = 1; ; look++) {
            Optional<T> found = target.get();
            if (found.isPresent()) {
                return found.get();
            }
            if (look == TARGET_LOOKS) {
                throw new TargetUnavailable(why + " (looked for " + TARGET_LOOKS * TARGET_LOOK_MS / 1000.0 + " s)");
            }
            try {
                sleeper.sleep(TARGET_LOOK_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TargetUnavailable(why + " (interrupted)");
            }
        }
    }

    /**
     * Heals the network and the disks, resumes paused nodes and restarts dead ones, then lets the
     * partition moves started since the last heal finish (up to {@link #REASSIGN_HEAL_MS}).
     */
    public synchronized void healAll() {
        try {
            cluster.network().heal();
        } catch (RuntimeException e) {
            LOG.warn("could not heal the network: {}", e.getMessage());
        }
        try {
            cluster.healDisks();
        } catch (RuntimeException e) {
            LOG.warn("could not heal the disks: {}", e.getMessage());
        }
        List<Integer> restarted = cluster.resumeAndRestart();
        if (!restarted.isEmpty()) {
            LOG.info("restarted nodes {}", restarted);
        }
        reassign.awaitFinished(REASSIGN_HEAL_MS);
    }

    /** The counts of the {@code reassign} nemesis over the whole run (started, completed, cancelled, ...). */
    public synchronized Map<String, Long> reassignments() {
        return reassign.counts();
    }

    /** Sleeps until {@code ms} after the start; false if interrupted. */
    private boolean sleepUntil(long ms) {
        long waitMs = ms - (nanoTime.getAsLong() - startNanos) / 1_000_000;
        if (waitMs <= 0) {
            return true;
        }
        try {
            sleeper.sleep(waitMs);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
