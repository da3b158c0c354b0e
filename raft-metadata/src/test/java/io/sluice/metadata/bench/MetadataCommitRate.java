package io.sluice.metadata.bench;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.MetadataTestCluster;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AllocateProducerIdsCommand;
import io.sluice.protocol.metadata.CommitOffsetsCommand;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.OffsetCommit;
import io.sluice.protocol.metadata.RegisterBrokerCommand;
import io.sluice.protocol.metadata.UnfenceBrokerCommand;
import io.sluice.protocol.metadata.BrokerRef;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * Measures Ratis commit rates of the metadata quorum with Sluice's settings: three nodes in one JVM
 * (gRPC, disk log), commands submitted on the leader. Not a test: run it by hand and copy the
 * figures into docs/metadata.md.
 *
 * <pre>
 *   java -cp "$CP" io.sluice.metadata.bench.MetadataCommitRate [commands] [inFlight]
 * </pre>
 */
public final class MetadataCommitRate {

    private MetadataCommitRate() {
    }

    public static void main(String[] args) throws Exception {
        int commands = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        Path dir = Files.createTempDirectory("sluice-commit-rate");
        try (MetadataTestCluster cluster = MetadataTestCluster.start(dir, 3, b -> b.brokerSessionTimeoutMs(3_600_000))) {
            MetadataNode leader = cluster.awaitLeader();
            setUp(leader);
            IntFunction<MetadataCommand> allocate = i -> MetadataCommand.newBuilder().setAllocateProducerIds(
                    AllocateProducerIdsCommand.newBuilder().setBrokerId(1).setBlockSize(1)).build();
            run(leader, "warm-up", 500, 64, allocate);
            run(leader, "sequential (1 in flight)", 300, 1, allocate);
            run(leader, "pipelined (" + inFlight + " in flight)", commands, inFlight, allocate);
            IntFunction<MetadataCommand> offsets = i -> {
                CommitOffsetsCommand.Builder batch = CommitOffsetsCommand.newBuilder();
                for (int p = 0; p < 100; p++) {
                    batch.addOffsets(OffsetCommit.newBuilder().setGroup("g" + (p % 10)).setTopic("t")
                            .setPartition(p).setOffset(i));
                }
                return MetadataCommand.newBuilder().setCommitOffsets(batch).build();
            };
            run(leader, "offset commits, 100 per entry (" + inFlight + " in flight)", commands / 5, inFlight, offsets);
        }
    }

    private static void setUp(MetadataNode leader) throws Exception {
        CommandResult registered = leader.submit(MetadataCommand.newBuilder().setRegisterBroker(RegisterBrokerCommand
                .newBuilder().setBrokerId(1).setClusterId(MetadataTestCluster.CLUSTER_ID).setIncarnationId(1)).build()).get();
        leader.submit(MetadataCommand.newBuilder().setUnfenceBroker(UnfenceBrokerCommand.newBuilder().setBroker(
                BrokerRef.newBuilder().setBrokerId(1).setBrokerEpoch(registered.brokerEpoch()))).build()).get();
        CommandResult topic = leader.submit(MetadataCommand.newBuilder().setCreateTopic(CreateTopicCommand.newBuilder()
                .setName("t").setPartitions(100).setReplicationFactor(1)).build()).get();
        if (topic.error() != ErrorCode.NONE) {
            throw new IllegalStateException(topic.toString());
        }
    }

    private static void run(MetadataNode leader, String name, int count, int inFlight, IntFunction<MetadataCommand> command)
            throws Exception {
        Semaphore window = new Semaphore(inFlight);
        List<CompletableFuture<CommandResult>> results = new ArrayList<>(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            window.acquire();
            CompletableFuture<CommandResult> result = leader.submit(command.apply(i));
            result.whenComplete((r, e) -> window.release());
            results.add(result);
        }
        for (CompletableFuture<CommandResult> result : results) {
            CommandResult r = result.get(60, TimeUnit.SECONDS);
            if (!r.isSuccess()) {
                throw new IllegalStateException(r.toString());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-55s %6d commits in %6.2f s = %7.0f commits/s, %6.2f ms per commit%n",
                name, count, seconds, count / seconds, seconds * 1000 / count);
    }
}
