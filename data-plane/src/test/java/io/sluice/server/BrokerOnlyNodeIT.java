package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.ReplicaState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A broker-only node ({@code process.roles=broker}) added to a serving three-voter cluster: it
 * follows the metadata log as a Raft listener, registers, hosts and leads partitions like any
 * broker, is listed as an observer (not a voter) of the quorum, and can be removed again.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrokerOnlyNodeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aBrokerOnlyNodeJoinsHostsAndLeadsPartitionsWithoutVoting() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            int broker = cluster.addBrokerOnlyNode();
            assertEquals(4, broker);
            Node node4 = cluster.node(broker);
            assertTrue(node4.metadata().isObserver());
            TestCluster.await(WAIT, "broker 4 registered and unfenced",
                    () -> cluster.node(1).metadata().image().cluster().isUnfenced(broker));

            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), "spread", 4, 3, Map.of()).getError());
            TestCluster.await(WAIT, "broker 4 leads a partition of the new topic", () -> {
                TopicImage t = node4.metadata().image().topics().topic("spread");
                return t != null && node4.metadata().image().topics().partitionsLedBy(broker) > 0;
            });
            TopicImage topic = node4.metadata().image().topics().topic("spread");
            int led = -1;
            for (int p = 0; p < 4; p++) {
                PartitionRegistration r = topic.partition(p);
                if (r.leader() == broker) {
                    led = p;
                }
            }
            int partition = led;
            TestCluster.await(WAIT, "the partition broker 4 leads takes an acks=all write", () -> {
                try {
                    return wire.produce(cluster.address(broker), "spread", partition, -1, List.of("a", "b"))
                            .getError() == ErrorCode.NONE;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(List.of("a", "b"), wire.readAll(cluster.address(broker), "spread", partition).stream()
                    .map(TestWire.Read::value).toList());

            DescribeQuorumResponse quorum = cluster.leader(WAIT).metadata().describeQuorum();
            assertEquals(List.of(1, 2, 3), quorum.getCurrentVotersList().stream().map(ReplicaState::getReplicaId)
                    .sorted().toList(), "the voters are the three controllers only");
            TestCluster.await(WAIT, "broker 4 listed as an observer", () -> cluster.leader(WAIT).metadata()
                    .describeQuorum().getObserversList().stream().anyMatch(o -> o.getReplicaId() == broker));
            assertFalse(node4.metadata().isLeader(), "a listener never leads the quorum");

            // A restart finds it already in the configuration and catches up from its own log.
            cluster.stopNode(broker);
            cluster.startNode(broker);
            TestCluster.await(WAIT, "broker 4 back with the topic", () ->
                    cluster.node(broker).metadata().image().topics().topic("spread") != null);

            IllegalArgumentException notObserver = assertThrows(IllegalArgumentException.class,
                    () -> cluster.leader(WAIT).metadata().removeObserver(2));
            assertTrue(notObserver.getMessage().contains("not a broker-only member"), notObserver.getMessage());
            cluster.stopNode(broker);
            cluster.leader(WAIT).metadata().removeObserver(broker);
            TestCluster.await(WAIT, "broker 4 out of the Raft configuration",
                    () -> !cluster.leader(WAIT).metadata().observers().contains(broker));
        }
    }
}
