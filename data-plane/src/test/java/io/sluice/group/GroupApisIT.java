package io.sluice.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.AlterGroupOffsetsRequest;
import io.sluice.protocol.rpc.AlterGroupOffsetsResponse;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ConsumerGroupHeartbeatRequest;
import io.sluice.protocol.rpc.ConsumerGroupHeartbeatResponse;
import io.sluice.protocol.rpc.DeleteGroupsRequest;
import io.sluice.protocol.rpc.DeleteGroupsResponse;
import io.sluice.protocol.rpc.DescribeGroupsRequest;
import io.sluice.protocol.rpc.DescribeGroupsResponse;
import io.sluice.protocol.rpc.DescribedGroup;
import io.sluice.protocol.rpc.FindCoordinatorRequest;
import io.sluice.protocol.rpc.FindCoordinatorResponse;
import io.sluice.protocol.rpc.ListGroupsRequest;
import io.sluice.protocol.rpc.ListGroupsResponse;
import io.sluice.protocol.rpc.OffsetCommitPartition;
import io.sluice.protocol.rpc.OffsetCommitRequest;
import io.sluice.protocol.rpc.OffsetCommitResponse;
import io.sluice.protocol.rpc.OffsetFetchRequest;
import io.sluice.protocol.rpc.OffsetFetchResponse;
import io.sluice.protocol.rpc.TopicPartitions;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.Transport;
import io.sluice.network.NodeClient;
import io.sluice.server.TestCluster;
import io.sluice.server.TestWire;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The group APIs over the wire on a three-node cluster: coordinator discovery, NOT_COORDINATOR,
 * membership and commits, bad input, and committed offsets surviving the coordinator's death.
 */
@Timeout(180)
class GroupApisIT {
    private static EventLoopGroup loop;
    private static NodeClient client;

    @BeforeAll
    static void setUp() {
        loop = Transport.newGroup(1, "group-it");
        client = new NodeClient(loop, "group-it", 2_000, Frames.DEFAULT_MAX_FRAME_BYTES);
    }

    @AfterAll
    static void tearDown() {
        client.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static <R> R call(InetSocketAddress node, ApiKey api, com.google.protobuf.MessageLite body,
                              com.google.protobuf.Parser<R> parser) throws Exception {
        return client.call(node, api, body, parser, 10_000).get(15, TimeUnit.SECONDS);
    }

    private static int coordinator(TestCluster cluster, int via, String group) throws Exception {
        FindCoordinatorResponse r = call(cluster.address(via), ApiKey.FIND_COORDINATOR,
                FindCoordinatorRequest.newBuilder().setGroupId(group).build(), FindCoordinatorResponse.parser());
        assertEquals(ErrorCode.NONE, r.getError(), r.getErrorMessage());
        return r.getNodeId();
    }

    private static ConsumerGroupHeartbeatResponse join(InetSocketAddress node, String group, String topic)
            throws Exception {
        return call(node, ApiKey.GROUP_HEARTBEAT, ConsumerGroupHeartbeatRequest.newBuilder().setGroupId(group)
                .setMemberEpoch(0).setSessionTimeoutMs(3_000).addSubscribedTopics(topic).build(),
                ConsumerGroupHeartbeatResponse.parser());
    }

    private static OffsetCommitRequest commit(String group, String member, int epoch, String topic, int partition,
                                              long offset) {
        return OffsetCommitRequest.newBuilder().setGroupId(group).setMemberId(member).setMemberEpoch(epoch)
                .addPartitions(OffsetCommitPartition.newBuilder().setTopic(topic).setPartition(partition)
                        .setOffset(offset).setMetadata("m")).build();
    }

    private static long fetched(InetSocketAddress node, String group, String topic, int partition) throws Exception {
        OffsetFetchResponse r = call(node, ApiKey.OFFSET_FETCH, OffsetFetchRequest.newBuilder().setGroupId(group)
                .addPartitions(TopicPartitions.newBuilder().setTopic(topic).addPartitions(partition)).build(),
                OffsetFetchResponse.parser());
        return r.getPartitions(0).getOffset();
    }

    /** A member's read before it starts from the committed offsets (require_stable). */
    private static OffsetFetchResponse fetchedStable(InetSocketAddress node, String group, String topic, int partition)
            throws Exception {
        return call(node, ApiKey.OFFSET_FETCH, OffsetFetchRequest.newBuilder().setGroupId(group).setRequireStable(true)
                .addPartitions(TopicPartitions.newBuilder().setTopic(topic).addPartitions(partition)).build(),
                OffsetFetchResponse.parser());
    }

    @Test
    void membershipCommitsAndBadInput() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), "events", 6, 3, Map.of()).getError());
            int coordinator = coordinator(cluster, 1, "g1");
            assertEquals(coordinator, coordinator(cluster, 2, "g1"), "every node names the same coordinator");
            InetSocketAddress at = cluster.address(coordinator);
            InetSocketAddress elsewhere = cluster.address(coordinator % 3 + 1);

            assertEquals(ErrorCode.NOT_COORDINATOR, join(elsewhere, "g1", "events").getError());
            ConsumerGroupHeartbeatResponse member = join(at, "g1", "events");
            assertEquals(ErrorCode.NONE, member.getError(), member.getErrorMessage());
            assertEquals(6, member.getAssignment(0).getPartitionsCount());

            OffsetCommitResponse ok = call(at, ApiKey.OFFSET_COMMIT,
                    commit("g1", member.getMemberId(), member.getMemberEpoch(), "events", 2, 42), OffsetCommitResponse.parser());
            assertEquals(ErrorCode.NONE, ok.getPartitions(0).getError(), ok.getPartitions(0).getErrorMessage());
            assertEquals(42, fetched(elsewhere, "g1", "events", 2), "any node reads the committed offset");
            assertEquals(-1, fetched(at, "g1", "events", 3));
            assertEquals(42, fetchedStable(at, "g1", "events", 2).getPartitions(0).getOffset());
            assertEquals(ErrorCode.NOT_COORDINATOR, fetchedStable(elsewhere, "g1", "events", 2).getError(),
                    "only the coordinator knows whether commits are still on their way");

            // Bad input: one clear error each, nothing changed.
            OffsetCommitResponse unknownPartition = call(at, ApiKey.OFFSET_COMMIT,
                    commit("g1", member.getMemberId(), member.getMemberEpoch(), "nope", 0, 1), OffsetCommitResponse.parser());
            assertEquals(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, unknownPartition.getPartitions(0).getError());
            OffsetCommitResponse notOwned = call(at, ApiKey.OFFSET_COMMIT, commit("g1", "someone-else", 1, "events", 2, 9),
                    OffsetCommitResponse.parser());
            assertEquals(ErrorCode.UNKNOWN_MEMBER_ID, notOwned.getError());
            OffsetCommitResponse stale = call(at, ApiKey.OFFSET_COMMIT,
                    commit("g1", member.getMemberId(), member.getMemberEpoch() + 7, "events", 2, 1), OffsetCommitResponse.parser());
            assertEquals(ErrorCode.ILLEGAL_GENERATION, stale.getError());
            assertEquals(ErrorCode.INVALID_GROUP_ID, join(at, "", "events").getError());
            AlterGroupOffsetsResponse reset = call(at, ApiKey.ALTER_GROUP_OFFSETS, AlterGroupOffsetsRequest.newBuilder()
                    .setGroupId("g1").addPartitions(OffsetCommitPartition.newBuilder().setTopic("events").setPartition(2)
                            .setOffset(0)).build(), AlterGroupOffsetsResponse.parser());
            assertEquals(ErrorCode.NON_EMPTY_GROUP, reset.getError());
            DeleteGroupsResponse delete = call(at, ApiKey.DELETE_GROUPS, DeleteGroupsRequest.newBuilder()
                    .addGroupIds("g1").build(), DeleteGroupsResponse.parser());
            assertEquals(ErrorCode.NON_EMPTY_GROUP, delete.getResults(0).getError());
            assertEquals(42, fetched(at, "g1", "events", 2));

            int otherCoordinator = coordinator(cluster, 1, "ghost");
            DescribeGroupsResponse ghost = call(cluster.address(otherCoordinator), ApiKey.DESCRIBE_GROUPS,
                    DescribeGroupsRequest.newBuilder().addGroupIds("ghost").build(), DescribeGroupsResponse.parser());
            assertEquals(ErrorCode.GROUP_ID_NOT_FOUND, ghost.getGroups(0).getError());

            DescribedGroup described = call(at, ApiKey.DESCRIBE_GROUPS, DescribeGroupsRequest.newBuilder()
                    .addGroupIds("g1").build(), DescribeGroupsResponse.parser()).getGroups(0);
            assertEquals("Stable", described.getState());
            assertEquals(0, described.getLag(), "nothing produced, so nothing to catch up on");
            assertEquals("group-it", described.getMembers(0).getClientId());

            // The member leaves: the group is empty, its offsets can be reset, then it can be deleted.
            call(at, ApiKey.GROUP_HEARTBEAT, ConsumerGroupHeartbeatRequest.newBuilder().setGroupId("g1")
                    .setMemberId(member.getMemberId()).setMemberEpoch(-1).build(), ConsumerGroupHeartbeatResponse.parser());
            reset = call(at, ApiKey.ALTER_GROUP_OFFSETS, AlterGroupOffsetsRequest.newBuilder().setGroupId("g1")
                    .addPartitions(OffsetCommitPartition.newBuilder().setTopic("events").setPartition(2).setOffset(7))
                    .build(), AlterGroupOffsetsResponse.parser());
            assertEquals(ErrorCode.NONE, reset.getPartitions(0).getError());
            assertEquals(7, fetched(at, "g1", "events", 2));
            List<String> listed = new ArrayList<>();
            for (int node = 1; node <= 3; node++) {
                call(cluster.address(node), ApiKey.LIST_GROUPS, ListGroupsRequest.getDefaultInstance(),
                        ListGroupsResponse.parser()).getGroupsList().forEach(g -> listed.add(g.getGroupId() + ":" + g.getState()));
            }
            assertEquals(List.of("g1:Empty"), listed);
            delete = call(at, ApiKey.DELETE_GROUPS, DeleteGroupsRequest.newBuilder().addGroupIds("g1").build(),
                    DeleteGroupsResponse.parser());
            assertEquals(ErrorCode.NONE, delete.getResults(0).getError(), delete.getResults(0).getErrorMessage());
            assertEquals(-1, fetched(at, "g1", "events", 2));
        }
    }

    @Test
    void committedOffsetsSurviveTheCoordinatorAndTheGroupMoves() throws Exception {
        try (TestCluster cluster = TestCluster.start(3); TestWire wire = new TestWire()) {
            wire.createTopic(cluster.address(1), "events", 3, 3, Map.of());
            int coordinator = coordinator(cluster, 1, "g2");
            InetSocketAddress at = cluster.address(coordinator);
            ConsumerGroupHeartbeatResponse member = join(at, "g2", "events");
            for (int p = 0; p < 3; p++) {
                OffsetCommitResponse r = call(at, ApiKey.OFFSET_COMMIT,
                        commit("g2", member.getMemberId(), member.getMemberEpoch(), "events", p, 100 + p),
                        OffsetCommitResponse.parser());
                assertEquals(ErrorCode.NONE, r.getPartitions(0).getError());
            }
            cluster.killNode(coordinator);
            int survivor = coordinator % 3 + 1;
            TestCluster.await(Duration.ofSeconds(30), "a new coordinator for g2", () -> {
                try {
                    return coordinator(cluster, survivor, "g2") != coordinator;
                } catch (Exception e) {
                    return false;
                }
            });
            InetSocketAddress next = cluster.address(coordinator(cluster, survivor, "g2"));
            for (int p = 0; p < 3; p++) {
                assertEquals(100 + p, fetched(next, "g2", "events", p));
                OffsetFetchResponse stable = fetchedStable(next, "g2", "events", p);
                assertEquals(ErrorCode.NONE, stable.getError(), stable.getErrorMessage());
                assertEquals(100 + p, stable.getPartitions(0).getOffset());
            }
            ConsumerGroupHeartbeatResponse rejoined = join(next, "g2", "events");
            assertEquals(ErrorCode.NONE, rejoined.getError(), rejoined.getErrorMessage());
            assertTrue(rejoined.getAssignmentPending() || rejoined.getAssignmentCount() > 0);
        }
    }
}
