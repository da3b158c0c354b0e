package io.sluice.client.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.sluice.client.Cluster;
import io.sluice.client.TestMetadata;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class BuiltInPartitionerTest {
    private static int hash(String s) {
        return BuiltInPartitioner.murmur2(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void murmur2MatchesKafkasPublishedVectors() {
        // The values of Kafka's own UtilsTest.testMurmur2 (clients module), typed in by hand.
        assertEquals(-973932308, hash("21"));
        assertEquals(-790332482, hash("foobar"));
        assertEquals(-985981536, hash("a-little-bit-long-string"));
        assertEquals(-1486304829, hash("a-little-bit-longer-string"));
        assertEquals(-58897971, hash("lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8"));
        assertEquals(479470107, hash("abc"));
        // Every tail length (0-3 bytes after the 4-byte blocks), as other Kafka-compatible clients check them.
        assertEquals(-1993445489, hash("1"));
        assertEquals(126087238, hash("12"));
        assertEquals(-267702483, hash("123"));
        assertEquals(-1614185708, hash("1234"));
        assertEquals(-1188365604, hash("12345"));
    }

    @Test
    void keyedPartitionIsPositiveHashModuloCount() {
        // foobar hashes negative: the sign bit is cleared, not negated.
        assertEquals((-790332482 & 0x7fffffff) % 6, BuiltInPartitioner.partitionForKey("foobar".getBytes(StandardCharsets.UTF_8), 6));
        assertEquals(479470107 % 3, BuiltInPartitioner.partitionForKey("abc".getBytes(StandardCharsets.UTF_8), 3));
        assertEquals(Integer.MAX_VALUE, BuiltInPartitioner.toPositive(-1));
    }

    @Test
    void nullKeysStickUntilBatchSizeBytesThenMove() {
        Cluster cluster = new TestMetadata().brokers(3).topic("t", 1, 2, 3).cluster();
        int[] picks = {2, 0, 1};
        int[] i = {0};
        BuiltInPartitioner partitioner = new BuiltInPartitioner(100, bound -> picks[i[0]++ % picks.length] % bound);
        int first = partitioner.stickyPartition("t", cluster, 60);
        assertEquals(2, first);
        assertEquals(first, partitioner.stickyPartition("t", cluster, 60)); // 60 < 100: stays
        int second = partitioner.stickyPartition("t", cluster, 10); // 120 >= 100: moves, never to the same one
        assertNotEquals(first, second);
    }

    @Test
    void nullKeysAvoidPartitionsWithoutLeader() {
        Cluster cluster = new TestMetadata().brokers(2).topic("t", -1, 2, -1).cluster();
        BuiltInPartitioner partitioner = new BuiltInPartitioner(1, bound -> bound - 1);
        for (int n = 0; n < 5; n++) {
            assertEquals(1, partitioner.stickyPartition("t", cluster, 10));
        }
    }
}
