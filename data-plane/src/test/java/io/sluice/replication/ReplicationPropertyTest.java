package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.sluice.storage.SimulatedDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;

/**
 * Random runs of one partition's three replicas ({@link ReplicaSimulation}): appends with acks=all
 * and acks=1, follower fetches, ISR shrinks and expansions, clean elections, crashes and power
 * losses (unsynced bytes dropped or a torn tail) and restarts, with the replication invariants
 * checked after every step. jqwik shrinks a failing run to a short list of steps and prints it with
 * its seed; {@code @Property(seed = "...")} replays it. Each run has a timeout of its own, since
 * jqwik properties are not under JUnit Jupiter's default timeout.
 */
class ReplicationPropertyTest {

    /** One operation of a run; steps that do not apply (a fetch by the leader, a restart of a live broker) do nothing. */
    sealed interface Step {
        void run(ReplicaSimulation sim) throws Exception;
    }

    record Produce(int acks, int records) implements Step {
        public void run(ReplicaSimulation sim) {
            sim.produce(acks, records);
        }
    }

    record Fetch(int broker) implements Step {
        public void run(ReplicaSimulation sim) throws Exception {
            sim.fetch(broker);
        }
    }

    record ShrinkIsr() implements Step {
        public void run(ReplicaSimulation sim) {
            sim.shrinkIsr();
        }
    }

    record ApplyIsrChanges() implements Step {
        public void run(ReplicaSimulation sim) {
            sim.applyIsrChanges();
        }
    }

    record Elect(int broker) implements Step {
        public void run(ReplicaSimulation sim) {
            sim.elect(broker);
        }
    }

    /** {@code loss} null: a process crash (the page cache survives); otherwise a power loss. */
    record Crash(int broker, SimulatedDisk.Loss loss) implements Step {
        public void run(ReplicaSimulation sim) throws Exception {
            sim.crash(broker, loss);
        }
    }

    record Restart(int broker) implements Step {
        public void run(ReplicaSimulation sim) throws Exception {
            sim.restart(broker);
        }
    }

    @Property(tries = 50, shrinking = ShrinkingMode.BOUNDED)
    void replicationInvariantsHoldAfterEveryStep(@ForAll("runs") List<Step> steps, @ForAll long seed) throws Exception {
        int[] outcome = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> run(steps, seed));
        // Not vacuous: most runs acknowledge acks=all batches and see the leader change.
        Statistics.label("acknowledged acks=all batches").collect(outcome[0] > 0);
        Statistics.label("leader epochs").collect(outcome[1] > 0);
        Statistics.label("acknowledged acks=all batches").coverage(c -> c.check(true).percentage(p -> p > 25));
        Statistics.label("leader epochs").coverage(c -> c.check(true).percentage(p -> p > 15));
    }

    /** Runs the steps, checking after each; returns the acknowledged batches and leader changes seen. */
    private static int[] run(List<Step> steps, long seed) throws Exception {
        Path dir = Files.createTempDirectory("replication-property");
        try (ReplicaSimulation sim = new ReplicaSimulation(dir, seed)) {
            for (Step step : steps) {
                step.run(sim);
                try {
                    sim.check();
                } catch (AssertionError e) {
                    throw new AssertionError("after " + step + ": " + e.getMessage(), e);
                }
            }
            return new int[] {sim.ackedCount(), sim.leaderEpoch()};
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> runs() {
        Arbitrary<Integer> broker = Arbitraries.integers().between(1, 3);
        Arbitrary<SimulatedDisk.Loss> loss = Arbitraries.of(SimulatedDisk.Loss.UNSYNCED_DROPPED,
                SimulatedDisk.Loss.TORN_TAIL).injectNull(0.5);
        Arbitrary<Step> step = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Combinators.combine(Arbitraries.of(-1, -1, 1), Arbitraries.integers()
                        .between(1, 3)).as(Produce::new)),
                net.jqwik.api.Tuple.of(10, broker.map(Fetch::new)),
                net.jqwik.api.Tuple.of(1, Arbitraries.just(new ShrinkIsr())),
                net.jqwik.api.Tuple.of(3, Arbitraries.just(new ApplyIsrChanges())),
                net.jqwik.api.Tuple.of(1, broker.map(Elect::new)),
                net.jqwik.api.Tuple.of(1, Combinators.combine(broker, loss).as(Crash::new)),
                net.jqwik.api.Tuple.of(2, broker.map(Restart::new)));
        return step.list().ofMinSize(10).ofMaxSize(60);
    }
}
