package io.sluice.client.consumer;

import io.sluice.client.CommonConfig;
import io.sluice.client.ConfigDef;
import io.sluice.client.ConfigDef.Type;
import io.sluice.client.ConfigException;
import java.util.Locale;
import java.util.Map;

/**
 * The consumer's configuration: Kafka's consumer keys and defaults where the concept exists in
 * Sluice. With {@code group.id} a consumer can {@linkplain Consumer#subscribe subscribe} and commit
 * offsets (see docs/groups.md). Immutable and thread-safe.
 */
public final class ConsumerConfig extends CommonConfig {
    public static final String GROUP_ID = "group.id";
    public static final String AUTO_OFFSET_RESET = "auto.offset.reset";
    public static final String FETCH_MIN_BYTES = "fetch.min.bytes";
    public static final String FETCH_MAX_BYTES = "fetch.max.bytes";
    public static final String FETCH_MAX_WAIT_MS = "fetch.max.wait.ms";
    public static final String MAX_PARTITION_FETCH_BYTES = "max.partition.fetch.bytes";
    public static final String MAX_POLL_RECORDS = "max.poll.records";
    public static final String CHECK_CRCS = "check.crcs";
    public static final String GROUP_INSTANCE_ID = "group.instance.id";
    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final String MAX_POLL_INTERVAL_MS = "max.poll.interval.ms";
    public static final String ENABLE_AUTO_COMMIT = "enable.auto.commit";
    public static final String AUTO_COMMIT_INTERVAL_MS = "auto.commit.interval.ms";
    public static final String GROUP_REMOTE_ASSIGNOR = "group.remote.assignor";
    public static final String PARTITION_ASSIGNMENT_STRATEGY = "partition.assignment.strategy";

    /** Every key a consumer accepts, with its default. */
    public static final ConfigDef DEF = CommonConfig.commonDef()
            .define(GROUP_ID, Type.STRING, "", "consumer group; needed for subscribe and committed offsets")
            .defineOneOf(AUTO_OFFSET_RESET, "latest", "where to start without a valid position", "earliest", "latest", "none")
            .defineAtLeast(FETCH_MIN_BYTES, Type.INT, 1, 0, "bytes a fetch waits for before the broker answers")
            .defineAtLeast(FETCH_MAX_BYTES, Type.INT, 52_428_800, 0, "most bytes of one fetch response")
            .defineAtLeast(FETCH_MAX_WAIT_MS, Type.INT, 500, 0, "longest the broker holds a fetch for fetch.min.bytes")
            .defineAtLeast(MAX_PARTITION_FETCH_BYTES, Type.INT, 1_048_576, 0, "most bytes per partition per fetch")
            .defineAtLeast(MAX_POLL_RECORDS, Type.INT, 500, 1, "most records one poll returns")
            .define(CHECK_CRCS, Type.BOOLEAN, true, "verify the CRC of every fetched batch")
            .define(GROUP_INSTANCE_ID, Type.STRING, "", "static membership: a restart within the session keeps the partitions")
            .defineAtLeast(SESSION_TIMEOUT_MS, Type.INT, 45_000, 1, "the group drops a member silent this long")
            .defineAtLeast(HEARTBEAT_INTERVAL_MS, Type.INT, 3_000, 1, "longest gap between heartbeats")
            .defineAtLeast(MAX_POLL_INTERVAL_MS, Type.INT, 300_000, 1, "how long a member may take to release revoked partitions")
            .define(ENABLE_AUTO_COMMIT, Type.BOOLEAN, true, "commit positions in the background (with group.id)")
            .defineAtLeast(AUTO_COMMIT_INTERVAL_MS, Type.INT, 5_000, 0, "how often auto-commit runs")
            .defineOneOf(GROUP_REMOTE_ASSIGNOR, "", "the coordinator's assignor", "", "range", "roundrobin")
            .define(PARTITION_ASSIGNMENT_STRATEGY, Type.STRING, "", "Kafka's assignor names, mapped to range or "
                    + "roundrobin (group.remote.assignor wins)");

    public ConsumerConfig(Map<?, ?> props) {
        super(DEF, props, "consumer");
        assignor();
    }

    /**
     * The server-side assignor to ask for: {@code group.remote.assignor}, else {@code
     * partition.assignment.strategy} mapped from Kafka's names (range; round-robin and the sticky ones
     * to roundrobin, which is sticky here), else empty for the group's choice.
     */
    public String assignor() {
        if (!getString(GROUP_REMOTE_ASSIGNOR).isEmpty()) {
            return getString(GROUP_REMOTE_ASSIGNOR);
        }
        String strategy = getString(PARTITION_ASSIGNMENT_STRATEGY).toLowerCase(Locale.ROOT);
        if (strategy.isEmpty()) {
            return "";
        }
        if (strategy.contains("range")) {
            return "range";
        }
        if (strategy.contains("roundrobin") || strategy.contains("sticky")) {
            return "roundrobin";
        }
        throw new ConfigException("partition.assignment.strategy '" + getString(PARTITION_ASSIGNMENT_STRATEGY)
                + "' is not known; use range or roundrobin");
    }

    /** What to do for a partition without a valid position. */
    public OffsetResetStrategy resetStrategy() {
        return OffsetResetStrategy.valueOf(getString(AUTO_OFFSET_RESET).toUpperCase(Locale.ROOT));
    }
}
