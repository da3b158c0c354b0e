package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.replication.ProduceService;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.LeaderIdAndEpoch;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;

/**
 * Produce (v3-v13; v0-v2 are advertised only because librdkafka enables compression when they are,
 * and refused as Kafka 4 refuses them): checks what Kafka's request rules demand of each partition's
 * records (exactly one batch, magic 2, no zstd before v7: {@link ProduceRequest#validateRecords}),
 * refuses transactional batches with INVALID_TXN_STATE (the code Kafka gives a transactional write
 * outside an open transaction; Sluice has none yet), and hands the batches byte for byte to
 * {@link ProduceService#append}, which holds every other rule (leadership, min ISR, CRC, producer
 * sequences, acks). A topic the principal may not WRITE gets TOPIC_AUTHORIZATION_FAILED. v13 names
 * topics by id. An {@code acks=0} produce gets no response, or, when a
 * partition failed, a closed connection (Kafka's signal to refresh metadata).
 *
 * <p>The request's record bytes are only valid during {@link #handle}: the log copies them inside
 * {@code append} before it returns. Stateless; runs on the connection's event loop.
 */
public final class ProduceHandler implements KafkaApiHandler<ProduceRequestData> {
    private static final int TOPIC_IDS_VERSION = 13;
    private final BrokerServices services;

    public ProduceHandler(BrokerServices services) {
        this.services = services;
    }

    /** Where one requested partition's answer goes, and its records when they are to be appended. */
    private record Slot(PartitionProduceResponse response, ProduceService.PartitionRecords records) {
    }

    @Override
    public CompletableFuture<ProduceResponseData> handle(KafkaRequest request, ProduceRequestData data) {
        short version = request.version();
        MetadataImage image = services.metadata().image();
        ProduceResponseData response = new ProduceResponseData();
        List<Slot> slots = new ArrayList<>();
        for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
            String name = version >= TOPIC_IDS_VERSION ? TopicLookup.nameOf(image, topic.topicId()) : topic.name();
            TopicProduceResponse topicResponse = new TopicProduceResponse();
            if (version >= TOPIC_IDS_VERSION) {
                topicResponse.setTopicId(topic.topicId());
            } else {
                topicResponse.setName(topic.name());
            }
            response.responses().add(topicResponse);
            for (ProduceRequestData.PartitionProduceData p : topic.partitionData()) {
                PartitionProduceResponse pr = new PartitionProduceResponse().setIndex(p.index()).setBaseOffset(-1);
                topicResponse.partitionResponses().add(pr);
                if (name != null && !request.authorizedOnTopic(AclOperation.WRITE, name)) {
                    refuse(pr, Errors.TOPIC_AUTHORIZATION_FAILED, null);
                    continue;
                }
                TopicPartition tp = TopicLookup.partition(name, p.index());
                if (tp == null) {
                    Errors error = name == null && version >= TOPIC_IDS_VERSION
                            ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    refuse(pr, error, null);
                    continue;
                }
                if (refuseRecords(pr, version, data.transactionalId(), p.records())) {
                    continue;
                }
                MemoryRecords records = (MemoryRecords) p.records();
                slots.add(new Slot(pr, new ProduceService.PartitionRecords(tp, records.buffer().duplicate())));
            }
        }
        List<ProduceService.PartitionRecords> appends = slots.stream().map(Slot::records).toList();
        // append copies the records before it returns, also with acks=0, whose future is complete at once.
        var appended = appends.isEmpty() ? CompletableFuture.completedFuture(List.<ProduceService.PartitionResult>of())
                : services.produce().append(data.acks(), data.timeoutMs(), appends);
        return appended.thenApply(results -> {
            MetadataImage now = services.metadata().image();
            for (int i = 0; i < results.size(); i++) {
                fill(slots.get(i).response(), results.get(i), version, now, response, request.listener());
            }
            return data.acks() == 0 ? noResponse(response) : response;
        });
    }

    /**
     * acks=0 gets no answer; a failed write closes the connection instead, as Kafka does, so the
     * producer refreshes its metadata (it may be writing to a former leader) and reconnects.
     */
    private static ProduceResponseData noResponse(ProduceResponseData response) {
        StringBuilder failed = new StringBuilder();
        for (TopicProduceResponse topic : response.responses()) {
            for (PartitionProduceResponse p : topic.partitionResponses()) {
                if (p.errorCode() != Errors.NONE.code()) {
                    String topicName = topic.name() != null ? topic.name() : topic.topicId().toString();
                    failed.append(failed.length() == 0 ? "" : ", ").append(topicName).append('-').append(p.index())
                            .append(": ").append(Errors.forCode(p.errorCode()).name());
                }
            }
        }
        if (failed.length() > 0) {
            throw new KafkaApiHandler.CloseConnection("an acks=0 produce failed (" + failed + ")");
        }
        return null;
    }

    /**
     * Refuses a partition's records that Kafka's request rules or the missing transactions refuse;
     * returns whether it did.
     */
    private static boolean refuseRecords(PartitionProduceResponse pr, short version, String transactionalId,
                                         Object records) {
        if (!(records instanceof MemoryRecords memory)) {
            refuse(pr, Errors.INVALID_RECORD, "Produce requests must carry record batches");
            return true;
        }
        try {
            ProduceRequest.validateRecords(version, memory);
        } catch (ApiException e) {
            refuse(pr, Errors.forException(e), e.getMessage());
            return true;
        }
        RecordBatch batch = memory.batches().iterator().next(); // validateRecords: exactly one
        if (transactionalId != null || batch.isTransactional()) {
            refuse(pr, Errors.INVALID_TXN_STATE, "transactions are not supported by this broker (Sluice) yet; "
                    + "produce without transactional.id (idempotent producers are supported)");
            return true;
        }
        return false;
    }

    private static void refuse(PartitionProduceResponse pr, Errors error, String message) {
        pr.setErrorCode(error.code()).setErrorMessage(message != null ? message : error.message());
    }

    private static void fill(PartitionProduceResponse pr, ProduceService.PartitionResult r, short version,
                             MetadataImage image, ProduceResponseData response, String listener) {
        pr.setLogStartOffset(r.logStartOffset()).setLogAppendTimeMs(r.logAppendTime());
        if (r.error() == ErrorCode.NONE) {
            pr.setBaseOffset(r.baseOffset());
            return;
        }
        refuse(pr, KafkaErrors.of(r.error()), r.message());
        // KIP-951: tell the producer the new leader, so it need not refresh metadata first.
        BrokerRegistration leader = TopicLookup.liveBroker(image, r.currentLeaderId());
        if (version >= 10 && r.error() == ErrorCode.NOT_LEADER_OR_FOLLOWER && leader != null) {
            pr.setCurrentLeader(new LeaderIdAndEpoch().setLeaderId(leader.id()).setLeaderEpoch(r.currentLeaderEpoch()));
            if (response.nodeEndpoints().find(leader.id()) == null) {
                response.nodeEndpoints().add(new ProduceResponseData.NodeEndpoint().setNodeId(leader.id())
                        .setHost(leader.on(listener).host()).setPort(leader.on(listener).port())
                        .setRack(TopicLookup.rack(leader)));
            }
        }
    }
}
