package io.sluice.metadata;

import io.sluice.metadata.raft.MetadataStorageException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * {@code meta.properties} in a node's metadata directory: which cluster and node the directory belongs
 * to, written when the directory is formatted and checked on every start, so a node is never started
 * on another node's or another cluster's data. Stateless.
 */
final class MetaProperties {

    static final String FILE_NAME = "meta.properties";
    static final String CLUSTER_ID = "cluster.id";
    static final String NODE_ID = "node.id";
    static final String VERSION = "version";
    /**
     * Kafka's directory id (a random UUID in Kafka's base64 form). Sluice identifies a voter by node id
     * alone and does not use it; it is there because Kafka's {@code kafka-metadata-quorum.sh
     * add-controller} reads it from this file and refuses to run without one.
     */
    static final String DIRECTORY_ID = "directory.id";

    private MetaProperties() {
    }

    /** Formats an unformatted directory, or checks that a formatted one is this node's. */
    static void formatOrCheck(Path dir, String clusterId, int nodeId) throws IOException {
        formatOrCheck(dir, clusterId, nodeId, Fsync.REAL);
    }

    /** As above, making the new file durable through {@code fsync} (tests record the order). */
    static void formatOrCheck(Path dir, String clusterId, int nodeId, Fsync fsync) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            if (Files.isDirectory(dir.resolve("raft"))) {
                throw new MetadataStorageException("Metadata directory " + dir + " holds a Raft log but no "
                        + FILE_NAME + ": restore the file from a backup, or empty the directory to re-sync the node.");
            }
            write(dir, file, clusterId, nodeId, newDirectoryId(), fsync);
            return;
        }
        Properties props = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            props.load(in);
        }
        String foundCluster = props.getProperty(CLUSTER_ID);
        String foundNode = props.getProperty(NODE_ID);
        if (!clusterId.equals(foundCluster)) {
            throw new MetadataStorageException("Metadata directory " + dir + " belongs to cluster " + foundCluster
                    + ", not " + clusterId + ": use this cluster's data directory, or an empty one for a new node.");
        }
        if (!String.valueOf(nodeId).equals(foundNode)) {
            throw new MetadataStorageException("Metadata directory " + dir + " belongs to node " + foundNode
                    + ", not node " + nodeId + ": start node " + foundNode + " on it, or give node " + nodeId
                    + " its own directory.");
        }
        if (props.getProperty(DIRECTORY_ID) == null) {
            // Formatted before directory ids were written: add one, keeping the rest.
            write(dir, file, clusterId, nodeId, newDirectoryId(), fsync);
        }
    }

    /** A random directory id as Kafka writes it: 16 bytes, URL-safe base64 without padding. */
    static String newDirectoryId() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * Writes the file durably: its content fsynced before the rename, the rename made durable by an
     * fsync of the directory, and the directory's own entry by an fsync of its parent. Without them a
     * power loss left an empty meta.properties (the rename reached the disk, the content did not) and
     * the node refused to start again ("belongs to cluster null"), found by the suite's power-loss.
     */
    private static void write(Path dir, Path file, String clusterId, int nodeId, String directoryId, Fsync fsync)
            throws IOException {
        Files.createDirectories(dir);
        if (dir.toAbsolutePath().getParent() != null) {
            fsync.directory(dir.toAbsolutePath().getParent());
        }
        Properties props = new Properties();
        props.setProperty(VERSION, "1");
        props.setProperty(CLUSTER_ID, clusterId);
        props.setProperty(NODE_ID, String.valueOf(nodeId));
        props.setProperty(DIRECTORY_ID, directoryId);
        StringWriter text = new StringWriter();
        props.store(text, "Written when this metadata directory was formatted; do not edit.");
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                out.write(bytes);
            }
            fsync.file(out, tmp);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        fsync.directory(dir);
    }

    /** How a write is made durable: {@link #REAL} fsyncs; a test records what was synced when. */
    interface Fsync {
        void file(FileChannel channel, Path path) throws IOException;

        void directory(Path dir) throws IOException;

        Fsync REAL = new Fsync() {
            @Override
            public void file(FileChannel channel, Path path) throws IOException {
                channel.force(true);
            }

            @Override
            public void directory(Path dir) throws IOException {
                try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        };
    }
}
