package io.sluice.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.config.BrokerDefaults;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class NodeConfigTest {
    private static Map<String, String> valid() {
        Map<String, String> s = new HashMap<>();
        s.put("node.id", "2");
        s.put("raft.address", "localhost:19093");
        s.put("voters", "1@localhost:19092,2@localhost:19093,3@localhost:19094");
        s.put("data.dir", "/tmp/x");
        return s;
    }

    private static String refusal(Map<String, String> settings) {
        return assertThrows(IllegalArgumentException.class, () -> NodeConfig.from(settings)).getMessage();
    }

    @Test
    void readsSettingsWithDefaults() {
        NodeConfig c = NodeConfig.from(valid());
        assertEquals(2, c.nodeId());
        assertEquals(3, c.voters().size());
        assertEquals("localhost:19094", c.voters().get(3));
        assertEquals(9092, c.listen().getPort());
        assertEquals(6000, c.sessionTimeoutMs());
        assertTrue(c.metadataDir().endsWith("metadata"));
    }

    @Test
    void metricsPortFollowsTheDataPlanePortUnlessSet() {
        assertEquals(10092, NodeConfig.from(valid()).metricsPort(), "data-plane port + 1000 by default");
        Map<String, String> s = valid();
        s.put("listen", "localhost:9093");
        assertEquals(10093, NodeConfig.from(s).metricsPort(), "so the nodes of a local quorum never collide");
        s.put("listen", "localhost:0");
        assertEquals(0, NodeConfig.from(s).metricsPort(), "an ephemeral data-plane port gets an ephemeral one");
        s.put("listen", "localhost:65000");
        assertEquals(0, NodeConfig.from(s).metricsPort(), "no port above 65535");
        s.put("metrics.port", "-1");
        assertEquals(-1, NodeConfig.from(s).metricsPort(), "-1 serves no metrics");
        s.put("metrics.port", "23001");
        assertEquals(23001, NodeConfig.from(s).metricsPort());
        s.put("metrics.port", "-2");
        assertTrue(refusal(s).contains("metrics.port"));
    }

    @Test
    void nodesWithTheSameVotersDeriveTheSameClusterId() {
        Map<String, String> other = valid();
        other.put("node.id", "1");
        other.put("raft.address", "localhost:19092");
        other.put("voters", "3@localhost:19094,1@localhost:19092,2@localhost:19093");
        assertEquals(NodeConfig.from(valid()).clusterId(), NodeConfig.from(other).clusterId());

        Map<String, String> explicit = valid();
        explicit.put("cluster.id", "abc");
        assertEquals("abc", NodeConfig.from(explicit).clusterId());
    }

    @Test
    void refusesEachMistakeWithAMessageNamingIt() {
        Map<String, String> s = valid();
        s.put("node.id", "7");
        assertTrue(refusal(s).contains("node id 7 is not in voters"));

        s = valid();
        s.put("raft.address", "localhost:20000");
        assertTrue(refusal(s).contains("differs from node 2's entry"));

        s = valid();
        s.put("voters", "1@localhost:19092,x@localhost:1");
        assertTrue(refusal(s).contains("no numeric id"));

        s = valid();
        s.put("voters", "2@localhost:19093,2@localhost:19094");
        assertTrue(refusal(s).contains("appears twice"));

        s = valid();
        s.put("listn", "localhost:9092");
        assertTrue(refusal(s).contains("unknown setting 'listn'"));

        s = valid();
        s.put("listen", "localhost:http");
        assertTrue(refusal(s).contains("no valid port"));

        s = valid();
        s.remove("data.dir");
        assertTrue(refusal(s).contains("missing required setting 'data.dir'"));

        s = valid();
        s.put("broker.heartbeat.interval.ms", "7000");
        assertTrue(refusal(s).contains("must be below broker.session.timeout.ms"));
    }

    @Test
    void brokerDefaultMinIsrIsCappedAtTheReplicationFactorButATopicSettingIsNot() {
        Map<String, String> s = valid();
        s.put("min.insync.replicas", "2");
        BrokerDefaults d = NodeConfig.from(s).defaults();
        assertEquals(2, d.minInsyncReplicas(Map.of(), 3));
        assertEquals(1, d.minInsyncReplicas(Map.of(), 1));
        assertEquals(3, d.minInsyncReplicas(Map.of("min.insync.replicas", "3"), 1));
        assertEquals("2", d.topicDefaults().get("min.insync.replicas"));
    }

    @Test
    void refusesBadBrokerDefaults() {
        Map<String, String> s = valid();
        s.put("log.flush.policy", "sometimes");
        assertTrue(refusal(s).contains("log.flush.policy"), refusal(s));
        s = valid();
        s.put("num.partitions", "0");
        assertTrue(refusal(s).contains("num.partitions must be a whole number from 1"), refusal(s));
    }
}
