package io.sluice.group;

import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.network.NativeApis;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
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
import io.sluice.network.NodeClient;
import io.sluice.network.RequestContext;
import io.sluice.network.Response;
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
    private final MetadataNode metadata;
    private final GroupCoordinator coordinator;
    private final ClassicGroupCoordinator classic;
    private final OffsetCommitBatcher commits;
    private final GroupOffsets offsets;
    private final GroupLag lag;

    /**
     * Starts the coordinator's timeout checks on {@code timer}: the node's event loops, so the checks stop
     * when the node shuts them down.
     */
    public GroupApis(int nodeId, MetadataNode metadata, NodeClient client, GroupConfig config,
                     ScheduledExecutorService timer) {
        this.metadata = metadata;
        this.lag = new GroupLag(client, LAG_TIMEOUT_MS);
        this.coordinator = new GroupCoordinator(nodeId, metadata::image, config, Time.SYSTEM);
        this.classic = new ClassicGroupCoordinator(nodeId, metadata::image, config, Time.SYSTEM, coordinator);
        this.commits = new OffsetCommitBatcher(metadata::submit, System::currentTimeMillis, config.maxOffsetsPerCommand(),
                nodeId);
        this.offsets = new GroupOffsets(metadata, coordinator, commits);
        timer.scheduleWithFixedDelay(() -> {
            coordinator.expire();
            classic.expire();
        }, config.expiryCheckIntervalMs(), config.expiryCheckIntervalMs(), TimeUnit.MILLISECONDS);
    }

    public void register(NativeApis apis) {
        apis.add(ApiKey.FIND_COORDINATOR, this::findCoordinator);
        apis.add(ApiKey.GROUP_HEARTBEAT, this::heartbeat);
        apis.add(ApiKey.OFFSET_COMMIT, this::offsetCommit);
        apis.add(ApiKey.OFFSET_FETCH, this::offsetFetch);
        apis.add(ApiKey.LIST_GROUPS, this::listGroups);
        apis.add(ApiKey.DESCRIBE_GROUPS, this::describeGroups);
        apis.add(ApiKey.DELETE_GROUPS, this::deleteGroups);
        apis.add(ApiKey.ALTER_GROUP_OFFSETS, this::alterOffsets);
    }

    /** Called once this node is registered (again): offset commits carry the epoch, see OffsetCommitBatcher. */
    public void setBrokerEpoch(long epoch) {
        commits.setBrokerEpoch(epoch);
    }

    public GroupCoordinator coordinator() {
        return coordinator;
    }

    /** The groups of Kafka's classic protocol (JoinGroup/SyncGroup), next to Sluice's own in {@link #coordinator()}. */
    public ClassicGroupCoordinator classic() {
        return classic;
    }

    /** Committed offsets of every group, for both protocols. */
    public GroupOffsets offsets() {
        return offsets;
    }

    /** Lag of committed offsets behind the high watermarks. */
    public GroupLag lag() {
        return lag;
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
            response.setNodeId(broker.id()).setEndpoint(broker.on(ctx.listener()).endpoint());
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

    /** Writes through {@link GroupOffsets}, answering in the native protocol's types. */
    private CompletableFuture<List<PartitionResult>> write(String group, List<OffsetCommitPartition> partitions,
                                                           Map<TopicPartition, String> refused, long coordinatedSince) {
        List<GroupOffsets.Commit> wanted = partitions.stream().map(p -> new GroupOffsets.Commit(
                new TopicPartition(p.getTopic(), p.getPartition()), p.getOffset(), p.getMetadata())).toList();
        return offsets.commit(group, wanted, refused, coordinatedSince).thenApply(outcomes -> outcomes.stream()
                .map(o -> PartitionResult.newBuilder().setTopic(o.partition().topic())
                        .setPartition(o.partition().partition()).setError(o.error()).setErrorMessage(o.message())
                        .build()).toList());
    }

    private CompletableFuture<Response> offsetFetch(RequestContext ctx, RequestFrame frame) throws Exception {
        OffsetFetchRequest r = parse(frame, OffsetFetchRequest.parser());
        return offsets.fetch(r.getGroupId(), r.getRequireStable())
                .thenApply(committed -> Response.of(WireGroups.offsets(committed, r.getPartitionsList())))
                .exceptionally(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                            ? e.getCause() : e;
                    if (cause instanceof SluiceException se) {
                        return Response.of(fetchError(se));
                    }
                    throw e instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(e);
                });
    }

    private static OffsetFetchResponse fetchError(SluiceException e) {
        return OffsetFetchResponse.newBuilder().setError(e.code()).setErrorMessage(e.getMessage()).build();
    }

    private CompletableFuture<Response> listGroups(RequestContext ctx, RequestFrame frame) throws Exception {
        ListGroupsRequest r = parse(frame, ListGroupsRequest.parser());
        ListGroupsResponse.Builder response = ListGroupsResponse.newBuilder();
        Map<String, ListedGroup> listed = new java.util.TreeMap<>();
        for (GroupDescription g : coordinator.list()) {
            listed.put(g.groupId(), ListedGroup.newBuilder().setGroupId(g.groupId()).setState(g.state().label())
                    .setMembers(g.members().size()).build());
        }
        // Kafka consumers' classic groups share this coordinator and its offsets, so they are listed too.
        for (Classic.Description g : classic.list()) {
            listed.put(g.groupId(), ListedGroup.newBuilder().setGroupId(g.groupId()).setState(g.state())
                    .setMembers(g.members().size()).build());
        }
        for (ListedGroup g : listed.values()) {
            if (r.getStatesCount() == 0 || r.getStatesList().stream().anyMatch(s -> s.equalsIgnoreCase(g.getState()))) {
                response.addGroups(g);
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
                coordinator.checkCoordinator(groupId);
                var kafkaClassic = classic.describe(groupId);
                DescribedGroup.Builder described = (kafkaClassic.isPresent() ? WireGroups.describe(kafkaClassic.get())
                        : WireGroups.describe(coordinator.describe(groupId))).setCoordinatorId(nodeId());
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
            results.add(offsets.delete(groupId, List.of()).thenApply(c -> result.setError(c.error())
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
