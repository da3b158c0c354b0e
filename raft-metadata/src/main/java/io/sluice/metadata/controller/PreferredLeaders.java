package io.sluice.metadata.controller;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.metadata.TopicPartitionRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which partitions should move leadership back to their preferred (first) replica: those where that
 * replica is eligible (unfenced, not shutting down) and in the ISR but another broker leads. Run by
 * the active controller every so often, after a node came back, so leadership, and with it load,
 * spreads again as the assignment intended. Pure; thread-safe.
 */
public final class PreferredLeaders {
    private PreferredLeaders() {
    }

    public static List<TopicPartitionRef> imbalanced(MetadataImage image) {
        List<TopicPartitionRef> result = new ArrayList<>();
        for (TopicImage topic : image.topics().byName().values()) {
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration p = e.getValue();
                int preferred = p.preferredLeader();
                if (p.leader() != preferred && p.isr().contains(preferred)
                        && image.cluster().isEligible(preferred)) {
                    result.add(TopicPartitionRef.newBuilder().setTopic(topic.name()).setPartition(e.getKey()).build());
                }
            }
        }
        return result;
    }
}
