package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.network.NodeClient;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.DescribeClusterRequest;
import io.sluice.protocol.rpc.DescribeClusterResponse;
import io.sluice.protocol.rpc.DescribeQuorumRequest;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.Transport;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A three-node cluster: election, registration and heartbeats over the data plane, fencing, rejoin. */
@Timeout(180)
class NodeIT {
    private static EventLoopGroup group;
    private static NodeClient client;

    @BeforeAll
    static void setUp() {
        group = Transport.newGroup(1, "node-it");
        client = new NodeClient(group, "node-it", 2_000, Frames.DEFAULT_MAX_FRAME_BYTES);
    }

    @AfterAll
    static void tearDown() {
        client.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static DescribeQuorumResponse describeQuorum(TestCluster cluster, int via) throws Exception {
        return client.call(cluster.address(via), ApiKey.DESCRIBE_QUORUM, DescribeQuorumRequest.getDefaultInstance(),
                DescribeQuorumResponse.parser(), 5_000).get(10, TimeUnit.SECONDS);
    }

    @Test
    void electsALeaderRegistersBrokersAndFailsOver() throws Exception {
        try (TestCluster cluster = TestCluster.start(3)) {
            int leader = cluster.leaderId().getAsInt();
            int follower = leader % 3 + 1;

            // Asked through a follower, the answer is the leader's view of all three voters.
            DescribeQuorumResponse quorum = describeQuorum(cluster, follower);
            assertEquals(leader, quorum.getLeaderId());
            assertEquals(3, quorum.getCurrentVotersCount());
            assertEquals(cluster.node(1).config().clusterId(), quorum.getClusterId());
            long epoch = quorum.getLeaderEpoch();

            DescribeClusterResponse described = client.call(cluster.address(follower), ApiKey.DESCRIBE_CLUSTER,
                    DescribeClusterRequest.getDefaultInstance(), DescribeClusterResponse.parser(), 5_000)
                    .get(10, TimeUnit.SECONDS);
            assertEquals(3, described.getBrokersCount());
            assertTrue(described.getBrokersList().stream().noneMatch(b -> b.getFenced()));

            // Kill the leader: a new one is elected with a higher epoch, and the dead broker is fenced.
            long oldIncarnation = cluster.node(leader).metadata().image().cluster().broker(leader).incarnationId();
            cluster.killNode(leader);
            Node newLeader = cluster.leader(Duration.ofSeconds(30));
            assertNotEquals(leader, newLeader.nodeId());
            TestCluster.await(Duration.ofSeconds(30), "node " + leader + " fenced",
                    () -> !newLeader.metadata().image().cluster().isUnfenced(leader));
            assertTrue(describeQuorum(cluster, newLeader.nodeId()).getLeaderEpoch() > epoch);

            // Restarted, it registers as a new incarnation and is unfenced once caught up.
            cluster.startNode(leader);
            cluster.awaitReady(Duration.ofSeconds(60));
            BrokerRegistration again = cluster.leader(Duration.ofSeconds(5)).metadata().image().cluster().broker(leader);
            assertNotEquals(oldIncarnation, again.incarnationId());
            assertTrue(!again.fenced());
        }
    }

    @Test
    void refusesBadStartsWithoutTouchingData() throws Exception {
        try (TestCluster cluster = TestCluster.start(1)) {
            NodeConfig running = cluster.config(1);

            // The same ports again: refused with the port named.
            IOException portInUse = assertThrows(IOException.class, () -> Node.start(running));
            assertTrue(portInUse.getMessage().contains("in use"), portInUse.getMessage());

            // A node id outside the voters.
            Map<String, String> settings = new HashMap<>();
            settings.put("node.id", "4");
            settings.put("raft.address", running.raftAddress());
            settings.put("voters", "1@" + running.raftAddress());
            settings.put("data.dir", running.dataDir().toString());
            IllegalArgumentException notVoter = assertThrows(IllegalArgumentException.class,
                    () -> NodeConfig.from(settings));
            assertTrue(notVoter.getMessage().contains("not in voters"), notVoter.getMessage());

            // The node's data dir under another cluster id, once it is stopped.
            cluster.stopNode(1);
            settings.put("node.id", "1");
            settings.put("cluster.id", "another-cluster");
            settings.put("listen", "127.0.0.1:0");
            Exception mismatch = assertThrows(Exception.class, () -> Node.start(NodeConfig.from(settings)));
            assertTrue(mismatch.getMessage().contains("another-cluster"), mismatch.getMessage());

            // And it still starts with its own id afterwards.
            cluster.startNode(1);
            cluster.awaitReady(Duration.ofSeconds(30));
        }
    }
}
