package io.sluice.metadata.raft;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MetadataNodeConfigTest {

    private static final Map<Integer, String> VOTERS = Map.of(1, "localhost:19092", 2, "localhost:19093");

    private static MetadataNodeConfig.Builder valid() {
        return MetadataNodeConfig.builder().nodeId(1).raftAddress("localhost:19092").voters(VOTERS)
                .dataDir(Path.of("data")).clusterId("c");
    }

    @Test
    void hasTheDocumentedDefaults() {
        MetadataNodeConfig config = valid().build();
        assertEquals(6_000, config.brokerSessionTimeoutMs());
        assertEquals(10_000, config.snapshotThreshold());
        assertEquals(Duration.ofSeconds(1), config.electionTimeoutMin());
        assertEquals(Duration.ofSeconds(2), config.electionTimeoutMax());
    }

    @Test
    void refusesANodeThatIsNotAVoterOrWhoseAddressDiffers() {
        IllegalArgumentException notVoter = assertThrows(IllegalArgumentException.class, () -> valid().nodeId(3).build());
        assertTrue(notVoter.getMessage().contains("Node id 3 is not among the voters"), notVoter.getMessage());
        IllegalArgumentException address = assertThrows(IllegalArgumentException.class,
                () -> valid().raftAddress("localhost:1").build());
        assertTrue(address.getMessage().contains("differs from its entry in --voters"), address.getMessage());
    }

    @Test
    void refusesEmptyClusterIdAndInvertedElectionTimeouts() {
        assertThrows(IllegalArgumentException.class, () -> valid().clusterId(" ").build());
        assertThrows(IllegalArgumentException.class,
                () -> valid().electionTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)).build());
    }
}
