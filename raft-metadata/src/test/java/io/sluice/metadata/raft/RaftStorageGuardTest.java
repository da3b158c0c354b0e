package io.sluice.metadata.raft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class RaftStorageGuardTest {
    @TempDir
    Path data;

    @Test
    void aLogThatWasFormattedAndIsGoneIsRefusedNotFormattedAgain() throws Exception {
        Path raft = data.resolve("metadata").resolve("raft");
        Path group = raft.resolve("group-1");
        Files.createDirectories(group.resolve("current"));
        assertDoesNotThrow(() -> RaftStorageGuard.checkNotLost(raft, false), "a first start formats");
        RaftStorageGuard.markFormatted(raft, group);
        assertDoesNotThrow(() -> RaftStorageGuard.checkNotLost(raft, true), "the log is there");

        MetadataStorageException lost = assertThrows(MetadataStorageException.class,
                () -> RaftStorageGuard.checkNotLost(raft, false));
        assertTrue(lost.getMessage().contains("is missing"), lost.getMessage());
    }

    @Test
    void markingTwiceChangesNothing() throws Exception {
        Path raft = data.resolve("raft");
        Path group = raft.resolve("g");
        Files.createDirectories(group);
        RaftStorageGuard.markFormatted(raft, group);
        RaftStorageGuard.markFormatted(raft, group);
        assertTrue(Files.exists(raft.resolve(RaftStorageGuard.MARKER)));
    }
}
