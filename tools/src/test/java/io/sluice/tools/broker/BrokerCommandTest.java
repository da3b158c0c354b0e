package io.sluice.tools.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.beust.jcommander.JCommander;
import io.sluice.server.NodeConfig;
import io.sluice.tools.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** How {@code sluice broker} gathers its settings: file, environment ({@code --env}), flags. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BrokerCommandTest {
    private static BrokerCommand.Options parse(String... args) {
        BrokerCommand.Options o = new BrokerCommand.Options();
        JCommander.newBuilder().addObject(o).build().parse(args);
        return o;
    }

    @Test
    void environmentVariablesNameSettingsByTheRulesOfKafkasImage() {
        Map<String, String> settings = BrokerCommand.fromEnvironment(Map.of(
                "SLUICE_NODE_ID", "2",
                "SLUICE_ADVERTISED_LISTENERS", " PLAINTEXT://sluice-2:9092 ",
                "SLUICE_LISTENER_NAME_EXTERNAL_SSL_KEYSTORE_LOCATION", "/k.jks",
                "SLUICE_SOME__UNDER___DASH", "x",
                "SLUICE_HEAP_OPTS", "-Xmx2g", "SLUICE_OPTS", "-Dx", "SLUICE_LOG_DIR", "/logs",
                "SLUICE_", "empty name", "KAFKA_NODE_ID", "9", "SLUICE_LISTEN", " "));
        assertEquals(Map.of("node.id", "2", "advertised.listeners", "PLAINTEXT://sluice-2:9092",
                "listener.name.external.ssl.keystore.location", "/k.jks", "some_under-dash", "x"), settings);
    }

    @Test
    void theEnvironmentWinsOverTheFileAndFlagsOverBoth(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "node.id=1\nvoters=1@a:1\nraft.address=a:1\ndata.dir=/file\nlisten=a:2\n");
        Map<String, String> env = Map.of("SLUICE_DATA_DIR", "/env", "SLUICE_LISTEN", "b:2");
        Map<String, String> settings = BrokerCommand.settings(
                parse("--config", file.toString(), "--env", "--listen", "c:2"), env);
        assertEquals("/env", settings.get("data.dir"));
        assertEquals("c:2", settings.get("listen"));
        assertEquals("1", settings.get("node.id"));
        // Without --env the environment is not read: a node started by `quorum start` inherits the
        // shell's SLUICE_DATA_DIR (the quorum's root), which must not become its data.dir.
        assertEquals("/file", BrokerCommand.settings(parse("--config", file.toString()), env).get("data.dir"));
    }

    @Test
    void aNodeIsConfiguredFromTheEnvironmentAloneAndATypoIsRefusedByName() throws Exception {
        Map<String, String> env = Map.of("SLUICE_NODE_ID", "0", "SLUICE_VOTERS", "0@n0:19092,1@n1:19092,2@n2:19092",
                "SLUICE_RAFT_ADDRESS", "n0:19092", "SLUICE_DATA_DIR", "/var/lib/sluice",
                "SLUICE_LISTEN", "0.0.0.0:9092", "SLUICE_ADVERTISED_LISTENERS", "PLAINTEXT://n0:9092");
        NodeConfig config = NodeConfig.from(BrokerCommand.settings(parse("--env"), env));
        assertEquals(0, config.nodeId());
        assertEquals("n0", config.advertised().getHostString());
        assertEquals(10092, config.metricsPort());

        Map<String, String> typo = new java.util.HashMap<>(env);
        typo.put("SLUICE_NODE_IDD", "3");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NodeConfig.from(BrokerCommand.settings(parse("--env"), typo)));
        assertTrue(e.getMessage().contains("unknown setting 'node.idd'"), e.getMessage());
    }

    @Test
    void aMissingIdentityNamesTheVariableToSet() throws Exception {
        BrokerCommand command = new BrokerCommand();
        UsageException e = assertThrows(UsageException.class, () -> command.run(new String[] {"--env",
                "--voters", "1@a:1", "--raft-address", "a:1", "--data-dir", "/d"}));
        assertTrue(e.getMessage().contains("SLUICE_NODE_ID with --env"), e.getMessage());
        assertFalse(e.getMessage().contains("null"));
    }
}
