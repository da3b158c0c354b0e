package io.sluice.jepsen.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.jepsen.checker.CheckResult;
import io.sluice.jepsen.checker.CommitChecker;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class GroupHistoryTest {
    private final AtomicLong clock = new AtomicLong();
    private final History history = new History(null, clock::incrementAndGet);
    private final GroupHistory group = new GroupHistory(history, "t", "g");

    private static TopicPartition tp(int partition) {
        return new TopicPartition("t", partition);
    }

    /** A poll's history value of one partition: {offset, value, offset, value, ...}. */
    private static Map<String, Object> reads(String key, long... offsetValuePairs) {
        List<Object> pairs = new ArrayList<>();
        for (int i = 0; i < offsetValuePairs.length; i += 2) {
            pairs.add(List.of(offsetValuePairs[i], offsetValuePairs[i + 1]));
        }
        Map<String, Object> reads = new LinkedHashMap<>();
        reads.put(key, pairs);
        return reads;
    }

    private void poll(int process, Map<String, Object> reads) {
        history.complete(history.invoke("poll", process, null, null, null), Op.Type.OK, reads, null, null);
    }

    /** What GroupConsumer records for one poll with records: the poll, then the commit of its positions. */
    private void pollAndCommit(int process, Map<String, Object> reads) {
        poll(process, reads);
        Map<String, Long> next = GroupHistory.nextOffsets(reads);
        group.completeCommit(group.invokeCommit(process, next), null);
    }

    @Test
    void anAssignmentIsTheTopicsPartitionsInOrderWithTheGroup() {
        Op ok = group.assigned(3, List.of(10, 2, 0));
        assertEquals(List.of("0", "2", "10"), ok.value());
        assertEquals("g", ok.group());
        assertEquals(Op.Type.OK, ok.type());
        assertEquals(Op.Type.INVOKE, history.ops().get(0).type());
    }

    @Test
    void theOffsetToCommitIsTheLastOffsetReadPlusOne() {
        Map<String, Object> reads = new LinkedHashMap<>(reads("0", 3, 30, 4, 31));
        reads.putAll(reads("2", 7, 32));
        Map<String, Long> next = GroupHistory.nextOffsets(reads);
        assertEquals(Map.of("0", 5L, "2", 8L), next);
    }

    @Test
    void aCommitThatReachedTheCoordinatorIsUnknownAndOneRefusedLocallyFailed() {
        Op ok = group.completeCommit(group.invokeCommit(1, Map.of("0", 5L)), null);
        assertEquals(Op.Type.OK, ok.type());
        assertEquals(Map.of("0", 5L), ok.value());
        Op timedOut = group.completeCommit(group.invokeCommit(1, Map.of("0", 6L)),
                new SluiceException(ErrorCode.REQUEST_TIMED_OUT, "committing timed out"));
        assertEquals(Op.Type.INFO, timedOut.type());
        assertEquals(Map.of("0", 6L), timedOut.value());
        assertTrue(timedOut.error().contains("timed out"));
        Op closed = group.completeCommit(group.invokeCommit(2, Map.of("0", 6L)),
                new IllegalStateException("the consumer is closed"));
        assertEquals(Op.Type.FAIL, closed.type());
        assertEquals(Op.Type.INFO, group.completeCommit(group.invokeCommit(3, Map.of("0", 6L)),
                new org.apache.kafka.common.errors.TimeoutException("kafka-clients timed out")).type(),
                "Kafka's client: the commit may have reached the coordinator");
        assertEquals(Op.Type.FAIL, group.completeCommit(group.invokeCommit(3, Map.of("0", 6L)),
                new org.apache.kafka.common.errors.InterruptException("stopping")).type());
    }

    @Test
    void aCommittedReadKeepsTheTopicsPartitions() {
        Op ok = group.completeCommitted(group.invokeCommitted(4), Map.of(tp(1), new OffsetAndMetadata(7),
                new TopicPartition("other", 1), new OffsetAndMetadata(99)));
        assertEquals(Map.of("1", 7L), ok.value());
        assertEquals("g", ok.group());
        assertEquals(Op.Type.FAIL, group.failCommitted(group.invokeCommitted(4), new RuntimeException("no")).type());
    }

    @Test
    void aHandOverAtTheCommittedOffsetPassesTheCommitChecker() {
        group.assigned(1, List.of(0));
        pollAndCommit(1, reads("0", 0, 10, 1, 11, 2, 12));
        group.completeCommitted(group.invokeCommitted(9), Map.of(tp(0), new OffsetAndMetadata(3)));
        group.assigned(2, List.of(0));
        pollAndCommit(2, reads("0", 3, 13));
        CheckResult result = new CommitChecker().check(history.ops());
        assertTrue(result.valid(), result.anomalies().toString());
        assertEquals(2L, result.stats().get("ok-commits"));
    }

    @Test
    void aNewOwnerRereadingCommittedRecordsIsFlagged() {
        group.assigned(1, List.of(0));
        pollAndCommit(1, reads("0", 0, 10, 1, 11, 2, 12));
        group.assigned(2, List.of(0));
        poll(2, reads("0", 1, 11, 2, 12));
        assertEquals(Map.of("assignment-start", 1), new CommitChecker().check(history.ops()).counts());
    }

    @Test
    void aCommittedReadBelowAnAcknowledgedCommitIsFlagged() {
        group.assigned(1, List.of(0));
        pollAndCommit(1, reads("0", 0, 10, 1, 11, 2, 12));
        group.completeCommitted(group.invokeCommitted(9), Map.of(tp(0), new OffsetAndMetadata(1)));
        assertEquals(Map.of("committed-offset-regression", 1), new CommitChecker().check(history.ops()).counts());
    }
}
