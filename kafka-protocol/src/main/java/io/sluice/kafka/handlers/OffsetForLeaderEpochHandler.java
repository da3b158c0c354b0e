package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.protocol.ErrorCode;
import io.sluice.replication.ListOffsetsService;
import io.sluice.protocol.TopicPartition;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.OffsetForLeaderTopicResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * OffsetForLeaderEpoch (v2-v4): the end offset of a leader epoch in the leader's log, which a
 * consumer asks for after a leader change to see whether the log it read was truncated (KIP-320).
 * Answered by {@link ListOffsetsService#endOffsetForEpoch} from the partition's leader epoch cache.
 * Followers find divergence through Sluice's own fetch, so a replica id is served as a consumer's.
 * Stateless.
 */
public final class OffsetForLeaderEpochHandler implements KafkaApiHandler<OffsetForLeaderEpochRequestData> {
    private final ListOffsetsService offsets;

    public OffsetForLeaderEpochHandler(ListOffsetsService offsets) {
        this.offsets = offsets;
    }

    @Override
    public CompletableFuture<OffsetForLeaderEpochResponseData> handle(KafkaRequest request,
                                                                      OffsetForLeaderEpochRequestData data) {
        OffsetForLeaderEpochResponseData response = new OffsetForLeaderEpochResponseData();
        for (OffsetForLeaderEpochRequestData.OffsetForLeaderTopic topic : data.topics()) {
            OffsetForLeaderTopicResult result = new OffsetForLeaderTopicResult().setTopic(topic.topic());
            response.topics().add(result);
            for (OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p : topic.partitions()) {
                result.partitions().add(request.authorizedOnTopic(AclOperation.DESCRIBE, topic.topic())
                        ? lookup(topic.topic(), p) : new EpochEndOffset().setPartition(p.partition()).setLeaderEpoch(-1)
                                .setEndOffset(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private EpochEndOffset lookup(String topic, OffsetForLeaderEpochRequestData.OffsetForLeaderPartition p) {
        EpochEndOffset answer = new EpochEndOffset().setPartition(p.partition()).setLeaderEpoch(-1).setEndOffset(-1);
        TopicPartition tp = TopicLookup.partition(topic, p.partition());
        if (tp == null) {
            return answer.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        ListOffsetsService.Result r = offsets.endOffsetForEpoch(tp, p.currentLeaderEpoch(), p.leaderEpoch());
        if (r.error() != ErrorCode.NONE) {
            return answer.setErrorCode(KafkaErrors.code(r.error()));
        }
        return answer.setLeaderEpoch(r.leaderEpoch()).setEndOffset(r.offset());
    }
}
