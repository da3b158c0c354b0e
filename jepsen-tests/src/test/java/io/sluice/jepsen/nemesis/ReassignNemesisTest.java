package io.sluice.jepsen.nemesis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The {@code reassign} nemesis against a fake controller and clock: moves start at the fault, a cancel
 * cancels only what still runs, the heal waits for running moves and counts which reached their target.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReassignNemesisTest {
    private final FakePartitions partitions = new FakePartitions(4);
    private final List<Long> sleeps = new ArrayList<>();
    private final ReassignNemesis nemesis = new ReassignNemesis(partitions, () -> List.of(1, 2, 3, 4, 5), "t", sleeps::add);

    private static Fault fault(String mode) {
        return new Fault(Fault.Kind.REASSIGN, Fault.Target.ALL, List.of(), 0, mode);
    }

    private long count(String key) {
        return nemesis.counts().get(key);
    }

    @Test
    void theHealWaitsUntilNoMoveRunsAndCountsThoseThatReachedTheirTarget() {
        String done = nemesis.inject(fault("move 7"));
        int moved = partitions.running.size();
        assertTrue(moved >= 1 && done.startsWith("reassign move {"), done);
        partitions.pollsToFinish = 3;

        Optional<String> found = nemesis.awaitFinished(60_000);

        assertEquals(List.of(500L, 500L, 500L), sleeps, "asked every half second until none ran");
        assertTrue(found.orElseThrow().startsWith("reassignments completed"), found.get());
        assertEquals(moved, count("started"));
        assertEquals(moved, count("completed"));
        assertEquals(0, count("unfinished"));
        assertEquals(Optional.empty(), nemesis.awaitFinished(60_000), "nothing started since: nothing to wait for");
    }

    @Test
    void aMoveStillRunningAtTheDeadlineIsUnfinished() {
        nemesis.inject(fault("move 7"));
        partitions.pollsToFinish = 1_000;

        String found = nemesis.awaitFinished(2_000).orElseThrow();

        assertEquals(count("started"), count("unfinished"), found);
        assertEquals(0, count("completed"));
        assertEquals(4, sleeps.size(), "gave up at the deadline: " + sleeps);
    }

    @Test
    void aCancelCancelsWhatStillRunsAMomentLaterAndOnlyThat() {
        partitions.pollsToFinish = 1_000;
        String done = nemesis.inject(fault("cancel 11"));

        assertEquals(1, sleeps.size());
        assertTrue(sleeps.get(0) < ReassignNemesis.MAX_CANCEL_DELAY_MS);
        long started = count("started");
        assertEquals(started, count("cancelled"), done);
        assertTrue(partitions.running.isEmpty(), "every move was cancelled: " + partitions.events);
        assertTrue(done.contains(", cancelled ["), done);
        assertEquals(Optional.empty(), nemesis.awaitFinished(60_000), "a cancelled move is not waited for");
    }

    @Test
    void aMoveThatFinishedBeforeTheCancelIsLeftAlone() {
        partitions.pollsToFinish = 0;
        String done = nemesis.inject(fault("cancel 11"));

        assertTrue(done.endsWith(", finished before the cancel"), done);
        assertEquals(0, count("cancelled"));
        assertTrue(partitions.events.stream().noneMatch(e -> e.startsWith("cancel")), partitions.events.toString());
        nemesis.awaitFinished(60_000);
        assertEquals(count("started"), count("completed"));
    }

    @Test
    void aRefusedMoveIsCountedAndNotWaitedFor() {
        partitions.refuse.addAll(List.of(0, 1, 2, 3));
        String done = nemesis.inject(fault("move 7"));

        assertTrue(done.contains("refused"), done);
        assertEquals(0, count("started"));
        assertTrue(count("refused") >= 1);
        assertEquals(Optional.empty(), nemesis.awaitFinished(60_000));
    }

    @Test
    void aTopicThatCannotBeDescribedIsASkippedFaultNotAFailedOne() {
        partitions.unreachable = true;
        assertThrows(NemesisRunner.TargetUnavailable.class, () -> nemesis.inject(fault("move 7")));
        partitions.unreachable = false;
        partitions.partitions.replaceAll((p, i) -> new io.sluice.client.PartitionInfo("t", p, -1, 0, i.replicas(),
                List.of(), List.of()));
        assertThrows(NemesisRunner.TargetUnavailable.class, () -> nemesis.inject(fault("leader-off 7")),
                "no leader to move off");
        assertEquals(0, count("started"));
    }

    @Test
    void aPartitionBeingMovedIsLeftToFinish() {
        partitions.pollsToFinish = 1_000;
        for (int p = 0; p < 3; p++) { // moving: old and new replicas listed together
            partitions.partitions.put(p, new io.sluice.client.PartitionInfo("t", p, 1, 0, List.of(1, 2, 3, 4, 5),
                    List.of(1, 2, 3), List.of()));
            partitions.running.put(p, List.of(3, 4, 5));
        }
        for (int seed = 0; seed < 20; seed++) {
            String done = nemesis.inject(fault("move " + seed));
            assertTrue(done.startsWith("reassign move {3=[1, 2, 3]->"), done);
            partitions.running.remove(3);
        }
        partitions.running.put(3, List.of(2, 4, 5));
        assertThrows(NemesisRunner.TargetUnavailable.class, () -> nemesis.inject(fault("move 1")));
    }

    @Test
    void theRunnerHealsAReassignmentByLettingItFinish() {
        AtomicLong nanos = new AtomicLong();
        NemesisRunnerTest.FakeCluster cluster = new NemesisRunnerTest.FakeCluster();
        cluster.ids = List.of(1, 2, 3, 4, 5);
        History history = new History(null, nanos::get);
        NemesisRunner runner = new NemesisRunner(cluster, partitions, history, "t", 0, nanos::get,
                ms -> nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms)));
        partitions.pollsToFinish = 2;

        runner.run(List.of(new Schedule.Entry(1_000, 2_000,
                new Fault(Fault.Kind.REASSIGN, Fault.Target.PARTITION_LEADER, List.of(), 0, "leader-off 3"))));

        List<Op> ops = history.ops();
        assertEquals(Op.Type.OK, ops.get(1).type(), String.valueOf(ops.get(1).error()));
        assertTrue(((String) ops.get(1).value()).startsWith("reassign leader-off {"), String.valueOf(ops.get(1).value()));
        assertTrue(partitions.running.isEmpty());
        Map<String, Long> counts = runner.reassignments();
        assertEquals(1L, counts.get("started"));
        assertEquals(1L, counts.get("completed"));
        assertTrue(partitions.partitions.values().stream().anyMatch(p -> p.leader() != 1), "the leader moved off");
    }
}
