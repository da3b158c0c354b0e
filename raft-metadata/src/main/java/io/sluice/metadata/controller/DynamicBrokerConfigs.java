package io.sluice.metadata.controller;

import io.sluice.metadata.image.ConfigsImage;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterBrokerConfigsCommand;
import io.sluice.protocol.metadata.ConfigRecord;
import io.sluice.protocol.metadata.MetadataRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The broker settings that may change while the cluster runs, as Kafka's per-broker dynamic configs:
 * the replication throttles that {@code kafka-reassign-partitions.sh --throttle} sets and
 * {@code --verify} removes. Everything else about a broker is static (its properties file); an
 * unknown key is refused. Stateless.
 */
public final class DynamicBrokerConfigs {

    public static final String LEADER_THROTTLED_RATE = "leader.replication.throttled.rate";
    public static final String FOLLOWER_THROTTLED_RATE = "follower.replication.throttled.rate";
    public static final String LOG_DIRS_THROTTLED_RATE = "replica.alter.log.dirs.io.max.bytes.per.second";

    private static final Map<String, Function<String, Optional<String>>> VALIDATORS = new TreeMap<>(Map.of(
            LEADER_THROTTLED_RATE, TopicConfigs.longAtLeast(0, "a non-negative number of bytes per second"),
            FOLLOWER_THROTTLED_RATE, TopicConfigs.longAtLeast(0, "a non-negative number of bytes per second"),
            LOG_DIRS_THROTTLED_RATE, TopicConfigs.longAtLeast(0, "a non-negative number of bytes per second")));

    private DynamicBrokerConfigs() {
    }

    public static Set<String> supportedKeys() {
        return VALIDATORS.keySet();
    }

    /** Why the key or value is not accepted, or empty; a null value checks the key only. */
    public static Optional<String> check(String key, String value) {
        Function<String, Optional<String>> validator = VALIDATORS.get(key);
        if (validator == null) {
            return Optional.of("Broker config '" + key + "' cannot be changed while the broker runs: set it in the"
                    + " node's properties file and restart it. Dynamic broker configs: " + String.join(", ", supportedKeys()));
        }
        return value == null ? Optional.empty() : validator.apply(value)
                .map(expected -> "Invalid value '" + value + "' for broker config " + key + ": expected " + expected);
    }

    static ControllerResult alter(MetadataImage image, AlterBrokerConfigsCommand cmd) {
        if (cmd.getBrokerId() < ConfigsImage.DEFAULT_BROKER) {
            return ControllerResult.error(ErrorCode.INVALID_REQUEST, "Broker id " + cmd.getBrokerId()
                    + " is negative: name a broker, or the cluster-wide default.");
        }
        Optional<String> bad = new TreeMap<>(cmd.getSetMap()).entrySet().stream()
                .map(e -> check(e.getKey(), e.getValue())).flatMap(Optional::stream).findFirst();
        if (bad.isEmpty()) {
            bad = cmd.getDeleteList().stream().sorted().map(k -> check(k, null)).flatMap(Optional::stream).findFirst();
        }
        if (bad.isPresent()) {
            // As Kafka: a setting that cannot change at runtime is a bad request, a bad value a bad config.
            boolean staticKey = cmd.getSetMap().keySet().stream().anyMatch(k -> !VALIDATORS.containsKey(k))
                    || cmd.getDeleteList().stream().anyMatch(k -> !VALIDATORS.containsKey(k));
            return ControllerResult.error(staticKey ? ErrorCode.INVALID_REQUEST : ErrorCode.INVALID_CONFIG, bad.get());
        }
        List<MetadataRecord> records = new ArrayList<>();
        new TreeMap<>(cmd.getSetMap()).forEach((key, value) -> records.add(record(cmd.getBrokerId(), key, value, false)));
        for (String key : new TreeSet<>(cmd.getDeleteList())) {
            if (!cmd.getSetMap().containsKey(key) && image.configs().brokerConfig(cmd.getBrokerId()).containsKey(key)) {
                records.add(record(cmd.getBrokerId(), key, "", true));
            }
        }
        return ControllerResult.ok(records);
    }

    private static MetadataRecord record(int broker, String key, String value, boolean remove) {
        return MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder().setBroker(true).setBrokerId(broker)
                .setKey(key).setValue(value).setRemove(remove)).build();
    }
}
