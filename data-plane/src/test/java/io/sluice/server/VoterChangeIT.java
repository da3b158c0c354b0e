package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.Endpoint;
import io.sluice.protocol.rpc.RaftVoterResponse;
import io.sluice.protocol.rpc.ReplicaState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The metadata quorum's voter set changed while the cluster serves (Kafka's AddRaftVoter and
 * RemoveRaftVoter): a broker-only node becomes a voter, a voter is replaced (added then removed: it
 * stays a broker), a stopped voter is removed, and changes that would lose the quorum are refused
 * with nothing changed. Acks=all writes are taken after every change.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class VoterChangeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void votersAreAddedReplacedAndRemovedWithoutLosingTheQuorum() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            int four = cluster.addBrokerOnlyNode();
            TestCluster.await(WAIT, "broker 4 registered and unfenced",
                    () -> cluster.node(1).metadata().image().cluster().isUnfenced(four));
            InetSocketAddress via = cluster.address(2);

            // Refused, changing nothing.
            assertError(ErrorCode.DUPLICATE_VOTER, "already a voter", wire.addRaftVoter(via, 2, List.of()));
            assertError(ErrorCode.INVALID_REQUEST, "not a broker-only member", wire.addRaftVoter(via, 9, List.of()));
            assertError(ErrorCode.VOTER_NOT_FOUND, "not a voter", wire.removeRaftVoter(via, four));
            Endpoint wrong = Endpoint.newBuilder().setListener("CONTROLLER").setHost("127.0.0.1").setPort(1).build();
            assertError(ErrorCode.INVALID_REQUEST, "raft.address", wire.addRaftVoter(via, four, List.of(wrong)));
            assertEquals(List.of(1, 2, 3), voters(wire.describeQuorum(via)));

            // Add: the broker-only node becomes a voter, named by its Raft address as Kafka's tool does.
            String raftAddress = cluster.node(four).config().raftAddress();
            int colon = raftAddress.lastIndexOf(':');
            Endpoint controller = Endpoint.newBuilder().setListener("CONTROLLER")
                    .setHost(raftAddress.substring(0, colon)).setPort(Integer.parseInt(raftAddress.substring(colon + 1))).build();
            assertError(ErrorCode.NONE, "", wire.addRaftVoter(via, four, List.of(controller)));
            TestCluster.await(WAIT, "voters 1-4", () -> voters(describe(wire, via)).equals(List.of(1, 2, 3, 4)));
            DescribeQuorumResponse quorum = describe(wire, via);
            assertEquals(raftAddress, quorum.getCurrentVotersList().stream().filter(v -> v.getReplicaId() == four)
                    .findFirst().orElseThrow().getRaftAddress());
            assertTrue(quorum.getObserversList().stream().noneMatch(o -> o.getReplicaId() == four));
            TestCluster.await(WAIT, "node 4 knows it votes", () -> !cluster.node(four).metadata().isObserver());
            produce(cluster, wire, "after-add");

            // Replace voter 1 by 4: removing 1 leaves it a broker-only node that still serves.
            assertError(ErrorCode.NONE, "", wire.removeRaftVoter(via, 1));
            TestCluster.await(WAIT, "voters 2-4, node 1 an observer", () -> {
                DescribeQuorumResponse q = describe(wire, via);
                return voters(q).equals(List.of(2, 3, 4))
                        && q.getObserversList().stream().anyMatch(o -> o.getReplicaId() == 1);
            });
            TestCluster.await(WAIT, "node 1 knows it no longer votes", () -> cluster.node(1).metadata().isObserver());
            produce(cluster, wire, "after-replace");

            // A promoted node and a demoted one keep their roles across a restart.
            cluster.stopNode(four);
            cluster.startNode(four);
            cluster.stopNode(1);
            cluster.startNode(1);
            cluster.awaitReady(WAIT);
            TestCluster.await(WAIT, "roles kept over restarts", () -> voters(describe(wire, via)).equals(List.of(2, 3, 4))
                    && cluster.node(1).metadata().isObserver() && !cluster.node(four).metadata().isObserver());

            // Voter 2 stops: removing 3 would leave [2, 4] with one live voter of two; refused.
            cluster.stopNode(2);
            InetSocketAddress via3 = cluster.address(3);
            TestCluster.await(WAIT, "broker 2 fenced", () -> !cluster.node(3).metadata().image().cluster().isUnfenced(2));
            assertError(ErrorCode.INVALID_REQUEST, "majority", wire.removeRaftVoter(via3, 3));
            assertEquals(List.of(2, 3, 4), voters(describe(wire, via3)));
            // Removing the stopped voter itself keeps a live majority ([3, 4], both live): allowed.
            assertError(ErrorCode.NONE, "", wire.removeRaftVoter(via3, 2));
            TestCluster.await(WAIT, "voters 3, 4", () -> voters(describe(wire, via3)).equals(List.of(3, 4)));
            produce(cluster, wire, "after-remove-stopped");

            // Down to one voter, and the last one is refused.
            assertError(ErrorCode.NONE, "", wire.removeRaftVoter(via3, 3));
            TestCluster.await(WAIT, "voter 4 alone", () -> voters(describe(wire, via3)).equals(List.of(four)));
            assertError(ErrorCode.INVALID_REQUEST, "last voter", wire.removeRaftVoter(via3, four));
            assertEquals(List.of(four), voters(describe(wire, via3)));
            assertFalse(cluster.node(3).metadata().voters().containsKey(3));
            produce(cluster, wire, "single-voter");
        }
    }

    private static void assertError(ErrorCode expected, String messagePart, RaftVoterResponse response) {
        assertEquals(expected, response.getError(), response.getErrorMessage());
        assertTrue(response.getErrorMessage().contains(messagePart), response.getErrorMessage());
    }

    private static DescribeQuorumResponse describe(TestWire wire, InetSocketAddress via) {
        try {
            return wire.describeQuorum(via);
        } catch (Exception e) {
            return DescribeQuorumResponse.getDefaultInstance();
        }
    }

    private static List<Integer> voters(DescribeQuorumResponse quorum) {
        return quorum.getCurrentVotersList().stream().map(ReplicaState::getReplicaId).sorted().toList();
    }

    /** A new topic (so the controller must commit) that takes an acks=all write. */
    private static void produce(TestCluster cluster, TestWire wire, String topic) throws Exception {
        Node any = cluster.runningNodes().get(0);
        TestCluster.await(WAIT, "topic " + topic + " created", () -> {
            try {
                ErrorCode e = wire.createTopic(any.address(), topic, 1, 2, Map.of()).getError();
                return e == ErrorCode.NONE || e == ErrorCode.TOPIC_ALREADY_EXISTS;
            } catch (Exception e) {
                return false;
            }
        });
        TestCluster.await(WAIT, "an acks=all write to " + topic, () -> {
            try {
                int leader = any.metadata().image().topics().topic(topic).partition(0).leader();
                return leader >= 0 && wire.produce(cluster.address(leader), topic, 0, -1, List.of("x")).getError()
                        == ErrorCode.NONE;
            } catch (Exception e) {
                return false;
            }
        });
    }
}
