package io.sluice.replication;

import static io.sluice.replication.ReplicaHarness.TP;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.sluice.metadata.CommandResult;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.rpc.EpochEndOffset;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.rpc.ResponseHeader;
import io.sluice.protocol.wire.ResponseFrame;
import io.sluice.replication.FetchService.PartitionData;
import io.sluice.replication.ProduceService.PartitionRecords;
import io.sluice.replication.ProduceService.PartitionResult;
import io.sluice.protocol.MockTime;
import io.sluice.storage.SimulatedDisk;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One partition replicated on brokers 1-3, each a {@link SimBroker}, with the simulation playing the
 * metadata controller (elections from the ISR only, fencing a crashed broker out of the ISR, ISR
 * changes the leader asks for) and the network (a follower's fetch reaches its leader only when a
 * step routes it). Steps are the operations a property test draws at random; {@link #check()} states
 * the replication invariants after each one.
 *
 * <p>Topics use {@code log.flush.policy=always} (the default): a write is acknowledged, and counted
 * by the high watermark, only once fsynced, so no power loss may lose what the invariants protect.
 *
 * <p>Thread-safety: one thread drives it; the brokers' own threads (flushers, metadata apply) are
 * awaited after every step.
 */
final class ReplicaSimulation implements AutoCloseable {
    private static final Duration AWAIT = Duration.ofSeconds(10);
    private final Path root;
    private final Random random;
    private final MockTime clock = new MockTime(1_000_000);
    private final ManualTimer timer = new ManualTimer();
    private final Map<Integer, SimulatedDisk> disks = new HashMap<>();
    private final Map<Integer, SimBroker> live = new HashMap<>();
    private final List<Submitted> submitted = new ArrayList<>();
    private final List<Produced> produced = new ArrayList<>();
    private final List<Acked> acked = new ArrayList<>();
    private final Map<SimBroker, Long> lastHighWatermark = new java.util.IdentityHashMap<>();
    private final Map<Integer, Long> brokerEpochs = new HashMap<>();
    private volatile MetadataImage image;
    private PartitionRegistration reg;
    private long committed; // the highest high watermark any replica ever reported
    private byte[] committedBytes = new byte[0]; // the log's bytes below it, as first seen
    private int nextValue;

    private record Submitted(int brokerId, MetadataCommand command, CompletableFuture<CommandResult> result) {
    }

    private record Produced(List<String> values, CompletableFuture<List<PartitionResult>> result) {
    }

    /** An acks=all batch the leader acknowledged: it must stay at these offsets on every ISR member. */
    record Acked(long baseOffset, List<String> values) {
    }

    ReplicaSimulation(Path root, long seed) throws Exception {
        this.root = root;
        this.random = new Random(seed);
        reg = new PartitionRegistration(List.of(1, 2, 3), List.of(1, 2, 3), 1, 0, 0);
        image = ReplicaHarness.image(1, Map.of(), reg);
        for (int id = 1; id <= 3; id++) {
            disks.put(id, new SimulatedDisk());
            start(id, 1);
        }
        settle();
    }

    private void start(int id, long epoch) throws Exception {
        SimBroker b = new SimBroker(id, epoch, root.resolve("broker-" + id), disks.get(id), clock, timer,
                new SimBroker.Quorum(id, () -> image, this::submit));
        brokerEpochs.put(id, epoch);
        live.put(id, b);
    }

    private synchronized CompletableFuture<CommandResult> submit(int brokerId, MetadataCommand command) {
        CompletableFuture<CommandResult> result = new CompletableFuture<>();
        submitted.add(new Submitted(brokerId, command, result));
        return result;
    }

    // ---- steps ----

    /** A producer writes one batch to the leader, if there is one, with acks=all or acks=1. */
    void produce(int acks, int records) {
        SimBroker leader = live.get(reg.leader());
        if (leader == null) {
            return;
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            values.add("v" + nextValue++);
        }
        var result = leader.produce.append(acks, 1000,
                List.of(new PartitionRecords(TP, io.sluice.server.TestWire.batch(values, null))));
        if (acks == -1) {
            produced.add(new Produced(values, result));
        }
    }

    /** Follower {@code id}'s next fetch reaches the broker it is addressed to, which answers it. */
    void fetch(int id) throws Exception {
        SimBroker b = live.get(id);
        if (b == null) {
            return;
        }
        boolean fetching = reg.leader() >= 0 && reg.leader() != id && live.containsKey(reg.leader());
        if (b.outbound.isEmpty() && !fetching) {
            return;
        }
        // A live follower of a live leader always fetches again (after a back-off at worst).
        await().atMost(AWAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> !b.outbound.isEmpty());
        SimBroker.OutboundFetch f = b.outbound.poll();
        FakeLeader.awaitListener(f.response());
        SimBroker target = live.get(f.target());
        if (target == null) {
            f.response().completeExceptionally(new java.io.IOException("connection refused: broker down"));
            return;
        }
        FetchRequest request = (FetchRequest) f.request();
        List<FetchService.PartitionFetch> partitions = new ArrayList<>();
        for (FetchPartition fp : request.getPartitionsList()) {
            partitions.add(new FetchService.PartitionFetch(TP, fp.getFetchOffset(), fp.getCurrentLeaderEpoch(),
                    fp.getLastFetchedEpoch(), fp.getPartitionMaxBytes()));
        }
        List<PartitionData> data = target.fetch.fetch(new FetchService.FetchParams(request.getReplicaId(),
                request.getMaxWaitMs(), request.getMinBytes(), request.getMaxBytes(), partitions))
                .get(10, TimeUnit.SECONDS);
        f.response().complete(toFrame(data));
    }

    /** As the data plane's fetch handler encodes an answer; records copied instead of sent from the file. */
    private static ResponseFrame toFrame(List<PartitionData> data) throws Exception {
        FetchResponse.Builder body = FetchResponse.newBuilder();
        ByteBuf raw = Unpooled.buffer();
        for (PartitionData d : data) {
            FetchPartitionResponse.Builder r = FetchPartitionResponse.newBuilder().setTopic(d.tp().topic())
                    .setPartition(d.tp().partition()).setError(d.error());
            if (d.error() == ErrorCode.NONE) {
                r.setHighWatermark(d.highWatermark()).setLogStartOffset(d.logStartOffset())
                        .setLogEndOffset(d.logEndOffset());
                if (d.diverging() != null) {
                    r.setDivergingEpoch(EpochEndOffset.newBuilder().setEpoch(d.diverging().epoch())
                            .setEndOffset(d.diverging().endOffset()));
                }
                if (d.records() != null) {
                    raw.writeBytes(d.records().readBytes());
                    r.setRecordsSize(d.recordsSize());
                }
            }
            body.addPartitions(r);
        }
        return new ResponseFrame(ResponseHeader.newBuilder().setError(ErrorCode.NONE).build(),
                Unpooled.wrappedBuffer(body.build().toByteArray()), raw, Unpooled.buffer(1));
    }

    /** The leader's followers have not fetched for longer than the lag limit: it asks to drop them. */
    void shrinkIsr() {
        SimBroker leader = live.get(reg.leader());
        if (leader != null) {
            clock.sleep(SimBroker.LAG_TIME_MAX_MS + 1);
            leader.partition().ifPresent(p -> p.maybeShrinkIsr(SimBroker.LAG_TIME_MAX_MS));
        }
    }

    /**
     * The controller answers every ISR change asked so far, as the quorum's controller does: only
     * from the current leader's incarnation, at the current partition epoch, to live brokers.
     */
    void applyIsrChanges() {
        List<Submitted> batch;
        synchronized (this) {
            batch = new ArrayList<>(submitted);
            submitted.clear();
        }
        for (Submitted s : batch) {
            MetadataCommandResult.Builder result = MetadataCommandResult.newBuilder().setError(ErrorCode.NONE);
            var alter = s.command().getAlterPartitions();
            boolean currentIncarnation = live.containsKey(s.brokerId())
                    && brokerEpochs.get(s.brokerId()) == alter.getRequester().getBrokerEpoch();
            for (PartitionChangeRequest c : alter.getChangesList()) {
                PartitionOutcome.Builder outcome = PartitionOutcome.newBuilder().setTopic(c.getTopic())
                        .setPartition(c.getPartition()).setError(ErrorCode.NONE);
                if (!currentIncarnation) {
                    outcome.setError(ErrorCode.STALE_BROKER_EPOCH);
                } else if (c.getLeader() != reg.leader() || c.getPartitionEpoch() != reg.partitionEpoch()
                        || !c.getIsrList().contains(reg.leader()) || !live.keySet().containsAll(c.getIsrList())) {
                    outcome.setError(ErrorCode.INVALID_REQUEST);
                } else {
                    change(c.getIsrList(), reg.leader(), false);
                }
                result.addPartitions(outcome);
            }
            s.result().complete(CommandResult.of(result.build()));
        }
    }

    /** A clean election: another live ISR member becomes leader in a new epoch. */
    void elect(int id) {
        if (id != reg.leader() && live.containsKey(id) && reg.isr().contains(id)) {
            change(reg.isr(), id, true);
        }
    }

    /** Broker {@code id} crashes (losing power when {@code loss} is set); the controller fences it. */
    void crash(int id, SimulatedDisk.Loss loss) throws Exception {
        SimBroker b = live.remove(id);
        if (b == null) {
            return;
        }
        b.crash(loss, random);
        List<Integer> isr = new ArrayList<>(reg.isr());
        if (isr.size() > 1) {
            isr.remove(Integer.valueOf(id)); // as Kafka: the last ISR member stays, the partition goes offline
        }
        if (reg.leader() == id) {
            int next = isr.stream().filter(live::containsKey).findFirst().orElse(-1);
            change(isr, next, true);
        } else if (!isr.equals(reg.isr())) {
            change(isr, reg.leader(), false);
        }
    }

    /** A crashed broker starts again on its disk and registers; an offline partition it holds comes back. */
    void restart(int id) throws Exception {
        if (live.containsKey(id)) {
            return;
        }
        long epoch = image.index() + 1;
        start(id, epoch);
        if (reg.leader() < 0 && reg.isr().contains(id)) {
            change(reg.isr(), id, true);
        } else {
            publish(); // the registration, which the broker waits for before acting on any image
        }
    }

    private void change(List<Integer> isr, int leader, boolean newEpoch) {
        reg = new PartitionRegistration(reg.replicas(), List.copyOf(isr), leader,
                reg.leaderEpoch() + (newEpoch ? 1 : 0), reg.partitionEpoch() + 1);
        publish();
    }

    private void publish() {
        image = ReplicaHarness.image(image.index() + 1, Map.of(), reg);
        live.values().forEach(b -> b.publish(image));
    }

    // ---- invariants ----

    /** Waits until every live broker applied the registration and fsynced what it wrote. */
    void settle() {
        await().atMost(AWAIT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() ->
                live.values().stream().allMatch(b -> b.partition().map(p -> p.leaderEpoch() == reg.leaderEpoch()
                        && p.isr().equals(reg.isr()) && p.isLeader() == (reg.leader() == b.id)
                        && p.log().durableEndOffset() == p.log().logEndOffset()).orElse(false)));
    }

    /**
     * After a step: no high watermark moved back; every offset below the highest high watermark ever
     * reported is on every live ISR member with the same bytes as when first committed; every
     * acknowledged acks=all batch is still at its offsets there.
     */
    void check() throws Exception {
        settle();
        for (SimBroker b : live.values()) {
            long hw = b.partition().orElseThrow().highWatermark();
            Long before = lastHighWatermark.put(b, hw);
            if (before != null && hw < before) {
                throw new AssertionError("broker " + b.id + "'s high watermark moved back from " + before + " to " + hw);
            }
            committed = Math.max(committed, hw);
        }
        for (Produced p : List.copyOf(produced)) {
            if (p.result().isDone()) {
                produced.remove(p);
                PartitionResult r = p.result().join().get(0);
                if (r.error() == ErrorCode.NONE) {
                    acked.add(new Acked(r.baseOffset(), p.values()));
                }
            }
        }
        for (int id : reg.isr()) {
            SimBroker b = live.get(id);
            if (b == null) {
                continue; // the last ISR member, down: the partition is offline until it returns
            }
            var log = b.log().orElseThrow();
            byte[] bytes = ReplicaLogs.bytesBelow(log, committed, id);
            int common = Math.min(bytes.length, committedBytes.length);
            if (!java.util.Arrays.equals(bytes, 0, common, committedBytes, 0, common)) {
                throw new AssertionError("ISR member " + id + " holds other bytes below the high watermark "
                        + committed + " than were committed");
            }
            if (bytes.length > committedBytes.length) {
                committedBytes = bytes;
            }
            for (Acked a : acked) {
                List<String> values = ReplicaLogs.valuesAt(log, a.baseOffset());
                if (!values.equals(a.values())) {
                    throw new AssertionError("acknowledged batch at " + a.baseOffset() + " " + a.values()
                            + " is " + values + " on ISR member " + id + " (" + reg + ")");
                }
            }
        }
    }

    int ackedCount() {
        return acked.size();
    }

    int leaderEpoch() {
        return reg.leaderEpoch();
    }

    @Override
    public void close() throws Exception {
        for (SimBroker b : live.values()) {
            b.close();
        }
        live.clear();
    }
}
