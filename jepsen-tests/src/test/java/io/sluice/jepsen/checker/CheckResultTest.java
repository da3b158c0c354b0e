package io.sluice.jepsen.checker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The verdict a run reports: one anomaly in any of the merged checks makes the whole run invalid. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class CheckResultTest {
    private static final Anomaly LOST = new Anomaly("lost-write", "0", "value 3 acknowledged, never read", List.of(4L));

    @Test
    void mergedChecksAreValidOnlyWhenEveryPartIs() {
        CheckResult clean = new CheckResult(List.of(), Map.of("acknowledged-sends", 10L));
        CheckResult lost = new CheckResult(List.of(LOST), Map.of("values-read", 9L));

        assertTrue(CheckResult.merge(List.of(clean, clean)).valid());
        CheckResult merged = CheckResult.merge(List.of(clean, lost, clean));
        assertFalse(merged.valid(), "one invalid part makes the run invalid");
        assertEquals(List.of(LOST), merged.anomalies());
        assertEquals(Map.of("lost-write", 1), merged.counts());
        assertEquals(Map.of("acknowledged-sends", 10L, "values-read", 9L), merged.stats());
        assertTrue(CheckResult.merge(List.of()).valid(), "no check, no anomaly");
    }

    @Test
    void theReportedVerdictSaysInvalid() {
        Map<String, Object> json = CheckResult.merge(List.of(new CheckResult(List.of(LOST, LOST), Map.of())))
                .toJson();
        assertEquals(false, json.get("valid"));
        assertEquals(Map.of("lost-write", 2), json.get("anomaly-counts"));
        assertEquals(2, ((List<?>) json.get("anomalies")).size());
    }
}
