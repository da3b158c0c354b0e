package io.sluice.metadata.raft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.metrics.MetricRegistries;
import org.apache.ratis.metrics.MetricRegistryInfo;
import org.apache.ratis.metrics.RatisMetricRegistry;
import org.apache.ratis.metrics.impl.RatisMetricRegistryImpl;
import org.apache.ratis.thirdparty.com.codahale.metrics.Counter;
import org.apache.ratis.thirdparty.com.codahale.metrics.Gauge;
import org.apache.ratis.thirdparty.com.codahale.metrics.Metric;
import org.apache.ratis.thirdparty.com.codahale.metrics.Timer;

/**
 * Reads Ratis' own metrics (ratis-metrics-default keeps them in shaded Dropwizard registries, one per
 * component and Raft member) and hands them over as {@link RatisMetric}s, so nothing Ratis measures
 * is measured a second time. Registries are JVM-global, and several nodes share a JVM in tests, so
 * only this member's registries are read (their prefix is {@code <peer id>@group-...}).
 *
 * <p>Stateless apart from the peer ids; thread-safe (the registries are concurrent maps).
 */
final class RatisMetricsReader {
    private final String selfId;
    private final Set<String> peerIds;

    /** @param peerIds every voter's peer id, so one named inside a metric's name becomes its peer */
    RatisMetricsReader(String selfId, Set<String> peerIds) {
        this.selfId = selfId;
        this.peerIds = peerIds;
    }

    List<RatisMetric> read() {
        List<RatisMetric> result = new ArrayList<>();
        for (RatisMetricRegistry registry : MetricRegistries.global().getMetricRegistries()) {
            MetricRegistryInfo info = registry.getMetricRegistryInfo();
            if (!isOwn(info.getPrefix()) || !(registry instanceof RatisMetricRegistryImpl impl)) {
                continue;
            }
            String prefix = info.getApplicationName() + "." + info.getMetricsComponentName() + "." + info.getPrefix() + ".";
            for (Map.Entry<String, Metric> e : impl.getDropWizardMetricRegistry().getMetrics().entrySet()) {
                String name = e.getKey().startsWith(prefix) ? e.getKey().substring(prefix.length()) : e.getKey();
                RatisMetric m = convert(info.getMetricsComponentName(), name, e.getValue());
                if (m != null) {
                    result.add(m);
                }
            }
        }
        return result;
    }

    private boolean isOwn(String prefix) {
        return prefix.equals(selfId) || prefix.startsWith(selfId + "@");
    }

    private RatisMetric convert(String component, String rawName, Metric metric) {
        String peer = null;
        StringBuilder name = new StringBuilder();
        for (String part : rawName.split("[_.]")) {
            if (peer == null && peerIds.contains(part)) {
                peer = part; // e.g. "follower_2_lastHeartbeatElapsedTime": the peer becomes a label
                continue;
            }
            name.append(name.length() == 0 ? "" : "_").append(part);
        }
        if (metric instanceof Gauge<?> gauge) {
            Object v;
            try {
                v = gauge.getValue();
            } catch (RuntimeException e) {
                return null; // a gauge of a closing division
            }
            return v instanceof Number n ? new RatisMetric(component, name.toString(), peer, RatisMetric.Kind.GAUGE,
                    n.doubleValue(), Double.NaN, Double.NaN) : null;
        }
        if (metric instanceof Counter counter) {
            return new RatisMetric(component, name.toString(), peer, RatisMetric.Kind.COUNTER, counter.getCount(),
                    Double.NaN, Double.NaN);
        }
        if (metric instanceof Timer timer) {
            var snapshot = timer.getSnapshot();
            double toSeconds = 1.0 / TimeUnit.SECONDS.toNanos(1);
            return new RatisMetric(component, name.toString(), peer, RatisMetric.Kind.TIMER, timer.getCount(),
                    snapshot.getMedian() * toSeconds, snapshot.get99thPercentile() * toSeconds);
        }
        return null;
    }
}
