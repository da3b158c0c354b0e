package io.sluice.jepsen.harness;

import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Asks each node in turn, about once a second, who leads each partition of a topic in which epoch
 * (and with which ISR, for whoever reads the history after a surprise), and records the answers as
 * {@code leaders} operations (process -100 - node), for the at-most-one-leader-per-epoch check. Runs on its own daemon thread until {@link #close}.
 */
public final class LeaderObserver implements AutoCloseable {
    private final Cluster cluster;
    private final History history;
    private final String topic;
    private final Thread thread;

    public LeaderObserver(Cluster cluster, History history, String topic) {
        this.cluster = cluster;
        this.history = history;
        this.topic = topic;
        this.thread = new Thread(this::loop, "leader-observer");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            for (int node : cluster.ids()) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                observe(node);
            }
            Cluster.sleep(1000);
        }
    }

    private void observe(int node) {
        Op invoke = history.invoke("leaders", -100 - node, Integer.toString(node), null, null);
        try (Admin admin = cluster.admin(cluster.address(node))) {
            TopicDescription d = admin.describeTopics(List.of(topic)).get(3, TimeUnit.SECONDS).get(topic);
            Map<String, Object> leaders = new TreeMap<>();
            if (d != null) {
                for (PartitionInfo p : d.partitions()) {
                    leaders.put(Integer.toString(p.partition()), List.of(p.leader(), p.leaderEpoch(), p.isr()));
                }
            }
            history.complete(invoke, Op.Type.OK, leaders, null, null);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            history.complete(invoke, Op.Type.FAIL, null, null, e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
