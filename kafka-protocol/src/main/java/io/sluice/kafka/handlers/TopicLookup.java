package io.sluice.kafka.handlers;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import org.apache.kafka.common.Uuid;

/**
 * What the data handlers ask the image about the names and ids in a request. A Kafka request may
 * carry any bytes in these fields; these lookups answer "unknown" (null) rather than throw, so a bad
 * name becomes the partition's error code and never a failed request.
 */
final class TopicLookup {
    private TopicLookup() {
    }

    /** The partition, or null when the name is empty or the index negative (no such partition can exist). */
    static TopicPartition partition(String topic, int index) {
        return topic == null || topic.isEmpty() || index < 0 ? null : new TopicPartition(topic, index);
    }

    /** The name of the topic with this id, or null when there is none (or the id is zero). */
    static String nameOf(MetadataImage image, Uuid id) {
        if (id == null || Uuid.ZERO_UUID.equals(id)) {
            return null;
        }
        TopicImage topic = image.topics().topicById(TopicIds.fromKafka(id));
        return topic == null ? null : topic.name();
    }

    /** The id of the named topic, the zero id when there is none. */
    static Uuid idOf(MetadataImage image, String name) {
        TopicImage topic = name == null ? null : image.topics().topic(name);
        return topic == null ? Uuid.ZERO_UUID : TopicIds.toKafka(topic.id());
    }

    /** The registration of a live (unfenced) broker, for a leader hint; null when it is not live. */
    static BrokerRegistration liveBroker(MetadataImage image, int id) {
        if (id < 0) {
            return null;
        }
        BrokerRegistration b = image.cluster().brokers().get(id);
        return b == null || b.fenced() ? null : b;
    }

    static String rack(BrokerRegistration b) {
        return b.rack() == null || b.rack().isEmpty() ? null : b.rack();
    }
}
