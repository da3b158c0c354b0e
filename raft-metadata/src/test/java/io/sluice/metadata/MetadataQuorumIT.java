package io.sluice.metadata;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.rpc.BrokerRegistrationRequest;
import io.sluice.protocol.rpc.BrokerRegistrationResponse;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.Endpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Election, commands through the leader, linearizable reads and DescribeQuorum on a 3-node quorum. */
class MetadataQuorumIT {

    @TempDir
    Path dir;
    private MetadataTestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void electsOneLeaderAndAppliesCommandsOnEveryNode() throws Exception {
        cluster = MetadataTestCluster.start(dir, 3);
        MetadataNode leader = cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(20)).until(() -> leader.image().clusterId().equals(MetadataTestCluster.CLUSTER_ID));

        for (int id = 1; id <= 3; id++) {
            BrokerRegistrationResponse registered = leader.controller().registerBroker(BrokerRegistrationRequest
                    .newBuilder().setBrokerId(id).setClusterId(MetadataTestCluster.CLUSTER_ID).setIncarnationId(100 + id)
                    .setEndpoint(Endpoint.newBuilder().setHost("localhost").setPort(9091 + id)).build()).get(20, TimeUnit.SECONDS);
            assertEquals(ErrorCode.NONE, registered.getError(), registered.getErrorMessage());
            assertTrue(registered.getBrokerEpoch() > 0);
        }
        // Fenced brokers cannot take replicas: creating with RF 1 must be refused until one is unfenced.
        MetadataNode follower = cluster.runningNodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
        CommandResult refused = follower.submit(createTopic("t", 3, 1)).get(20, TimeUnit.SECONDS);
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, refused.error());

        // Submitting on a follower reaches the leader; the read afterwards sees the write.
        MetadataImage before = follower.image();
        assertTrue(before.topics().byName().isEmpty());
        DescribeQuorumResponse quorum = leader.describeQuorum();
        assertEquals(ErrorCode.NONE, quorum.getError());
        assertEquals(3, quorum.getCurrentVotersCount());
        assertEquals(leader.nodeId(), quorum.getLeaderId());
        DescribeQuorumResponse fromFollower = follower.describeQuorum();
        assertEquals(ErrorCode.NOT_CONTROLLER, fromFollower.getError());
        assertEquals(leader.nodeId(), fromFollower.getLeaderId());
        assertFalse(follower.isLeader());
        assertNotNull(follower.readLinearizable().get(20, TimeUnit.SECONDS));
    }

    private static MetadataCommand createTopic(String name, int partitions, int rf) {
        return MetadataCommand.newBuilder().setCreateTopic(CreateTopicCommand.newBuilder()
                .setName(name).setPartitions(partitions).setReplicationFactor(rf)).build();
    }

    @SuppressWarnings("unused")
    private static TopicImage topic(MetadataImage image, String name) {
        return image.topics().topic(name);
    }
}
