package io.sluice.metadata;

import io.sluice.metadata.controller.ControllerResult;
import io.sluice.metadata.controller.MetadataController;
import io.sluice.protocol.MockTime;
import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.rpc.BrokerHeartbeatRequest;
import io.sluice.protocol.rpc.BrokerHeartbeatResponse;
import io.sluice.protocol.rpc.BrokerRegistrationRequest;
import io.sluice.protocol.rpc.BrokerRegistrationResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controller's liveness logic, stepped by hand with a fake clock and a quorum that applies in-process. */
@Timeout(10)
class QuorumControllerTest {

    private static final long SESSION_MS = 6_000;

    private final MockTime time = new MockTime();
    private final FakeQuorum quorum = new FakeQuorum();
    private ScheduledExecutorService scheduler;
    private QuorumController controller;

    @BeforeEach
    void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        controller = new QuorumController(quorum, time, scheduler, SESSION_MS);
        controller.runOnce();
    }

    @AfterEach
    void tearDown() {
        controller.close();
        scheduler.shutdownNow();
    }

    @Test
    void initializesTheClusterIdOnFirstLeadership() {
        assertEquals("c1", quorum.image.clusterId());
    }

    @Test
    void aFollowerNamesTheController() {
        quorum.leader = false;
        BrokerRegistrationResponse registration = controller.registerBroker(registration(1, 1)).join();
        assertEquals(ErrorCode.NOT_CONTROLLER, registration.getError());
        assertEquals(7, registration.getControllerId());
        BrokerHeartbeatResponse heartbeat = controller.heartbeat(heartbeat(1, 1, 0)).join();
        assertEquals(ErrorCode.NOT_CONTROLLER, heartbeat.getError());
        assertTrue(heartbeat.getErrorMessage().contains("node 7"));
    }

    @Test
    void registeredBrokerIsUnfencedOnceItHasCaughtUpToItsEpoch() {
        long epoch = controller.registerBroker(registration(1, 11)).join().getBrokerEpoch();
        assertTrue(controller.heartbeat(heartbeat(1, epoch, epoch - 1)).join().getIsFenced());
        int commands = quorum.submitted.size();
        BrokerHeartbeatResponse caughtUp = controller.heartbeat(heartbeat(1, epoch, epoch)).join();
        assertFalse(caughtUp.getIsFenced());
        assertEquals(commands + 1, quorum.submitted.size());
        assertTrue(quorum.submitted.get(commands).hasUnfenceBroker());
        // Further heartbeats of an unfenced broker write nothing.
        for (int i = 0; i < 10; i++) {
            controller.heartbeat(heartbeat(1, epoch, epoch + i));
        }
        assertEquals(commands + 1, quorum.submitted.size());
    }

    @Test
    void refusesUnknownBrokersAndStaleEpochs() {
        assertEquals(ErrorCode.BROKER_ID_NOT_REGISTERED, controller.heartbeat(heartbeat(9, 1, 0)).join().getError());
        long epoch = controller.registerBroker(registration(1, 11)).join().getBrokerEpoch();
        long newEpoch = controller.registerBroker(registration(1, 12)).join().getBrokerEpoch();
        assertTrue(newEpoch > epoch);
        BrokerHeartbeatResponse stale = controller.heartbeat(heartbeat(1, epoch, epoch)).join();
        assertEquals(ErrorCode.STALE_BROKER_EPOCH, stale.getError());
    }

    @Test
    void fencesAllLapsedBrokersInOneCommand() {
        long e1 = live(1);
        long e2 = live(2);
        long e3 = live(3);
        time.sleep(SESSION_MS - 1_000);
        controller.heartbeat(heartbeat(3, e3, e3)).join();
        time.sleep(2_000);
        int commands = quorum.submitted.size();

        controller.runOnce();

        assertEquals(commands + 1, quorum.submitted.size());
        MetadataCommand fence = quorum.submitted.get(commands);
        assertEquals(List.of(1, 2), fence.getFenceBrokers().getBrokersList().stream().map(b -> b.getBrokerId()).toList());
        assertEquals(List.of(e1, e2), fence.getFenceBrokers().getBrokersList().stream().map(b -> b.getBrokerEpoch()).toList());
        assertTrue(quorum.image.cluster().broker(1).fenced());
        assertFalse(quorum.image.cluster().broker(3).fenced());
        controller.runOnce();
        assertEquals(commands + 1, quorum.submitted.size(), "already fenced: nothing more to write");
    }

    @Test
    void aNewLeaderGivesEveryBrokerAFullSession() {
        live(1);
        quorum.leader = false;
        controller.runOnce();
        time.sleep(10 * SESSION_MS);
        quorum.leader = true;
        quorum.term = 2;
        int commands = quorum.submitted.size();

        controller.runOnce();
        time.sleep(SESSION_MS - 1);
        controller.runOnce();
        assertEquals(commands, quorum.submitted.size(), "no fencing within the first session of the new term");

        time.sleep(2);
        controller.runOnce();
        assertTrue(quorum.submitted.get(commands).hasFenceBrokers());
    }

    @Test
    void concurrentHeartbeatsShareOneUnfenceCommand() {
        long epoch = controller.registerBroker(registration(1, 11)).join().getBrokerEpoch();
        quorum.hold = true;
        CompletableFuture<BrokerHeartbeatResponse> first = controller.heartbeat(heartbeat(1, epoch, epoch));
        CompletableFuture<BrokerHeartbeatResponse> second = controller.heartbeat(heartbeat(1, epoch, epoch));
        assertEquals(1, quorum.held.size());
        quorum.release();
        assertFalse(first.join().getIsFenced());
        assertFalse(second.join().getIsFenced());
    }

    @Test
    void controlledShutdownMovesLeadershipThenAllowsTheBrokerToStop() {
        long e1 = live(1);
        live(2);
        quorum.submit(MetadataCommand.newBuilder().setCreateTopic(CreateTopicCommand.newBuilder().setName("t")
                .setPartitions(4).setReplicationFactor(2)).build()).join();
        assertTrue(quorum.image.topics().partitionsLedBy(1) > 0);

        BrokerHeartbeatResponse response = controller.heartbeat(heartbeat(1, e1, e1).toBuilder().setWantShutDown(true).build()).join();

        assertTrue(response.getShouldShutDown());
        assertEquals(0, quorum.image.topics().partitionsLedBy(1));
        assertTrue(quorum.submitted.stream().anyMatch(MetadataCommand::hasControlledShutdown));
    }

    @Test
    void aFencedBrokerThatLeadsNothingMayStopAtOnce() {
        long epoch = controller.registerBroker(registration(1, 11)).join().getBrokerEpoch();
        int commands = quorum.submitted.size();
        BrokerHeartbeatResponse response = controller.heartbeat(heartbeat(1, epoch, 0).toBuilder().setWantShutDown(true).build()).join();
        assertTrue(response.getShouldShutDown());
        assertTrue(response.getIsFenced());
        assertEquals(commands, quorum.submitted.size(), "nothing to move, nothing to write");
    }

    @Test
    void aSubmitThatThrowsBecomesAnErrorAnswerAndIsRetriedByTheNextHeartbeat() {
        long epoch = controller.registerBroker(registration(1, 11)).join().getBrokerEpoch();
        quorum.failNext = true;
        BrokerHeartbeatResponse failed = controller.heartbeat(heartbeat(1, epoch, epoch)).join();
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, failed.getError());
        assertFalse(controller.heartbeat(heartbeat(1, epoch, epoch)).join().getIsFenced());
    }

    /** Registers and unfences a broker; returns its epoch. */
    private long live(int id) {
        long epoch = controller.registerBroker(registration(id, id * 10L)).join().getBrokerEpoch();
        assertFalse(controller.heartbeat(heartbeat(id, epoch, epoch)).join().getIsFenced());
        return epoch;
    }

    private static BrokerRegistrationRequest registration(int id, long incarnation) {
        return BrokerRegistrationRequest.newBuilder().setBrokerId(id).setClusterId("c1").setIncarnationId(incarnation).build();
    }

    private static BrokerHeartbeatRequest heartbeat(int id, long epoch, long offset) {
        return BrokerHeartbeatRequest.newBuilder().setBrokerId(id).setBrokerEpoch(epoch).setMetadataOffset(offset).build();
    }

    /** A quorum of one that applies each command at once (or holds it until released). */
    private static final class FakeQuorum implements QuorumController.Quorum {
        final List<MetadataCommand> submitted = new ArrayList<>();
        final List<Runnable> held = new ArrayList<>();
        MetadataImage image = MetadataImage.EMPTY;
        boolean leader = true;
        boolean hold;
        boolean failNext;
        long term = 1;
        long index;

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public OptionalInt leaderId() {
            return leader ? OptionalInt.of(1) : OptionalInt.of(7);
        }

        @Override
        public long leaderTerm() {
            return term;
        }

        @Override
        public MetadataImage image() {
            return image;
        }

        @Override
        public String clusterId() {
            return "c1";
        }

        @Override
        public synchronized CompletableFuture<CommandResult> submit(MetadataCommand command) {
            if (failNext) {
                failNext = false;
                throw new IllegalStateException("client closed");
            }
            submitted.add(command);
            CompletableFuture<CommandResult> future = new CompletableFuture<>();
            Runnable apply = () -> future.complete(apply(command));
            if (hold) {
                held.add(apply);
            } else {
                apply.run();
            }
            return future;
        }

        void release() {
            hold = false;
            held.forEach(Runnable::run);
            held.clear();
        }

        private CommandResult apply(MetadataCommand command) {
            index++;
            ControllerResult result = MetadataController.execute(image, command, index, term);
            MetadataDelta delta = new MetadataDelta(image);
            result.records().forEach(delta::replay);
            image = delta.apply(index, term);
            return CommandResult.of(result.result());
        }
    }
}
