package io.sluice.deploy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * The distribution's config/logback-node.xml, the log of a node that `quorum start` runs: it writes
 * node.log in the node's directory and rolls it over by size, keeping four older files, so a node
 * that logs a lot cannot fill the disk. Run with a 20 KB cap instead of 10 MB.
 */
@Timeout(60)
class NodeLogConfigIT {
    @TempDir
    Path dir;

    @Test
    void theNodeLogRollsOverBySizeAndKeepsFourOlderFiles() throws Exception {
        LoggerContext context = new LoggerContext(); // its own, so the test's logging is untouched
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // a bare context has none
        context.putProperty("sluice.log.dir", dir.toString());
        context.putProperty("sluice.log.max.file.size", "20KB");
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(FreshClone.builtDistribution().resolve("config/logback-node.xml").toFile());
        Logger log = context.getLogger("io.sluice.server.Node");
        String filler = "x".repeat(200);
        Path oldest = dir.resolve("node.4.log");
        try {
            // The size is looked at once a second at most: write until four roll-overs made node.4.log,
            // then until a fifth one replaced it (the oldest is dropped, not kept as node.5.log).
            await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(50))
                    .until(() -> write(log, filler) && Files.exists(oldest));
            long first = Files.readString(oldest).hashCode();
            await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(50))
                    .until(() -> write(log, filler) && Files.readString(oldest).hashCode() != first);
        } finally {
            context.stop();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(List.of("node.1.log", "node.2.log", "node.3.log", "node.4.log", "node.log"), names);
        }
        String line = Files.readString(dir.resolve("node.1.log")).lines().findFirst().orElse("");
        assertTrue(line.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[.*\\] "
                + "io\\.sluice\\.server\\.Node - a line of a busy node x+"), "the node's line format: " + line);
    }

    private static boolean write(Logger log, String filler) {
        for (int i = 0; i < 200; i++) {
            log.info("a line of a busy node {}", filler);
        }
        return true;
    }
}
