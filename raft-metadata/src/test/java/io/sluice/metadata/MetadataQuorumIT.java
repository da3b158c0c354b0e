package io.sluice.metadata;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.raft.MetadataNodeConfig;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AllocateProducerIdsCommand;
import io.sluice.protocol.metadata.BrokerRef;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.RegisterBrokerCommand;
import io.sluice.protocol.metadata.UnfenceBrokerCommand;
import io.sluice.protocol.rpc.BrokerRegistrationRequest;
import io.sluice.protocol.rpc.BrokerRegistrationResponse;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.Endpoint;
import io.sluice.protocol.rpc.ReplicaState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        DescribeQuorumResponse quorum = leader.describeQuorum();
        assertEquals(ErrorCode.NONE, quorum.getError());
        assertEquals(3, quorum.getCurrentVotersCount());
        assertEquals(leader.nodeId(), quorum.getLeaderId());
        assertEquals(leader.leaderTerm(), quorum.getLeaderEpoch());
        assertTrue(quorum.getHighWatermark() >= 7, "three registrations and the cluster id are committed");
        assertEquals(Set.of(1, 2, 3), quorum.getCurrentVotersList().stream()
                .map(ReplicaState::getReplicaId).collect(Collectors.toSet()));
        for (ReplicaState voter : quorum.getCurrentVotersList()) {
            assertTrue(voter.getLogEndOffset() > 0 && voter.getLastFetchTimestamp() > 0, voter.toString());
        }
        DescribeQuorumResponse fromFollower = follower.describeQuorum();
        assertEquals(ErrorCode.NOT_CONTROLLER, fromFollower.getError());
        assertEquals(leader.nodeId(), fromFollower.getLeaderId());
        assertFalse(follower.isLeader());
        assertNotNull(follower.readLinearizable().get(20, TimeUnit.SECONDS));
        MetadataImage followerImage = follower.image();
        assertEquals(3, followerImage.cluster().brokers().size());
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void leaderKillElectsANewLeaderWithAHigherTermAndLosesNothing() throws Exception {
        cluster = startWithoutFencing();
        MetadataNode leader = cluster.awaitLeader();
        long term = leader.leaderTerm();
        registerAndUnfence(leader, 1);
        CommandResult created = leader.submit(createTopic("before", 2, 1)).get(20, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, created.error(), created.message());

        cluster.kill(leader.nodeId());
        MetadataNode newLeader = cluster.awaitLeader();

        assertNotEquals(leader.nodeId(), newLeader.nodeId());
        assertTrue(newLeader.leaderTerm() > term, "term " + newLeader.leaderTerm() + " after " + term);
        assertEquals(newLeader.leaderTerm(), newLeader.describeQuorum().getLeaderEpoch());
        assertNotNull(newLeader.image().topics().topic("before"), "an acknowledged write survives the leader");
        MetadataNode other = cluster.runningNodes().stream().filter(n -> n != newLeader).findFirst().orElseThrow();
        assertEquals(ErrorCode.NONE, other.submit(createTopic("after", 1, 1)).get(20, TimeUnit.SECONDS).error());

        // The old leader comes back as a follower and catches up.
        MetadataNode back = cluster.restart(leader.nodeId());
        await().atMost(Duration.ofSeconds(30)).until(() -> back.image().topics().topic("after") != null);
        assertFalse(back.isLeader() && back.leaderTerm() == term);
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void linearizableReadOnAFollowerSeesEveryAcknowledgedWrite() throws Exception {
        cluster = startWithoutFencing();
        MetadataNode leader = cluster.awaitLeader();
        registerAndUnfence(leader, 1);
        MetadataNode follower = cluster.runningNodes().stream().filter(n -> n != leader).findFirst().orElseThrow();
        for (int i = 0; i < 20; i++) {
            assertEquals(ErrorCode.NONE, leader.submit(createTopic("t" + i, 1, 1)).get(20, TimeUnit.SECONDS).error());
            MetadataImage read = follower.readLinearizable().get(20, TimeUnit.SECONDS);
            assertNotNull(read.topics().topic("t" + i), "read after acknowledged create of t" + i);
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void retriedCommandWithTheSameRequestIdIsAppliedOnce() throws Exception {
        cluster = MetadataTestCluster.start(dir, 3);
        MetadataNode leader = cluster.awaitLeader();
        MetadataCommand allocate = MetadataCommand.newBuilder().setRequestId("pid-1").setAllocateProducerIds(
                AllocateProducerIdsCommand.newBuilder().setBrokerId(1).setBlockSize(100)).build();
        CommandResult first = leader.submit(allocate).get(20, TimeUnit.SECONDS);
        CommandResult retry = leader.submit(allocate).get(20, TimeUnit.SECONDS);
        assertEquals(first.producerIdStart(), retry.producerIdStart());
        assertTrue(retry.duplicate());
        assertEquals(100, leader.readLinearizable().get(20, TimeUnit.SECONDS).nextProducerId());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void raftPortInUseIsRefusedWithOneClearLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            String address = "127.0.0.1:" + taken.getLocalPort();
            MetadataNodeConfig config = MetadataNodeConfig.builder().nodeId(1).raftAddress(address)
                    .voters(Map.of(1, address)).dataDir(dir.resolve("single")).clusterId("c").build();
            IOException e = assertThrows(IOException.class,
                    () -> MetadataNode.start(config));
            assertTrue(e.getMessage().contains(address + " is in use"), e.getMessage());
            assertFalse(Files.exists(dir.resolve("single")), "nothing written for a refused start");
        }
    }

    /**
     * A broker registered by {@link #registerAndUnfence} never heartbeats: with the default session it
     * was fenced part way through a slow run (and the next create refused). These tests are not about
     * liveness, so its session outlasts any test (BrokerFencingIT tests sessions).
     */
    private MetadataTestCluster startWithoutFencing() throws Exception {
        return MetadataTestCluster.start(dir, 3, b -> b.brokerSessionTimeoutMs(3_600_000));
    }

    private static void registerAndUnfence(MetadataNode leader, int brokerId) throws Exception {
        CommandResult registered = leader.submit(MetadataCommand.newBuilder().setRegisterBroker(RegisterBrokerCommand
                .newBuilder().setBrokerId(brokerId).setClusterId(MetadataTestCluster.CLUSTER_ID).setIncarnationId(1))
                .build()).get(20, TimeUnit.SECONDS);
        CommandResult unfenced = leader.submit(MetadataCommand.newBuilder().setUnfenceBroker(UnfenceBrokerCommand
                .newBuilder().setBroker(BrokerRef.newBuilder().setBrokerId(brokerId).setBrokerEpoch(registered.brokerEpoch())))
                .build()).get(20, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, unfenced.error(), unfenced.message());
    }

    private static MetadataCommand createTopic(String name, int partitions, int rf) {
        return MetadataCommand.newBuilder().setCreateTopic(CreateTopicCommand.newBuilder()
                .setName(name).setPartitions(partitions).setReplicationFactor(rf)).build();
    }

}
