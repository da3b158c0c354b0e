package io.sluice.server.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Quantile;
import io.prometheus.metrics.model.snapshots.Quantiles;
import io.prometheus.metrics.model.snapshots.SummarySnapshot;
import io.prometheus.metrics.model.snapshots.SummarySnapshot.SummaryDataPointSnapshot;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects the data points of one scrape into metric families (one family per name, many label sets),
 * as a collector computes them from the node's state. A name already used by a family of another kind
 * is ignored, and so is a repeated label set, so one odd bridged name cannot break the whole endpoint. Counter names are given
 * without {@code _total}: the text format adds it. One instance per scrape; not thread-safe.
 */
final class Families {
    private enum Kind { GAUGE, COUNTER, SUMMARY }

    private record Family(Kind kind, String help, List<Object> points, Set<List<String>> labelSets) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    void gauge(String name, String help, double value, String... labels) {
        if (accept(name, Kind.GAUGE, help, labels)) {
            point(name, GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
        }
    }

    void counter(String name, String help, double value, String... labels) {
        name = name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
        if (accept(name, Kind.COUNTER, help, labels)) {
            point(name, CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
        }
    }

    /** A summary of {@code count} observations with the given median and 99th percentile (NaN: unknown). */
    void summary(String name, String help, long count, double p50, double p99, String... labels) {
        if (accept(name, Kind.SUMMARY, help, labels)) {
            point(name, SummaryDataPointSnapshot.builder().count(count)
                    .quantiles(Quantiles.of(new Quantile(0.5, p50), new Quantile(0.99, p99)))
                    .labels(Labels.of(labels)).build());
        }
    }

    /** Whether a point of this kind and label set is new in its family (a repeat would make the scrape fail). */
    private boolean accept(String name, Kind kind, String help, String[] labels) {
        Family family = families.computeIfAbsent(name, n -> new Family(kind, help, new ArrayList<>(), new HashSet<>()));
        return family.kind() == kind && family.labelSets().add(List.of(labels));
    }

    private void point(String name, Object point) {
        families.get(name).points().add(point);
    }

    MetricSnapshots build() {
        List<MetricSnapshot> snapshots = new ArrayList<>(families.size());
        families.forEach((name, f) -> snapshots.add(snapshot(name, f)));
        return new MetricSnapshots(snapshots);
    }

    private static MetricSnapshot snapshot(String name, Family f) {
        switch (f.kind()) {
            case GAUGE -> {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(f.help());
                f.points().forEach(p -> b.dataPoint((GaugeDataPointSnapshot) p));
                return b.build();
            }
            case COUNTER -> {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(f.help());
                f.points().forEach(p -> b.dataPoint((CounterDataPointSnapshot) p));
                return b.build();
            }
            default -> {
                SummarySnapshot.Builder b = SummarySnapshot.builder().name(name).help(f.help());
                f.points().forEach(p -> b.dataPoint((SummaryDataPointSnapshot) p));
                return b.build();
            }
        }
    }
}
