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
    void aDirectoryIdIsWrittenOnceAndAddedToAnOlderFile() throws Exception {
        Path data = dir.resolve("node-3");
        MetaProperties.formatOrCheck(data, "c1", 3);
        java.util.Properties first = load(data);
        String id = first.getProperty(MetaProperties.DIRECTORY_ID);
        org.junit.jupiter.api.Assertions.assertEquals(22, id.length(), id);
        MetaProperties.formatOrCheck(data, "c1", 3);
        org.junit.jupiter.api.Assertions.assertEquals(id, load(data).getProperty(MetaProperties.DIRECTORY_ID),
                "a start keeps the directory id");
        // A file written before directory ids existed gets one, and keeps its identity.
        Files.writeString(data.resolve(MetaProperties.FILE_NAME), "version=1\ncluster.id=c1\nnode.id=3\n");
        MetaProperties.formatOrCheck(data, "c1", 3);
        java.util.Properties upgraded = load(data);
        org.junit.jupiter.api.Assertions.assertEquals(22, upgraded.getProperty(MetaProperties.DIRECTORY_ID).length());
        org.junit.jupiter.api.Assertions.assertEquals("c1", upgraded.getProperty(MetaProperties.CLUSTER_ID));
        org.junit.jupiter.api.Assertions.assertEquals("3", upgraded.getProperty(MetaProperties.NODE_ID));
    }

    private static java.util.Properties load(Path data) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (java.io.Reader in = Files.newBufferedReader(data.resolve(MetaProperties.FILE_NAME))) {
            p.load(in);
        }
        return p;
    }

    @Test
    void refusesARaftLogWithoutIdentity() throws Exception {
        Files.createDirectories(dir.resolve("raft"));
        assertThrows(MetadataStorageException.class, () -> MetaProperties.formatOrCheck(dir, "c1", 1));
    }

    @Test
    void theFileIsFsyncedWithItsContentBeforeTheRenameAndTheDirectoryAfter() throws Exception {
        Path data = dir.resolve("node-1");
        java.util.List<String> events = new java.util.ArrayList<>();
        MetaProperties.formatOrCheck(data, "c1", 1, new MetaProperties.Fsync() {
            @Override
            public void file(java.nio.channels.FileChannel channel, Path path) throws java.io.IOException {
                events.add("file " + path.getFileName() + " " + channel.size() + " bytes, renamed: "
                        + Files.exists(data.resolve(MetaProperties.FILE_NAME)));
            }

            @Override
            public void directory(Path d) {
                events.add("directory " + d.getFileName() + ", renamed: " + Files.exists(data.resolve(MetaProperties.FILE_NAME)));
            }
        });
        long size = Files.size(data.resolve(MetaProperties.FILE_NAME));
        org.junit.jupiter.api.Assertions.assertEquals(java.util.List.of(
                "directory " + dir.getFileName() + ", renamed: false",
                "file meta.properties.tmp " + size + " bytes, renamed: false",
                "directory node-1, renamed: true"), events);
    }
}
