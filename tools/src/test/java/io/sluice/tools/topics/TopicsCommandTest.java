package io.sluice.tools.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.CleanerProgress;
import io.sluice.client.admin.ConfigEntry;
import io.sluice.client.admin.TopicDescription;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.tools.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TopicsCommandTest {
    private static String message(String... args) {
        return assertThrows(UsageException.class, () -> TopicsCommand.parse(args)).getMessage();
    }

    @Test
    void zookeeperIsAnsweredWithOneLine() {
        assertEquals("Sluice has no ZooKeeper (metadata lives in the nodes' Raft quorum); use --bootstrap-server "
                + "localhost:9092 instead of --zookeeper", message("--zookeeper", "localhost:2181", "--list"));
    }

    @Test
    void exactlyOneActionIsRequired() {
        assertTrue(message("--topic", "t").startsWith("give exactly one action"));
        assertTrue(message("--list", "--describe").startsWith("give exactly one action"));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsSent() {
        assertEquals("--partitions must be greater than 0, not 0", message("--create", "--topic", "t", "--partitions", "0"));
        assertEquals("--partitions must be greater than 0, not -3", message("--create", "--topic", "t", "--partitions", "-3"));
        assertTrue(message("--create", "--topic", "bad name!").contains("is illegal"));
        assertTrue(message("--create", "--topic", "x".repeat(250)).contains("longer than 249"));
        assertEquals("--topic is required with --create", message("--create", "--partitions", "3"));
        assertTrue(message("--create", "--topic", "t", "--config", "retention.ms").contains("is not key=value"));
        assertTrue(message("--alter", "--topic", "t", "--replication-factor", "3").contains("only valid with --create"));
    }

    @Test
    void configFlagIsRepeatable() {
        TopicsCommand.Options o = TopicsCommand.parse(new String[] {"--create", "--topic", "t", "--partitions", "3",
                "--replication-factor", "1", "--config", "retention.ms=1000", "--config", "cleanup.policy=delete"});
        assertEquals(List.of("retention.ms=1000", "cleanup.policy=delete"), o.configs);
        assertEquals(3, o.partitions);
    }

    @Test
    void describeIsPrintedInKafkasFormat() {
        TopicDescription topic = new TopicDescription("orders", "abc-123", List.of(
                new PartitionInfo("orders", 0, 1, 0, List.of(1, 2, 3), List.of(1, 2, 3), List.of()),
                new PartitionInfo("orders", 1, -1, 0, List.of(2, 3, 1), List.of(2), List.of())));
        List<ConfigEntry> configs = List.of(
                new ConfigEntry("retention.ms", "1000", ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG, false, false),
                new ConfigEntry("segment.bytes", "1073741824", ConfigEntry.Source.DEFAULT_CONFIG, false, false),
                new ConfigEntry("cleanup.policy", "delete", ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG, false, false));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TopicsFormatter.describe(topic, configs, TopicsFormatter.Filter.ALL, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("Topic: orders\tTopicId: abc-123\tPartitionCount: 2\tReplicationFactor: 3\t"
                + "Configs: retention.ms=1000,cleanup.policy=delete\n"
                + "\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1,2,3\tIsr: 1,2,3\n"
                + "\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: 2\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));

        bytes.reset();
        TopicsFormatter.describe(topic, configs, TopicsFormatter.Filter.UNDER_REPLICATED,
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("\tTopic: orders\tPartition: 1\tLeader: none\tReplicas: 2,3,1\tIsr: 2\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }

    /** A compacted topic's partition lines end with each replica's cleaner progress, in Replicas order. */
    @Test
    void aCompactedTopicShowsEachReplicasCleanerProgress() {
        TopicDescription topic = new TopicDescription("kv", "id-1", List.of(
                new PartitionInfo("kv", 0, 2, 0, List.of(2, 1, 3), List.of(2, 1, 3), List.of())));
        List<ConfigEntry> configs = List.of(
                new ConfigEntry("cleanup.policy", "compact", ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG, false, false));
        assertTrue(TopicsFormatter.compacted(configs));
        assertTrue(TopicsFormatter.compacted(List.of(new ConfigEntry("cleanup.policy", "delete, compact",
                ConfigEntry.Source.DYNAMIC_TOPIC_CONFIG, false, false))));
        assertTrue(!TopicsFormatter.compacted(List.of(new ConfigEntry("cleanup.policy", "delete",
                ConfigEntry.Source.DEFAULT_CONFIG, false, false))));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TopicsFormatter.describe(topic, configs, TopicsFormatter.Filter.ALL,
                Map.of(0, Map.of(1, new CleanerProgress(0.125, 4500, 3, 900), 2, new CleanerProgress(0, 4480, 2, 880))),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals("Topic: kv\tTopicId: id-1\tPartitionCount: 1\tReplicationFactor: 3\tConfigs: cleanup.policy=compact\n"
                + "\tTopic: kv\tPartition: 0\tLeader: 2\tReplicas: 2,1,3\tIsr: 2,1,3"
                + "\tCleanedTo: 2:4480,1:4500,3:?\tDirtyRatio: 2:0.00,1:0.13,3:?\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"),
                "broker 3 did not answer: ?");
    }

    @Test
    void unreachableBootstrapServerFailsAtOnceWithOneShortLine(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Path config = Files.writeString(dir.resolve("admin.properties"), "default.api.timeout.ms=700\n");
        TopicsCommand command = new TopicsCommand(new PrintStream(new ByteArrayOutputStream()), Admin::create);
        SluiceException e = assertThrows(SluiceException.class, () -> command.run(new String[] {
                "--bootstrap-server", "127.0.0.1:" + port, "--command-config", config.toString(), "--list"}));
        assertEquals(ErrorCode.NETWORK_EXCEPTION, e.code());
        assertEquals("cannot connect to 127.0.0.1:" + port + " (connection refused); is the cluster running? "
                + "./sluice quorum status checks the local one", e.getMessage());
    }
}
