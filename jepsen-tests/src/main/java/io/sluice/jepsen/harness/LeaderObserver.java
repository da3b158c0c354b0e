package io.sluice.jepsen.harness;

import io.sluice.client.Metadata;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.client.PartitionInfo;
import io.sluice.protocol.Time;
import io.sluice.client.admin.AdminConfig;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Asks each node in turn, about once a second, who leads each partition of a topic in which epoch
 * (and with which ISR, for whoever reads the history after a surprise), and records the answers as
 * {@code leaders} operations (process -100 - node), for the at-most-one-leader-per-epoch check. Each
 * request goes to that node itself (not through an admin client, which would ask whichever node it
 * likes), so an observation is what that node believed. Runs on its own daemon thread until {@link #close}.
 */
public final class LeaderObserver implements AutoCloseable {
    private final Cluster cluster;
    private final History history;
    private final String topic;
    private final Thread thread;
    private final NetworkClient network;

    public LeaderObserver(Cluster cluster, History history, String topic) {
        this.cluster = cluster;
        this.history = history;
        this.topic = topic;
        this.network = new NetworkClient(new AdminConfig(settings(cluster)),
                "leader-observer", Time.SYSTEM);
        this.thread = new Thread(this::loop, "leader-observer");
        thread.setDaemon(true);
    }

    private static Map<String, Object> settings(Cluster cluster) {
        Map<String, Object> settings = new java.util.HashMap<>(cluster.security().adminSettings());
        settings.put("socket.connection.setup.timeout.ms", 2000);
        return settings;
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
        try {
            Node address = Metadata.parseBootstrap(List.of(cluster.address(node))).get(0);
            MetadataResponse response = network.call(address, ApiKey.METADATA,
                    MetadataRequest.newBuilder().addTopics(topic).build(), MetadataResponse.parser(), 3000)
                    .get(4, TimeUnit.SECONDS);
            Map<String, Object> leaders = new TreeMap<>();
            if (response.getTopicsCount() == 1 && response.getTopics(0).getError() == ErrorCode.NONE) {
                for (PartitionInfo p : io.sluice.client.Cluster.from(response).partitionsFor(topic)) {
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
        } finally {
            network.close();
        }
    }
}
