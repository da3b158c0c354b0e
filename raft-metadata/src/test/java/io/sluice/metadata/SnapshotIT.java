package io.sluice.metadata;

import io.sluice.metadata.raft.MetadataNodeConfig;
import io.sluice.metadata.raft.MetadataStorageException;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.BrokerRef;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.RegisterBrokerCommand;
import io.sluice.protocol.metadata.UnfenceBrokerCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Snapshots: automatic and on request, restart from snapshot, catch-up by snapshot installation, refusals. */
class SnapshotIT {

    private static final Pattern SNAPSHOT = Pattern.compile("snapshot\\.(\\d+)_(\\d+)");
    private static final long THRESHOLD = 40;

    @TempDir
    Path dir;
    private MetadataTestCluster cluster;

    @AfterEach
    void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void startCluster() throws Exception {
        // Small segments and threshold so that a few hundred entries roll, snapshot and purge the log.
        startCluster(THRESHOLD);
    }

    private void startCluster(long snapshotThreshold) throws Exception {
        // No heartbeats here: a session longer than the test keeps the one broker unfenced.
        cluster = MetadataTestCluster.start(dir, 3, b -> b.snapshotThreshold(snapshotThreshold).logSegmentSizeBytes(4096)
                .brokerSessionTimeoutMs(600_000));
        MetadataNode leader = cluster.awaitLeader();
        CommandResult registered = leader.submit(MetadataCommand.newBuilder().setRegisterBroker(RegisterBrokerCommand
                .newBuilder().setBrokerId(1).setClusterId(MetadataTestCluster.CLUSTER_ID).setIncarnationId(1)).build())
                .get(20, TimeUnit.SECONDS);
        CommandResult unfenced = leader.submit(MetadataCommand.newBuilder().setUnfenceBroker(UnfenceBrokerCommand
                .newBuilder().setBroker(BrokerRef.newBuilder().setBrokerId(1).setBrokerEpoch(registered.brokerEpoch())))
                .build()).get(20, TimeUnit.SECONDS);
        assertEquals(ErrorCode.NONE, unfenced.error(), unfenced.message());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void snapshotsAutomaticallyAndRestartsFromSnapshotPlusLog() throws Exception {
        startCluster();
        MetadataNode leader = cluster.awaitLeader();
        createTopics(leader, "a", 100);
        cluster.awaitApplied(leader.appliedIndex());
        for (MetadataNode node : cluster.runningNodes()) {
            assertTrue(latestSnapshotIndex(node.nodeId()) >= THRESHOLD, "automatic snapshot on node " + node.nodeId());
        }
        leader.takeSnapshot();
        assertTrue(latestSnapshotIndex(leader.nodeId()) >= leader.appliedIndex() - 1);
        createTopics(leader, "b", 5);
        var expected = leader.readLinearizable().get(20, TimeUnit.SECONDS);

        cluster.close();
        for (int id = 1; id <= 3; id++) {
            cluster.restart(id);
        }
        MetadataNode restarted = cluster.awaitLeader();
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.image().topics().byName().size() == 105);
        assertEquals(expected.topics(), restarted.image().topics());
        assertEquals(expected.cluster(), restarted.image().cluster());
        assertTrue(restarted.logStartIndex() > 1, "the log was purged, so the state came from a snapshot");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void crashWritesNoSnapshotAndTheRestartReplaysItsOwnLog() throws Exception {
        startCluster(10_000); // no automatic snapshot
        MetadataNode leader = cluster.awaitLeader();
        createTopics(leader, "t", 20);
        cluster.awaitApplied(leader.appliedIndex());
        int victim = cluster.runningNodes().stream().filter(n -> n != leader).findFirst().orElseThrow().nodeId();

        cluster.kill(victim);
        assertEquals(List.of(), snapshots(victim), "a crash writes no snapshot (a clean close would)");

        MetadataNode restarted = cluster.restart(victim);
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.image().topics().byName().size() == 20);
        assertEquals(leader.image().topics(), restarted.image().topics());
        assertEquals(0, restarted.snapshotsInstalledFromLeader(), "rebuilt from its own log, not the leader's snapshot");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void followerBehindThePurgedLogCatchesUpBySnapshotInstallation() throws Exception {
        startCluster();
        MetadataNode leader = cluster.awaitLeader();
        int followerId = cluster.runningNodes().stream().filter(n -> n != leader).findFirst().orElseThrow().nodeId();
        // Nothing in flight: the follower's log ends where its applied index is.
        cluster.awaitApplied(leader.appliedIndex());
        long appliedWhenKilled = cluster.node(followerId).appliedIndex();
        cluster.kill(followerId);

        createTopics(leader, "t", 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> leader.logStartIndex() > appliedWhenKilled + 1);

        MetadataNode follower = cluster.restart(followerId);
        await().atMost(Duration.ofSeconds(60)).until(() -> follower.image().topics().byName().size() == 200);
        assertEquals(leader.image().topics(), follower.image().topics());
        assertEquals(1, follower.snapshotsInstalledFromLeader(), "caught up from the leader's snapshot, not the log");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void corruptSnapshotIsRefusedWithAClearMessage() throws Exception {
        startCluster();
        MetadataNode leader = cluster.awaitLeader();
        createTopics(leader, "c", 10);
        cluster.awaitApplied(leader.appliedIndex());
        int victim = cluster.runningNodes().stream().filter(n -> n != leader).findFirst().orElseThrow().nodeId();
        cluster.node(victim).takeSnapshot();
        cluster.kill(victim);

        Path snapshot = latestSnapshot(victim);
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(snapshot, bytes);

        MetadataStorageException e = assertThrows(MetadataStorageException.class, () -> cluster.restart(victim));
        assertTrue(e.getMessage().contains("is corrupt") && e.getMessage().contains(snapshot.getFileName().toString()),
                e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void directoryOfAnotherClusterIsRefused() throws Exception {
        startCluster();
        cluster.kill(1);
        MetadataNodeConfig original = cluster.config(1);
        MetadataNodeConfig otherCluster = MetadataNodeConfig.builder().nodeId(1).raftAddress(original.raftAddress())
                .voters(original.voters()).dataDir(original.dataDir()).clusterId("another-cluster").build();
        MetadataStorageException e = assertThrows(MetadataStorageException.class, () -> MetadataNode.start(otherCluster));
        assertTrue(e.getMessage().contains("belongs to cluster " + MetadataTestCluster.CLUSTER_ID), e.getMessage());
    }

    private static void createTopics(MetadataNode node, String prefix, int count) throws Exception {
        List<CompletableFuture<CommandResult>> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(node.submit(MetadataCommand.newBuilder().setCreateTopic(CreateTopicCommand.newBuilder()
                    .setName(prefix + i).setPartitions(1).setReplicationFactor(1)).build()));
        }
        for (CompletableFuture<CommandResult> result : results) {
            CommandResult done = result.get(30, TimeUnit.SECONDS);
            assertEquals(ErrorCode.NONE, done.error(), done.message());
        }
    }

    private Path latestSnapshot(int nodeId) throws IOException {
        try (Stream<Path> files = Files.walk(cluster.config(nodeId).dataDir().resolve("raft"))) {
            return files.filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches())
                    .max(Comparator.comparingLong(SnapshotIT::index)).orElseThrow();
        }
    }

    private List<Path> snapshots(int nodeId) throws IOException {
        try (Stream<Path> files = Files.walk(cluster.config(nodeId).dataDir().resolve("raft"))) {
            return files.filter(p -> SNAPSHOT.matcher(p.getFileName().toString()).matches()).toList();
        }
    }

    private long latestSnapshotIndex(int nodeId) throws IOException {
        return index(latestSnapshot(nodeId));
    }

    private static long index(Path snapshot) {
        Matcher m = SNAPSHOT.matcher(snapshot.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(2)) : -1;
    }
}
