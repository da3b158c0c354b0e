package io.sluice.tools.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.protocol.TopicPartition;
import io.sluice.tools.UsageException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The pure parts of consumer-groups: the reset plan, the table layout, date parsing, assignment text. */
@Timeout(10)
class ConsumerGroupsToolTest {
    private static final TopicPartition P0 = new TopicPartition("t", 0);
    private static final TopicPartition P1 = new TopicPartition("t", 1);

    /** p0: offsets 10..100, committed 50, first at the timestamp 70; p1: 0..5, nothing committed, no such time. */
    private static Map<TopicPartition, OffsetResetPlan.PartitionState> states() {
        Map<TopicPartition, OffsetResetPlan.PartitionState> s = new LinkedHashMap<>();
        s.put(P0, new OffsetResetPlan.PartitionState(10, 100, 50, 70));
        s.put(P1, new OffsetResetPlan.PartitionState(0, 5, -1, -1));
        return s;
    }

    @Test
    void resetTargetsAreClampedIntoTheLog() {
        assertEquals(Map.of(P0, 10L, P1, 0L), OffsetResetPlan.plan(OffsetResetPlan.Kind.TO_EARLIEST, 0, states()));
        assertEquals(Map.of(P0, 100L, P1, 5L), OffsetResetPlan.plan(OffsetResetPlan.Kind.TO_LATEST, 0, states()));
        assertEquals(Map.of(P0, 20L, P1, 5L), OffsetResetPlan.plan(OffsetResetPlan.Kind.TO_OFFSET, 20, states()));
        assertEquals(Map.of(P0, 10L, P1, 3L), OffsetResetPlan.plan(OffsetResetPlan.Kind.TO_OFFSET, 3, states()),
                "below p0's log start: its log start");
        assertEquals(Map.of(P0, 40L, P1, 0L), OffsetResetPlan.plan(OffsetResetPlan.Kind.SHIFT_BY, -10, states()));
        assertEquals(Map.of(P0, 100L, P1, 5L), OffsetResetPlan.plan(OffsetResetPlan.Kind.SHIFT_BY, 1_000, states()));
        assertEquals(Map.of(P0, 70L, P1, 5L), OffsetResetPlan.plan(OffsetResetPlan.Kind.TO_DATETIME, 0, states()),
                "no record that late: the end");
    }

    @Test
    void tablesPadEveryColumnButTheLast() {
        List<String> lines = GroupsFormatter.offsets(List.of(new GroupsFormatter.OffsetRow("my-group", "events", 0,
                "5", "9", "4", "member-1", "/127.0.0.1", "console-consumer")));
        assertEquals("GROUP    TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID HOST       CLIENT-ID",
                lines.get(0));
        assertEquals("my-group events 0          5               9               4               member-1    /127.0.0.1 console-consumer",
                lines.get(1));
    }

    @Test
    void dateTimesInKafkasFormat() {
        assertEquals(Instant.parse("2024-01-31T13:45:00Z").toEpochMilli(),
                OffsetResetter.parseDateTime("2024-01-31T13:45:00.000Z"));
        assertEquals(Instant.parse("2024-01-31T12:45:00Z").toEpochMilli(),
                OffsetResetter.parseDateTime("2024-01-31T13:45:00.000+01:00"));
        assertThrows(UsageException.class, () -> OffsetResetter.parseDateTime("yesterday"));
    }

    @Test
    void assignmentsAreWrittenPerTopic() {
        assertEquals("a(0,2),b(1)", GroupDescriber.assignment(Set.of(new TopicPartition("b", 1),
                new TopicPartition("a", 2), new TopicPartition("a", 0))));
        assertEquals("-", GroupDescriber.assignment(Set.of()));
    }
}
