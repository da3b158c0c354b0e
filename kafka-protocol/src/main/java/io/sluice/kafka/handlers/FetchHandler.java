package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.codec.RegionRecords;
import io.sluice.kafka.session.FetchContext;
import io.sluice.kafka.session.FetchSession;
import io.sluice.kafka.session.FetchSessionCache;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.replication.FetchService;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayList;
import java.util.Iterator;
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
 * Incremental fetch sessions (KIP-227) follow Kafka's rules in {@link FetchContext}: an incremental
 * fetch reads every partition of its session and answers only those with news.
 *
 * <p>What Kafka features mean here: there are no transactions, so read_committed reads what
 * read_uncommitted reads: the last stable offset is the high watermark and no transaction is aborted.
 * Every replica is read from the leader (preferred read replica -1). Followers replicate over Sluice's
 * own protocol, so a fetch with a replica id is refused with INVALID_REQUEST (TOPIC_AUTHORIZATION_FAILED
 * without CLUSTER_ACTION, as Kafka). A topic the principal may not READ gets TOPIC_AUTHORIZATION_FAILED. Holds no state of its own
 * besides the node's session cache; runs on the connection's event loop.
 */
public final class FetchHandler implements KafkaApiHandler<FetchRequestData> {
    private static final int TOPIC_IDS_VERSION = 13;
    private static final int REPLICA_STATE_VERSION = 15;
    private final BrokerServices services;
    private final FetchSessionCache sessions;

    public FetchHandler(BrokerServices services, FetchSessionCache sessions) {
        this.services = services;
        this.sessions = sessions;
    }

    /** One partition to answer: its key in the session, its answer, and what to fetch (null when refused). */
    private record Slot(FetchSession.Key key, PartitionData response, FetchService.PartitionFetch fetch) {
    }

    @Override
    public CompletableFuture<FetchResponseData> handle(KafkaRequest request, FetchRequestData data) {
        short version = request.version();
        boolean topicIds = version >= TOPIC_IDS_VERSION;
        FetchContext context = FetchContext.open(sessions, data, topicIds);
        FetchResponseData response = new FetchResponseData().setSessionId(context.sessionId());
        if (context.error() != Errors.NONE) {
            return CompletableFuture.completedFuture(response.setErrorCode(context.error().code()));
        }
        int replicaId = version >= REPLICA_STATE_VERSION ? data.replicaState().replicaId() : data.replicaId();
        boolean readCommitted = data.isolationLevel() == IsolationLevel.READ_COMMITTED.id();
        MetadataImage image = services.metadata().image();
        List<Slot> slots = new ArrayList<>();
        List<FetchService.PartitionFetch> fetches = new ArrayList<>();
        for (FetchSession.Entry entry : context.entries()) {
            FetchSession.Key key = entry.key();
            String name = topicIds ? TopicLookup.nameOf(image, key.topicId()) : key.topic();
            PartitionData pd = emptyPartition(key.partition(), readCommitted);
            TopicPartition tp = TopicLookup.partition(name, key.partition());
            FetchService.PartitionFetch fetch = null;
            if (replicaId >= 0) {
                // followers use Sluice's protocol; Kafka's rule first: a replica fetch needs CLUSTER_ACTION
                pd.setErrorCode(request.authorizedOnCluster(AclOperation.CLUSTER_ACTION)
                        ? Errors.INVALID_REQUEST.code() : Errors.TOPIC_AUTHORIZATION_FAILED.code());
            } else if (name != null && !request.authorizedOnTopic(AclOperation.READ, name)) {
                pd.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            } else if (tp == null) {
                pd.setErrorCode(name == null && topicIds
                        ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            } else {
                FetchSession.Position at = entry.position();
                fetch = new FetchService.PartitionFetch(tp, at.fetchOffset(), at.currentLeaderEpoch(),
                        at.lastFetchedEpoch(), at.maxBytes());
                fetches.add(fetch);
            }
            slots.add(new Slot(key, pd, fetch));
        }
        CompletableFuture<List<FetchService.PartitionData>> fetched = fetches.isEmpty()
                ? CompletableFuture.completedFuture(List.of())
                : services.fetch().fetch(new FetchService.FetchParams(-1, data.maxWaitMs(), data.minBytes(),
                        data.maxBytes(), fetches));
        return fetched.thenApply(results -> {
            MetadataImage now = services.metadata().image();
            Iterator<FetchService.PartitionData> result = results.iterator();
            for (Slot slot : slots) {
                PartitionData pd = slot.response();
                if (slot.fetch() != null) {
                    fill(pd, result.next(), version, now, response, request.listener());
                }
                FetchSession.Offsets offsets = new FetchSession.Offsets(pd.highWatermark(), pd.lastStableOffset(),
                        pd.logStartOffset());
                boolean hasRecords = pd.records() != null && pd.records().sizeInBytes() > 0;
                if (context.include(slot.key(), offsets, hasRecords, pd.errorCode() != Errors.NONE.code())) {
                    add(response, slot.key(), pd, topicIds);
                }
            }
            return response;
        });
    }

    /** Appends a partition's answer under its topic: the last topic block when it is the same topic, as Kafka groups them. */
    private static void add(FetchResponseData response, FetchSession.Key key, PartitionData pd, boolean topicIds) {
        List<FetchableTopicResponse> topics = response.responses();
        FetchableTopicResponse last = topics.isEmpty() ? null : topics.get(topics.size() - 1);
        boolean same = last != null && (topicIds ? last.topicId().equals(key.topicId()) : last.topic().equals(key.topic()));
        if (!same) {
            last = topicIds ? new FetchableTopicResponse().setTopicId(key.topicId())
                    : new FetchableTopicResponse().setTopic(key.topic());
            topics.add(last);
        }
        last.partitions().add(pd);
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
