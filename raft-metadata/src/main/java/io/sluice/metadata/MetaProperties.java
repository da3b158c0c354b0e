package io.sluice.metadata;

import io.sluice.metadata.raft.MetadataStorageException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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

    private MetaProperties() {
    }

    /** Formats an unformatted directory, or checks that a formatted one is this node's. */
    static void formatOrCheck(Path dir, String clusterId, int nodeId) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            if (Files.isDirectory(dir.resolve("raft"))) {
                throw new MetadataStorageException("Metadata directory " + dir + " holds a Raft log but no "
                        + FILE_NAME + ": restore the file from a backup, or empty the directory to re-sync the node.");
            }
            write(dir, file, clusterId, nodeId);
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
    }

    private static void write(Path dir, Path file, String clusterId, int nodeId) throws IOException {
        Files.createDirectories(dir);
        Properties props = new Properties();
        props.setProperty(VERSION, "1");
        props.setProperty(CLUSTER_ID, clusterId);
        props.setProperty(NODE_ID, String.valueOf(nodeId));
        Path tmp = dir.resolve(FILE_NAME + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            props.store(out, "Written when this metadata directory was formatted; do not edit.");
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    }
}
