package io.sluice.client.consumer;

import io.sluice.client.CommonConfig;
import io.sluice.client.ConfigDef;
import io.sluice.client.ConfigDef.Type;
import io.sluice.client.ConfigException;
import java.util.Locale;
import java.util.Map;

/**
 * The consumer's configuration: Kafka's consumer keys and defaults where the concept exists in
 * Sluice. {@code group.id} is accepted only empty: consumer groups are not available yet, so a
 * consumer reads the partitions it is {@linkplain Consumer#assign assigned}. Immutable and thread-safe.
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

    /** Every key a consumer accepts, with its default. */
    public static final ConfigDef DEF = CommonConfig.commonDef()
            .define(GROUP_ID, Type.STRING, "", "consumer group; must be empty until groups are available")
            .defineOneOf(AUTO_OFFSET_RESET, "latest", "where to start without a valid position", "earliest", "latest", "none")
            .defineAtLeast(FETCH_MIN_BYTES, Type.INT, 1, 0, "bytes a fetch waits for before the broker answers")
            .defineAtLeast(FETCH_MAX_BYTES, Type.INT, 52_428_800, 0, "most bytes of one fetch response")
            .defineAtLeast(FETCH_MAX_WAIT_MS, Type.INT, 500, 0, "longest the broker holds a fetch for fetch.min.bytes")
            .defineAtLeast(MAX_PARTITION_FETCH_BYTES, Type.INT, 1_048_576, 0, "most bytes per partition per fetch")
            .defineAtLeast(MAX_POLL_RECORDS, Type.INT, 500, 1, "most records one poll returns")
            .define(CHECK_CRCS, Type.BOOLEAN, true, "verify the CRC of every fetched batch");

    public ConsumerConfig(Map<?, ?> props) {
        super(DEF, props, "consumer");
        if (!getString(GROUP_ID).isEmpty()) {
            throw new ConfigException("group.id is set, but consumer groups are not available in Sluice yet; "
                    + "leave group.id out and assign partitions with Consumer.assign");
        }
    }

    /** What to do for a partition without a valid position. */
    public OffsetResetStrategy resetStrategy() {
        return OffsetResetStrategy.valueOf(getString(AUTO_OFFSET_RESET).toUpperCase(Locale.ROOT));
    }
}
