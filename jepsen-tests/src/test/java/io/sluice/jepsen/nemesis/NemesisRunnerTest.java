package io.sluice.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.PartitionInfo;
import io.sluice.jepsen.harness.Network;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.checker.RunCoverage;
import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The nemesis against a fake cluster and a fake clock (a sleep moves the clock): each fault starts and
 * ends on its schedule, its targets are resolved when it starts, both ends are in the history, a fault
 * that cannot be resolved is recorded as failed and the run goes on, and healing undoes everything.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NemesisRunnerTest {
    private final AtomicLong nanos = new AtomicLong();
    private final FakeCluster cluster = new FakeCluster();
    private final History history = new History(null, nanos::get);
    private final NemesisRunner runner = new NemesisRunner(cluster, new FakePartitions(1), history, "t", 0, nanos::get,
            ms -> {
                cluster.events.add("sleep " + ms);
                nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
            });

    /** Records what the nemesis did to it; node 2 leads the quorum and partition 0 of "t" is led by 3. */
    static final class FakeCluster implements FaultTarget, Network {
        final List<String> events = new ArrayList<>();
        Optional<Integer> raftLeader = Optional.of(2);
        List<Integer> ids = List.of(1, 2, 3);

        @Override
        public List<Integer> ids() {
            return ids;
        }

        @Override
        public void kill(int node) {
            events.add("kill " + node);
        }

        @Override
        public void pause(int node) {
            events.add("pause " + node);
        }

        @Override
        public String dropUnsynced(int node, String mode) {
            events.add("drop " + node + " " + mode);
            return "dropped";
        }

        @Override
        public void failDisk(int node, String fault) {
            events.add("disk " + fault + " " + node);
        }

        @Override
        public void healDisks() {
            events.add("heal disks");
        }

        @Override
        public Network network() {
            return this;
        }

        @Override
        public Optional<Integer> raftLeader() {
            return raftLeader;
        }

        @Override
        public Optional<PartitionInfo> partition(String topic, int partition) {
            return Optional.of(new PartitionInfo(topic, partition, 3, 1, List.of(1, 2, 3), List.of(1, 2, 3), List.of()));
        }

        @Override
        public List<Integer> resumeAndRestart() {
            events.add("resume and restart");
            return List.of();
        }

        @Override
        public void cut(Map<Integer, Set<Integer>> grudges) {
            events.add("cut " + grudges);
        }

        @Override
        public void loss(Collection<Integer> nodes, double probability) {
            events.add("loss " + nodes + " " + probability);
        }

        @Override
        public void heal() {
            events.add("heal");
        }

        @Override
        public String host(int node) {
            return "127.0.0." + node;
        }

        @Override
        public int port(int node) {
            return 9000 + node;
        }

        @Override
        public int raftPort(int node) {
            return 9100 + node;
        }

        @Override
        public List<String> launchPrefix(int node) {
            return List.of();
        }

        @Override
        public boolean supportsFaults() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static Schedule.Entry entry(long startMs, long endMs, Fault.Kind kind, Fault.Target target, Integer... nodes) {
        return new Schedule.Entry(startMs, endMs, new Fault(kind, target, List.of(nodes), kind == Fault.Kind.LOSS ? 0.2 : 0));
    }

    @Test
    void eachFaultStartsAndEndsOnScheduleAndBothEndsAreRecorded() {
        runner.run(List.of(entry(1_000, 3_000, Fault.Kind.KILL, Fault.Target.RAFT_LEADER),
                entry(5_000, 6_000, Fault.Kind.PAUSE, Fault.Target.MINORITY, 1, 3)));

        assertEquals(List.of("sleep 1000", "kill 2", "sleep 2000", "heal", "heal disks", "resume and restart",
                "sleep 2000", "pause 1", "pause 3", "sleep 1000", "heal", "heal disks", "resume and restart"), cluster.events);
        List<Op> ops = history.ops();
        assertEquals(8, ops.size());
        assertEquals(List.of("fault-start", "fault-start", "fault-stop", "fault-stop"),
                ops.subList(0, 4).stream().map(Op::f).toList());
        assertEquals(Op.Type.OK, ops.get(1).type());
        assertEquals("kill raft_leader [2]", ops.get(1).value(), "the resolved target is named");
        assertEquals(TimeUnit.MILLISECONDS.toNanos(1_000), ops.get(0).time());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(3_000), ops.get(2).time());
        assertEquals("pause minority [1, 3]", ops.get(5).value());
        assertTrue(ops.stream().allMatch(o -> o.process() == NemesisRunner.PROCESS));
    }

    @Test
    void targetsAreResolvedWhenTheFaultStarts() {
        assertEquals("kill partition_leader [3]",
                runner.inject(new Fault(Fault.Kind.KILL, Fault.Target.PARTITION_LEADER, List.of(), 0)));
        assertEquals("kill all [1, 2, 3]", runner.inject(new Fault(Fault.Kind.KILL, Fault.Target.ALL, List.of(), 0)));
        runner.inject(new Fault(Fault.Kind.PARTITION, Fault.Target.ONE, List.of(1), 0));
        runner.inject(new Fault(Fault.Kind.PARTITION, Fault.Target.RAFT_LEADER_CUT, List.of(), 0));
        runner.inject(new Fault(Fault.Kind.LOSS, Fault.Target.ALL, List.of(), 0.2));
        assertEquals(List.of("kill 3", "kill 1", "kill 2", "kill 3",
                "cut " + Grudges.isolate(List.of(1), List.of(1, 2, 3)),
                "cut " + Grudges.isolate(List.of(2), List.of(1, 2, 3)),
                "loss [1, 2, 3] 0.2"), cluster.events);
    }

    @Test
    void aFaultWhoseTargetCannotBeResolvedIsRecordedAsSkippedAndTheRunGoesOn() {
        cluster.raftLeader = Optional.empty();
        runner.run(List.of(entry(1_000, 2_000, Fault.Kind.KILL, Fault.Target.RAFT_LEADER),
                entry(3_000, 4_000, Fault.Kind.KILL, Fault.Target.ONE, 1)));

        List<Op> ops = history.ops();
        assertEquals(Op.Type.FAIL, ops.get(1).type());
        assertEquals(RunCoverage.SKIPPED + "no metadata leader is known (looked for 5.0 s)", ops.get(1).error());
        assertTrue(cluster.events.contains("kill 1"), "the next fault still runs: " + cluster.events);
        assertFalse(cluster.events.subList(0, cluster.events.indexOf("kill 1")).contains("heal"),
                "nothing was injected, so nothing to heal before the next fault");
    }

    @Test
    void aLeaderTargetedFaultWaitsForTheElectionToEnd() {
        cluster.raftLeader = Optional.empty();
        List<Long> waits = new java.util.ArrayList<>();
        NemesisRunner patient = new NemesisRunner(cluster, new FakePartitions(1), history, "t", 0, nanos::get, ms -> {
            waits.add(ms);
            if (waits.size() == 3) {
                cluster.raftLeader = Optional.of(3); // elected while the fault looked
            }
        });
        assertEquals("kill raft_leader [3]", patient.inject(new Fault(Fault.Kind.KILL, Fault.Target.RAFT_LEADER, List.of(), 0)));
        assertEquals(List.of(250L, 250L, 250L), waits);
    }

    @Test
    void aFaultThatCannotBeInjectedIsAFailureNotASkip() {
        runner.run(List.of(entry(1_000, 2_000, Fault.Kind.PARTITION, Fault.Target.RAFT_FOLLOWER_CUT, 2)));
        Op start = history.ops().get(1);
        assertEquals(Op.Type.FAIL, start.type());
        assertFalse(start.error().startsWith(RunCoverage.SKIPPED), start.error());
    }

    @Test
    void anInterruptedRunStopsAtTheNextWaitAndHealsWhatItStarted() {
        NemesisRunner interrupted = new NemesisRunner(cluster, new FakePartitions(1), history, "t", 0, nanos::get, ms -> {
            if (cluster.events.contains("kill 2")) {
                throw new InterruptedException();
            }
        });
        interrupted.run(List.of(entry(0, 2_000, Fault.Kind.KILL, Fault.Target.RAFT_LEADER),
                entry(3_000, 4_000, Fault.Kind.KILL, Fault.Target.ONE, 1)));

        assertEquals(List.of("kill 2", "heal", "heal disks", "resume and restart"), cluster.events);
        assertEquals("fault-stop", history.ops().get(history.ops().size() - 1).f());
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
    }

    @Test
    void composedFaultsStartOneAfterAnotherAndHealTogether() {
        Fault kill = new Fault(Fault.Kind.KILL, Fault.Target.RAFT_LEADER, List.of(), 0);
        Fault cut = new Fault(Fault.Kind.PARTITION, Fault.Target.ONE_WAY, List.of(3, 1), 0);
        runner.run(List.of(new Schedule.Entry(1_000, 5_000, kill, List.of(cut))));

        assertEquals(List.of("sleep 1000", "kill 2", "sleep 1000", "cut " + Grudges.oneWay(3, 1), "sleep 3000",
                "heal", "heal disks", "resume and restart"), cluster.events);
        List<Op> ops = history.ops();
        assertEquals(List.of("fault-start", "fault-start", "fault-start", "fault-start", "fault-stop", "fault-stop"),
                ops.stream().map(Op::f).toList());
        assertEquals("kill raft_leader [2] + partition one_way {1=[3]}", ops.get(5).value());
    }

    @Test
    void aMajorityAndARaftFollowerCutAreResolvedAgainstTheCluster() {
        assertEquals("kill majority [1, 3]",
                runner.inject(new Fault(Fault.Kind.KILL, Fault.Target.MAJORITY, List.of(1, 3), 0)));
        runner.inject(new Fault(Fault.Kind.PARTITION, Fault.Target.RAFT_FOLLOWER_CUT, List.of(2, 3, 1), 0));
        assertEquals("cut " + Grudges.link(2, 3), cluster.events.get(2), "the first candidate that does not lead");
    }

    @Test
    void aPowerLossKillsEveryTargetBeforeAnyDiskForgets() {
        String done = runner.inject(new Fault(Fault.Kind.POWER_LOSS, Fault.Target.MAJORITY, List.of(1, 3), 0, "torn 7"));

        assertEquals(List.of("kill 1", "kill 3", "drop 1 torn 7", "drop 3 torn 7"), cluster.events);
        assertEquals("power-loss majority [1, 3] (torn 7) [1: dropped, 3: dropped]", done);
        runner.inject(new Fault(Fault.Kind.POWER_LOSS_ALL, Fault.Target.ALL, List.of(), 0, "5"));
        assertEquals(List.of("kill 1", "kill 2", "kill 3", "drop 1 5", "drop 2 5", "drop 3 5"),
                cluster.events.subList(4, 10));
    }

    @Test
    void aDiskFaultHitsItsTargetAndHealingEndsIt() {
        runner.run(List.of(new Schedule.Entry(0, 1_000,
                new Fault(Fault.Kind.DISK, Fault.Target.PARTITION_LEADER, List.of(), 0, "eio"))));

        assertEquals(List.of("disk eio 3", "sleep 1000", "heal", "heal disks", "resume and restart"), cluster.events);
        assertEquals("disk eio partition_leader [3]", history.ops().get(1).value());
    }
}
