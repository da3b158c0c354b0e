package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.replication.Partition;
import io.sluice.replication.ReplicaManager;
import io.sluice.storage.ActiveProducer;
import io.sluice.protocol.TopicPartition;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeProducersResponseData.PartitionResponse;
import org.apache.kafka.common.message.DescribeProducersResponseData.ProducerState;
import org.apache.kafka.common.message.DescribeProducersResponseData.TopicResponse;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeProducers (v0, {@code kafka-transactions.sh describe-producers}): the idempotent producers a
 * partition's leader remembers, with epoch, last sequence and last timestamp. There are no
 * transactions, so no producer has an open one (coordinator epoch and transaction start -1).
 * Stateless.
 */
public final class DescribeProducersHandler implements KafkaApiHandler<DescribeProducersRequestData> {
    private final ReplicaManager replicas;

    public DescribeProducersHandler(ReplicaManager replicas) {
        this.replicas = replicas;
    }

    @Override
    public CompletableFuture<DescribeProducersResponseData> handle(KafkaRequest request,
                                                                   DescribeProducersRequestData data) {
        DescribeProducersResponseData response = new DescribeProducersResponseData();
        for (DescribeProducersRequestData.TopicRequest topic : data.topics()) {
            TopicResponse topicResponse = new TopicResponse().setName(topic.name());
            response.topics().add(topicResponse);
            for (int index : topic.partitionIndexes()) {
                topicResponse.partitions().add(request.authorizedOnTopic(AclOperation.READ, topic.name())
                        ? describe(topic.name(), index) : new PartitionResponse().setPartitionIndex(index)
                                .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private PartitionResponse describe(String topic, int index) {
        PartitionResponse answer = new PartitionResponse().setPartitionIndex(index);
        TopicPartition tp = TopicLookup.partition(topic, index);
        Partition p = tp == null ? null : replicas.partition(tp).orElse(null);
        if (p == null || !p.isLeader()) {
            var known = tp == null ? null : replicas.image().topics().topic(topic);
            Errors error = known != null && known.partition(index) != null
                    ? Errors.NOT_LEADER_OR_FOLLOWER : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            return answer.setErrorCode(error.code()).setErrorMessage(error.message());
        }
        for (ActiveProducer producer : p.log().activeProducers()) {
            answer.activeProducers().add(new ProducerState().setProducerId(producer.producerId())
                    .setProducerEpoch(producer.epoch()).setLastSequence(producer.lastSequence())
                    .setLastTimestamp(producer.lastTimestamp()).setCoordinatorEpoch(-1).setCurrentTxnStartOffset(-1));
        }
        return answer;
    }
}
