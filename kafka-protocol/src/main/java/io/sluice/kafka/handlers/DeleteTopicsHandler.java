package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.image.TopicImage;
import io.sluice.server.BrokerServices;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * DeleteTopics by name (v1-5) or by name or topic id (v6); an id this node's image does not know is
 * UNKNOWN_TOPIC_ID. Needs DELETE on the topic (else TOPIC_AUTHORIZATION_FAILED).
 */
public final class DeleteTopicsHandler implements KafkaApiHandler<DeleteTopicsRequestData> {
    private final BrokerServices services;

    public DeleteTopicsHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<DeleteTopicsResponseData> handle(KafkaRequest request, DeleteTopicsRequestData data) {
        List<DeleteTopicState> topics = new ArrayList<>(data.topics());
        for (String name : data.topicNames()) {
            topics.add(new DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
        }
        List<CompletableFuture<DeletableTopicResult>> results = new ArrayList<>();
        for (DeleteTopicState t : topics) {
            results.add(delete(request, t));
        }
        return Futures.all(results).thenApply(list -> {
            DeleteTopicsResponseData response = new DeleteTopicsResponseData();
            list.forEach(r -> response.responses().mustAdd(r));
            return response;
        });
    }

    private CompletableFuture<DeletableTopicResult> delete(KafkaRequest request, DeleteTopicState t) {
        String name = t.name();
        Uuid id = t.topicId() == null ? Uuid.ZERO_UUID : t.topicId();
        if (name == null) {
            TopicImage topic = id.equals(Uuid.ZERO_UUID) ? null
                    : services.metadata().image().topics().topicById(TopicIds.fromKafka(id));
            if (topic == null) {
                return CompletableFuture.completedFuture(result(null, id,
                        new ApiError(Errors.UNKNOWN_TOPIC_ID, "Topic id " + id + " does not exist")));
            }
            name = topic.name();
        }
        if (!request.authorizedOnTopic(AclOperation.DELETE, name)) {
            return CompletableFuture.completedFuture(result(name, id, new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED,
                    request.principal() + " may not DELETE topic " + name)));
        }
        String topicName = name;
        return services.admin().deleteTopic(topicName).handle((o, error) -> error != null
                ? result(topicName, id, KafkaErrors.of(error))
                : result(topicName, o.ok() ? TopicIds.toKafka(o.topicId()) : id, KafkaErrors.of(o.error(), o.message())));
    }

    private static DeletableTopicResult result(String name, Uuid id, ApiError error) {
        return new DeletableTopicResult().setName(name).setTopicId(id).setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
