package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jepsen.history.HistoryBuilder;
import io.sluice.jepsen.history.Op;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MetadataCheckerTest {
    private final HistoryBuilder h = new HistoryBuilder();

    private CheckResult finallySee(Map<String, Object> topics) {
        h.describe(topics);
        return new MetadataChecker().check(h.ops());
    }

    @Test
    void acknowledgedChangesThatAreVisibleAreValid() {
        h.metadata("create", Op.Type.OK, 1, "a", null);
        h.metadata("alter", Op.Type.OK, 1, "a", 7L);
        h.metadata("create", Op.Type.OK, 2, "b", null);
        h.metadata("delete", Op.Type.OK, 2, "b", null);
        h.metadata("create", Op.Type.OK, 3, "c", null);
        CheckResult r = finallySee(Map.of("a", 7L, "c", -1L));
        assertTrue(r.valid(), r.anomalies().toString());
    }

    @Test
    void aLostCreateALostAlterAndALostDeleteAreFlagged() {
        h.metadata("create", Op.Type.OK, 1, "a", null);
        h.metadata("create", Op.Type.OK, 2, "b", null);
        h.metadata("alter", Op.Type.OK, 2, "b", 7L);
        h.metadata("create", Op.Type.OK, 3, "c", null);
        h.metadata("delete", Op.Type.OK, 3, "c", null);
        CheckResult r = finallySee(Map.of("b", -1L, "c", -1L));
        assertFalse(r.valid());
        assertEquals(3, r.anomalies().size(), r.anomalies().toString());
        assertTrue(r.anomalies().stream().allMatch(a -> a.type().equals("metadata-lost-change")));
    }

    @Test
    void anUnknownOutcomeAllowsBothStatesAndAFailChangesNothing() {
        h.metadata("create", Op.Type.OK, 1, "a", null);
        h.metadata("alter", Op.Type.INFO, 1, "a", 7L);
        h.metadata("create", Op.Type.INFO, 2, "b", null);
        h.metadata("create", Op.Type.FAIL, 3, "c", null);
        Map<String, Object> seen = new HashMap<>();
        seen.put("a", 7L);
        assertTrue(finallySee(seen).valid());
        HistoryBuilder other = new HistoryBuilder();
        other.metadata("create", Op.Type.FAIL, 3, "c", null);
        other.describe(Map.of("c", -1L));
        assertEquals(1, new MetadataChecker().check(other.ops()).anomalies().size());
    }

    @Test
    void aMissingFinalDescribeIsReported() {
        h.metadata("create", Op.Type.OK, 1, "a", null);
        assertEquals("no-final-describe", new MetadataChecker().check(h.ops()).anomalies().get(0).type());
    }
}
