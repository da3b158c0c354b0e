package io.sluice.metadata;

import io.sluice.metadata.raft.MetadataStorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MetaPropertiesTest {

    @TempDir
    Path dir;

    @Test
    void formatsAnEmptyDirectoryAndAcceptsItAgain() throws Exception {
        Path data = dir.resolve("node-1");
        MetaProperties.formatOrCheck(data, "c1", 1);
        String written = Files.readString(data.resolve(MetaProperties.FILE_NAME));
        assertTrue(written.contains("cluster.id=c1") && written.contains("node.id=1"), written);
        assertDoesNotThrow(() -> MetaProperties.formatOrCheck(data, "c1", 1));
    }

    @Test
    void refusesAnotherClusterOrNodeWithOneLineSayingWhatToDo() throws Exception {
        MetaProperties.formatOrCheck(dir, "c1", 1);
        MetadataStorageException cluster = assertThrows(MetadataStorageException.class,
                () -> MetaProperties.formatOrCheck(dir, "c2", 1));
        assertTrue(cluster.getMessage().contains("belongs to cluster c1, not c2"), cluster.getMessage());
        assertTrue(!cluster.getMessage().contains("\n"));
        MetadataStorageException node = assertThrows(MetadataStorageException.class,
                () -> MetaProperties.formatOrCheck(dir, "c1", 2));
        assertTrue(node.getMessage().contains("belongs to node 1, not node 2"), node.getMessage());
    }

    @Test
    void refusesARaftLogWithoutIdentity() throws Exception {
        Files.createDirectories(dir.resolve("raft"));
        assertThrows(MetadataStorageException.class, () -> MetaProperties.formatOrCheck(dir, "c1", 1));
    }
}
