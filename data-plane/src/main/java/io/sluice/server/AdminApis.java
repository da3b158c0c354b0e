package io.sluice.server;

import io.sluice.network.NativeApis;
import io.sluice.network.RequestContext;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.AlterConfigsRequest;
import io.sluice.protocol.rpc.AlterPartitionReassignmentsRequest;
import io.sluice.protocol.rpc.AlterPartitionReassignmentsResponse;
import io.sluice.protocol.rpc.ListPartitionReassignmentsRequest;
import io.sluice.protocol.rpc.ListPartitionReassignmentsResponse;
import io.sluice.protocol.rpc.OngoingReassignment;
import io.sluice.protocol.rpc.ReassignmentTarget;
import io.sluice.protocol.rpc.AlterConfigsResource;
import io.sluice.protocol.rpc.AlterConfigsResponse;
import io.sluice.protocol.rpc.AlterConfigsResult;
import io.sluice.protocol.rpc.AlterableConfig;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ConfigEntry;
import io.sluice.protocol.rpc.ConfigResource;
import io.sluice.protocol.rpc.ConfigResourceType;
import io.sluice.protocol.rpc.ConfigSource;
import io.sluice.protocol.rpc.CreatableTopic;
import io.sluice.protocol.rpc.CreatePartitionsRequest;
import io.sluice.protocol.rpc.CreatePartitionsResponse;
import io.sluice.protocol.rpc.CreateTopicsRequest;
import io.sluice.protocol.rpc.CreateTopicsResponse;
import io.sluice.protocol.rpc.DeleteTopicsRequest;
import io.sluice.protocol.rpc.DeleteTopicsResponse;
import io.sluice.protocol.rpc.DescribeConfigsRequest;
import io.sluice.protocol.rpc.DescribeConfigsResponse;
import io.sluice.protocol.rpc.DescribeConfigsResult;
import io.sluice.protocol.rpc.ElectLeadersRequest;
import io.sluice.protocol.rpc.ElectLeadersResponse;
import io.sluice.protocol.rpc.InitProducerIdResponse;
import io.sluice.protocol.rpc.PartitionResult;
import io.sluice.protocol.rpc.PartitionsIncrease;
import io.sluice.protocol.rpc.TopicPartitions;
import io.sluice.protocol.rpc.TopicResult;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The native protocol's admin APIs: each request is translated into calls on {@link AdminService},
 * which holds the rules and talks to the quorum, and its outcomes back into protobuf. Stateless;
 * thread-safe.
 */
final class AdminApis {
    private final AdminService admin;
    private final ProducerIdBlocks producerIds;

    AdminApis(AdminService admin, ProducerIdBlocks producerIds) {
        this.admin = admin;
        this.producerIds = producerIds;
    }

    void register(NativeApis apis) {
        apis.add(ApiKey.CREATE_TOPICS, this::createTopics);
        apis.add(ApiKey.DELETE_TOPICS, this::deleteTopics);
        apis.add(ApiKey.CREATE_PARTITIONS, this::createPartitions);
        apis.add(ApiKey.DESCRIBE_CONFIGS, this::describeConfigs);
        apis.add(ApiKey.ALTER_CONFIGS, this::alterConfigs);
        apis.add(ApiKey.ELECT_LEADERS, this::electLeaders);
        apis.add(ApiKey.ALTER_PARTITION_REASSIGNMENTS, this::alterReassignments);
        apis.add(ApiKey.LIST_PARTITION_REASSIGNMENTS, this::listReassignments);
        apis.add(ApiKey.INIT_PRODUCER_ID, this::initProducerId);
    }

    private CompletableFuture<Response> createTopics(RequestContext ctx, RequestFrame frame) throws Exception {
        CreateTopicsRequest request = parse(frame, CreateTopicsRequest.parser());
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        for (CreatableTopic t : request.getTopicsList()) {
            results.add(admin.createTopic(t.getName(), t.getNumPartitions(), t.getReplicationFactor(),
                            t.getConfigsMap(), request.getValidateOnly())
                    .thenApply(o -> topicResult(t.getName(), o).setNumPartitions(o.partitions())
                            .setReplicationFactor(o.replicationFactor()).setTopicId(o.topicId()).build()));
        }
        return all(results).thenApply(list -> Response.of(CreateTopicsResponse.newBuilder().addAllTopics(list).build()));
    }

    private CompletableFuture<Response> deleteTopics(RequestContext ctx, RequestFrame frame) throws Exception {
        DeleteTopicsRequest request = parse(frame, DeleteTopicsRequest.parser());
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        for (String name : request.getNamesList()) {
            results.add(admin.deleteTopic(name).thenApply(o -> topicResult(name, o).build()));
        }
        return all(results).thenApply(list -> Response.of(DeleteTopicsResponse.newBuilder().addAllTopics(list).build()));
    }

    private CompletableFuture<Response> createPartitions(RequestContext ctx, RequestFrame frame) throws Exception {
        CreatePartitionsRequest request = parse(frame, CreatePartitionsRequest.parser());
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        for (PartitionsIncrease t : request.getTopicsList()) {
            results.add(admin.createPartitions(t.getName(), t.getCount(), false)
                    .thenApply(o -> topicResult(t.getName(), o).setNumPartitions(t.getCount()).build()));
        }
        return all(results).thenApply(list ->
                Response.of(CreatePartitionsResponse.newBuilder().addAllTopics(list).build()));
    }

    private CompletableFuture<Response> alterConfigs(RequestContext ctx, RequestFrame frame) throws Exception {
        AlterConfigsRequest request = parse(frame, AlterConfigsRequest.parser());
        List<CompletableFuture<AlterConfigsResult>> results = new ArrayList<>();
        for (AlterConfigsResource resource : request.getResourcesList()) {
            if (resource.getResource().getType() != ConfigResourceType.TOPIC) {
                results.add(CompletableFuture.completedFuture(AlterConfigsResult.newBuilder()
                        .setResource(resource.getResource()).setError(ErrorCode.INVALID_REQUEST)
                        .setErrorMessage("only topic configs can be altered; broker settings live in "
                                + "server.properties").build()));
                continue;
            }
            Map<String, String> set = new HashMap<>();
            List<String> delete = new ArrayList<>();
            for (AlterableConfig c : resource.getConfigsList()) {
                if (c.getOp() == io.sluice.protocol.rpc.AlterConfigOp.DELETE) {
                    delete.add(c.getName());
                } else {
                    set.put(c.getName(), c.getValue());
                }
            }
            results.add(admin.alterTopicConfigs(resource.getResource().getName(), set, delete, false)
                    .thenApply(o -> AlterConfigsResult.newBuilder().setResource(resource.getResource())
                            .setError(o.error()).setErrorMessage(o.message()).build()));
        }
        return all(results).thenApply(list ->
                Response.of(AlterConfigsResponse.newBuilder().addAllResults(list).build()));
    }

    private CompletableFuture<Response> describeConfigs(RequestContext ctx, RequestFrame frame) throws Exception {
        DescribeConfigsRequest request = parse(frame, DescribeConfigsRequest.parser());
        DescribeConfigsResponse.Builder response = DescribeConfigsResponse.newBuilder();
        for (ConfigResource resource : request.getResourcesList()) {
            response.addResults(describe(resource));
        }
        return CompletableFuture.completedFuture(Response.of(response.build()));
    }

    private DescribeConfigsResult describe(ConfigResource resource) {
        DescribeConfigsResult.Builder result = DescribeConfigsResult.newBuilder().setResource(resource);
        if (resource.getType() != ConfigResourceType.TOPIC) {
            return result.setError(ErrorCode.INVALID_REQUEST)
                    .setErrorMessage("only topic configs can be described; broker settings live in server.properties")
                    .build();
        }
        Optional<List<ConfigValue>> configs = admin.topicConfigs(resource.getName());
        if (configs.isEmpty()) {
            return result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    .setErrorMessage("topic '" + resource.getName() + "' does not exist").build();
        }
        for (ConfigValue c : configs.get()) {
            result.addEntries(ConfigEntry.newBuilder().setName(c.name()).setValue(c.value())
                    .setSource(c.source() == ConfigValue.Source.DYNAMIC_TOPIC
                            ? ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG));
        }
        return result.build();
    }

    private CompletableFuture<Response> electLeaders(RequestContext ctx, RequestFrame frame) throws Exception {
        ElectLeadersRequest request = parse(frame, ElectLeadersRequest.parser());
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicPartitions tp : request.getPartitionsList()) {
            for (int p : tp.getPartitionsList()) {
                partitions.add(new TopicPartition(tp.getTopic(), p));
            }
        }
        return admin.electPreferredLeaders(partitions).thenApply(elections -> {
            ElectLeadersResponse.Builder response = ElectLeadersResponse.newBuilder()
                    .setError(elections.error()).setErrorMessage(elections.message());
            for (AdminService.ElectionOutcome o : elections.partitions()) {
                response.addPartitions(PartitionResult.newBuilder().setTopic(o.partition().topic())
                        .setPartition(o.partition().partition()).setError(o.error())
                        .setErrorMessage(o.message()));
            }
            return Response.of(response.build());
        });
    }

    private CompletableFuture<Response> alterReassignments(RequestContext ctx, RequestFrame frame) throws Exception {
        AlterPartitionReassignmentsRequest request = parse(frame, AlterPartitionReassignmentsRequest.parser());
        List<AdminService.Reassignment> reassignments = new ArrayList<>();
        for (ReassignmentTarget t : request.getReassignmentsList()) {
            reassignments.add(new AdminService.Reassignment(new TopicPartition(t.getTopic(), t.getPartition()),
                    t.getCancel() ? null : t.getReplicasList()));
        }
        return admin.alterReassignments(reassignments, request.getKeepReplicationFactor()).handle((outcomes, error) -> {
            AlterPartitionReassignmentsResponse.Builder response = AlterPartitionReassignmentsResponse.newBuilder();
            if (error != null) {
                return Response.of(response.setError(failureCode(error)).setErrorMessage(String.valueOf(error.getMessage()))
                        .build());
            }
            for (AdminService.ReassignmentOutcome o : outcomes) {
                response.addPartitions(PartitionResult.newBuilder().setTopic(o.partition().topic())
                        .setPartition(o.partition().partition()).setError(o.error()).setErrorMessage(o.message()));
            }
            return Response.of(response.build());
        });
    }

    private CompletableFuture<Response> listReassignments(RequestContext ctx, RequestFrame frame) throws Exception {
        ListPartitionReassignmentsRequest request = parse(frame, ListPartitionReassignmentsRequest.parser());
        Set<TopicPartition> wanted = null;
        if (request.getPartitionsCount() > 0) {
            wanted = new HashSet<>();
            for (TopicPartitions tp : request.getPartitionsList()) {
                for (int p : tp.getPartitionsList()) {
                    wanted.add(new TopicPartition(tp.getTopic(), p));
                }
            }
        }
        return admin.listReassignments(wanted).handle((ongoing, error) -> {
            ListPartitionReassignmentsResponse.Builder response = ListPartitionReassignmentsResponse.newBuilder();
            if (error != null) {
                return Response.of(response.setError(failureCode(error)).setErrorMessage(String.valueOf(error.getMessage()))
                        .build());
            }
            for (AdminService.OngoingReassignment o : ongoing) {
                response.addReassignments(OngoingReassignment.newBuilder().setTopic(o.partition().topic())
                        .setPartition(o.partition().partition()).addAllReplicas(o.replicas())
                        .addAllAddingReplicas(o.adding()).addAllRemovingReplicas(o.removing()));
            }
            return Response.of(response.build());
        });
    }

    /** A failed service call's code: a {@link SluiceException}'s own, else REQUEST_TIMED_OUT (the quorum did not answer). */
    private static ErrorCode failureCode(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof SluiceException s ? s.code() : ErrorCode.REQUEST_TIMED_OUT;
    }

    private CompletableFuture<Response> initProducerId(RequestContext ctx, RequestFrame frame) {
        frame.release();
        return producerIds.next().handle((id, error) -> {
            InitProducerIdResponse.Builder r = InitProducerIdResponse.newBuilder();
            if (error != null) {
                r.setError(ErrorCode.COORDINATOR_NOT_AVAILABLE)
                        .setErrorMessage("cannot allocate a producer id now (" + error.getMessage() + "); retry");
            } else {
                r.setProducerId(id).setProducerEpoch(0);
            }
            return Response.of(r.build());
        });
    }

    private static TopicResult.Builder topicResult(String name, AdminService.TopicOutcome o) {
        return TopicResult.newBuilder().setName(name).setError(o.error()).setErrorMessage(o.message());
    }

    private static <T> T parse(RequestFrame frame, com.google.protobuf.Parser<T> parser) throws Exception {
        try {
            return Frames.parse(frame.body(), parser);
        } finally {
            frame.release();
        }
    }

    private static <T> CompletableFuture<List<T>> all(List<CompletableFuture<T>> futures) {
        return CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> futures.stream().map(CompletableFuture::join).toList());
    }
}
