package io.sluice.tools.groups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.client.Deserializer;
import io.sluice.client.consumer.Consumer;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tutorial's group commands through {@link Sluice#run} on an in-process cluster: console-consumer
 * --group, then consumer-groups --list, --describe (offsets and lag while records are produced),
 * --members, --state, --reset-offsets (dry run, execute, refused while a member is active), --delete, and
 * consumer-perf-test --group.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ConsumerGroupsCommandIT {
    private static final Pattern LOG_LINE = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");

    record Run(int exit, List<String> out, String err) {
    }

    private static synchronized Run run(String stdin, String... args) {
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

    /** The data rows of a --describe (offsets) table: column values by header name. */
    private static List<Map<String, String>> rows(Run r) {
        int header = -1;
        for (int i = 0; i < r.out().size(); i++) {
            if (r.out().get(i).startsWith("GROUP ")) {
                header = i;
            }
        }
        assertTrue(header >= 0, "no table in " + r.out());
        List<String> names = List.of(r.out().get(header).split("\\s+"));
        return r.out().subList(header + 1, r.out().size()).stream().map(line -> {
            String[] cells = line.split("\\s+");
            return IntStream.range(0, names.size()).boxed().collect(Collectors.toMap(names::get, i -> cells[i]));
        }).toList();
    }

    private static long sum(List<Map<String, String>> rows, String column) {
        return rows.stream().mapToLong(r -> Long.parseLong(r.get(column))).sum();
    }

    private static String lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "order-" + i + "\n").collect(Collectors.joining());
    }

    @Test
    void tutorialGroupCommands() throws Exception {
        try (TestCluster cluster = TestCluster.start(3)) {
            String bootstrap = cluster.bootstrapServers();
            assertEquals(0, run("", "topics", "--create", "--topic", "orders", "--partitions", "3",
                    "--bootstrap-server", bootstrap).exit());
            assertEquals(0, run(lines(0, 30), "console-producer", "--topic", "orders", "--bootstrap-server", bootstrap).exit());

            Run consumed = run("", "console-consumer", "--topic", "orders", "--group", "my-group", "--from-beginning",
                    "--max-messages", "30", "--bootstrap-server", bootstrap);
            assertEquals(0, consumed.exit(), consumed.err());
            assertEquals(30, consumed.out().size());

            Run list = run("", "consumer-groups", "--list", "--bootstrap-server", bootstrap);
            assertEquals(List.of("my-group"), list.out());

            Run described = run("", "consumer-groups", "--describe", "--group", "my-group", "--bootstrap-server", bootstrap);
            assertEquals(0, described.exit(), described.err());
            assertTrue(described.out().contains("Consumer group 'my-group' has no active members."), described.out().toString());
            assertTrue(described.out().stream().anyMatch(l -> l.matches("GROUP +TOPIC +PARTITION +CURRENT-OFFSET +"
                    + "LOG-END-OFFSET +LAG +CONSUMER-ID +HOST +CLIENT-ID")), described.out().toString());
            assertEquals(30, sum(rows(described), "CURRENT-OFFSET"));
            assertEquals(0, sum(rows(described), "LAG"));

            assertEquals(0, run(lines(30, 36), "console-producer", "--topic", "orders", "--bootstrap-server", bootstrap).exit());
            assertEquals(6, sum(rows(run("", "consumer-groups", "--describe", "--group", "my-group",
                    "--bootstrap-server", bootstrap)), "LAG"), "lag shows the records produced since");

            Run dryRun = run("", "consumer-groups", "--reset-offsets", "--group", "my-group", "--all-topics",
                    "--to-earliest", "--bootstrap-server", bootstrap);
            assertEquals(0, dryRun.exit(), dryRun.err());
            assertTrue(dryRun.err().contains("No action will be performed"), dryRun.err());
            assertEquals(0, sum(rows(dryRun), "NEW-OFFSET"));
            assertEquals(30, sum(rows(run("", "consumer-groups", "--describe", "--group", "my-group",
                    "--bootstrap-server", bootstrap)), "CURRENT-OFFSET"), "a dry run changes nothing");

            assertEquals(0, run("", "consumer-groups", "--reset-offsets", "--group", "my-group", "--topic", "orders",
                    "--to-earliest", "--execute", "--bootstrap-server", bootstrap).exit());
            List<Map<String, String>> afterReset = rows(run("", "consumer-groups", "--describe", "--group", "my-group",
                    "--bootstrap-server", bootstrap));
            assertEquals(36, sum(afterReset, "LAG"));
            String busy = afterReset.stream().filter(r -> Long.parseLong(r.get("LOG-END-OFFSET")) >= 2)
                    .map(r -> r.get("PARTITION")).findFirst().orElseThrow();
            assertEquals(0, run("", "consumer-groups", "--reset-offsets", "--group", "my-group", "--topic",
                    "orders:" + busy, "--shift-by", "2", "--execute", "--bootstrap-server", bootstrap).exit());
            assertEquals(34, sum(rows(run("", "consumer-groups", "--describe", "--group", "my-group",
                    "--bootstrap-server", bootstrap)), "LAG"));

            withActiveMember(bootstrap, () -> {
                Run members = run("", "consumer-groups", "--describe", "--group", "my-group", "--members",
                        "--bootstrap-server", bootstrap);
                assertEquals(1, members.out().stream().filter(l -> l.startsWith("my-group ")).count(), members.out().toString());
                Run state = run("", "consumer-groups", "--describe", "--group", "my-group", "--state",
                        "--bootstrap-server", bootstrap);
                assertTrue(state.out().stream().anyMatch(l -> l.startsWith("my-group ") && l.contains(" roundrobin ")
                        && l.endsWith(" 1")), state.out().toString());
                Run refused = run("", "consumer-groups", "--reset-offsets", "--group", "my-group", "--all-topics",
                        "--to-latest", "--execute", "--bootstrap-server", bootstrap);
                assertEquals(1, refused.exit());
                assertTrue(refused.err().contains("can only be reset while group 'my-group' has no members"), refused.err());
                Run notDeleted = run("", "consumer-groups", "--delete", "--group", "my-group", "--bootstrap-server", bootstrap);
                assertEquals(1, notDeleted.exit());
            });

            Run deleted = run("", "consumer-groups", "--delete", "--group", "my-group", "--bootstrap-server", bootstrap);
            assertEquals(List.of("Deletion of requested consumer groups ('my-group') was successful."), deleted.out());
            assertEquals(List.of(), run("", "consumer-groups", "--list", "--bootstrap-server", bootstrap).out());
            Run gone = run("", "consumer-groups", "--describe", "--group", "my-group", "--bootstrap-server", bootstrap);
            assertEquals(1, gone.exit());
            assertTrue(gone.err().contains("consumer group 'my-group' does not exist; ./sluice consumer-groups --list"),
                    gone.err());

            Run perf = run("", "consumer-perf-test", "--topic", "orders", "--messages", "36", "--group", "perf-group",
                    "--timeout", "20000", "--bootstrap-server", bootstrap);
            assertEquals(0, perf.exit(), perf.err());
            String[] summary = perf.out().get(1).split(", ");
            assertEquals("36", summary[4]);
            assertTrue(Long.parseLong(summary[6]) > 0, "rebalance.time.ms is the time to the first assignment");
            assertEquals(List.of("perf-group"), run("", "consumer-groups", "--list", "--bootstrap-server", bootstrap).out());
        }
    }

    /** Runs {@code checks} while one consumer of my-group is active (joined and polling). */
    private static void withActiveMember(String bootstrap, ThrowingRunnable checks) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        try (Consumer<String, String> consumer = new Consumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "my-group", "session.timeout.ms", 3_000, "heartbeat.interval.ms", 200),
                Deserializer.STRING, Deserializer.STRING)) {
            consumer.subscribe(List.of("orders"));
            Thread poller = new Thread(() -> {
                while (running.get()) {
                    consumer.poll(Duration.ofMillis(100));
                }
            });
            poller.start();
            try {
                TestCluster.await(Duration.ofSeconds(30), "the member assigned", () -> run("", "consumer-groups",
                        "--describe", "--group", "my-group", "--state", "--bootstrap-server", bootstrap).out().stream()
                        .anyMatch(l -> l.contains("Stable")));
                checks.run();
            } finally {
                running.set(false);
                poller.join(10_000);
            }
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
