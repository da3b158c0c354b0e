package io.sluice.jepsen.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verdict of a test: valid only if no anomaly was found. Immutable.
 *
 * @param anomalies every anomaly found, in the order of the checks
 * @param stats counts a person wants next to the verdict (acknowledged sends, values read, ...)
 */
public record CheckResult(List<Anomaly> anomalies, Map<String, Object> stats) {
    public CheckResult {
        anomalies = List.copyOf(anomalies);
        stats = new LinkedHashMap<>(stats);
    }

    public boolean valid() {
        return anomalies.isEmpty();
    }

    /** How many anomalies of each type. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new TreeMap<>();
        anomalies.forEach(a -> counts.merge(a.type(), 1, Integer::sum));
        return counts;
    }

    /** Joins the results of several checks. */
    public static CheckResult merge(List<CheckResult> parts) {
        List<Anomaly> all = new ArrayList<>();
        Map<String, Object> stats = new LinkedHashMap<>();
        for (CheckResult part : parts) {
            all.addAll(part.anomalies());
            stats.putAll(part.stats());
        }
        return new CheckResult(all, stats);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("valid", valid());
        m.put("anomaly-counts", counts());
        m.put("stats", stats);
        m.put("anomalies", anomalies.stream().map(Anomaly::toJson).toList());
        return m;
    }
}
