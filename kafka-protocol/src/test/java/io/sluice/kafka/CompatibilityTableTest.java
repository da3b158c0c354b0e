package io.sluice.kafka;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** docs/kafka-compatibility.md lists exactly what ApiVersions advertises. */
@Timeout(30)
class CompatibilityTableTest {
    @Test
    void theDocsShowTheTableThatApiVersionsAdvertises() throws Exception {
        String table = CompatibilityTable.markdown();
        String doc = Files.readString(Path.of("..", "docs", "kafka-compatibility.md"));
        assertTrue(doc.contains(table), "docs/kafka-compatibility.md does not contain the current table; regenerate it"
                + " with CompatibilityTable (see the doc) and paste it:\n" + table);
    }
}
