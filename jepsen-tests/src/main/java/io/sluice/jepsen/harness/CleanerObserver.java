package io.sluice.jepsen.harness;

import io.sluice.client.Metadata;
import io.sluice.client.Node;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.DescribeLogCleanerRequest;
import io.sluice.protocol.rpc.DescribeLogCleanerResponse;
import io.sluice.protocol.rpc.LogCleanerProgress;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Asks each node in turn, about once a second, how far its log cleaner got on its own replicas of a
 * compacted topic (the native DescribeLogCleaner, sent to that node itself, since every replica cleans
 * its own copy), and records the answers as {@code cleaner} operations (process -200 - node, key the
 * node): partition -> {@code [last cleaned offset, passes, records removed]}, passes and records
 * counted since that node's process started. The compacted workload's coverage check reads them to
 * tell whether cleaning was going on when power was cut. Runs on its own daemon thread until {@link #close}.
 */
public final class CleanerObserver extends NodeObserver {
    /** The process number of node {@code node}'s observations. */
    public static int process(int node) {
        return -200 - node;
    }

    private final History history;
    private final String topic;

    public CleanerObserver(Cluster cluster, History history, String topic) {
        super(cluster, "cleaner-observer", 1000);
        this.history = history;
        this.topic = topic;
    }

    @Override
    protected void observe(int node) {
        Op invoke = history.invoke("cleaner", process(node), Integer.toString(node), null, null);
        try {
            Node address = Metadata.parseBootstrap(List.of(cluster.address(node))).get(0);
            DescribeLogCleanerResponse response = network.call(address, ApiKey.DESCRIBE_LOG_CLEANER,
                    DescribeLogCleanerRequest.newBuilder().addTopics(topic).build(),
                    DescribeLogCleanerResponse.parser(), 2000).get(3, TimeUnit.SECONDS);
            if (response.getError() != ErrorCode.NONE) {
                history.complete(invoke, Op.Type.FAIL, null, null, response.getError() + ": " + response.getErrorMessage());
                return;
            }
            Map<String, Object> progress = new TreeMap<>();
            for (LogCleanerProgress p : response.getPartitionsList()) {
                progress.put(Integer.toString(p.getPartition()),
                        List.of(p.getLastCleanedOffset(), p.getPasses(), p.getRecordsRemoved()));
            }
            history.complete(invoke, Op.Type.OK, progress, null, null);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            history.complete(invoke, Op.Type.FAIL, null, null, e.getClass().getSimpleName());
        }
    }
}
