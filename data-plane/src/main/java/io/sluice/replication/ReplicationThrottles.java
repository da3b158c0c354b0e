package io.sluice.replication;

import io.sluice.metadata.controller.DynamicBrokerConfigs;
import io.sluice.metadata.controller.TopicConfigs;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import java.util.function.Supplier;

/**
 * This broker's replication throttles, as Kafka enforces them during a reassignment: a leader quota
 * ({@code leader.replication.throttled.rate}) on the bytes it sends to followers and a follower quota
 * ({@code follower.replication.throttled.rate}) on the bytes it fetches, each applied only to the
 * replicas the topic's {@code leader.replication.throttled.replicas} /
 * {@code follower.replication.throttled.replicas} list ({@code partition:broker} pairs naming this
 * broker, or {@code *}) and only while the follower is out of the ISR: an in-sync follower is never
 * held back, so acks=all writes do not wait for a throttle. {@code kafka-reassign-partitions.sh
 * --throttle} lists the moving partitions' current replicas as leaders and their new ones as
 * followers. The rates and lists come from the metadata image at every use. Thread-safe.
 */
public final class ReplicationThrottles {
    private final int brokerId;
    private final Supplier<MetadataImage> image;
    private final ReplicationQuota leader;
    private final ReplicationQuota follower;

    public ReplicationThrottles(int brokerId, Supplier<MetadataImage> image, Time time) {
        this(brokerId, image, time, ReplicationQuota.DEFAULT_SAMPLES, ReplicationQuota.DEFAULT_SAMPLE_MS);
    }

    ReplicationThrottles(int brokerId, Supplier<MetadataImage> image, Time time, int samples, long sampleMs) {
        this.brokerId = brokerId;
        this.image = image;
        this.leader = new ReplicationQuota(() -> rate(DynamicBrokerConfigs.LEADER_THROTTLED_RATE), time, samples, sampleMs);
        this.follower = new ReplicationQuota(() -> rate(DynamicBrokerConfigs.FOLLOWER_THROTTLED_RATE), time, samples,
                sampleMs);
    }

    /**
     * On the leader: the most bytes of {@code tp} to send follower {@code followerId} now; MAX_VALUE when
     * it is not throttled, 0 when the leader quota is spent.
     */
    public long leaderAllowance(TopicPartition tp, int followerId) {
        if (!leader.isActive() || !listed(tp, TopicConfigs.LEADER_THROTTLED_REPLICAS) || inSync(tp, followerId)) {
            return Long.MAX_VALUE;
        }
        return leader.remaining();
    }

    /** On the leader: counts bytes of {@code tp} sent to a follower, if the partition is throttled here. */
    public void leaderSent(TopicPartition tp, long bytes) {
        if (bytes > 0 && leader.isActive() && listed(tp, TopicConfigs.LEADER_THROTTLED_REPLICAS)) {
            leader.record(bytes);
        }
    }

    /** On a follower: the most bytes of {@code tp} to ask for now; MAX_VALUE unthrottled, 0 to leave it out. */
    public long followerAllowance(TopicPartition tp) {
        if (!follower.isActive() || !listed(tp, TopicConfigs.FOLLOWER_THROTTLED_REPLICAS) || inSync(tp, brokerId)) {
            return Long.MAX_VALUE;
        }
        return follower.remaining();
    }

    /** On a follower: counts bytes of {@code tp} received, if the partition is throttled here. */
    public void followerReceived(TopicPartition tp, long bytes) {
        if (bytes > 0 && follower.isActive() && listed(tp, TopicConfigs.FOLLOWER_THROTTLED_REPLICAS)) {
            follower.record(bytes);
        }
    }

    private long rate(String key) {
        String value = image.get().configs().brokerValue(brokerId, key);
        if (value == null || value.isEmpty()) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1; // the controller validates rates; Kafka's default (a double's max) means unthrottled
        }
    }

    /** Whether the topic's throttled-replica list names {@code tp} on this broker, or all replicas. */
    private boolean listed(TopicPartition tp, String key) {
        String list = image.get().configs().value(tp.topic(), key);
        if (list == null || list.isBlank()) {
            return false;
        }
        String self = tp.partition() + ":" + brokerId;
        for (String entry : list.split(",")) {
            String e = entry.trim();
            if (e.equals("*") || e.equals(self)) {
                return true;
            }
        }
        return false;
    }

    private boolean inSync(TopicPartition tp, int replica) {
        TopicImage topic = image.get().topics().topic(tp.topic());
        PartitionRegistration p = topic == null ? null : topic.partition(tp.partition());
        return p != null && p.isr().contains(replica);
    }
}
