package io.sluice.jepsen.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The report lists what each node logged at ERROR and what it did not catch; nothing else. */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class NodeLogScanTest {
    @TempDir
    Path dir;

    @Test
    void errorLinesAndUncaughtExceptionsAreFoundPerNode() throws IOException {
        Path one = Files.writeString(dir.resolve("node-1.log"), String.join("\n",
                "---- jepsen: starting node 1 at 2026-12-08T02:00:00Z",
                "2026-12-08 02:00:01.000 INFO  [main] i.s.Node - started; no ERROR here",
                "2026-12-08 02:00:02.000 ERROR [flusher-1] i.s.s.GroupCommitFlusher - fsync failed",
                "java.io.IOException: Input/output error",
                "2026-12-08 02:00:03.000 WARN  [main] i.s.Node - ERROR in a message is not an error line",
                "Exception in thread \"sluice-io-1\" java.lang.IllegalStateException: boom",
                "2026-12-08 02:00:04.000 ERROR [main] i.s.Node - third") + "\n");
        Path two = Files.writeString(dir.resolve("node-2.log"), "2026-12-08 02:00:01.000 INFO  [main] i.s.Node - fine\n");
        Map<Integer, Path> logs = new TreeMap<>(Map.of(1, one, 2, two, 3, dir.resolve("never-started.log")));

        List<NodeLogScan.Errors> found = NodeLogScan.scan(logs, 2);

        assertEquals(1, found.size(), "node 2 logged no error, node 3 has no log");
        assertEquals(1, found.get(0).node());
        assertEquals(3, found.get(0).count());
        assertEquals(List.of("2026-12-08 02:00:02.000 ERROR [flusher-1] i.s.s.GroupCommitFlusher - fsync failed",
                "Exception in thread \"sluice-io-1\" java.lang.IllegalStateException: boom"), found.get(0).first());
    }
}
