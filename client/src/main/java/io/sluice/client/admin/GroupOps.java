package io.sluice.client.admin;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.sluice.client.Cluster;
import io.sluice.client.Metadata;
import io.sluice.client.Network;
import io.sluice.client.NetworkClient;
import io.sluice.client.Node;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.client.consumer.internals.CoordinatorLookup;
import io.sluice.client.consumer.internals.PartitionsView;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.AlterGroupOffsetsRequest;
import io.sluice.protocol.rpc.AlterGroupOffsetsResponse;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.DeleteGroupsRequest;
import io.sluice.protocol.rpc.DeleteGroupsResponse;
import io.sluice.protocol.rpc.DescribeGroupsRequest;
import io.sluice.protocol.rpc.DescribeGroupsResponse;
import io.sluice.protocol.rpc.DescribedGroup;
import io.sluice.protocol.rpc.DescribedMember;
import io.sluice.protocol.rpc.GroupResult;
import io.sluice.protocol.rpc.ListGroupsRequest;
import io.sluice.protocol.rpc.ListGroupsResponse;
import io.sluice.protocol.rpc.ListedGroup;
import io.sluice.protocol.rpc.OffsetCommitPartition;
import io.sluice.protocol.rpc.OffsetFetchRequest;
import io.sluice.protocol.rpc.OffsetFetchResponse;
import io.sluice.protocol.rpc.PartitionResult;
import io.sluice.protocol.rpc.TopicPartitions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The consumer-group operations of {@link Admin}: list (every broker, union of what each coordinates),
 * describe, delete and alter offsets (at each group's coordinator, found again when it moved), list
 * offsets (any broker). Blocking; run on the admin's thread. Thread-safe (no mutable state).
 */
final class GroupOps {
    private final Metadata metadata;
    private final Network network;
    private final Time time;
    private final int requestTimeoutMs;
    private final int apiTimeoutMs;
    private final long retryBackoffMs;

    GroupOps(Metadata metadata, Network network, Time time, int requestTimeoutMs, int apiTimeoutMs, long retryBackoffMs) {
        this.metadata = metadata;
        this.network = network;
        this.time = time;
        this.requestTimeoutMs = requestTimeoutMs;
        this.apiTimeoutMs = apiTimeoutMs;
        this.retryBackoffMs = retryBackoffMs;
    }

    /** Every group of the cluster, by id: each live broker lists the groups it coordinates. */
    Map<String, ConsumerGroupListing> list() {
        Cluster cluster = metadata.awaitFresh(apiTimeoutMs);
        Map<String, ConsumerGroupListing> out = new TreeMap<>();
        for (Node node : cluster.nodes()) {
            ListGroupsResponse r;
            try {
                r = network.call(node, ApiKey.LIST_GROUPS, ListGroupsRequest.getDefaultInstance(),
                        ListGroupsResponse.parser(), requestTimeoutMs).join();
            } catch (RuntimeException e) {
                throw new SluiceException(ErrorCode.NETWORK_EXCEPTION, "listing the groups of " + node + " failed: "
                        + NetworkClient.unwrap(e).getMessage() + "; the list would be incomplete");
            }
            check(r.getError(), r.getErrorMessage(), "listing the groups of " + node);
            for (ListedGroup g : r.getGroupsList()) {
                out.put(g.getGroupId(), new ConsumerGroupListing(g.getGroupId(), g.getState(), g.getMembers()));
            }
        }
        return out;
    }

    Map<String, ConsumerGroupDescription> describe(Collection<String> groupIds) {
        Map<String, ConsumerGroupDescription> out = new LinkedHashMap<>();
        for (String groupId : groupIds) {
            DescribedGroup g = toCoordinator(groupId, ApiKey.DESCRIBE_GROUPS,
                    DescribeGroupsRequest.newBuilder().addGroupIds(groupId).build(), DescribeGroupsResponse.parser(),
                    r -> r.getGroups(0).getError()).getGroups(0);
            check(g.getError(), g.getErrorMessage(), "describing group '" + groupId + "'");
            List<MemberDescription> members = new ArrayList<>();
            for (DescribedMember m : g.getMembersList()) {
                members.add(new MemberDescription(m.getMemberId(), m.getInstanceId(), m.getClientId(), m.getClientHost(),
                        m.getMemberEpoch(), partitions(m.getAssignmentList()), partitions(m.getTargetAssignmentList())));
            }
            out.put(groupId, new ConsumerGroupDescription(groupId, g.getState(), g.getGroupEpoch(), g.getAssignor(),
                    g.getCoordinatorId(), members, g.getLag()));
        }
        return out;
    }

    void delete(Collection<String> groupIds) {
        for (String groupId : groupIds) {
            GroupResult result = toCoordinator(groupId, ApiKey.DELETE_GROUPS,
                    DeleteGroupsRequest.newBuilder().addGroupIds(groupId).build(), DeleteGroupsResponse.parser(),
                    r -> r.getResults(0).getError()).getResults(0);
            check(result.getError(), result.getErrorMessage(), "deleting group '" + groupId + "'");
        }
    }

    /** The committed offsets of the group (all of them); empty for a group without any. */
    Map<TopicPartition, OffsetAndMetadata> offsets(String groupId) {
        metadata.await(c -> !c.nodes().isEmpty(), apiTimeoutMs, "the cluster's brokers");
        long deadline = time.monotonicMs() + apiTimeoutMs;
        while (true) {
            Node node = metadata.anyNode();
            try {
                OffsetFetchResponse r = network.call(node, ApiKey.OFFSET_FETCH,
                        OffsetFetchRequest.newBuilder().setGroupId(groupId).build(), OffsetFetchResponse.parser(),
                        requestTimeoutMs).join();
                check(r.getError(), r.getErrorMessage(), "listing the offsets of group '" + groupId + "'");
                Map<TopicPartition, OffsetAndMetadata> out = new TreeMap<>(PartitionsView.ORDER);
                r.getPartitionsList().forEach(p -> out.put(new TopicPartition(p.getTopic(), p.getPartition()),
                        new OffsetAndMetadata(p.getOffset(), p.getMetadata())));
                return out;
            } catch (java.util.concurrent.CompletionException e) {
                retryOrThrow(deadline, ErrorCode.NETWORK_EXCEPTION, NetworkClient.unwrap(e).getMessage());
            }
        }
    }

    /** Sets committed offsets of a group without active members (NON_EMPTY_GROUP otherwise). */
    void alterOffsets(String groupId, Map<TopicPartition, OffsetAndMetadata> offsets) {
        AlterGroupOffsetsRequest.Builder request = AlterGroupOffsetsRequest.newBuilder().setGroupId(groupId);
        offsets.forEach((tp, o) -> request.addPartitions(OffsetCommitPartition.newBuilder().setTopic(tp.topic())
                .setPartition(tp.partition()).setOffset(o.offset()).setMetadata(o.metadata())));
        AlterGroupOffsetsResponse r = toCoordinator(groupId, ApiKey.ALTER_GROUP_OFFSETS, request.build(),
                AlterGroupOffsetsResponse.parser(), AlterGroupOffsetsResponse::getError);
        check(r.getError(), r.getErrorMessage(), "altering the offsets of group '" + groupId + "'");
        for (PartitionResult p : r.getPartitionsList()) {
            check(p.getError(), p.getErrorMessage(), "setting the offset of " + p.getTopic() + "-" + p.getPartition());
        }
    }

    /**
     * Sends to the group's coordinator; finds it again and retries while the answer (per {@code errorOf})
     * says the coordinator moved or is unavailable, until {@code default.api.timeout.ms}.
     */
    private <R> R toCoordinator(String groupId, ApiKey api, MessageLite request, Parser<R> parser,
                                Function<R, ErrorCode> errorOf) {
        metadata.await(c -> !c.nodes().isEmpty(), apiTimeoutMs, "the cluster's brokers");
        CoordinatorLookup lookup = new CoordinatorLookup(groupId, metadata, network, time, requestTimeoutMs, retryBackoffMs);
        long deadline = time.monotonicMs() + apiTimeoutMs;
        while (true) {
            Node node = lookup.coordinator(Math.max(1, deadline - time.monotonicMs()));
            ErrorCode error;
            String message;
            try {
                R response = network.call(node, api, request, parser, requestTimeoutMs).join();
                error = errorOf.apply(response);
                if (!CoordinatorLookup.isCoordinatorError(error)) {
                    return response;
                }
                message = error.name();
            } catch (java.util.concurrent.CompletionException e) {
                error = ErrorCode.NETWORK_EXCEPTION;
                message = NetworkClient.unwrap(e).getMessage();
            }
            lookup.invalidate(node);
            retryOrThrow(deadline, error, "coordinator of group '" + groupId + "' (" + node + "): " + message);
        }
    }

    private void retryOrThrow(long deadline, ErrorCode error, String message) {
        if (time.monotonicMs() + retryBackoffMs >= deadline) {
            throw new SluiceException(error, "gave up after " + apiTimeoutMs + " ms: " + message);
        }
        metadata.requestUpdate();
        try {
            Thread.sleep(retryBackoffMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "interrupted");
        }
    }

    private static Set<TopicPartition> partitions(List<TopicPartitions> wire) {
        Set<TopicPartition> out = new HashSet<>();
        wire.forEach(t -> t.getPartitionsList().forEach(p -> out.add(new TopicPartition(t.getTopic(), p))));
        return out;
    }

    private static void check(ErrorCode error, String message, String what) {
        if (error != ErrorCode.NONE) {
            throw new SluiceException(error, what + " failed: " + Errors.describe(error, message));
        }
    }
}
