package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.network.NodeClient;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.BrokerHeartbeatRequest;
import io.sluice.protocol.rpc.BrokerHeartbeatResponse;
import io.sluice.protocol.rpc.BrokerRegistrationRequest;
import io.sluice.protocol.rpc.BrokerRegistrationResponse;
import io.sluice.protocol.rpc.Endpoint;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's side of its membership: registers with the active controller (the metadata leader),
 * then heartbeats every interval with the metadata offset it has applied, re-registering when the
 * controller forgets it, and on shutdown asks the controller to move leadership away first.
 *
 * <p>Requests go to the controller's data-plane port; when this node is itself the controller they
 * are handed to it directly, which is the same call without a socket. One scheduler thread; the
 * state fields are written only from it (and read anywhere through volatiles).
 */
public final class BrokerLifecycle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLifecycle.class);
    private final NodeConfig config;
    private final MetadataNode metadata;
    private final NodeClient client;
    private final Endpoint endpoint;
    private final long incarnationId;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-broker-lifecycle");
        t.setDaemon(true);
        return t;
    });
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private volatile long brokerEpoch = -1;
    private volatile boolean fenced = true;
    private volatile boolean shuttingDown;
    private final CompletableFuture<Void> shutdownAllowed = new CompletableFuture<>();
    private final java.util.function.LongConsumer onRegistered;

    public BrokerLifecycle(NodeConfig config, MetadataNode metadata, NodeClient client, InetSocketAddress advertised,
                           long incarnationId, java.util.function.LongConsumer onRegistered) {
        this.onRegistered = onRegistered;
        this.config = config;
        this.metadata = metadata;
        this.client = client;
        this.endpoint = Endpoint.newBuilder().setHost(advertised.getHostString()).setPort(advertised.getPort()).build();
        this.incarnationId = incarnationId;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, config.heartbeatIntervalMs(), TimeUnit.MILLISECONDS);
    }

    public long brokerEpoch() {
        return brokerEpoch;
    }

    public boolean isFenced() {
        return fenced;
    }

    /**
     * Asks the controller to move this broker's partition leadership away and waits until it agrees
     * or the timeout passes. Heartbeats keep going meanwhile, flagged as wanting to shut down.
     */
    public boolean controlledShutdown(Duration timeout) {
        if (brokerEpoch < 0 || metadata.leaderId().isEmpty()) {
            return true; // nothing to hand over, or no quorum to agree to it
        }
        shuttingDown = true;
        scheduler.execute(this::tick);
        try {
            shutdownAllowed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            log.warn("Controlled shutdown not confirmed within {} ms; stopping anyway", timeout.toMillis());
            return false;
        }
    }

    private void tick() {
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<?> step = brokerEpoch < 0 ? register() : heartbeat();
        step.whenComplete((r, e) -> {
            inFlight.set(false);
            if (e != null) {
                log.debug("Controller request failed: {}", e.getMessage());
            }
        });
    }

    private CompletableFuture<?> register() {
        BrokerRegistrationRequest request = BrokerRegistrationRequest.newBuilder()
                .setBrokerId(config.nodeId())
                .setClusterId(config.clusterId())
                .setIncarnationId(incarnationId)
                .setEndpoint(endpoint)
                .build();
        return toController(c -> c.registerBroker(request), ApiKey.BROKER_REGISTRATION, request,
                BrokerRegistrationResponse.parser())
                .thenAccept(r -> {
                    if (r.getError() == ErrorCode.NONE) {
                        brokerEpoch = r.getBrokerEpoch();
                        onRegistered.accept(brokerEpoch);
                        log.info("Registered broker {} with controller {} (broker epoch {})", config.nodeId(),
                                r.getControllerId(), r.getBrokerEpoch());
                    } else if (r.getError() != ErrorCode.NOT_CONTROLLER) {
                        log.warn("Registration refused: {} ({})", r.getErrorMessage(), r.getError());
                    }
                });
    }

    private CompletableFuture<?> heartbeat() {
        BrokerHeartbeatRequest request = BrokerHeartbeatRequest.newBuilder()
                .setBrokerId(config.nodeId())
                .setBrokerEpoch(brokerEpoch)
                .setMetadataOffset(metadata.appliedIndex())
                .setWantShutDown(shuttingDown)
                .build();
        return toController(c -> c.heartbeat(request), ApiKey.BROKER_HEARTBEAT, request,
                BrokerHeartbeatResponse.parser())
                .thenAccept(this::onHeartbeat);
    }

    private void onHeartbeat(BrokerHeartbeatResponse r) {
        switch (r.getError()) {
            case NONE -> {
                if (fenced != r.getIsFenced()) {
                    log.info("Broker {} is now {}", config.nodeId(), r.getIsFenced() ? "fenced" : "unfenced");
                }
                fenced = r.getIsFenced();
                if (shuttingDown && r.getShouldShutDown()) {
                    shutdownAllowed.complete(null);
                }
            }
            case STALE_BROKER_EPOCH, BROKER_ID_NOT_REGISTERED -> {
                log.info("Controller does not know broker epoch {} ({}); registering again", brokerEpoch,
                        r.getErrorMessage());
                brokerEpoch = -1;
                fenced = true;
            }
            case NOT_CONTROLLER -> { } // the leader moved; the next tick asks the new one
            default -> log.warn("Heartbeat refused: {} ({})", r.getErrorMessage(), r.getError());
        }
    }

    /** Calls the active controller: in-process when it is this node, else over its data-plane port. */
    private <R> CompletableFuture<R> toController(
            java.util.function.Function<io.sluice.metadata.QuorumController, CompletableFuture<R>> local,
            ApiKey api, com.google.protobuf.MessageLite request, com.google.protobuf.Parser<R> parser) {
        if (metadata.isLeader()) {
            return local.apply(metadata.controller());
        }
        OptionalInt leader = metadata.leaderId();
        BrokerRegistration controller = leader.isPresent() ? metadata.image().cluster().broker(leader.getAsInt()) : null;
        if (controller == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no reachable controller yet"));
        }
        InetSocketAddress address = new InetSocketAddress(controller.host(), controller.port());
        return client.call(address, api, request, parser, config.heartbeatIntervalMs() * 2L);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
