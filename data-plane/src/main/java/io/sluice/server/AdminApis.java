package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AllocateProducerIdsCommand;
import io.sluice.protocol.metadata.AlterConfigsCommand;
import io.sluice.protocol.metadata.CreatePartitionsCommand;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.DeleteTopicCommand;
import io.sluice.protocol.metadata.ElectPreferredLeadersCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.metadata.TopicPartitionRef;
import io.sluice.protocol.rpc.AlterConfigsRequest;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Topic and config administration: each request becomes one metadata command per topic, proposed
 * through the Raft quorum, and is answered once this node's own image has caught up with the result,
 * so a describe on the same connection sees the change. Validation (names, counts, config keys and
 * values) happens inside apply, where every node reaches the same verdict. Stateless; thread-safe.
 */
final class AdminApis {
    private final MetadataNode metadata;
    private final BrokerDefaults defaults;
    private final ProducerIdBlocks producerIds;

    AdminApis(MetadataNode metadata, BrokerDefaults defaults, int brokerId) {
        this.metadata = metadata;
        this.defaults = defaults;
        this.producerIds = new ProducerIdBlocks(metadata, brokerId);
    }

    ProducerIdBlocks producerIds() {
        return producerIds;
    }

    void register(Map<ApiKey, RequestHandler> handlers) {
        handlers.put(ApiKey.CREATE_TOPICS, this::createTopics);
        handlers.put(ApiKey.DELETE_TOPICS, this::deleteTopics);
        handlers.put(ApiKey.CREATE_PARTITIONS, this::createPartitions);
        handlers.put(ApiKey.DESCRIBE_CONFIGS, this::describeConfigs);
        handlers.put(ApiKey.ALTER_CONFIGS, this::alterConfigs);
        handlers.put(ApiKey.ELECT_LEADERS, this::electLeaders);
        handlers.put(ApiKey.INIT_PRODUCER_ID, this::initProducerId);
    }

    private CompletableFuture<Response> createTopics(RequestContext ctx, RequestFrame frame) throws Exception {
        CreateTopicsRequest request = parse(frame, CreateTopicsRequest.parser());
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        for (CreatableTopic t : request.getTopicsList()) {
            int partitions = t.getNumPartitions() == -1 ? defaults.numPartitions() : t.getNumPartitions();
            int rf = t.getReplicationFactor() == -1 ? defaults.replicationFactor() : t.getReplicationFactor();
            CreateTopicCommand command = CreateTopicCommand.newBuilder()
                    .setName(t.getName()).setPartitions(partitions).setReplicationFactor(rf)
                    .putAllConfigs(t.getConfigsMap()).build();
            results.add(submit(MetadataCommand.newBuilder().setCreateTopic(command))
                    .thenApply(r -> topicResult(t.getName(), r).setNumPartitions(partitions)
                            .setReplicationFactor(rf).setTopicId(r.getTopicId()).build()));
        }
        return all(results).thenApply(list -> Response.of(CreateTopicsResponse.newBuilder().addAllTopics(list).build()));
    }

    private CompletableFuture<Response> deleteTopics(RequestContext ctx, RequestFrame frame) throws Exception {
        DeleteTopicsRequest request = parse(frame, DeleteTopicsRequest.parser());
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        for (String name : request.getNamesList()) {
            results.add(submit(MetadataCommand.newBuilder().setDeleteTopic(DeleteTopicCommand.newBuilder().setName(name)))
                    .thenApply(r -> topicResult(name, r).build()));
        }
        return all(results).thenApply(list -> Response.of(DeleteTopicsResponse.newBuilder().addAllTopics(list).build()));
    }

    private CompletableFuture<Response> createPartitions(RequestContext ctx, RequestFrame frame) throws Exception {
        CreatePartitionsRequest request = parse(frame, CreatePartitionsRequest.parser());
        List<CompletableFuture<TopicResult>> results = new ArrayList<>();
        for (PartitionsIncrease t : request.getTopicsList()) {
            CreatePartitionsCommand command = CreatePartitionsCommand.newBuilder()
                    .setTopic(t.getName()).setTotalCount(t.getCount()).build();
            results.add(submit(MetadataCommand.newBuilder().setCreatePartitions(command))
                    .thenApply(r -> topicResult(t.getName(), r).setNumPartitions(t.getCount()).build()));
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
            AlterConfigsCommand.Builder command = AlterConfigsCommand.newBuilder().setTopic(resource.getResource().getName());
            for (AlterableConfig c : resource.getConfigsList()) {
                if (c.getOp() == io.sluice.protocol.rpc.AlterConfigOp.DELETE) {
                    command.addDelete(c.getName());
                } else {
                    command.putSet(c.getName(), c.getValue());
                }
            }
            results.add(submit(MetadataCommand.newBuilder().setAlterConfigs(command))
                    .thenApply(r -> AlterConfigsResult.newBuilder().setResource(resource.getResource())
                            .setError(r.getError()).setErrorMessage(r.getErrorMessage()).build()));
        }
        return all(results).thenApply(list ->
                Response.of(AlterConfigsResponse.newBuilder().addAllResults(list).build()));
    }

    private CompletableFuture<Response> describeConfigs(RequestContext ctx, RequestFrame frame) throws Exception {
        DescribeConfigsRequest request = parse(frame, DescribeConfigsRequest.parser());
        MetadataImage image = metadata.image();
        DescribeConfigsResponse.Builder response = DescribeConfigsResponse.newBuilder();
        for (ConfigResource resource : request.getResourcesList()) {
            response.addResults(describe(image, resource));
        }
        return CompletableFuture.completedFuture(Response.of(response.build()));
    }

    private DescribeConfigsResult describe(MetadataImage image, ConfigResource resource) {
        DescribeConfigsResult.Builder result = DescribeConfigsResult.newBuilder().setResource(resource);
        if (resource.getType() != ConfigResourceType.TOPIC) {
            return result.setError(ErrorCode.INVALID_REQUEST)
                    .setErrorMessage("only topic configs can be described; broker settings live in server.properties")
                    .build();
        }
        TopicImage topic = image.topics().topic(resource.getName());
        if (topic == null) {
            return result.setError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
                    .setErrorMessage("topic '" + resource.getName() + "' does not exist").build();
        }
        Map<String, String> dynamic = image.configs().topicConfig(resource.getName());
        for (Map.Entry<String, String> e : defaults.topicDefaults().entrySet()) {
            String value = dynamic.get(e.getKey());
            result.addEntries(ConfigEntry.newBuilder().setName(e.getKey())
                    .setValue(value != null ? value : e.getValue())
                    .setSource(value != null ? ConfigSource.DYNAMIC_TOPIC_CONFIG : ConfigSource.DEFAULT_CONFIG));
        }
        return result.build();
    }

    private CompletableFuture<Response> electLeaders(RequestContext ctx, RequestFrame frame) throws Exception {
        ElectLeadersRequest request = parse(frame, ElectLeadersRequest.parser());
        ElectPreferredLeadersCommand.Builder command = ElectPreferredLeadersCommand.newBuilder();
        for (TopicPartitions tp : request.getPartitionsList()) {
            for (int p : tp.getPartitionsList()) {
                command.addPartitions(TopicPartitionRef.newBuilder().setTopic(tp.getTopic()).setPartition(p));
            }
        }
        return submit(MetadataCommand.newBuilder().setElectPreferredLeaders(command)).thenApply(r -> {
            ElectLeadersResponse.Builder response = ElectLeadersResponse.newBuilder()
                    .setError(r.getError()).setErrorMessage(r.getErrorMessage());
            for (PartitionOutcome o : r.getPartitionsList()) {
                response.addPartitions(PartitionResult.newBuilder().setTopic(o.getTopic()).setPartition(o.getPartition())
                        .setError(o.getError()).setErrorMessage(o.getErrorMessage()));
            }
            return Response.of(response.build());
        });
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

    /** Proposes a command and completes once this node's image includes its outcome. */
    private CompletableFuture<MetadataCommandResult> submit(MetadataCommand.Builder command) {
        command.setRequestId(UUID.randomUUID().toString()).setTimestampMs(System.currentTimeMillis());
        return metadata.submit(command.build())
                .thenCompose(result -> metadata.readLinearizable().thenApply(image -> result.toProto()));
    }

    private static TopicResult.Builder topicResult(String name, MetadataCommandResult r) {
        return TopicResult.newBuilder().setName(name).setError(r.getError()).setErrorMessage(r.getErrorMessage());
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
