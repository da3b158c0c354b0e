package io.sluice.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.ClusterImage;
import io.sluice.metadata.image.ConfigsImage;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.metadata.image.TopicsImage;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The replication throttles with a fake clock: a throttled replica is given, and asks for, no more
 * bytes than the quota allows over its window; in-sync and unlisted replicas are not held back; the
 * rate and the lists are read from the image at every use.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class ReplicationThrottlesTest {
    private static final TopicPartition TP = new TopicPartition("moving", 0);
    private static final int SAMPLES = 2;
    private static final long SAMPLE_MS = 1_000;

    private final MockTime time = new MockTime();
    private final AtomicReference<MetadataImage> image = new AtomicReference<>();

    /** Partition 0 of "moving" on replicas 1, 2, 3 (1 leads, ISR [1, 2]) with the given settings. */
    private void image(Map<String, String> brokerConfigs, Map<String, String> topicConfigs) {
        SortedMap<Integer, PartitionRegistration> partitions = new TreeMap<>();
        partitions.put(0, new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2), 1, 0, 0));
        TopicsImage topics = new TopicsImage(Map.of("id", new TopicImage("moving", "id", partitions)));
        ConfigsImage configs = new ConfigsImage(new TreeMap<>(Map.of("moving", new TreeMap<>(topicConfigs))),
                new TreeMap<>(Map.of(ConfigsImage.DEFAULT_BROKER, new TreeMap<>(brokerConfigs))));
        image.set(new MetadataImage(1, 1, "c", ClusterImage.EMPTY, topics, configs, MetadataImage.EMPTY.groupOffsets(),
                0, MetadataImage.EMPTY.requests(), MetadataImage.EMPTY.scram(), MetadataImage.EMPTY.acls()));
    }

    private ReplicationThrottles broker(int id) {
        return new ReplicationThrottles(id, image::get, time, SAMPLES, SAMPLE_MS);
    }

    @Test
    void theThrottledFollowerAsksForNoMoreThanTheQuotaAllowsPerWindow() {
        image(Map.of("follower.replication.throttled.rate", "1000"),
                Map.of("follower.replication.throttled.replicas", "0:3"));
        ReplicationThrottles follower = broker(3);
        Deque<long[]> received = new ArrayDeque<>(); // (time, bytes) of each fetch answer
        long fetchMaxBytes = 700;
        for (int step = 0; step < 200; step++) {
            long allowance = follower.followerAllowance(TP);
            if (allowance > 0) {
                long asked = Math.min(fetchMaxBytes, allowance);
                follower.followerReceived(TP, asked); // the leader had that much to give
                received.add(new long[] {time.monotonicMs(), asked});
            }
            time.sleep(50);
            // Over any window of SAMPLES samples, what was received stays within rate * window.
            long windowStart = time.monotonicMs() - SAMPLES * SAMPLE_MS;
            long inWindow = received.stream().filter(r -> r[0] > windowStart).mapToLong(r -> r[1]).sum();
            assertTrue(inWindow <= 1000 * SAMPLES + fetchMaxBytes,
                    "step " + step + ": " + inWindow + " bytes in one window");
        }
        long total = received.stream().mapToLong(r -> r[1]).sum();
        // 10 s at 1000 B/s, plus one window's budget taken at the start.
        assertTrue(total <= 10 * 1000 + 1000 * SAMPLES, total + " bytes in 10 s");
        assertTrue(total >= 8 * 1000, "the quota lets replication go on: " + total + " bytes in 10 s");
    }

    @Test
    void theLeaderGivesAThrottledFollowerWhatIsLeftOfTheWindowThenNothing() {
        image(Map.of("leader.replication.throttled.rate", "1000"),
                Map.of("leader.replication.throttled.replicas", "0:1"));
        ReplicationThrottles leader = broker(1);
        assertEquals(2000, leader.leaderAllowance(TP, 3));
        leader.leaderSent(TP, 1500);
        assertEquals(500, leader.leaderAllowance(TP, 3));
        leader.leaderSent(TP, 500);
        assertEquals(0, leader.leaderAllowance(TP, 3), "spent: the follower gets nothing");
        time.sleep(SAMPLE_MS);
        assertEquals(0, leader.leaderAllowance(TP, 3), "both samples still in the window");
        time.sleep(SAMPLE_MS);
        assertEquals(2000, leader.leaderAllowance(TP, 3), "the window moved past them");
    }

    @Test
    void inSyncUnlistedAndUnratedReplicasAreNotHeldBack() {
        image(Map.of("leader.replication.throttled.rate", "10", "follower.replication.throttled.rate", "10"),
                Map.of("leader.replication.throttled.replicas", "0:1",
                        "follower.replication.throttled.replicas", "0:2,0:3"));
        assertEquals(Long.MAX_VALUE, broker(1).leaderAllowance(TP, 2), "follower 2 is in the ISR");
        assertEquals(20, broker(1).leaderAllowance(TP, 3));
        assertEquals(Long.MAX_VALUE, broker(2).leaderAllowance(TP, 3), "broker 2 is not listed as a throttled leader");
        assertEquals(Long.MAX_VALUE, broker(2).followerAllowance(TP), "in the ISR");
        assertEquals(20, broker(3).followerAllowance(TP));
        assertEquals(Long.MAX_VALUE, broker(3).followerAllowance(new TopicPartition("moving", 1)), "partition 1 unlisted");

        image(Map.of(), Map.of("follower.replication.throttled.replicas", "*"));
        assertEquals(Long.MAX_VALUE, broker(3).followerAllowance(TP), "a list without a rate throttles nothing");
        image(Map.of("follower.replication.throttled.rate", "10"), Map.of("follower.replication.throttled.replicas", "*"));
        assertEquals(20, broker(3).followerAllowance(TP), "* lists every replica");
    }
}
