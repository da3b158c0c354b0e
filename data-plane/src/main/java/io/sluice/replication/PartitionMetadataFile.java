package io.sluice.replication;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code partition.metadata} in a partition's log directory: the id of the topic the log belongs to
 * (Kafka keeps the same file). A topic deleted and created again under the same name gets a new id,
 * so a log left from the old one is recognised and discarded instead of being taken for the new
 * topic's, whose offsets and leader epochs start over. Stateless; thread-safe.
 */
final class PartitionMetadataFile {
    static final String NAME = "partition.metadata";

    private PartitionMetadataFile() {
    }

    /** Whether the directory belongs to {@code topicId}; a directory without the file belongs to none. */
    static boolean matches(Path dir, String topicId) throws IOException {
        Path file = dir.resolve(NAME);
        if (!Files.exists(file)) {
            return false;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.startsWith("topic_id:")) {
                return line.substring("topic_id:".length()).trim().equals(topicId);
            }
        }
        return false;
    }

    /** Writes the file atomically (temporary file, fsync, rename). */
    static void write(Path dir, String topicId) throws IOException {
        Path file = dir.resolve(NAME);
        if (matches(dir, topicId)) {
            return;
        }
        Path tmp = dir.resolve(NAME + ".tmp");
        Files.writeString(tmp, "version: 0\ntopic_id: " + topicId + "\n", StandardCharsets.UTF_8);
        try (var channel = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
