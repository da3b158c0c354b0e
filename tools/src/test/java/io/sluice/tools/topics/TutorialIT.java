package io.sluice.tools.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Deserializer;
import io.sluice.client.PartitionInfo;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.Consumer;
import io.sluice.server.TestCluster;
import io.sluice.tools.Sluice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Kafka quickstart's commands, with kafka-*.sh replaced by ./sluice, against an in-process
 * three-node cluster: each runs through {@link Sluice#run} (the real dispatch) with its standard
 * streams captured.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TutorialIT {
    /** Server log lines share the captured stdout in this JVM; they start with a time of day. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");
    private static TestCluster cluster;
    private static String bootstrap;

    /** A finished command: exit code and the lines it printed. */
    record Run(int exit, List<String> out, String err) {
    }

    @BeforeAll
    static void start() throws Exception {
        cluster = TestCluster.start(3);
        bootstrap = cluster.bootstrapServers();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static synchronized Run withInput(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int exit = Sluice.run(args);
            List<String> lines = Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\\R"))
                    .filter(l -> !l.isEmpty() && !LOG_LINE.matcher(l).matches()).toList();
            return new Run(exit, lines, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    private static Run sluice(String... args) {
        return withInput("", args);
    }

    private static long endOffsetSum(String topic) {
        try (Consumer<byte[], byte[]> consumer = Consumer.ofBytes(Map.of("bootstrap.servers", bootstrap))) {
            List<TopicPartition> tps = consumer.partitionsFor(topic).stream().map(PartitionInfo::topicPartition).toList();
            return consumer.endOffsets(tps).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void quickstartWalkThrough() {
        Run created = sluice("topics", "--create", "--topic", "quickstart-events", "--partitions", "3",
                "--replication-factor", "3", "--bootstrap-server", bootstrap);
        assertEquals(0, created.exit(), created.err());
        assertEquals(List.of("Created topic quickstart-events."), created.out());

        assertTrue(sluice("topics", "--list", "--bootstrap-server", bootstrap).out().contains("quickstart-events"));

        Run described = sluice("topics", "--describe", "--topic", "quickstart-events", "--bootstrap-server", bootstrap);
        assertEquals(4, described.out().size(), described.out().toString());
        assertTrue(described.out().get(0).matches("Topic: quickstart-events\tTopicId: \\S+\tPartitionCount: 3\t"
                + "ReplicationFactor: 3\tConfigs: .*"), described.out().get(0));
        assertTrue(described.out().get(1).matches("\tTopic: quickstart-events\tPartition: 0\tLeader: [123]\t"
                + "Replicas: [123],[123],[123]\tIsr: [123](,[123])*"), described.out().get(1));

        Run producer = withInput("first:This is my first event\nsecond:This is my second event\n",
                "console-producer", "--topic", "quickstart-events", "--bootstrap-server", bootstrap,
                "--property", "parse.key=true", "--property", "key.separator=:");
        assertEquals(0, producer.exit(), producer.err());

        Run consumer = sluice("console-consumer", "--topic", "quickstart-events", "--from-beginning",
                "--bootstrap-server", bootstrap, "--max-messages", "2", "--property", "print.key=true",
                "--property", "key.separator=:", "--timeout-ms", "20000");
        assertEquals(0, consumer.exit(), consumer.err());
        assertEquals(Set.of("first:This is my first event", "second:This is my second event"), Set.copyOf(consumer.out()));
        assertTrue(consumer.err().contains("Processed a total of 2 messages"), consumer.err());

        Run alter = sluice("topics", "--alter", "--topic", "quickstart-events", "--partitions", "5", "--bootstrap-server", bootstrap);
        assertEquals(0, alter.exit(), alter.err());
        Run shrink = sluice("topics", "--alter", "--topic", "quickstart-events", "--partitions", "2", "--bootstrap-server", bootstrap);
        assertEquals(2, shrink.exit());
        assertTrue(shrink.err().contains("currently has 5 partitions"), shrink.err());

        Run retention = sluice("configs", "--alter", "--entity-type", "topics", "--entity-name", "quickstart-events",
                "--add-config", "retention.ms=86400000", "--bootstrap-server", bootstrap);
        assertEquals(List.of("Completed updating config for topic quickstart-events."), retention.out(), retention.err());
        Run configs = sluice("configs", "--describe", "--entity-type", "topics", "--entity-name", "quickstart-events",
                "--bootstrap-server", bootstrap);
        assertTrue(configs.out().stream().anyMatch(l -> l.startsWith("  retention.ms=86400000 ")), configs.out().toString());
        Run tutorialForm = sluice("topics", "--alter", "--topic", "quickstart-events", "--config", "retention.ms=3600000",
                "--bootstrap-server", bootstrap);
        assertEquals(0, tutorialForm.exit(), tutorialForm.err());
        assertTrue(sluice("topics", "--describe", "--topic", "quickstart-events", "--bootstrap-server", bootstrap)
                .out().get(0).contains("retention.ms=3600000"));

        assertEquals(0, sluice("topics", "--delete", "--topic", "quickstart-events", "--bootstrap-server", bootstrap).exit());
        Run gone = sluice("topics", "--describe", "--topic", "quickstart-events", "--bootstrap-server", bootstrap);
        assertEquals(1, gone.exit());
        assertEquals("Error: topic 'quickstart-events' does not exist; ./sluice topics --list shows the topics "
                + "(UNKNOWN_TOPIC_OR_PARTITION)", gone.err().strip());
    }

    @Test
    void badInputGetsOneClearLineAndWritesNothing() {
        Run zero = sluice("topics", "--create", "--topic", "bad-input", "--partitions", "0", "--bootstrap-server", bootstrap);
        assertEquals(2, zero.exit());
        assertEquals("Error: --partitions must be greater than 0, not 0. Run ./sluice topics --help for usage.", zero.err().strip());
        assertTrue(!sluice("topics", "--list", "--bootstrap-server", bootstrap).out().contains("bad-input"));

        Run illegal = sluice("topics", "--create", "--topic", "no spaces", "--bootstrap-server", bootstrap);
        assertEquals(2, illegal.exit());
        assertEquals(1, illegal.err().strip().lines().count(), illegal.err());

        Run unknown = withInput("hello\n", "console-producer", "--topic", "missing-topic", "--bootstrap-server", bootstrap);
        assertEquals(1, unknown.exit());
        assertTrue(unknown.err().strip().startsWith("Error: topic 'missing-topic' does not exist"), unknown.err());

        assertEquals(0, sluice("topics", "--create", "--topic", "small-records", "--partitions", "1",
                "--bootstrap-server", bootstrap).exit());
        Run oversized = withInput("x".repeat(5000) + "\n", "console-producer", "--topic", "small-records",
                "--bootstrap-server", bootstrap, "--producer-property", "max.request.size=1024");
        assertEquals(1, oversized.exit());
        assertTrue(oversized.err().contains("line 1") && oversized.err().contains("max.request.size"), oversized.err());
        assertEquals(0, endOffsetSum("small-records"), "nothing was written");

        Run group = sluice("console-consumer", "--topic", "small-records", "--group", "g1", "--partition", "0",
                "--bootstrap-server", bootstrap);
        assertEquals(2, group.exit());
        assertTrue(group.err().contains("--group and --partition cannot be used together"), group.err());
    }

    @Test
    void perfToolsPrintKafkasLines() {
        assertEquals(0, sluice("topics", "--create", "--topic", "perf", "--partitions", "3", "--bootstrap-server", bootstrap).exit());
        Run producer = sluice("producer-perf-test", "--topic", "perf", "--num-records", "3000", "--record-size", "100",
                "--throughput", "-1", "--producer-props", "bootstrap.servers=" + bootstrap, "acks=all");
        assertEquals(0, producer.exit(), producer.err());
        String summary = producer.out().get(producer.out().size() - 1);
        assertTrue(summary.matches("3000 records sent, [0-9.]+ records/sec \\([0-9.]+ MB/sec\\), [0-9.]+ ms avg latency, "
                + "[0-9.]+ ms max latency, \\d+ ms 50th, \\d+ ms 95th, \\d+ ms 99th, \\d+ ms 99.9th\\."), summary);

        Run consumer = sluice("consumer-perf-test", "--bootstrap-server", bootstrap, "--topic", "perf", "--messages", "3000",
                "--timeout", "20000");
        assertEquals(0, consumer.exit(), consumer.err());
        assertEquals("start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, "
                + "rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec", consumer.out().get(0));
        String[] values = consumer.out().get(1).split(", ");
        assertEquals(10, values.length, consumer.out().get(1));
        assertEquals("0.2861", values[2]); // 3000 records x 100 bytes in MB
        assertEquals("3000", values[4]);
    }
}
