package io.sluice.metadata;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.BrokerHeartbeatRequest;
import io.sluice.protocol.rpc.BrokerHeartbeatResponse;
import io.sluice.protocol.rpc.BrokerRegistrationRequest;
import io.sluice.protocol.rpc.BrokerRegistrationResponse;
import io.sluice.protocol.rpc.Endpoint;

import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the broker side of a node in integration tests: registers with whichever node is the
 * active controller and heartbeats every {@code intervalMs}, reporting the applied index of the node
 * it runs next to (its "metadata offset"). Thread-safe: the loop runs on its own thread.
 */
final class TestBroker implements AutoCloseable {

    private final MetadataTestCluster cluster;
    private final int id;
    private final long incarnation;
    private final ScheduledExecutorService loop;
    private volatile long epoch = -1;
    private volatile boolean wantShutDown;
    private volatile BrokerHeartbeatResponse lastResponse;
    private final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();

    TestBroker(MetadataTestCluster cluster, int id, long incarnation, long intervalMs) {
        this.cluster = cluster;
        this.id = id;
        this.incarnation = incarnation;
        this.loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "test-broker-" + id));
        loop.scheduleWithFixedDelay(this::tick, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    long epoch() {
        return epoch;
    }

    BrokerHeartbeatResponse lastResponse() {
        return lastResponse;
    }

    /** How many heartbeats an active controller has answered so far. */
    int heartbeatsAnswered() {
        return answered.get();
    }

    void requestShutdown() {
        wantShutDown = true;
    }

    private void tick() {
        try {
            Optional<MetadataNode> controller = cluster.runningNodes().stream().filter(MetadataNode::isLeader).findFirst();
            if (controller.isEmpty()) {
                return;
            }
            if (epoch < 0) {
                BrokerRegistrationResponse r = controller.get().controller().registerBroker(BrokerRegistrationRequest
                        .newBuilder().setBrokerId(id).setClusterId(MetadataTestCluster.CLUSTER_ID).setIncarnationId(incarnation)
                        .setEndpoint(Endpoint.newBuilder().setHost("localhost").setPort(9000 + id)).build())
                        .get(10, TimeUnit.SECONDS);
                if (r.getError() == ErrorCode.NONE) {
                    epoch = r.getBrokerEpoch();
                }
                return;
            }
            long applied = cluster.runningNodes().stream().mapToLong(MetadataNode::appliedIndex).min().orElse(0);
            lastResponse = controller.get().controller().heartbeat(BrokerHeartbeatRequest.newBuilder().setBrokerId(id)
                    .setBrokerEpoch(epoch).setMetadataOffset(applied).setWantShutDown(wantShutDown).build())
                    .get(10, TimeUnit.SECONDS);
            answered.incrementAndGet();
        } catch (Exception e) {
            // The controller may be moving; the next tick tries again, as a real broker would.
        }
    }

    /** Stops heartbeating, as a crashed broker would. */
    @Override
    public void close() {
        loop.shutdownNow();
    }
}
