package io.sluice.client.producer;

import io.sluice.client.Cluster;
import io.sluice.client.PartitionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;

/**
 * Chooses partitions the way Kafka's default partitioner does, so keyed records land on the same
 * partition under Sluice and Kafka: murmur2 of the key bytes, made positive, modulo the partition
 * count. Records without a key stick to one partition until about {@code batch.size} bytes went to it,
 * then move to another partition with a leader (Kafka's KIP-794 "uniform sticky"), so null-key traffic
 * fills whole batches instead of spraying small ones.
 *
 * <p>Thread-safe: the sticky choice per topic is swapped with compare-and-set semantics.
 */
final class BuiltInPartitioner {
    private final int stickyBytes;
    private final IntUnaryOperator random;
    private final Map<String, Sticky> sticky = new ConcurrentHashMap<>();

    /** The current sticky partition of a topic and the bytes sent to it so far. */
    private static final class Sticky {
        final int partition;
        final AtomicLong bytes = new AtomicLong();

        Sticky(int partition) {
            this.partition = partition;
        }
    }

    /**
     * @param stickyBytes bytes after which null-key records switch partition (batch.size)
     * @param random returns a value in [0, bound) for a bound; tests pass a fixed sequence
     */
    BuiltInPartitioner(int stickyBytes, IntUnaryOperator random) {
        this.stickyBytes = Math.max(1, stickyBytes);
        this.random = random;
    }

    /** Kafka's partition of a keyed record. */
    static int partitionForKey(byte[] key, int numPartitions) {
        return toPositive(murmur2(key)) % numPartitions;
    }

    /** The partition for a null-key record of {@code size} bytes; counts the bytes toward the switch. */
    int stickyPartition(String topic, Cluster cluster, int size) {
        int count = cluster.partitionCount(topic);
        // Per record only a map read and an add; the map is written once per batch.size bytes.
        Sticky seen = sticky.get(topic);
        if (seen != null && seen.partition < count && seen.bytes.getAndAdd(size) < stickyBytes) {
            return seen.partition;
        }
        Sticky current = sticky.compute(topic, (t, s) -> {
            if (s == null || s == seen || s.partition >= count || s.bytes.get() >= stickyBytes) {
                return new Sticky(next(t, cluster, count, s == null ? -1 : s.partition));
            }
            return s; // another thread moved on already
        });
        current.bytes.addAndGet(size);
        return current.partition;
    }

    private int next(String topic, Cluster cluster, int count, int previous) {
        List<Integer> available = new ArrayList<>(count);
        for (PartitionInfo p : cluster.partitionsFor(topic)) {
            if (p.leader() >= 0 && cluster.node(p.leader()) != null) {
                available.add(p.partition());
            }
        }
        if (available.size() > 1) {
            available.remove(Integer.valueOf(previous)); // moving on means moving to another partition
        }
        if (available.isEmpty()) {
            return count <= 1 ? 0 : random.applyAsInt(count);
        }
        return available.get(random.applyAsInt(available.size()));
    }

    /** The 32-bit MurmurHash2 of {@code data} with Kafka's seed, as Kafka's {@code Utils.murmur2} computes it. */
    static int murmur2(byte[] data) {
        final int m = 0x5bd1e995;
        final int r = 24;
        int length = data.length;
        int h = 0x9747b28c ^ length;
        int blocks = length / 4;
        for (int i = 0; i < blocks; i++) {
            int at = i * 4;
            int k = (data[at] & 0xff) | (data[at + 1] & 0xff) << 8 | (data[at + 2] & 0xff) << 16 | (data[at + 3] & 0xff) << 24;
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        int tail = blocks * 4;
        int remaining = length - tail;
        if (remaining >= 3) {
            h ^= (data[tail + 2] & 0xff) << 16;
        }
        if (remaining >= 2) {
            h ^= (data[tail + 1] & 0xff) << 8;
        }
        if (remaining >= 1) {
            h ^= data[tail] & 0xff;
            h *= m;
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }

    /** Clears the sign bit (not Math.abs, which leaves Integer.MIN_VALUE negative), as Kafka does. */
    static int toPositive(int n) {
        return n & 0x7fffffff;
    }
}
