package io.sluice.kafka.handlers;

import java.util.UUID;
import org.apache.kafka.common.Uuid;

/** Sluice keeps topic ids as UUID strings; Kafka's protocol carries them as {@link Uuid}. */
public final class TopicIds {
    private TopicIds() {
    }

    public static Uuid toKafka(String id) {
        if (id == null || id.isEmpty()) {
            return Uuid.ZERO_UUID;
        }
        UUID u = UUID.fromString(id);
        return new Uuid(u.getMostSignificantBits(), u.getLeastSignificantBits());
    }

    public static String fromKafka(Uuid id) {
        return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits()).toString();
    }
}
