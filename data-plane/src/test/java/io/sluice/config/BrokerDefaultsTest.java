package io.sluice.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.metadata.controller.TopicConfigs;
import io.sluice.server.NodeConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Topic settings are validated inside the metadata apply (so every node agrees) and used by storage:
 * the two must know the same keys and accept the same values, or a topic could be created with a
 * setting its logs then refuse.
 */
@Timeout(5)
class BrokerDefaultsTest {
    private final BrokerDefaults defaults = NodeConfig.from(Map.of("node.id", "1", "raft.address", "localhost:1",
            "voters", "1@localhost:1", "data.dir", "/tmp/x")).defaults();

    @Test
    void metadataAndStorageKnowTheSameTopicSettings() {
        assertEquals(TopicConfigs.supportedKeys(), defaults.topicDefaults().keySet());
    }

    @Test
    void everyDefaultPassesTheMetadataValidatorAndOpensALog() {
        defaults.topicDefaults().forEach((k, v) -> assertEquals(Optional.empty(), TopicConfigs.check(k, v), k));
        defaults.logConfig(defaults.topicDefaults());
    }

    @Test
    void valuesTheValidatorAcceptsOpenALog() {
        for (String policy : new String[] {"always", "interval"}) {
            assertEquals(Optional.empty(), TopicConfigs.check("log.flush.policy", policy));
            defaults.logConfig(Map.of("log.flush.policy", policy));
        }
        assertEquals(true, TopicConfigs.check("log.flush.policy", "fsync").isPresent());
        assertThrows(IllegalArgumentException.class, () -> defaults.logConfig(Map.of("log.flush.policy", "fsync")));
    }
}
