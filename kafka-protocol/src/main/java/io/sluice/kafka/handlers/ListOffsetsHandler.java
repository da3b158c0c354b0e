package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.protocol.ErrorCode;
import io.sluice.replication.ListOffsetsService;
import io.sluice.protocol.TopicPartition;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsTopicResponse;
import org.apache.kafka.common.protocol.Errors;

/**
 * ListOffsets (v1-v10): each partition's offset for a timestamp or one of Kafka's specs (-1 latest,
 * -2 earliest, -3 max timestamp, -4 earliest local, -5 latest tiered), answered by
 * {@link ListOffsetsService} on the partition's leader. There are no transactions, so
 * read_committed's latest (the last stable offset) is the high watermark, as for read_uncommitted.
 * Requests from replicas are answered as a consumer's: followers do not use Kafka's protocol. v11
 * (earliest pending upload, for tiered storage) is not served. A topic the principal may not DESCRIBE
 * gets TOPIC_AUTHORIZATION_FAILED. Stateless.
 */
public final class ListOffsetsHandler implements KafkaApiHandler<ListOffsetsRequestData> {
    /** The first version whose partition answers carry a leader epoch (a non-default one cannot be written before). */
    private static final int LEADER_EPOCH_VERSION = 4;
    private final ListOffsetsService offsets;

    public ListOffsetsHandler(ListOffsetsService offsets) {
        this.offsets = offsets;
    }

    @Override
    public CompletableFuture<ListOffsetsResponseData> handle(KafkaRequest request, ListOffsetsRequestData data) {
        ListOffsetsResponseData response = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic topic : data.topics()) {
            ListOffsetsTopicResponse topicResponse = new ListOffsetsTopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (ListOffsetsRequestData.ListOffsetsPartition p : topic.partitions()) {
                topicResponse.partitions().add(request.authorizedOnTopic(AclOperation.DESCRIBE, topic.name())
                        ? lookup(request.version(), topic.name(), p)
                        : new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex()).setTimestamp(-1)
                                .setOffset(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private ListOffsetsPartitionResponse lookup(short version, String topic,
                                                ListOffsetsRequestData.ListOffsetsPartition p) {
        ListOffsetsPartitionResponse answer = new ListOffsetsPartitionResponse().setPartitionIndex(p.partitionIndex())
                .setTimestamp(-1).setOffset(-1);
        TopicPartition tp = TopicLookup.partition(topic, p.partitionIndex());
        if (tp == null) {
            return answer.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        ListOffsetsService.Result r = offsets.lookup(tp, p.timestamp(), p.currentLeaderEpoch(), false);
        if (r.error() != ErrorCode.NONE) {
            return answer.setErrorCode(KafkaErrors.code(r.error()));
        }
        answer.setTimestamp(r.timestamp()).setOffset(r.offset());
        if (version >= LEADER_EPOCH_VERSION) {
            answer.setLeaderEpoch(r.leaderEpoch());
        }
        return answer;
    }
}
