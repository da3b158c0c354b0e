package io.sluice.group;

import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.metadata.image.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.metadata.DeleteGroupOffsetsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.OffsetCommit;
import io.sluice.protocol.metadata.PartitionOutcome;
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
import io.sluice.protocol.rpc.GroupResult;
import io.sluice.protocol.rpc.ListGroupsRequest;
import io.sluice.protocol.rpc.ListGroupsResponse;
import io.sluice.protocol.rpc.ListedGroup;
import io.sluice.protocol.rpc.OffsetCommitPartition;
import io.sluice.protocol.rpc.OffsetCommitRequest;
import io.sluice.protocol.rpc.OffsetCommitResponse;
import io.sluice.protocol.rpc.OffsetFetchRequest;
import io.sluice.protocol.rpc.OffsetFetchResponse;
import io.sluice.protocol.rpc.PartitionResult;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.server.NodeClient;
import io.sluice.server.RequestContext;
import io.sluice.server.RequestHandler;
import io.sluice.server.Response;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The group APIs on the data plane: translates requests to the {@link GroupCoordinator} (membership,
 * commit checks), the {@link OffsetCommitBatcher} (writes) and the metadata image (reads of committed
 * offsets), and answers. Everything here returns quickly on the event loop; commits complete when the
 * quorum has applied them. Thread-safe.
 */
public final class GroupApis {
    private static final int LAG_TIMEOUT_MS = 5_000;
    /** How long a stable offset fetch waits for commits to settle before answering UNSTABLE_OFFSET_COMMIT. */
    private static final int STABLE_WAIT_MS = 5_000;
    private final MetadataNode metadata;
    private final GroupCoordinator coordinator;
    private final OffsetCommitBatcher commits;
    private final GroupLag lag;

    /**
     * Starts the coordinator's timeout checks on {@code timer}: the node's event loops, so the checks stop
     * when the node shuts them down.
     */
    public GroupApis(int nodeId, MetadataNode metadata, NodeClient client, GroupConfig config,
                     ScheduledExecutorService timer) {
        this.metadata = metadata;
        this.lag = new GroupLag(client, LAG_TIMEOUT_MS);
        this.coordinator = new GroupCoordinator(nodeId, metadata::image, config, () -> System.nanoTime() / 1_000_000);
        this.commits = new OffsetCommitBatcher(metadata::submit, System::currentTimeMillis, config.maxOffsetsPerCommand(),
                nodeId);
        timer.scheduleWithFixedDelay(coordinator::expire, config.expiryCheckIntervalMs(),
                config.expiryCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    public void register(Map<ApiKey, RequestHandler> handlers) {
        handlers.put(ApiKey.FIND_COORDINATOR, this::findCoordinator);
        handlers.put(ApiKey.GROUP_HEARTBEAT, this::heartbeat);
        handlers.put(ApiKey.OFFSET_COMMIT, this::offsetCommit);
        handlers.put(ApiKey.OFFSET_FETCH, this::offsetFetch);
        handlers.put(ApiKey.LIST_GROUPS, this::listGroups);
        handlers.put(ApiKey.DESCRIBE_GROUPS, this::describeGroups);
        handlers.put(ApiKey.DELETE_GROUPS, this::deleteGroups);
        handlers.put(ApiKey.ALTER_GROUP_OFFSETS, this::alterOffsets);
    }

    /** Called once this node is registered (again): offset commits carry the epoch, see OffsetCommitBatcher. */
    public void setBrokerEpoch(long epoch) {
        commits.setBrokerEpoch(epoch);
    }

    public GroupCoordinator coordinator() {
        return coordinator;
    }

    private CompletableFuture<Response> findCoordinator(RequestContext ctx, RequestFrame frame) throws Exception {
        FindCoordinatorRequest request = parse(frame, FindCoordinatorRequest.parser());
        FindCoordinatorResponse.Builder response = FindCoordinatorResponse.newBuilder();
        try {
            GroupCoordinator.checkGroupId(request.getGroupId());
            MetadataImage image = metadata.image();
            OptionalInt id = CoordinatorLocator.coordinatorFor(request.getGroupId(), image.cluster());
            BrokerRegistration broker = id.isPresent() ? image.cluster().broker(id.getAsInt()) : null;
            if (broker == null) {
                throw new SluiceException(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                        "no live broker can coordinate groups yet; retry in a moment");
            }
            response.setNodeId(broker.id()).setEndpoint(broker.endpoint());
        } catch (SluiceException e) {
            response.setError(e.code()).setErrorMessage(e.getMessage()).setNodeId(-1);
        }
        return done(response.build());
    }

    private CompletableFuture<Response> heartbeat(RequestContext ctx, RequestFrame frame) throws Exception {
        ConsumerGroupHeartbeatRequest r = parse(frame, ConsumerGroupHeartbeatRequest.parser());
        ConsumerGroupHeartbeatResponse.Builder response = ConsumerGroupHeartbeatResponse.newBuilder();
        try {
            Heartbeat.Result result = coordinator.heartbeat(r.getGroupId(), new Heartbeat.Request(r.getMemberId(),
                    r.getMemberEpoch(), r.getInstanceId(), r.getRebalanceTimeoutMs(), r.getSessionTimeoutMs(),
                    r.getSubscribedTopicsList(), r.getSubscribedTopicRegex(), r.getServerAssignor(),
                    WireGroups.partitions(r.getOwnedPartitionsList()), ctx.clientId(), host(ctx)));
            response.setMemberId(result.memberId()).setMemberEpoch(result.memberEpoch())
                    .setHeartbeatIntervalMs(result.heartbeatIntervalMs())
                    .addAllAssignment(WireGroups.toWire(result.assignment()))
                    .setAssignmentPending(result.pending());
        } catch (SluiceException e) {
            response.setError(e.code()).setErrorMessage(e.getMessage());
        }
        return done(response.build());
    }

    private CompletableFuture<Response> offsetCommit(RequestContext ctx, RequestFrame frame) throws Exception {
        OffsetCommitRequest r = parse(frame, OffsetCommitRequest.parser());
        List<TopicPartition> partitions = r.getPartitionsList().stream()
                .map(p -> new TopicPartition(p.getTopic(), p.getPartition())).toList();
        GroupCoordinator.CommitCheck check;
        try {
            check = coordinator.checkCommit(r.getGroupId(), r.getMemberId(), r.getMemberEpoch(), partitions);
        } catch (SluiceException e) {
            return done(OffsetCommitResponse.newBuilder().setError(e.code()).setErrorMessage(e.getMessage()).build());
        }
        return write(r.getGroupId(), r.getPartitionsList(), check.refused(), check.coordinatedSince()).thenApply(results ->
                Response.of(OffsetCommitResponse.newBuilder().addAllPartitions(results).build()));
    }

    private CompletableFuture<Response> alterOffsets(RequestContext ctx, RequestFrame frame) throws Exception {
        AlterGroupOffsetsRequest r = parse(frame, AlterGroupOffsetsRequest.parser());
        long checkedAt;
        try {
            checkedAt = coordinator.checkNoMembers(r.getGroupId(), "resetting its offsets");
        } catch (SluiceException e) {
            return done(AlterGroupOffsetsResponse.newBuilder().setError(e.code()).setErrorMessage(e.getMessage()).build());
        }
        return write(r.getGroupId(), r.getPartitionsList(), Map.of(), checkedAt).thenApply(results ->
                Response.of(AlterGroupOffsetsResponse.newBuilder().addAllPartitions(results).build()));
    }

    /**
     * Writes the offsets that passed the checks through the batcher; partitions refused by the group,
     * or unknown in this node's image, get their error without reaching the quorum. The quorum applies
     * them only if this node has coordinated the group without a break since {@code coordinatedSince}.
     */
    private CompletableFuture<List<PartitionResult>> write(String group, List<OffsetCommitPartition> partitions,
                                                           Map<TopicPartition, String> refused, long coordinatedSince) {
        MetadataImage image = metadata.image();
        List<CompletableFuture<PartitionResult>> results = new ArrayList<>();
        List<OffsetCommit> accepted = new ArrayList<>();
        List<Integer> acceptedIndex = new ArrayList<>();
        for (OffsetCommitPartition p : partitions) {
            TopicPartition tp = new TopicPartition(p.getTopic(), p.getPartition());
            PartitionResult.Builder result = PartitionResult.newBuilder().setTopic(p.getTopic())
                    .setPartition(p.getPartition());
            TopicImage topic = image.topics().topic(p.getTopic());
            if (topic == null || topic.partition(p.getPartition()) == null) {
                results.add(CompletableFuture.completedFuture(result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                        .setErrorMessage("partition " + tp + " does not exist; its offset was not committed").build()));
            } else if (refused.containsKey(tp)) {
                results.add(CompletableFuture.completedFuture(result.setError(ErrorCode.ILLEGAL_GENERATION)
                        .setErrorMessage(refused.get(tp)).build()));
            } else {
                accepted.add(OffsetCommit.newBuilder().setGroup(group).setTopic(p.getTopic())
                        .setPartition(p.getPartition()).setOffset(p.getOffset()).setMetadata(p.getMetadata())
                        .setCoordinatedSince(coordinatedSince).build());
                acceptedIndex.add(results.size());
                results.add(null);
            }
        }
        List<CompletableFuture<PartitionOutcome>> outcomes = commits.commit(accepted);
        for (int i = 0; i < outcomes.size(); i++) {
            results.set(acceptedIndex.get(i), outcomes.get(i).thenApply(o -> PartitionResult.newBuilder()
                    .setTopic(o.getTopic()).setPartition(o.getPartition()).setError(o.getError())
                    .setErrorMessage(o.getErrorMessage()).build()));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> results.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<Response> offsetFetch(RequestContext ctx, RequestFrame frame) throws Exception {
        OffsetFetchRequest r = parse(frame, OffsetFetchRequest.parser());
        try {
            if (r.getRequireStable()) {
                coordinator.checkCoordinator(r.getGroupId());
            } else {
                GroupCoordinator.checkGroupId(r.getGroupId());
            }
        } catch (SluiceException e) {
            return done(fetchError(e));
        }
        if (!r.getRequireStable()) {
            // A linearizable read: a commit acknowledged by any coordinator before this request is seen.
            return metadata.readLinearizable().thenApply(image -> Response.of(
                    WireGroups.offsets(image.groupOffsets().offsets(r.getGroupId()), r.getPartitionsList())));
        }
        // A member about to start from these offsets: first let every commit this coordinator accepted
        // settle (a timed-out one could otherwise still be applied after the read), then read, and answer
        // only if this node still coordinates the group in what it read.
        CompletableFuture<Boolean> settled = commits.settled().orTimeout(STABLE_WAIT_MS, TimeUnit.MILLISECONDS)
                .handle((v, timedOut) -> timedOut == null);
        return settled.thenCompose(stable -> {
            if (!stable) {
                return done(fetchError(new SluiceException(ErrorCode.UNSTABLE_OFFSET_COMMIT, "commits to group '"
                        + r.getGroupId() + "' are not settled in the metadata quorum yet; retry")));
            }
            return metadata.readLinearizable().thenApply(image -> {
                try {
                    coordinator.checkCoordinator(r.getGroupId());
                } catch (SluiceException e) {
                    return Response.of(fetchError(e));
                }
                return Response.of(WireGroups.offsets(image.groupOffsets().offsets(r.getGroupId()),
                        r.getPartitionsList()));
            });
        });
    }

    private static OffsetFetchResponse fetchError(SluiceException e) {
        return OffsetFetchResponse.newBuilder().setError(e.code()).setErrorMessage(e.getMessage()).build();
    }

    private CompletableFuture<Response> listGroups(RequestContext ctx, RequestFrame frame) throws Exception {
        ListGroupsRequest r = parse(frame, ListGroupsRequest.parser());
        ListGroupsResponse.Builder response = ListGroupsResponse.newBuilder();
        for (GroupDescription g : coordinator.list()) {
            if (r.getStatesCount() == 0 || r.getStatesList().stream().anyMatch(s -> s.equalsIgnoreCase(g.state().label()))) {
                response.addGroups(ListedGroup.newBuilder().setGroupId(g.groupId()).setState(g.state().label())
                        .setMembers(g.members().size()));
            }
        }
        return done(response.build());
    }

    private CompletableFuture<Response> describeGroups(RequestContext ctx, RequestFrame frame) throws Exception {
        DescribeGroupsRequest r = parse(frame, DescribeGroupsRequest.parser());
        MetadataImage image = metadata.image();
        List<CompletableFuture<DescribedGroup>> groups = new ArrayList<>();
        for (String groupId : r.getGroupIdsList()) {
            try {
                DescribedGroup.Builder described = WireGroups.describe(coordinator.describe(groupId))
                        .setCoordinatorId(nodeId());
                groups.add(lag.total(image, image.groupOffsets().offsets(groupId))
                        .thenApply(total -> described.setLag(total).build()));
            } catch (SluiceException e) {
                groups.add(CompletableFuture.completedFuture(DescribedGroup.newBuilder().setGroupId(groupId)
                        .setError(e.code()).setErrorMessage(e.getMessage()).setState(GroupState.DEAD.label()).build()));
            }
        }
        return CompletableFuture.allOf(groups.toArray(new CompletableFuture<?>[0])).thenApply(v -> Response.of(
                DescribeGroupsResponse.newBuilder().addAllGroups(groups.stream().map(CompletableFuture::join).toList())
                        .build()));
    }

    private CompletableFuture<Response> deleteGroups(RequestContext ctx, RequestFrame frame) throws Exception {
        DeleteGroupsRequest r = parse(frame, DeleteGroupsRequest.parser());
        List<CompletableFuture<GroupResult>> results = new ArrayList<>();
        for (String groupId : r.getGroupIdsList()) {
            GroupResult.Builder result = GroupResult.newBuilder().setGroupId(groupId);
            try {
                coordinator.checkNoMembers(groupId, "deleting it");
                coordinator.describe(groupId); // GROUP_ID_NOT_FOUND when there is nothing to delete
            } catch (SluiceException e) {
                results.add(CompletableFuture.completedFuture(result.setError(e.code())
                        .setErrorMessage(e.getMessage()).build()));
                continue;
            }
            MetadataCommand command = MetadataCommand.newBuilder()
                    .setDeleteGroupOffsets(DeleteGroupOffsetsCommand.newBuilder().setGroup(groupId)).build();
            results.add(metadata.submit(command).thenApply(c -> result.setError(c.error())
                    .setErrorMessage(c.message()).build()));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(v -> Response.of(
                DeleteGroupsResponse.newBuilder().addAllResults(results.stream().map(CompletableFuture::join).toList())
                        .build()));
    }

    private int nodeId() {
        return metadata.nodeId();
    }

    private static String host(RequestContext ctx) {
        return ctx.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? "/" + a.getAddress().getHostAddress() : String.valueOf(ctx.remoteAddress());
    }

    private static CompletableFuture<Response> done(com.google.protobuf.MessageLite body) {
        return CompletableFuture.completedFuture(Response.of(body));
    }

    private static <T> T parse(RequestFrame frame, com.google.protobuf.Parser<T> parser) throws Exception {
        try {
            return Frames.parse(frame.body(), parser);
        } finally {
            frame.release();
        }
    }
}
