package io.sluice.metadata.raft;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.TopicRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class SnapshotFormatTest {

    @TempDir
    Path dir;

    private static MetadataImage image() {
        MetadataDelta delta = new MetadataDelta(MetadataImage.EMPTY);
        delta.replay(new BrokerRegistration(1, 5, "h", 9092, "", 3, false, false).toRecord());
        delta.replay(MetadataRecord.newBuilder().setTopic(TopicRecord.newBuilder().setName("t").setTopicId("id")).build());
        delta.replay(new PartitionRegistration(List.of(1), List.of(1), 1, 0, 0).toRecord("id", 0));
        return delta.apply(40, 3);
    }

    @Test
    void writesAndReadsTheImage() throws Exception {
        Path file = dir.resolve("snapshot.3_40");
        SnapshotFormat.write(image(), file);
        assertEquals(image(), SnapshotFormat.read(file));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void refusesAFlippedByteWithAClearMessage() throws Exception {
        Path file = dir.resolve("snapshot.3_40");
        SnapshotFormat.write(image(), file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(file, bytes);
        MetadataStorageException e = assertThrows(MetadataStorageException.class, () -> SnapshotFormat.read(file));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains("checksum"), e.getMessage());
        assertTrue(e.getMessage().contains("empty it to re-sync"), e.getMessage());
    }

    @Test
    void refusesATruncatedFile() throws Exception {
        Path file = dir.resolve("snapshot.3_40");
        SnapshotFormat.write(image(), file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 9));
        assertThrows(MetadataStorageException.class, () -> SnapshotFormat.read(file));
        Files.write(file, new byte[3]);
        assertThrows(MetadataStorageException.class, () -> SnapshotFormat.read(file));
    }
}
