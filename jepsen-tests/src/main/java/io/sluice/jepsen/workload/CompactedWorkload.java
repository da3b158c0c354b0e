package io.sluice.jepsen.workload;

import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.CompactedChecker;
import io.sluice.jepsen.checker.CompactedReplicaChecker;
import io.sluice.jepsen.checker.ReplicaChecker;
import io.sluice.jepsen.harness.CleanerObserver;
import io.sluice.jepsen.harness.ReplicaLogs;
import io.sluice.jepsen.history.Op;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Log compaction under faults: writers send keyed records (keys 0 to {@value #KEYS_PER_PARTITION} - 1
 * in each partition, the value a unique write id, {@value #TOMBSTONE_PERCENT} % tombstones) with
 * idempotent {@code acks=all} to a topic with {@code cleanup.policy=compact}, small segments and a
 * cleaner that runs all the time (node settings in {@link #nodeOverrides}: a short backoff and a
 * throttle that makes each pass last long enough for power to be cut in the middle of it). A
 * {@link CleanerObserver} records each node's cleaning progress. After healing, each partition is read
 * whole from its log start ({@code final-read}: value the list of {@code [offset, key, id]}, id null
 * for a tombstone), the node logs are searched for cleanings a restart found interrupted, and
 * {@link CompactedChecker} checks the history; the replicas are compared by their latest record per key
 * ({@link CompactedReplicaChecker}), since each replica cleans its own copy. Not thread-safe: the test
 * calls it from one thread; it owns its client threads.
 */
public final class CompactedWorkload implements Workload {
    static final String TOPIC = "jepsen-compacted";
    static final int KEYS_PER_PARTITION = 100;
    static final int TOMBSTONE_PERCENT = 10;
    /** What the node logs say when a restart finds a cleaning a crash interrupted (SegmentSwap.recover). */
    private static final List<String> RECOVERY_LINES = List.of("a cleaned segment the cleaner did not finish writing",
            "finishing the interrupted swap of cleaned segment");

    private final QueueClient client;
    private final List<Thread> threads = new ArrayList<>();
    private CleanerObserver observer;

    public CompactedWorkload(QueueClient client) {
        this.client = client;
    }

    @Override
    public String topic() {
        return TOPIC;
    }

    /**
     * A cleaner that never idles long and whose passes take seconds: 200 ms backoff, 100 kB/s of
     * cleaner I/O per node (a pass over one partition's cleanable segments then takes about a second
     * per 100 kB of log). Tombstones are kept 5 s after the first pass that saw them (the node default
     * of the topic's {@code delete.retention.ms}, so that {@code --override
     * log.cleaner.delete.retention.ms=...} can keep them longer than any outage of a run).
     */
    @Override
    public Map<String, String> nodeOverrides() {
        return Map.of("log.cleaner.backoff.ms", "200", "log.cleaner.io.max.bytes.per.second", "100000",
                "log.cleaner.delete.retention.ms", "5000");
    }

    /**
     * Segments of 16 kB or 2 s, cleaned as soon as anything is dirty: cleaning, tombstone stamping and
     * (with the node default above) tombstone removal all happen within a run.
     */
    static Map<String, String> topicConfigs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", "compact");
        c.put("segment.bytes", "16384");
        c.put("segment.ms", "2000");
        c.put("min.cleanable.dirty.ratio", "0.01");
        c.put("min.compaction.lag.ms", "0");
        return c;
    }

    @Override
    public void setup(WorkloadContext context) throws Exception {
        QueueWorkload.createTopic(context, TOPIC, topicConfigs());
    }

    @Override
    public void start(WorkloadContext context, long deadline) {
        AtomicLong ids = new AtomicLong();
        QueueProducer.Keyed keyed = new QueueProducer.Keyed(KEYS_PER_PARTITION, TOMBSTONE_PERCENT / 100.0);
        for (int i = 0; i < context.clients(); i++) {
            threads.add(QueueWorkload.started("writer-" + i, new QueueProducer(context, client, TOPIC, ids,
                    context.rate() / context.clients(), deadline, i, keyed)));
        }
        observer = new CleanerObserver(context.cluster(), context.history(), TOPIC);
        observer.start();
    }

    @Override
    public void stop() {
        QueueWorkload.stopAll(threads);
        if (observer != null) {
            observer.close();
        }
    }

    @Override
    public void finalReads(WorkloadContext context, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int p = 0; p < context.keys(); p++) {
            while (System.nanoTime() < deadline && !readWhole(context, p, deadline)) {
                QueueWorkload.sleep(500); // the failure is recorded; try a fresh consumer
            }
        }
        recordRecoveredCleanings(context);
    }

    /**
     * Reads partition {@code p} from its log start to its end offset (asked again once reached, in case a
     * replica caught up) and records the whole as one {@code final-read}: ok when the end was reached,
     * info when time ran out, fail when the consumer threw; false after a failure.
     */
    private boolean readWhole(WorkloadContext context, int partition, long deadline) {
        int process = context.nextProcess();
        String p = Integer.toString(partition);
        Op invoke = context.history().invoke("final-read", process, p, null, null);
        List<Object> records = new ArrayList<>();
        try (QueueClient.Reader consumer = client.reader(context.consumerProps(), TOPIC)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(partition);
            long end = consumer.endOffset(partition);
            while (System.nanoTime() < deadline) {
                @SuppressWarnings("unchecked")
                List<Object> polled = (List<Object>) consumer.pollKeyed(Duration.ofMillis(500)).getOrDefault(p, List.of());
                records.addAll(polled);
                if (consumer.position(partition) >= end) {
                    long newEnd = consumer.endOffset(partition);
                    if (newEnd <= end) {
                        context.history().complete(invoke, Op.Type.OK, records, end, null);
                        return true;
                    }
                    end = newEnd;
                }
            }
            context.history().complete(invoke, Op.Type.INFO, records, null, "the end offset was not reached in time");
            return true;
        } catch (RuntimeException e) {
            context.history().complete(invoke, Op.Type.FAIL, null, null, QueueWorkload.describe(e));
            return false;
        }
    }

    /**
     * Records, as one {@code recovered-cleanings} operation (node -> count), how often a node's restart
     * found a cleaning of the workload's topic that a crash had interrupted (a {@code .cleaned} file
     * deleted or a {@code .swap} finished): direct evidence that power was cut in the middle of one.
     */
    private static void recordRecoveredCleanings(WorkloadContext context) {
        Op invoke = context.history().invoke("recovered-cleanings", -300, null, null, null);
        Map<String, Object> counts = new TreeMap<>();
        try {
            for (int node : context.cluster().ids()) {
                long n = 0;
                var log = context.cluster().node(node).log();
                if (Files.exists(log)) {
                    try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
                        n = lines.filter(l -> l.contains(TOPIC + "-") && RECOVERY_LINES.stream().anyMatch(l::contains)).count();
                    }
                }
                counts.put(Integer.toString(node), n);
            }
            context.history().complete(invoke, Op.Type.OK, counts, null, null);
        } catch (IOException | java.io.UncheckedIOException e) {
            context.history().complete(invoke, Op.Type.FAIL, null, null, e.toString());
        }
    }

    @Override
    public CheckResult check(List<Op> history) {
        return new CompactedChecker().check(history);
    }

    @Override
    public CheckResult checkReplicas(List<ReplicaChecker.ReplicaLog> logs) {
        return new CompactedReplicaChecker().check(logs.stream().map(ReplicaLogs::records).toList());
    }
}
