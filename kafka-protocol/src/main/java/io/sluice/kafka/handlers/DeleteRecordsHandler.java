package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.AdminService;
import io.sluice.protocol.TopicPartition;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;

/**
 * DeleteRecords on the partitions this node leads (the admin client sends each to its leader): the
 * leader's log start offset moves at once and is the low watermark answered; followers move theirs
 * on their next fetch. Unlike Kafka, the answer does not wait for the followers. Needs DELETE on the
 * topic (else TOPIC_AUTHORIZATION_FAILED).
 */
public final class DeleteRecordsHandler implements KafkaApiHandler<DeleteRecordsRequestData> {
    private final AdminService admin;

    public DeleteRecordsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<DeleteRecordsResponseData> handle(KafkaRequest request, DeleteRecordsRequestData data) {
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        for (DeleteRecordsTopic t : data.topics()) {
            DeleteRecordsTopicResult topic = new DeleteRecordsTopicResult().setName(t.name());
            boolean authorized = request.authorizedOnTopic(AclOperation.DELETE, t.name());
            for (DeleteRecordsPartition p : t.partitions()) {
                if (!authorized) {
                    topic.partitions().mustAdd(new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                            .setLowWatermark(-1).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                    continue;
                }
                AdminService.RecordsOutcome o = admin.deleteRecords(new TopicPartition(t.name(), p.partitionIndex()),
                        p.offset());
                topic.partitions().mustAdd(new DeleteRecordsPartitionResult().setPartitionIndex(p.partitionIndex())
                        .setLowWatermark(o.lowWatermark()).setErrorCode(KafkaErrors.code(o.error())));
            }
            response.topics().mustAdd(topic);
        }
        return CompletableFuture.completedFuture(response);
    }
}
