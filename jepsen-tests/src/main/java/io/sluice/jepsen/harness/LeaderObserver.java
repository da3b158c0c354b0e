package io.sluice.jepsen.harness;

import io.sluice.client.Metadata;
import io.sluice.client.Node;
import io.sluice.client.PartitionInfo;
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
public final class LeaderObserver extends NodeObserver {
    private final History history;
    private final String topic;

    public LeaderObserver(Cluster cluster, History history, String topic) {
        super(cluster, "leader-observer", 2000);
        this.history = history;
        this.topic = topic;
    }

    @Override
    protected void observe(int node) {
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
}
