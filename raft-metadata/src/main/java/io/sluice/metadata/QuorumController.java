package io.sluice.metadata;

import io.sluice.metadata.controller.BrokerLiveness;
import io.sluice.protocol.Time;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.BrokerRef;
import io.sluice.protocol.metadata.ControlledShutdownCommand;
import io.sluice.protocol.metadata.FenceBrokersCommand;
import io.sluice.protocol.metadata.InitializeClusterCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.RegisterBrokerCommand;
import io.sluice.protocol.metadata.UnfenceBrokerCommand;
import io.sluice.protocol.rpc.BrokerHeartbeatRequest;
import io.sluice.protocol.rpc.BrokerHeartbeatResponse;
import io.sluice.protocol.rpc.BrokerRegistrationRequest;
import io.sluice.protocol.rpc.BrokerRegistrationResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The broker-facing front door of the active controller: registrations, heartbeats, fencing of
 * brokers whose session lapsed, unfencing of brokers that caught up, and controlled shutdown. It acts
 * only while its node leads the quorum; elsewhere it answers NOT_CONTROLLER with the leader's id.
 *
 * <p>Heartbeats only touch memory ({@link BrokerLiveness}); state changes go through the log as
 * commands, and they are coalesced: one FenceBrokers command per expiry check, at most one unfence or
 * shutdown command in flight per broker however many heartbeats arrive meanwhile.
 *
 * <p>Thread-safe: request methods may be called from any thread; the expiry check runs on the
 * scheduler given at construction.
 */
public final class QuorumController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QuorumController.class);

    /** What the controller needs from its node; a narrow seam so tests can drive it without Raft. */
    interface Quorum {
        boolean isLeader();

        OptionalInt leaderId();

        long leaderTerm();

        MetadataImage image();

        String clusterId();

        CompletableFuture<CommandResult> submit(MetadataCommand command);
    }

    private final Quorum quorum;
    private final ScheduledExecutorService scheduler;
    private final long sessionTimeoutMs;
    private final BrokerLiveness liveness;
    /** In-flight unfence / shutdown command per broker, shared by the heartbeats that arrive meanwhile. */
    private final ConcurrentHashMap<String, CompletableFuture<CommandResult>> inFlight = new ConcurrentHashMap<>();
    private long activeTerm = -1;
    private CompletableFuture<CommandResult> pendingFence = CompletableFuture.completedFuture(null);
    private CompletableFuture<CommandResult> pendingInit = CompletableFuture.completedFuture(null);
    private ScheduledFuture<?> task;

    QuorumController(Quorum quorum, Time time, ScheduledExecutorService scheduler, long sessionTimeoutMs) {
        this.quorum = quorum;
        this.scheduler = scheduler;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.liveness = new BrokerLiveness(time, sessionTimeoutMs);
    }

    /** Starts the periodic expiry check, several times per session so a fencing is never late by much. */
    void start() {
        long period = Math.max(50, Math.min(1_000, sessionTimeoutMs / 6));
        task = scheduler.scheduleWithFixedDelay(this::runSafely, period, period, TimeUnit.MILLISECONDS);
    }

    public CompletableFuture<BrokerRegistrationResponse> registerBroker(BrokerRegistrationRequest r) {
        if (!quorum.isLeader()) {
            return CompletableFuture.completedFuture(BrokerRegistrationResponse.newBuilder()
                    .setError(ErrorCode.NOT_CONTROLLER).setErrorMessage(notControllerMessage())
                    .setControllerId(quorum.leaderId().orElse(-1)).build());
        }
        MetadataCommand command = MetadataCommand.newBuilder().setRegisterBroker(RegisterBrokerCommand.newBuilder()
                .setBrokerId(r.getBrokerId()).setClusterId(r.getClusterId()).setIncarnationId(r.getIncarnationId())
                .setEndpoint(r.getEndpoint()).setRack(r.getRack())).build();
        return quorum.submit(command).thenApply(result -> {
            if (result.isSuccess()) {
                liveness.touch(r.getBrokerId());
                LOG.info("Broker {} registered (incarnation {}, epoch {}), fenced until it catches up",
                        r.getBrokerId(), r.getIncarnationId(), result.brokerEpoch());
            }
            return BrokerRegistrationResponse.newBuilder().setError(result.error()).setErrorMessage(result.message())
                    .setBrokerEpoch(result.brokerEpoch()).setControllerId(quorum.leaderId().orElse(-1)).build();
        });
    }

    public CompletableFuture<BrokerHeartbeatResponse> heartbeat(BrokerHeartbeatRequest r) {
        if (!quorum.isLeader()) {
            return CompletableFuture.completedFuture(heartbeatError(ErrorCode.NOT_CONTROLLER, notControllerMessage()));
        }
        BrokerRegistration broker = quorum.image().cluster().broker(r.getBrokerId());
        if (broker == null) {
            return CompletableFuture.completedFuture(heartbeatError(ErrorCode.BROKER_ID_NOT_REGISTERED,
                    "Broker " + r.getBrokerId() + " is not registered: register before sending heartbeats."));
        }
        if (broker.epoch() != r.getBrokerEpoch()) {
            return CompletableFuture.completedFuture(heartbeatError(ErrorCode.STALE_BROKER_EPOCH, "Broker "
                    + r.getBrokerId() + " epoch " + r.getBrokerEpoch() + " is not the current registration ("
                    + broker.epoch() + "): register again."));
        }
        liveness.touch(broker.id());
        if (r.getWantShutDown()) {
            return controlledShutdown(broker);
        }
        if (broker.fenced() && r.getMetadataOffset() >= broker.epoch()) {
            return once("unfence-" + broker.id(), () -> {
                LOG.info("Unfencing broker {}: it has caught up to its registration at {}", broker.id(), broker.epoch());
                return quorum.submit(MetadataCommand.newBuilder().setUnfenceBroker(
                        UnfenceBrokerCommand.newBuilder().setBroker(ref(broker))).build());
            }).thenApply(result -> heartbeatResponse(broker.id(), result, false));
        }
        return CompletableFuture.completedFuture(heartbeatResponse(broker.id(), null, false));
    }

    private CompletableFuture<BrokerHeartbeatResponse> controlledShutdown(BrokerRegistration broker) {
        MetadataImage image = quorum.image();
        if ((broker.fenced() || broker.inControlledShutdown()) && image.topics().partitionsLedBy(broker.id()) == 0) {
            return CompletableFuture.completedFuture(heartbeatResponse(broker.id(), null, true));
        }
        return once("shutdown-" + broker.id(), () -> {
            LOG.info("Broker {} is shutting down: moving its leaderships to other in-sync replicas", broker.id());
            return quorum.submit(MetadataCommand.newBuilder().setControlledShutdown(
                    ControlledShutdownCommand.newBuilder().setBroker(ref(broker))).build());
        }).thenApply(result -> heartbeatResponse(broker.id(), result, true));
    }

    /** Runs the command unless one with the same key is in flight, in which case it shares that one. */
    private CompletableFuture<CommandResult> once(String key, Supplier<CompletableFuture<CommandResult>> command) {
        CompletableFuture<CommandResult> mine = new CompletableFuture<>();
        CompletableFuture<CommandResult> existing = inFlight.putIfAbsent(key, mine);
        if (existing != null) {
            return existing;
        }
        CompletableFuture<CommandResult> submitted;
        try {
            submitted = command.get();
        } catch (RuntimeException e) {
            submitted = CompletableFuture.failedFuture(e);
        }
        submitted.whenComplete((result, error) -> {
            inFlight.remove(key, mine);
            if (error != null) {
                mine.complete(CommandResult.error(ErrorCode.UNKNOWN_SERVER_ERROR, "The controller could not"
                        + " submit the change: " + error + "; the broker retries with its next heartbeat."));
            } else {
                mine.complete(result);
            }
        });
        return mine;
    }

    /**
     * The broker's state as of now, or the command's error when the command failed. A broker that
     * asked to shut down may stop once it is fenced or shutting down and leads nothing.
     */
    private BrokerHeartbeatResponse heartbeatResponse(int brokerId, CommandResult result, boolean wantsToStop) {
        if (result != null && !result.isSuccess()) {
            return heartbeatError(result.error(), result.message());
        }
        BrokerRegistration now = quorum.image().cluster().broker(brokerId);
        boolean fenced = now == null || now.fenced();
        boolean shuttingDown = now != null && now.inControlledShutdown();
        // Counting leaderships walks every partition: only a broker that wants to stop needs it.
        boolean canStop = wantsToStop && (fenced || shuttingDown)
                && quorum.image().topics().partitionsLedBy(brokerId) == 0;
        return BrokerHeartbeatResponse.newBuilder().setIsFenced(fenced)
                .setShouldShutDown(canStop).setControllerId(quorum.leaderId().orElse(-1)).build();
    }

    private BrokerHeartbeatResponse heartbeatError(ErrorCode error, String message) {
        return BrokerHeartbeatResponse.newBuilder().setError(error).setErrorMessage(message).setIsFenced(true)
                .setControllerId(quorum.leaderId().orElse(-1)).build();
    }

    private String notControllerMessage() {
        OptionalInt leader = quorum.leaderId();
        return leader.isPresent() ? "This node is not the active controller; send to node " + leader.getAsInt() + "."
                : "No active controller right now (election in progress); retry shortly.";
    }

    private void runSafely() {
        try {
            runOnce();
        } catch (RuntimeException e) {
            LOG.error("Controller liveness check failed; retrying at the next tick", e);
        }
    }

    /**
     * One expiry check: on a new leadership, start every broker's session afresh (and write the cluster
     * id if the quorum is new); then fence, in one command, every broker whose session lapsed.
     */
    synchronized void runOnce() {
        if (!quorum.isLeader()) {
            activeTerm = -1;
            return;
        }
        long term = quorum.leaderTerm();
        if (term != activeTerm) {
            activeTerm = term;
            liveness.resetAll();
            LOG.info("This node is the active controller (term {}); every broker gets a full {} ms session",
                    term, sessionTimeoutMs);
        }
        MetadataImage image = quorum.image();
        if (image.clusterId().isEmpty() && pendingInit.isDone()) {
            pendingInit = quorum.submit(MetadataCommand.newBuilder().setInitializeCluster(
                    InitializeClusterCommand.newBuilder().setClusterId(quorum.clusterId())).build());
        }
        if (!pendingFence.isDone()) {
            return;
        }
        List<BrokerRef> expired = liveness.expired(image.cluster());
        if (!expired.isEmpty()) {
            LOG.info("Fencing brokers {}: no heartbeat for more than {} ms",
                    expired.stream().map(BrokerRef::getBrokerId).toList(), sessionTimeoutMs);
            pendingFence = quorum.submit(MetadataCommand.newBuilder().setFenceBrokers(
                    FenceBrokersCommand.newBuilder().addAllBrokers(expired).setControllerTerm(term)).build());
        }
    }

    private static BrokerRef ref(BrokerRegistration broker) {
        return BrokerRef.newBuilder().setBrokerId(broker.id()).setBrokerEpoch(broker.epoch()).build();
    }

    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
    }
}
