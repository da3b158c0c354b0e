package io.sluice.client.admin;

import io.sluice.client.Cluster;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.Errors;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.CreatableTopic;
import io.sluice.protocol.rpc.CreatePartitionsRequest;
import io.sluice.protocol.rpc.CreatePartitionsResponse;
import io.sluice.protocol.rpc.CreateTopicsRequest;
import io.sluice.protocol.rpc.CreateTopicsResponse;
import io.sluice.protocol.rpc.DeleteTopicsRequest;
import io.sluice.protocol.rpc.DeleteTopicsResponse;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.rpc.PartitionsIncrease;
import io.sluice.protocol.rpc.TopicMetadata;
import io.sluice.protocol.rpc.TopicResult;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The topic operations of {@link Admin}: request building and error mapping. Stateless. */
final class TopicOps {
    private TopicOps() {
    }

    static Void create(Admin admin, Collection<NewTopic> topics) {
        CreateTopicsRequest.Builder request = CreateTopicsRequest.newBuilder().setTimeoutMs(admin.requestTimeoutMs());
        for (NewTopic t : topics) {
            request.addTopics(CreatableTopic.newBuilder().setName(t.name()).setNumPartitions(t.numPartitions())
                    .setReplicationFactor(t.replicationFactor()).putAllConfigs(t.configs()));
        }
        CreateTopicsResponse response = admin.call(ApiKey.CREATE_TOPICS, request.build(), CreateTopicsResponse.parser());
        throwFirstError(response.getTopicsList());
        return null;
    }

    static Void delete(Admin admin, Collection<String> names) {
        DeleteTopicsRequest request = DeleteTopicsRequest.newBuilder().addAllNames(names)
                .setTimeoutMs(admin.requestTimeoutMs()).build();
        throwFirstError(admin.call(ApiKey.DELETE_TOPICS, request, DeleteTopicsResponse.parser()).getTopicsList());
        return null;
    }

    static Void createPartitions(Admin admin, Map<String, Integer> totals) {
        CreatePartitionsRequest.Builder request = CreatePartitionsRequest.newBuilder().setTimeoutMs(admin.requestTimeoutMs());
        totals.forEach((name, count) -> request.addTopics(PartitionsIncrease.newBuilder().setName(name).setCount(count)));
        throwFirstError(admin.call(ApiKey.CREATE_PARTITIONS, request.build(), CreatePartitionsResponse.parser()).getTopicsList());
        return null;
    }

    /** Describes the named topics, or every topic when {@code names} is empty; sorted by name. */
    static Map<String, TopicDescription> describe(Admin admin, Collection<String> names) {
        MetadataRequest request = MetadataRequest.newBuilder().addAllTopics(names).setAllTopics(names.isEmpty()).build();
        MetadataResponse response = admin.call(ApiKey.METADATA, request, MetadataResponse.parser());
        Cluster cluster = Cluster.from(response);
        Map<String, TopicDescription> out = new TreeMap<>();
        for (TopicMetadata t : response.getTopicsList()) {
            if (t.getError() == ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
                throw new SluiceException(t.getError(), "topic '" + t.getName() + "' does not exist");
            }
            if (t.getError() != ErrorCode.NONE) {
                throw new SluiceException(t.getError(), "topic '" + t.getName() + "': "
                        + Errors.describe(t.getError(), t.getErrorMessage()));
            }
            out.put(t.getName(), new TopicDescription(t.getName(), t.getTopicId(), cluster.partitionsFor(t.getName())));
        }
        for (String name : names) {
            if (!out.containsKey(name)) {
                throw new SluiceException(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "topic '" + name + "' does not exist");
            }
        }
        return out;
    }

    static void throwFirstError(List<TopicResult> results) {
        for (TopicResult r : results) {
            if (r.getError() != ErrorCode.NONE) {
                String message = r.getErrorMessage().isEmpty()
                        ? "topic '" + r.getName() + "': " + Errors.describe(r.getError(), "")
                        : r.getErrorMessage();
                throw new SluiceException(r.getError(), message);
            }
        }
    }
}
