package io.sluice.kafka;

import io.sluice.kafka.codec.KafkaApis;
import io.sluice.kafka.session.FetchSessionCache;
import io.sluice.protocol.Time;
import io.sluice.server.BrokerServices;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Comparator;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Prints the table of Kafka APIs and versions this broker serves, as docs/kafka-compatibility.md shows
 * it, from the same {@link KafkaApis} table that ApiVersions answers with (a test keeps the two equal).
 */
public final class CompatibilityTable {
    private CompatibilityTable() {
    }

    public static String markdown(KafkaApis apis) {
        StringBuilder out = new StringBuilder("| API | key | versions advertised | versions served |\n");
        out.append("| --- | --- | --- | --- |\n");
        apis.all().values().stream().sorted(Comparator.comparingInt(a -> a.key().id)).forEach(api -> {
            String served = api.handledMin() + "-" + api.max();
            String advertised = api.advertisedMin() + "-" + api.max();
            out.append("| ").append(name(api.key())).append(" | ").append(api.key().id).append(" | ")
                    .append(advertised).append(" | ").append(served).append(" |\n");
        });
        return out.toString();
    }

    private static String name(ApiKeys key) {
        return key.name;
    }

    /** The table of this build; the handlers are only constructed, so no node needs to run. */
    public static String markdown() {
        return markdown(KafkaProtocol.apis(absentServices(), new FetchSessionCache(0, 0, Time.SYSTEM, () -> 1)));
    }

    /** Services whose every part is absent (null): enough to build the handlers for their versions. */
    private static BrokerServices absentServices() {
        Class<?>[] types = Arrays.stream(BrokerServices.class.getRecordComponents())
                .map(RecordComponent::getType).toArray(Class<?>[]::new);
        try {
            return BrokerServices.class.getDeclaredConstructor(types).newInstance(new Object[types.length]);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Prints the table for this build: {@code java -cp ... io.sluice.kafka.CompatibilityTable}. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
