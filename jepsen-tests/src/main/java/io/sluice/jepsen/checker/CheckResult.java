package io.sluice.jepsen.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The verdict of a test. Invalid when an anomaly was found; otherwise unknown when the run cannot have
 * proved anything (no write acknowledged, a fault that was not injected, faults the network could not
 * make), with the reasons; valid only when neither. Immutable.
 *
 * @param anomalies every anomaly found, in the order of the checks
 * @param stats counts a person wants next to the verdict (acknowledged sends, values read, ...)
 * @param unknownReasons why the run proves nothing, empty when it does
 */
public record CheckResult(List<Anomaly> anomalies, Map<String, Object> stats, List<String> unknownReasons) {
    /** What a run shows. */
    public enum Verdict {
        VALID, INVALID, UNKNOWN
    }

    public CheckResult {
        anomalies = List.copyOf(anomalies);
        stats = new LinkedHashMap<>(stats);
        unknownReasons = List.copyOf(unknownReasons);
    }

    public CheckResult(List<Anomaly> anomalies, Map<String, Object> stats) {
        this(anomalies, stats, List.of());
    }

    /** A result that only says why the run proves nothing (no anomaly, no stats). */
    public static CheckResult unknown(List<String> reasons) {
        return new CheckResult(List.of(), Map.of(), reasons);
    }

    /** An anomaly is a finding even in a run that proves little; a clean run proves nothing if it could not fail. */
    public Verdict verdict() {
        if (!anomalies.isEmpty()) {
            return Verdict.INVALID;
        }
        return unknownReasons.isEmpty() ? Verdict.VALID : Verdict.UNKNOWN;
    }

    /** Valid: no anomaly, and the run could have found one. */
    public boolean valid() {
        return verdict() == Verdict.VALID;
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
        List<String> unknown = new ArrayList<>();
        for (CheckResult part : parts) {
            all.addAll(part.anomalies());
            stats.putAll(part.stats());
            unknown.addAll(part.unknownReasons());
        }
        return new CheckResult(all, stats, unknown);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("verdict", verdict().name().toLowerCase());
        m.put("valid", valid());
        if (!unknownReasons.isEmpty()) {
            m.put("unknown-reasons", unknownReasons);
        }
        m.put("anomaly-counts", counts());
        m.put("stats", stats);
        m.put("anomalies", anomalies.stream().map(Anomaly::toJson).toList());
        return m;
    }
}
