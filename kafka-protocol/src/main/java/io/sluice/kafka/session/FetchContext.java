package io.sluice.kafka.session;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.protocol.Errors;

/**
 * What one Kafka fetch request means for fetch sessions, by Kafka's rules (KIP-227):
 * <ul>
 *   <li>epoch -1: a full fetch without a session (closing the named session, if any);</li>
 *   <li>epoch 0: a full fetch that starts a new session (closing the named one first); the answer
 *       carries the new session's id, or 0 when the cache has no slot;</li>
 *   <li>epoch above 0: an incremental fetch of an existing session, which must expect this epoch; the
 *       request names only added or changed partitions and the forgotten ones, and the answer carries
 *       only partitions with news ({@link #include}).</li>
 * </ul>
 * An unknown session gets FETCH_SESSION_ID_NOT_FOUND, a wrong epoch INVALID_FETCH_SESSION_EPOCH, a
 * session of the other naming (topic ids vs names) FETCH_SESSION_TOPIC_ID_ERROR; each is answered
 * with session id 0 and no partitions, after which the client starts a new session. Used by one
 * request, from the thread that handles it and then the one that completes its fetch.
 */
public final class FetchContext {
    private final Errors error;
    private final FetchSession session;
    private final boolean incremental;
    private final List<FetchSession.Entry> entries;

    private FetchContext(Errors error, FetchSession session, boolean incremental, List<FetchSession.Entry> entries) {
        this.error = error;
        this.session = session;
        this.incremental = incremental;
        this.entries = entries;
    }

    /** Interprets a fetch request; {@code topicIds} is whether its version names topics by id. */
    public static FetchContext open(FetchSessionCache cache, FetchRequestData data, boolean topicIds) {
        int epoch = data.sessionEpoch();
        List<FetchSession.Entry> requested = requested(data, topicIds);
        if (epoch <= 0) {
            if (data.sessionId() != 0) {
                cache.remove(data.sessionId());
            }
            FetchSession created = epoch == 0 ? cache.create(topicIds, requested) : null;
            return new FetchContext(Errors.NONE, created, false, requested);
        }
        FetchSession session = cache.get(data.sessionId());
        if (session == null) {
            return failed(Errors.FETCH_SESSION_ID_NOT_FOUND);
        }
        if (session.usesTopicIds() != topicIds) {
            return failed(Errors.FETCH_SESSION_TOPIC_ID_ERROR);
        }
        if (!session.update(epoch, requested, forgotten(data, topicIds), cache.now())) {
            return failed(Errors.INVALID_FETCH_SESSION_EPOCH);
        }
        return new FetchContext(Errors.NONE, session, true, session.entries());
    }

    private static FetchContext failed(Errors error) {
        return new FetchContext(error, null, false, List.of());
    }

    /** NONE, or the session error the whole request is answered with. */
    public Errors error() {
        return error;
    }

    /** The session id to answer with: 0 when there is no session. */
    public int sessionId() {
        return session == null ? 0 : session.id();
    }

    /** The partitions to fetch, in order: the request's for a full fetch, the session's otherwise. */
    public List<FetchSession.Entry> entries() {
        return entries;
    }

    /**
     * Records a partition's answer in the session, and says whether the response carries it: always in
     * a full fetch, only with news in an incremental one.
     */
    public boolean include(FetchSession.Key key, FetchSession.Offsets offsets, boolean hasRecords, boolean hasError) {
        if (session == null) {
            return true;
        }
        boolean news = session.recordAnswer(key, offsets, hasRecords, hasError, incremental);
        return news || !incremental;
    }

    private static List<FetchSession.Entry> requested(FetchRequestData data, boolean topicIds) {
        List<FetchSession.Entry> entries = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            for (FetchRequestData.FetchPartition p : topic.partitions()) {
                entries.add(new FetchSession.Entry(key(topicIds, topic.topicId(), topic.topic(), p.partition()),
                        new FetchSession.Position(p.fetchOffset(), p.currentLeaderEpoch(), p.lastFetchedEpoch(),
                                p.partitionMaxBytes())));
            }
        }
        return entries;
    }

    private static List<FetchSession.Key> forgotten(FetchRequestData data, boolean topicIds) {
        List<FetchSession.Key> keys = new ArrayList<>();
        for (FetchRequestData.ForgottenTopic topic : data.forgottenTopicsData()) {
            for (int partition : topic.partitions()) {
                keys.add(key(topicIds, topic.topicId(), topic.topic(), partition));
            }
        }
        return keys;
    }

    private static FetchSession.Key key(boolean topicIds, Uuid id, String name, int partition) {
        return topicIds ? new FetchSession.Key(id, null, partition) : new FetchSession.Key(null, name, partition);
    }
}
