package io.sluice.client.producer;

import io.sluice.client.CommonConfig;
import io.sluice.client.ConfigDef;
import io.sluice.client.ConfigDef.Type;
import io.sluice.client.ConfigException;
import io.sluice.protocol.record.CompressionType;
import java.util.Locale;
import java.util.Map;

/**
 * The producer's configuration: Kafka's producer keys and defaults (Kafka 4), checked on creation.
 * Immutable and thread-safe.
 */
public final class ProducerConfig extends CommonConfig {
    public static final String ACKS = "acks";
    public static final String LINGER_MS = "linger.ms";
    public static final String BATCH_SIZE = "batch.size";
    public static final String BUFFER_MEMORY = "buffer.memory";
    public static final String MAX_BLOCK_MS = "max.block.ms";
    public static final String MAX_REQUEST_SIZE = "max.request.size";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String RETRIES = "retries";
    public static final String DELIVERY_TIMEOUT_MS = "delivery.timeout.ms";
    public static final String ENABLE_IDEMPOTENCE = "enable.idempotence";
    public static final String MAX_IN_FLIGHT = "max.in.flight.requests.per.connection";
    public static final String PARTITIONER_IGNORE_KEYS = "partitioner.ignore.keys";

    /** Every key a producer accepts, with its default. */
    public static final ConfigDef DEF = CommonConfig.commonDef()
            .defineOneOf(ACKS, "all", "how many replicas must have a record before it counts as sent", "all", "-1", "0", "1")
            .defineAtLeast(LINGER_MS, Type.LONG, 5L, 0, "how long a batch waits for more records")
            .defineAtLeast(BATCH_SIZE, Type.INT, 16_384, 0, "target size of a batch, per partition")
            .defineAtLeast(BUFFER_MEMORY, Type.LONG, 33_554_432L, 1024, "bytes of unsent records before send blocks")
            .defineAtLeast(MAX_BLOCK_MS, Type.LONG, 60_000L, 0, "longest a send waits for metadata or buffer space")
            .defineAtLeast(MAX_REQUEST_SIZE, Type.INT, 1_048_576, 1, "largest record and largest produce request")
            .defineOneOf(COMPRESSION_TYPE, "none", "codec of record batches", "none", "gzip", "snappy", "lz4", "zstd")
            .defineAtLeast(RETRIES, Type.INT, Integer.MAX_VALUE, 0, "retries of a batch on retriable errors")
            .defineAtLeast(DELIVERY_TIMEOUT_MS, Type.INT, 120_000, 1, "bound on the time from send to final outcome")
            .define(ENABLE_IDEMPOTENCE, Type.BOOLEAN, true, "producer id and sequence numbers, so retries do not duplicate")
            .defineAtLeast(MAX_IN_FLIGHT, Type.INT, 5, 1, "produce requests in flight per broker")
            .define(PARTITIONER_IGNORE_KEYS, Type.BOOLEAN, false, "sticky-partition keyed records too");

    public ProducerConfig(Map<?, ?> props) {
        super(DEF, props, "producer");
        if (getBoolean(ENABLE_IDEMPOTENCE) && getInt(MAX_IN_FLIGHT) > 5) {
            throw new ConfigException("max.in.flight.requests.per.connection must be at most 5 to use the idempotent "
                    + "producer (enable.idempotence=true), not " + getInt(MAX_IN_FLIGHT));
        }
        long lingerPlusRequest = getLong(LINGER_MS) + getInt(REQUEST_TIMEOUT_MS);
        if (getInt(DELIVERY_TIMEOUT_MS) < lingerPlusRequest) {
            throw new ConfigException("delivery.timeout.ms (" + getInt(DELIVERY_TIMEOUT_MS)
                    + ") must be at least linger.ms + request.timeout.ms (" + lingerPlusRequest + ")");
        }
    }

    /** acks as the wire number: 0, 1 or -1. */
    public short acks() {
        String acks = getString(ACKS).toLowerCase(Locale.ROOT);
        return (short) (acks.equals("all") ? -1 : Integer.parseInt(acks));
    }

    public CompressionType compression() {
        return CompressionType.forName(getString(COMPRESSION_TYPE).toLowerCase(Locale.ROOT));
    }
}
