package io.sluice.jepsen.workload;

import io.sluice.jepsen.harness.Cluster;
import io.sluice.jepsen.history.History;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a workload's clients share: the cluster, the history, the options of the test, and the source
 * of process ids (a client that sees an indeterminate outcome continues as a new process, as in
 * Jepsen). Thread-safe: the fields are immutable or thread-safe themselves.
 *
 * @param rate target operations per second across all writers
 * @param unsafe the deliberately unsafe configuration (acks=1), to show the checker finds loss
 */
public record WorkloadContext(Cluster cluster, History history, double rate, int keys, int clients, boolean unsafe,
                              long seed, AtomicInteger processes) {

    public int nextProcess() {
        return processes.getAndIncrement();
    }

    public Random random(int salt) {
        return new Random(seed * 31 + salt);
    }

    /** Producer settings: idempotent acks=all with short timeouts so faults turn into outcomes quickly. */
    public Map<String, Object> producerProps() {
        Map<String, Object> p = new LinkedHashMap<>(cluster.security().workloadSettings());
        p.put("bootstrap.servers", cluster.bootstrap());
        p.put("acks", unsafe ? "1" : "all");
        p.put("enable.idempotence", !unsafe);
        p.put("linger.ms", 2);
        p.put("request.timeout.ms", 3000);
        p.put("delivery.timeout.ms", 10_000);
        p.put("max.block.ms", 5000);
        p.put("retry.backoff.ms", 100);
        p.put("socket.connection.setup.timeout.ms", 2000);
        p.put("reconnect.backoff.max.ms", 500);
        p.put("metadata.max.age.ms", 5000);
        return p;
    }

    /** Consumer settings: start at the beginning, short timeouts. */
    public Map<String, Object> consumerProps() {
        Map<String, Object> p = new LinkedHashMap<>(cluster.security().workloadSettings());
        p.put("bootstrap.servers", cluster.bootstrap());
        p.put("auto.offset.reset", "earliest");
        p.put("request.timeout.ms", 3000);
        p.put("default.api.timeout.ms", 5000);
        p.put("fetch.max.wait.ms", 200);
        p.put("socket.connection.setup.timeout.ms", 2000);
        p.put("reconnect.backoff.max.ms", 500);
        p.put("metadata.max.age.ms", 5000);
        return p;
    }

    /**
     * Settings of a member of {@code group}: the consumer settings, commits only where the workload
     * records them (no auto-commit), and a session short enough that a member the harness lost track of
     * gives its partitions up within seconds rather than Kafka's 45.
     */
    public Map<String, Object> groupConsumerProps(String group) {
        Map<String, Object> p = consumerProps();
        p.put("group.id", group);
        p.put("enable.auto.commit", false);
        p.put("session.timeout.ms", 6000);
        p.put("heartbeat.interval.ms", 1000);
        p.put("max.poll.interval.ms", 15_000);
        return p;
    }
}
