package io.sluice.metadata.raft;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps a node from silently starting on an empty metadata log after its real one was lost. Ratis
 * creates its directories without fsyncing them, so after a power loss on a file system that drops
 * un-fsynced directory entries the whole Raft log can vanish; Ratis would then format a fresh one and
 * the node would forget every topic it ever knew (the fault suite's {@code power-loss-dirs} found
 * this). So once the log is formatted its directories are fsynced and a marker file is written
 * durably; a later start that finds the marker but no log refuses, with a message. Stateless.
 */
final class RaftStorageGuard {
    static final String MARKER = "formatted";

    private RaftStorageGuard() {
    }

    /** Refuses to format a log where this node had one before. */
    static void checkNotLost(Path raftDir, boolean logExists) throws MetadataStorageException {
        if (!logExists && Files.exists(raftDir.resolve(MARKER))) {
            throw new MetadataStorageException("The metadata Raft log under " + raftDir + " is missing, though this"
                    + " node formatted one there before (" + raftDir.resolve(MARKER) + "): it was lost to a crash or"
                    + " deleted. The node refuses to start with an empty log, which would forget every topic. Restore"
                    + " the directory from a backup, or, if the other voters are healthy, remove this node's data"
                    + " directory so that it starts afresh and copies the metadata from them.");
        }
    }

    /**
     * After Ratis formatted the log at {@code groupDir}: makes its directory entries durable (each
     * directory from {@code groupDir/current} up to the parent of {@code raftDir}), then writes the marker.
     * Does nothing once the marker is there.
     */
    static void markFormatted(Path raftDir, Path groupDir) throws IOException {
        Path marker = raftDir.resolve(MARKER);
        if (Files.exists(marker)) {
            return;
        }
        Path stop = raftDir.toAbsolutePath().getParent().getParent();
        for (Path dir = groupDir.toAbsolutePath().resolve("current"); dir != null && !dir.equals(stop);
                dir = dir.getParent()) {
            if (Files.isDirectory(dir)) {
                fsyncDirectory(dir);
            }
        }
        try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        fsyncDirectory(raftDir);
    }

    private static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
