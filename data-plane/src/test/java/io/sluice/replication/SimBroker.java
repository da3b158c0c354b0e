package io.sluice.replication;

import static io.sluice.replication.ReplicaHarness.TP;

import com.google.protobuf.MessageLite;
import io.netty.buffer.ByteBuf;
import io.sluice.metadata.CommandResult;
import io.sluice.metadata.MetadataPublisher;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.ResponseFrame;
import io.sluice.config.BrokerDefaults;
import io.sluice.storage.LogConfig;
import io.sluice.storage.LogManager;
import io.sluice.protocol.MockTime;
import io.sluice.storage.PartitionLog;
import io.sluice.storage.SimulatedDisk;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * One incarnation of a broker in {@link ReplicaSimulation}: real logs on a {@link SimulatedDisk}, a
 * real {@link ReplicaManager} with its produce and fetch services, and a quorum and network that
 * belong to the simulation. Its followers' fetches wait in {@link #outbound} until the simulation
 * routes one to the broker it is addressed to; its ISR requests go to the simulation's controller.
 * A crash ends the incarnation (threads stopped, nothing flushed, no checkpoint); a restart is a new
 * {@code SimBroker} on the same directory and disk.
 *
 * <p>Thread-safety: driven by the simulation's one thread; the replica manager's own threads only
 * add to {@link #outbound} and call the quorum's {@code submit}, both thread-safe.
 */
final class SimBroker {
    /** The ISR lag limit: the simulation shrinks the ISR itself by moving the clock past it. */
    static final long LAG_TIME_MAX_MS = 30_000;

    /** A follower's fetch in flight: the broker it is addressed to, and the response it waits for. */
    record OutboundFetch(int target, MessageLite request, CompletableFuture<ResponseFrame> response) {
    }

    final int id;
    final long brokerEpoch;
    final SimulatedDisk disk;
    final LogManager logs;
    final ReplicaManager replicas;
    final ProduceService produce;
    final FetchService fetch;
    final Queue<OutboundFetch> outbound = new ConcurrentLinkedQueue<>();
    private final Quorum quorum;

    /** The simulation's quorum as this incarnation sees it: the shared image, and its own subscription. */
    static final class Quorum implements ReplicaMetadata {
        private final Supplier<MetadataImage> image;
        private final BiFunction<Integer, MetadataCommand, CompletableFuture<CommandResult>> submit;
        private final int brokerId;
        final java.util.List<MetadataPublisher> publishers = new CopyOnWriteArrayList<>();

        Quorum(int brokerId, Supplier<MetadataImage> image,
               BiFunction<Integer, MetadataCommand, CompletableFuture<CommandResult>> submit) {
            this.brokerId = brokerId;
            this.image = image;
            this.submit = submit;
        }

        @Override
        public MetadataImage image() {
            return image.get();
        }

        @Override
        public void subscribe(MetadataPublisher publisher) {
            publishers.add(publisher);
            publisher.onMetadataUpdate(null, image.get());
        }

        @Override
        public CompletableFuture<CommandResult> submit(MetadataCommand command) {
            return submit.apply(brokerId, command);
        }
    }

    SimBroker(int id, long brokerEpoch, Path dir, SimulatedDisk disk, MockTime clock, ManualTimer timer,
              Quorum quorum) throws Exception {
        this.id = id;
        this.brokerEpoch = brokerEpoch;
        this.disk = disk;
        this.quorum = quorum;
        // Checkpoints every hour of real time: a crash restarts from the ones written at start, as in
        // the worst case of a real broker.
        this.logs = LogManager.start(dir, LogConfig.defaultConfig(), clock, 3_600_000, 3_600_000, 1, disk);
        this.replicas = new ReplicaManager(id, logs, quorum, BrokerDefaults.from(Map.of()), this::send,
                new ReplicationConfig(LAG_TIME_MAX_MS, 0, 1 << 20, 10), clock, timer);
        this.produce = new ProduceService(replicas);
        this.fetch = new FetchService(replicas);
        replicas.start();
        replicas.setBrokerEpoch(brokerEpoch);
    }

    private CompletableFuture<ResponseFrame> send(InetSocketAddress address, ApiKey api, MessageLite body, ByteBuf raw,
                                                  long timeoutMs) {
        CompletableFuture<ResponseFrame> response = new CompletableFuture<>();
        outbound.add(new OutboundFetch(address.getPort() - 9000, body, response));
        return response;
    }

    void publish(MetadataImage image) {
        quorum.publishers.forEach(p -> p.onMetadataUpdate(null, image));
    }

    Optional<Partition> partition() {
        return replicas.partition(TP);
    }

    Optional<PartitionLog> log() {
        return partition().map(Partition::log);
    }

    /** A process crash: nothing flushed, no checkpoint; with {@code powerLoss}, unsynced bytes go too. */
    void crash(SimulatedDisk.Loss powerLoss, java.util.Random random) throws Exception {
        if (powerLoss != null) {
            disk.powerOff();
        }
        quorum.publishers.clear();
        replicas.close();
        logs.crash();
        outbound.forEach(f -> f.response().completeExceptionally(new java.io.IOException("crashed")));
        if (powerLoss != null) {
            disk.powerOn(powerLoss, random);
        }
    }

    /** The end of a run: stops the threads and closes the logs. */
    void close() throws Exception {
        quorum.publishers.clear();
        replicas.close();
        logs.close();
    }
}
