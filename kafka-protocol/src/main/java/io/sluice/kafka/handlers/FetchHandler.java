package io.sluice.kafka.handlers;

import io.sluice.kafka.KafkaApiHandler;
import io.sluice.kafka.KafkaErrors;
import io.sluice.kafka.KafkaRequest;
import io.sluice.kafka.codec.RegionRecords;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.replication.FetchService;
import io.sluice.server.BrokerServices;
import io.sluice.storage.TopicPartition;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * Fetch for consumers (v4-v18; topics by id from v13): translates the request into
 * {@link FetchService#fetch}, which holds the rules (leadership, epochs, the high watermark, waiting
 * for min bytes), and sends the log bytes it returns as zero-copy file regions ({@link RegionRecords}).
 *
 * <p>What Kafka features mean here: there are no fetch sessions (KIP-227), so every fetch is answered
 * as a full, sessionless one with session id 0, which makes clients keep sending full fetches; an
 * incremental fetch (epoch above 0) gets FETCH_SESSION_ID_NOT_FOUND, after which clients start over.
 * There are no transactions, so read_committed reads what read_uncommitted reads: the last stable
 * offset is the high watermark and no transaction is aborted. Every replica is read from the leader
 * (preferred read replica -1). Followers replicate over Sluice's own protocol, so a fetch with a
 * replica id is refused with INVALID_REQUEST. Stateless; runs on the connection's event loop.
 */
public final class FetchHandler implements KafkaApiHandler<FetchRequestData> {
    private static final int TOPIC_IDS_VERSION = 13;
    private static final int REPLICA_STATE_VERSION = 15;
    private final BrokerServices services;

    public FetchHandler(BrokerServices services) {
        this.services = services;
    }

    /** One requested partition: where its answer goes, and what to fetch (null when it is refused). */
    private record Slot(PartitionData response, FetchService.PartitionFetch fetch) {
    }

    @Override
    public CompletableFuture<FetchResponseData> handle(KafkaRequest request, FetchRequestData data) {
        short version = request.version();
        FetchResponseData response = new FetchResponseData().setSessionId(0);
        if (data.sessionEpoch() > 0) {
            // An incremental fetch of a session this broker never created: clients then start a full fetch.
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()));
        }
        int replicaId = version >= REPLICA_STATE_VERSION ? data.replicaState().replicaId() : data.replicaId();
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        MetadataImage image = services.metadata().image();
        List<Slot> slots = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            String name = version >= TOPIC_IDS_VERSION ? TopicLookup.nameOf(image, topic.topicId()) : topic.topic();
            FetchableTopicResponse topicResponse = new FetchableTopicResponse();
            if (version >= TOPIC_IDS_VERSION) {
                topicResponse.setTopicId(topic.topicId());
            } else {
                topicResponse.setTopic(topic.topic());
            }
            response.responses().add(topicResponse);
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                PartitionData pd = emptyPartition(p.partition(), readCommitted);
                topicResponse.partitions().add(pd);
                TopicPartition tp = TopicLookup.partition(name, p.partition());
                if (replicaId >= 0) {
                    pd.setErrorCode(Errors.INVALID_REQUEST.code()); // followers use Sluice's protocol
                } else if (tp == null) {
                    pd.setErrorCode(name == null && version >= TOPIC_IDS_VERSION
                            ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    slots.add(new Slot(pd, new FetchService.PartitionFetch(tp, p.fetchOffset(),
                            p.currentLeaderEpoch(), p.lastFetchedEpoch(), p.partitionMaxBytes())));
                }
            }
        }
        if (slots.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        FetchService.FetchParams params = new FetchService.FetchParams(-1, data.maxWaitMs(), data.minBytes(),
                data.maxBytes(), slots.stream().map(Slot::fetch).toList());
        return services.fetch().fetch(params).thenApply(results -> {
            MetadataImage now = services.metadata().image();
            for (int i = 0; i < results.size(); i++) {
                fill(slots.get(i).response(), results.get(i), version, now, response, request.listener());
            }
            return response;
        });
    }

    /** A partition answer with nothing in it yet: Kafka's "unknown" offsets and no records. */
    private static PartitionData emptyPartition(int index, boolean readCommitted) {
        return new PartitionData().setPartitionIndex(index).setHighWatermark(-1).setLastStableOffset(-1)
                .setLogStartOffset(-1).setPreferredReadReplica(-1).setRecords(MemoryRecords.EMPTY)
                .setAbortedTransactions(readCommitted ? new ArrayList<>() : null);
    }

    private static void fill(PartitionData pd, FetchService.PartitionData d, short version, MetadataImage image,
                             FetchResponseData response, String listener) {
        if (d.error() != ErrorCode.NONE) {
            pd.setErrorCode(KafkaErrors.code(d.error()));
            if (d.error() == ErrorCode.OFFSET_OUT_OF_RANGE) {
                pd.setHighWatermark(d.highWatermark()).setLastStableOffset(d.highWatermark())
                        .setLogStartOffset(d.logStartOffset());
            }
            leaderHint(pd, d, version, image, response, listener);
            return;
        }
        // No transactions: everything below the high watermark is stable.
        pd.setHighWatermark(d.highWatermark()).setLastStableOffset(d.highWatermark())
                .setLogStartOffset(d.logStartOffset());
        if (d.records() != null) {
            pd.setRecords(new RegionRecords(d.records()));
        }
    }

    /** KIP-951: with NOT_LEADER_OR_FOLLOWER or FENCED_LEADER_EPOCH, the leader the client should go to. */
    private static void leaderHint(PartitionData pd, FetchService.PartitionData d, short version, MetadataImage image,
                                   FetchResponseData response, String listener) {
        boolean moved = d.error() == ErrorCode.NOT_LEADER_OR_FOLLOWER || d.error() == ErrorCode.FENCED_LEADER_EPOCH;
        BrokerRegistration leader = TopicLookup.liveBroker(image, d.leaderId());
        if (!moved || version < 12 || leader == null) {
            return;
        }
        pd.currentLeader().setLeaderId(leader.id()).setLeaderEpoch(d.leaderEpoch());
        if (version >= 16 && response.nodeEndpoints().find(leader.id()) == null) {
            response.nodeEndpoints().add(new FetchResponseData.NodeEndpoint().setNodeId(leader.id())
                    .setHost(leader.on(listener).host()).setPort(leader.on(listener).port())
                    .setRack(TopicLookup.rack(leader)));
        }
    }
}
