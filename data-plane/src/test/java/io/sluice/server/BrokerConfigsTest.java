package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class BrokerConfigsTest {
    private static NodeConfig config(Map<String, String> extra) {
        Map<String, String> s = new HashMap<>();
        s.put("node.id", "1");
        s.put("raft.address", "localhost:21191");
        s.put("voters", "1@localhost:21191");
        s.put("data.dir", "/tmp/x");
        s.putAll(extra);
        return NodeConfig.from(s);
    }

    @Test
    void theKeystorePasswordIsNeverShown() {
        Map<String, ConfigValue> broker = byName(BrokerConfigs.brokerConfigs(config(Map.of(
                "ssl.keystore.password", "s3cret", "ssl.keystore.location", "/k.p12"))));
        assertEquals(null, broker.get("ssl.keystore.password").value());
        assertTrue(broker.get("ssl.keystore.password").synonyms().stream().allMatch(s -> s.value() == null));
        assertEquals("/k.p12", broker.get("ssl.keystore.location").value());
    }

    private static Map<String, ConfigValue> byName(List<ConfigValue> values) {
        return values.stream().collect(Collectors.toMap(ConfigValue::name, Function.identity()));
    }

    @Test
    void everyNodeSettingHasAValueAndTheGivenOnesAreStatic() {
        Map<String, ConfigValue> broker = byName(BrokerConfigs.brokerConfigs(config(Map.of("num.partitions", "3"))));
        assertEquals(NodeConfig.KEYS.keySet(), broker.keySet());
        broker.values().forEach(v -> {
            if (io.sluice.protocol.tls.TlsConfig.SECRET_KEYS.contains(v.name())) {
                return; // sensitive: never shown (see theKeystorePasswordIsNeverShown)
            }
            assertNotNull(v.value(), v.name());
            assertTrue(v.readOnly(), v.name());
        });
        assertEquals(ConfigValue.Source.STATIC_BROKER, broker.get("num.partitions").source());
        assertEquals("3", broker.get("num.partitions").value());
        assertEquals(ConfigValue.Source.DEFAULT, broker.get("log.retention.ms").source());
        assertEquals("604800000", broker.get("log.retention.ms").value());
        assertEquals("PLAINTEXT://localhost:9092", broker.get("advertised.listeners").value());
    }

    @Test
    void aTopicValueComesFromTheTopicThenTheBrokerSettingThenTheDefault() {
        NodeConfig node = config(Map.of("log.retention.bytes", "1000"));
        Map<String, ConfigValue> topic = byName(BrokerConfigs.topicConfigs(node, Map.of("retention.ms", "5")));
        ConfigValue own = topic.get("retention.ms");
        assertEquals("5", own.value());
        assertEquals(ConfigValue.Source.DYNAMIC_TOPIC, own.source());
        assertEquals(List.of(new ConfigValue.Synonym("retention.ms", "5", ConfigValue.Source.DYNAMIC_TOPIC),
                new ConfigValue.Synonym("log.retention.ms", "604800000", ConfigValue.Source.DEFAULT)), own.synonyms());
        assertEquals(ConfigValue.Source.STATIC_BROKER, topic.get("retention.bytes").source());
        assertEquals("1000", topic.get("retention.bytes").value());
        assertEquals(ConfigValue.Source.DEFAULT, topic.get("compression.type").source());
        assertEquals(List.of(), topic.get("compression.type").synonyms());
        assertEquals(List.of(new ConfigValue.Synonym("log.cleanup.policy", "delete", ConfigValue.Source.DEFAULT)),
                topic.get("cleanup.policy").synonyms());
    }
}
