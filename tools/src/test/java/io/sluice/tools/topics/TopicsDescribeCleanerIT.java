package io.sluice.tools.topics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.TestCluster;
import io.sluice.tools.Sluice;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./sluice topics --describe} on a compacted topic of a three-node in-process cluster shows
 * every replica's cleaner progress (DescribeLogCleaner sent to the broker of each replica): three
 * producer runs with {@code acks=all} leave three segments on every replica (each batch is bigger
 * than {@code segment.bytes} and reaches the followers in its own fetch), every replica's cleaner
 * cleans the two closed ones, and each replica then reports its last cleaned offset at the active
 * segment's base (40: offsets 40 to 59 are the third batch) and a dirty ratio of 0.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicsDescribeCleanerIT {
    private static final Pattern CLEANED = Pattern.compile(
            "\tTopic: kv\tPartition: 0\tLeader: [123]\tReplicas: [123],[123],[123]\tIsr: [123](,[123])*"
                    + "\tCleanedTo: [123]:40,[123]:40,[123]:40\tDirtyRatio: [123]:0\\.00,[123]:0\\.00,[123]:0\\.00");

    @Test
    void describeShowsTheCleanerProgressOfEveryReplica() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, Map.of("log.cleaner.backoff.ms", "200"))) {
            String bootstrap = cluster.bootstrapServers();
            run("", "topics", "--create", "--topic", "kv", "--partitions", "1", "--replication-factor", "3",
                    "--config", "cleanup.policy=compact", "--config", "segment.bytes=1024",
                    "--config", "min.cleanable.dirty.ratio=0.01", "--bootstrap-server", bootstrap);
            for (int round = 0; round < 3; round++) {
                int r = round;
                String lines = IntStream.range(0, 20).mapToObj(i -> "k" + (i % 5) + ":value-" + r + "-" + i + "-" + "x".repeat(40))
                        .collect(Collectors.joining("\n", "", "\n"));
                run(lines, "console-producer", "--topic", "kv", "--bootstrap-server", bootstrap,
                        "--property", "parse.key=true", "--property", "key.separator=:");
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                List<String> out = run("", "topics", "--describe", "--topic", "kv", "--bootstrap-server", bootstrap);
                assertEquals(2, out.size(), out.toString());
                assertTrue(CLEANED.matcher(out.get(1)).matches(), out.get(1));
            });
        }
    }

    /** Runs the tool with {@code stdin}; its stdout lines (server log lines, which share it, left out). */
    private static synchronized List<String> run(String stdin, String... args) {
        PrintStream oldOut = System.out;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            int exit = Sluice.run(args);
            assertEquals(0, exit, String.join(" ", args));
            return Arrays.stream(out.toString(StandardCharsets.UTF_8).split("\\R"))
                    .filter(l -> !l.isEmpty() && !l.matches("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*")).toList();
        } finally {
            System.setOut(oldOut);
            System.setIn(oldIn);
        }
    }
}
