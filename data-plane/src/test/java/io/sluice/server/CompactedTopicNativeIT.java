package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatchBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sluice's native protocol on a compacted topic: a record without a key is refused, a keyed one written. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompactedTopicNativeIT {
    @Test
    void keylessRecordsAreRefusedWithInvalidRecord() throws Exception {
        try (TestCluster cluster = TestCluster.start(1); TestWire wire = new TestWire()) {
            assertEquals(ErrorCode.NONE, wire.createTopic(cluster.address(1), "kv", 1, 1,
                    Map.of("cleanup.policy", "compact")).getError());
            ProducePartitionResponse[] keyless = new ProducePartitionResponse[1];
            TestCluster.await(java.time.Duration.ofSeconds(30), "the partition served", () -> {
                try {
                    keyless[0] = wire.produce(cluster.address(1), "kv", 0, -1, List.of("no key"));
                    return keyless[0].getError() != ErrorCode.NOT_LEADER_OR_FOLLOWER
                            && keyless[0].getError() != ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
                } catch (Exception e) {
                    return false;
                }
            });
            assertEquals(ErrorCode.INVALID_RECORD, keyless[0].getError());
            assertTrue(keyless[0].getErrorMessage().contains("without key"), keyless[0].getErrorMessage());
            ProducePartitionResponse keyed = wire.produce(cluster.address(1), "kv", 0, -1,
                    new RecordBatchBuilder(CompressionType.NONE).append(1, "k".getBytes(StandardCharsets.UTF_8),
                            "v".getBytes(StandardCharsets.UTF_8)).build());
            assertEquals(ErrorCode.NONE, keyed.getError());
            assertEquals(0, keyed.getBaseOffset());
        }
    }
}
