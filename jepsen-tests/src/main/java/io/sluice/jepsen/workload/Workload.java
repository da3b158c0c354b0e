package io.sluice.jepsen.workload;

import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.ReplicaChecker;
import io.sluice.jepsen.history.Op;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What clients do during a test and how their history is checked. The test calls, in order: {@link
 * #setup}, {@link #start} (clients run on their own threads until {@link #stop}), {@link #finalReads}
 * after the cluster was healed, and {@link #check}. Implementations own their client threads.
 */
public interface Workload {

    /** Creates topics and waits until they can be used. */
    void setup(WorkloadContext context) throws Exception;

    /** Starts the client threads; they stop by themselves at {@code deadlineNanos} (System.nanoTime) at the latest. */
    void start(WorkloadContext context, long deadlineNanos);

    /** Stops the client threads, waiting a bounded time for each. */
    void stop();

    /** Reads everything back after healing, recording the reads in the history. */
    void finalReads(WorkloadContext context, Duration timeout);

    /** Checks the complete history. */
    CheckResult check(List<Op> history);

    /** The topic whose partition 0 leader the nemesis targets. */
    String topic();

    /** {@code server.properties} settings this workload needs on every node (the user's overrides win). */
    default Map<String, String> nodeOverrides() {
        return Map.of();
    }

    /**
     * Checks the replicas the nodes left on disk after the controlled shutdown: by default their batches
     * below the high watermark must be byte-identical ({@link ReplicaChecker}).
     */
    default CheckResult checkReplicas(List<ReplicaChecker.ReplicaLog> logs) {
        return new ReplicaChecker().check(logs);
    }
}
