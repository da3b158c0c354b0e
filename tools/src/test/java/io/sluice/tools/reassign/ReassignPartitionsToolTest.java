package io.sluice.tools.reassign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.protocol.TopicPartition;
import io.sluice.tools.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The reassign tool's files (Kafka's JSON) and its proposed placement, without a cluster. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ReassignPartitionsToolTest {
    @TempDir
    Path dir;

    private String file(String json) throws Exception {
        Path f = dir.resolve("f" + System.nanoTime() + ".json");
        Files.writeString(f, json);
        return f.toString();
    }

    @Test
    void readsKafkasReassignmentFileAndWritesItBackTheSame() throws Exception {
        String json = "{\"version\":1,\"partitions\":[{\"topic\":\"orders\",\"partition\":0,\"replicas\":[2,3],"
                + "\"log_dirs\":[\"any\",\"any\"]},{\"topic\":\"orders\",\"partition\":1,\"replicas\":[3,1],"
                + "\"log_dirs\":[\"any\",\"any\"]}]}";
        Map<TopicPartition, List<Integer>> targets = ReassignmentJson.readReassignment(file(json));
        assertEquals(Map.of(new TopicPartition("orders", 0), List.of(2, 3), new TopicPartition("orders", 1), List.of(3, 1)),
                targets);
        assertEquals(json, ReassignmentJson.write(targets));
        assertEquals(List.of("a", "b"), ReassignmentJson.readTopics(
                file("{\"version\":1,\"topics\":[{\"topic\":\"a\"},{\"topic\":\"b\"},{\"topic\":\"a\"}]}")));
    }

    @Test
    void badFilesAreOneClearUsageError() throws Exception {
        assertTrue(message(file("{\"version\":1,\"partitions\":[]}")).contains("no \"partitions\""));
        assertTrue(message(file("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1],"
                + "\"log_dirs\":[\"/data/1\"]}]}")).contains("use \"any\""));
        assertTrue(message(file("{\"partitions\":[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1]},"
                + "{\"topic\":\"t\",\"partition\":0,\"replicas\":[2]}]}")).contains("listed twice"));
        assertTrue(message(file("{\"partitions\":[{\"topic\":\"t\",\"replicas\":[1]}]}")).contains("needs \"topic\""));
        assertTrue(message(file("not json")).startsWith("cannot read"));
        assertTrue(message(dir.resolve("missing.json").toString()).startsWith("cannot read"));
    }

    private static String message(String file) {
        return assertThrows(UsageException.class, () -> ReassignmentJson.readReassignment(file)).getMessage();
    }

    @Test
    void proposesKafkasRackUnawarePlacementSpreadingLeadersAndReplicas() {
        assertEquals(List.of(List.of(2, 3, 4), List.of(3, 4, 2), List.of(4, 2, 3), List.of(2, 4, 3)),
                RackUnawareAssignment.assign(List.of(2, 3, 4), 4, 3));
        assertEquals(List.of(List.of(5), List.of(6)), RackUnawareAssignment.assign(List.of(5, 6), 2, 1));
    }
}
