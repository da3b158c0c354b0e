package io.sluice.metadata.raft;

/**
 * One of Ratis' own measurements, read from its metric registries, in plain Java so the metrics
 * endpoint needs no Ratis type.
 *
 * @param component Ratis' component name ({@code server}, {@code log_worker}, {@code leader_election},
 *                  {@code state_machine}, ...)
 * @param name      the measurement's name within the component, with a peer id taken out into
 *                  {@code peer} when Ratis puts one in the name
 * @param peer      the other voter the measurement is about, or null
 * @param kind      gauge (a current value), counter (a running total) or timer
 * @param value     the gauge's or counter's value; for a timer its count
 * @param p50       a timer's median in seconds over Ratis' recent window; NaN otherwise
 * @param p99       a timer's 99th percentile in seconds; NaN otherwise
 */
public record RatisMetric(String component, String name, String peer, Kind kind, double value, double p50,
                          double p99) {
    public enum Kind { GAUGE, COUNTER, TIMER }
}
