package io.sluice.kafka.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.MockTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Kafka's fetch session rules (KIP-227), on the cache and the request context alone. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class FetchContextTest {
    private final MockTime clock = new MockTime();
    private final AtomicInteger ids = new AtomicInteger();
    private final FetchSessionCache cache = new FetchSessionCache(2, 100, clock, ids::incrementAndGet);

    private static final FetchSession.Offsets AT_10 = new FetchSession.Offsets(10, 10, 0);

    @Test
    void aFullFetchOfEpochZeroStartsASessionAndEpochMinusOneClosesIt() {
        FetchContext full = FetchContext.open(cache, request(0, 0, "t", 0, 1), false);
        assertEquals(Errors.NONE, full.error());
        assertEquals(1, full.sessionId());
        assertEquals(2, full.entries().size());
        FetchContext sessionless = FetchContext.open(cache, request(1, -1, "t", 0), false);
        assertEquals(0, sessionless.sessionId());
        assertNull(cache.get(1), "epoch -1 closes the session it names");
        assertTrue(sessionless.include(key("t", 0), AT_10, false, false), "a full fetch answers every partition");
    }

    @Test
    void aFullFetchThatNamesASessionReplacesIt() {
        int first = FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId();
        int second = FetchContext.open(cache, request(first, 0, "t", 0), false).sessionId();
        assertNotEquals(first, second);
        assertNull(cache.get(first));
        assertEquals(1, cache.size());
    }

    @Test
    void anIncrementalFetchMustCarryTheExpectedEpoch() {
        int id = FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId();
        assertEquals(Errors.NONE, FetchContext.open(cache, request(id, 1), false).error());
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, FetchContext.open(cache, request(id, 1), false).error());
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH, FetchContext.open(cache, request(id, 3), false).error());
        assertEquals(Errors.NONE, FetchContext.open(cache, request(id, 2), false).error(),
                "a refused epoch does not advance the session");
        FetchContext unknown = FetchContext.open(cache, request(id + 7, 1), false);
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND, unknown.error());
        assertEquals(0, unknown.sessionId());
        assertEquals(List.of(), unknown.entries());
    }

    @Test
    void aSessionKeepsItsNamingOfTopics() {
        int id = FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId();
        assertEquals(Errors.FETCH_SESSION_TOPIC_ID_ERROR, FetchContext.open(cache, request(id, 1), true).error());
    }

    @Test
    void anIncrementalFetchAddsUpdatesAndForgetsPartitions() {
        int id = FetchContext.open(cache, request(0, 0, "t", 0, 1), false).sessionId();
        FetchRequestData incremental = request(id, 1, "t", 1, 2);
        incremental.topics().get(0).partitions().get(0).setFetchOffset(42);
        incremental.setForgottenTopicsData(List.of(new FetchRequestData.ForgottenTopic().setTopic("t")
                .setPartitions(List.of(0))));
        List<FetchSession.Entry> entries = FetchContext.open(cache, incremental, false).entries();
        assertEquals(List.of(key("t", 1), key("t", 2)), entries.stream().map(FetchSession.Entry::key).toList());
        assertEquals(42, entries.get(0).position().fetchOffset());
        assertEquals(0, entries.get(1).position().fetchOffset());
    }

    @Test
    void anIncrementalAnswerCarriesOnlyPartitionsWithNewsAndRotatesThem() {
        FetchContext full = FetchContext.open(cache, request(0, 0, "t", 0, 1), false);
        assertTrue(full.include(key("t", 0), AT_10, false, false));
        assertTrue(full.include(key("t", 1), AT_10, false, false));
        int id = full.sessionId();

        FetchContext quiet = FetchContext.open(cache, request(id, 1), false);
        assertFalse(quiet.include(key("t", 0), AT_10, false, false), "nothing changed");
        assertTrue(quiet.include(key("t", 1), new FetchSession.Offsets(11, 11, 0), false, false), "a new high watermark");

        FetchContext next = FetchContext.open(cache, request(id, 2), false);
        assertEquals(List.of(key("t", 0), key("t", 1)), next.entries().stream().map(FetchSession.Entry::key).toList(),
                "the answered partition moved to the end");
        assertTrue(next.include(key("t", 0), AT_10, true, false), "records are news");
        assertTrue(next.include(key("t", 1), new FetchSession.Offsets(11, 11, 0), false, true), "errors are news");
        assertFalse(next.include(key("t", 1), new FetchSession.Offsets(11, 11, 0), false, false));
        assertTrue(next.include(key("t", 1), new FetchSession.Offsets(11, 11, 5), false, false), "a new log start");
        assertTrue(next.include(key("t", 1), new FetchSession.Offsets(11, 9, 5), false, false), "a new stable offset");
    }

    @Test
    void aFullCacheEvictsOnlySessionsIdleLongerThanTheEvictionTime() {
        int first = FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId();
        clock.sleep(50);
        int second = FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId();
        assertEquals(0, FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId(),
                "no slot: the fetch goes on without a session");
        clock.sleep(60);
        int third = FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId();
        assertTrue(third > 0);
        assertNull(cache.get(first), "the least recently used, idle for 110 ms, made room");
        assertEquals(second, cache.get(second).id());
    }

    @Test
    void usingASessionKeepsItFromEviction() {
        int first = FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId();
        FetchContext.open(cache, request(0, 0, "t", 0), false);
        clock.sleep(150);
        FetchContext.open(cache, request(first, 1), false);
        clock.sleep(10);
        assertTrue(FetchContext.open(cache, request(0, 0, "t", 0), false).sessionId() > 0);
        assertEquals(first, cache.get(first).id(), "the idle one was evicted, not the one just used");
    }

    @Test
    void noSlotsMeansNoSessions() {
        FetchSessionCache none = new FetchSessionCache(0, 100, clock, ids::incrementAndGet);
        assertEquals(0, FetchContext.open(none, request(0, 0, "t", 0), false).sessionId());
    }

    @Test
    void sessionsByTopicIdForgetByTopicId() {
        Uuid id = Uuid.randomUuid();
        FetchRequestData first = new FetchRequestData().setSessionId(0).setSessionEpoch(0).setTopics(List.of(
                new FetchRequestData.FetchTopic().setTopicId(id).setPartitions(List.of(
                        new FetchRequestData.FetchPartition().setPartition(3)))));
        FetchContext full = FetchContext.open(cache, first, true);
        assertEquals(new FetchSession.Key(id, null, 3), full.entries().get(0).key());
        FetchRequestData forget = request(full.sessionId(), 1).setForgottenTopicsData(List.of(
                new FetchRequestData.ForgottenTopic().setTopicId(id).setPartitions(List.of(3))));
        assertEquals(List.of(), FetchContext.open(cache, forget, true).entries());
    }

    private static FetchSession.Key key(String topic, int partition) {
        return new FetchSession.Key(null, topic, partition);
    }

    private static FetchRequestData request(int sessionId, int epoch, String topic, int... partitions) {
        FetchRequestData data = request(sessionId, epoch);
        FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic().setTopic(topic);
        for (int p : partitions) {
            t.partitions().add(new FetchRequestData.FetchPartition().setPartition(p).setPartitionMaxBytes(1024));
        }
        data.topics().add(t);
        return data;
    }

    private static FetchRequestData request(int sessionId, int epoch) {
        return new FetchRequestData().setSessionId(sessionId).setSessionEpoch(epoch);
    }
}
