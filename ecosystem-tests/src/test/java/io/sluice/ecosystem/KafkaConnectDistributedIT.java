package io.sluice.ecosystem;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.server.TestCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Connect 4.4 in distributed mode, unmodified and in its own JVM, on a three-node Sluice cluster:
 * the worker creates its compacted internal topics (configs, offsets, status) and joins its group with
 * Connect's own protocol type; a source connector of this test tree writes numbered records; the worker
 * is killed (SIGKILL), a new one starts, takes the connector from the config topic and its position from
 * the offset topic, and goes on. The topic then holds every number from 0 without a gap, once each up to
 * the offset the killed worker had committed, and at most twice after it (the at-least-once tail).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaConnectDistributedIT {
    private static final String GROUP = "connect-sluice";
    private static final String CONNECTOR = "numbers";
    private static final String TOPIC = "numbers";
    private static final StringDeserializer STRINGS = new StringDeserializer();
    private static final Pattern OFFSET = Pattern.compile("\"n\"\\s*:\\s*(\\d+)");

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnectDistributedIT.class);

    /** Under target/, not a temporary directory: the workers' logs are what to read when this test fails. */
    private final Path dir = Path.of("target", "connect-workers", Long.toString(System.currentTimeMillis()));

    @Test
    void aKilledWorkerResumesFromItsStoredOffsetsWithoutGaps() throws Exception {
        try (TestCluster cluster = TestCluster.start(3, Map.of("log.cleaner.backoff.ms", "500"));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);

            long committedAtKill;
            try (ConnectWorkerProcess first = ConnectWorkerProcess.start(cluster.bootstrapServers(), GROUP, dir, "first")) {
                awaitRestUp(first);
                var created = first.request("POST", "/connectors", "{\"name\":\"" + CONNECTOR + "\",\"config\":{"
                        + "\"connector.class\":\"" + NumberedSourceConnector.class.getName() + "\","
                        + "\"tasks.max\":\"1\",\"topic\":\"" + TOPIC + "\"}}");
                assertEquals(201, created.status(), created.body());
                for (String suffix : List.of("-configs", "-offsets", "-status")) {
                    assertEquals("compact", TopicReads.cleanupPolicy(admin, GROUP + suffix), GROUP + suffix);
                }
                assertEquals("connect", connectGroup(admin).protocol());
                awaitTaskRunning(first);
                await().atMost(Duration.ofSeconds(60)).until(() -> committedOffset(cluster) >= 300);
                first.kill();
                committedAtKill = committedOffset(cluster);
            }

            try (ConnectWorkerProcess second = ConnectWorkerProcess.start(cluster.bootstrapServers(), GROUP, dir, "second")) {
                awaitRestUp(second);
                awaitTaskRunning(second);
                long target = committedAtKill + 300;
                await().atMost(Duration.ofSeconds(60)).until(() -> committedOffset(cluster) >= target);
            }

            Map<Long, Integer> seen = readNumbers(cluster);
            long max = seen.keySet().stream().mapToLong(Long::longValue).max().orElseThrow();
            List<Long> gaps = new ArrayList<>();
            List<Long> wrongCopies = new ArrayList<>();
            for (long n = 0; n <= max; n++) {
                int copies = seen.getOrDefault(n, 0);
                if (copies == 0) {
                    gaps.add(n);
                } else if (copies > (n <= committedAtKill ? 1 : 2)) {
                    wrongCopies.add(n);
                }
            }
            long duplicated = seen.values().stream().filter(c -> c > 1).count();
            LOG.info("Offset committed when the worker was killed: {}; numbers 0..{} written, {} of them twice",
                    committedAtKill, max, duplicated);
            assertTrue(gaps.isEmpty(), gaps.size() + " numbers missing below " + max + ", first " + first(gaps));
            assertTrue(wrongCopies.isEmpty(), wrongCopies.size() + " numbers duplicated at or below the committed offset "
                    + committedAtKill + ", or more than twice after it, first " + first(wrongCopies));
            assertTrue(max >= committedAtKill + 300, "the second worker wrote past " + (committedAtKill + 300));
        }
    }

    private static List<Long> first(List<Long> numbers) {
        return numbers.subList(0, Math.min(10, numbers.size()));
    }

    private static void awaitRestUp(ConnectWorkerProcess worker) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!worker.isAlive()) {
                throw new AssertionError("the Connect worker exited; see " + worker.log());
            }
            return worker.request("GET", "/connectors", null).status() == 200;
        });
    }

    private static void awaitTaskRunning(ConnectWorkerProcess worker) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            var status = worker.request("GET", "/connectors/" + CONNECTOR + "/status", null);
            return status.status() == 200 && status.body().matches("(?s).*\"tasks\":\\[\\{[^]]*\"state\":\"RUNNING\".*");
        });
    }

    private static GroupListing connectGroup(Admin admin) throws Exception {
        return admin.listGroups().all().get(10, TimeUnit.SECONDS).stream()
                .filter(g -> g.groupId().equals(GROUP)).findFirst()
                .orElseThrow(() -> new AssertionError("no group " + GROUP));
    }

    /** The connector's latest source offset in Connect's offset topic, as a worker reads it back; -1 if none. */
    private static long committedOffset(TestCluster cluster) {
        long latest = -1;
        for (ConsumerRecord<String, String> record : TopicReads.readAll(cluster.bootstrapServers(), GROUP + "-offsets", STRINGS, STRINGS)) {
            if (record.key() != null && record.key().contains("\"" + CONNECTOR + "\"") && record.value() != null) {
                Matcher m = OFFSET.matcher(record.value());
                if (m.find()) {
                    latest = Long.parseLong(m.group(1));
                }
            }
        }
        return latest;
    }

    private static Map<Long, Integer> readNumbers(TestCluster cluster) {
        Map<Long, Integer> seen = new HashMap<>();
        for (ConsumerRecord<String, String> record : TopicReads.readAll(cluster.bootstrapServers(), TOPIC, STRINGS, STRINGS)) {
            seen.merge(Long.parseLong(record.value()), 1, Integer::sum);
        }
        return seen;
    }
}
