package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.ProducerIdBlocks;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InitProducerId (v0-v5) for idempotent producers: a new producer id, unique in the cluster, with
 * epoch 0, every time, as Kafka does when there is no transactional id (also when the producer
 * names its old id and epoch to bump it after an error: a fresh id serves the same purpose).
 *
 * <p>A transactional id is refused with TRANSACTIONAL_ID_NOT_FOUND: this broker has no transaction
 * coordinator, so it knows no transactional id, and Kafka's clients treat the code as final (the Java
 * client fails {@code initTransactions} with "Unexpected error in InitProducerIdResponse; The
 * transactionalId could not be found.").
 *
 * <p>When the metadata quorum cannot hand out a block of ids in time the answer is
 * COORDINATOR_LOAD_IN_PROGRESS, which clients retry (Kafka answers the same while its block is on
 * the way). Stateless; the id may arrive on a quorum thread.
 */
public final class InitProducerIdHandler implements KafkaApiHandler<InitProducerIdRequestData> {
    private static final Logger log = LoggerFactory.getLogger(InitProducerIdHandler.class);
    private final ProducerIdBlocks producerIds;

    public InitProducerIdHandler(ProducerIdBlocks producerIds) {
        this.producerIds = producerIds;
    }

    @Override
    public CompletableFuture<InitProducerIdResponseData> handle(KafkaRequest request, InitProducerIdRequestData data) {
        if (data.transactionalId() != null) {
            return CompletableFuture.completedFuture(failed(
                    request.authorized(AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, data.transactionalId())
                            ? Errors.TRANSACTIONAL_ID_NOT_FOUND : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        // KIP-679: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
        if (!request.authorizedOnCluster(AclOperation.IDEMPOTENT_WRITE)
                && !request.authorizedOnAny(AclOperation.WRITE, ResourceType.TOPIC)) {
            return CompletableFuture.completedFuture(failed(Errors.CLUSTER_AUTHORIZATION_FAILED));
        }
        return producerIds.next().handle((id, error) -> {
            if (error != null) {
                log.warn("No producer id for client '{}': {}", request.clientId(), error.toString());
                return failed(Errors.COORDINATOR_LOAD_IN_PROGRESS);
            }
            return new InitProducerIdResponseData().setProducerId(id).setProducerEpoch((short) 0);
        });
    }

    private static InitProducerIdResponseData failed(Errors error) {
        return new InitProducerIdResponseData().setErrorCode(error.code())
                .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
    }
}
