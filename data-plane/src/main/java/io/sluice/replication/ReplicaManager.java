package io.sluice.replication;

import io.netty.util.Timer;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.MetadataPublisher;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.config.BrokerDefaults;
import io.sluice.network.NodeClient;
import io.sluice.purgatory.Purgatory;
import io.sluice.storage.DurabilityListener;
import io.sluice.storage.LogManager;
import io.sluice.storage.PartitionLog;
import io.sluice.protocol.TopicPartition;
import java.io.IOException;
import java.net.InetSocketAddress;
import io.sluice.protocol.Time;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's replicas: follows the metadata image to create, lead, follow and delete partition logs;
 * runs the follower fetchers; turns durability and high-watermark changes into purgatory wake-ups;
 * and asks the quorum for ISR changes, batched.
 *
 * <p>Image changes are applied on one "replica state" thread, latest image first (an intermediate
 * image that was superseded before it was handled is skipped). Lookups ({@link #partition}) are
 * lock-free from any thread.
 */
public final class ReplicaManager implements MetadataPublisher, DurabilityListener, PartitionListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplicaManager.class);
    /** How long an ISR change whose outcome is unknown (the quorum did not answer) waits to be sent again. */
    private static final long ISR_CHANGE_RETRY_MS = 100;
    private final int brokerId;
    private final LogManager logs;
    private final ReplicaMetadata metadata;
    private final BrokerDefaults defaults;
    private final ReplicationConfig config;
    private final Time clock;
    private final ReplicationThrottles throttles;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    private final Map<TopicPartition, String> topicIds = new ConcurrentHashMap<>();
    private final Purgatory<TopicPartition> producePurgatory;
    private final Purgatory<TopicPartition> fetchPurgatory;
    private final ReplicaFetchers fetchers;
    private final IsrChangeBatcher isrChanges;
    private final AtomicReference<MetadataImage> latest = new AtomicReference<>();
    /** ISR changes applied to partitions this broker leads (Kafka's IsrShrinksPerSec / IsrExpandsPerSec). */
    private final LongAdder isrShrinks = new LongAdder();
    private final LongAdder isrExpands = new LongAdder();
    /** Images older than this incarnation's registration are stale views from before a restart. */
    private volatile long registeredAt = Long.MAX_VALUE;
    private final ScheduledExecutorService stateThread;

    public ReplicaManager(int brokerId, LogManager logs, MetadataNode metadata, BrokerDefaults defaults,
                          NodeClient client, ReplicationConfig config, Time clock) {
        this(brokerId, logs, ReplicaMetadata.of(metadata), defaults, client::send, config, clock, null);
    }

    /**
     * With the quorum, the network and the purgatories' timer behind interfaces (tests pass fakes);
     * {@code purgatoryTimer} null gives each purgatory its own {@link io.sluice.purgatory.DeadlineTimer}.
     */
    public ReplicaManager(int brokerId, LogManager logs, ReplicaMetadata metadata, BrokerDefaults defaults,
                          ReplicaClient client, ReplicationConfig config, Time clock, Timer purgatoryTimer) {
        this(brokerId, logs, metadata, defaults, client, config, clock, purgatoryTimer, newStateThread(),
                ReplicaFetchers.newScheduler());
    }

    /**
     * With the replica state thread (image changes, the periodic ISR shrink, ISR-change retries) and the
     * fetchers' scheduler passed in too, so that a test sees the delays they are asked for. Both are
     * shut down by {@link #close}.
     */
    ReplicaManager(int brokerId, LogManager logs, ReplicaMetadata metadata, BrokerDefaults defaults,
                   ReplicaClient client, ReplicationConfig config, Time clock, Timer purgatoryTimer,
                   ScheduledExecutorService stateThread, ScheduledExecutorService fetcherScheduler) {
        this.stateThread = stateThread;
        this.producePurgatory = purgatoryTimer == null ? new Purgatory<>("produce") : new Purgatory<>(purgatoryTimer);
        this.fetchPurgatory = purgatoryTimer == null ? new Purgatory<>("fetch") : new Purgatory<>(purgatoryTimer);
        this.brokerId = brokerId;
        this.logs = logs;
        this.metadata = metadata;
        this.defaults = defaults;
        this.config = config;
        this.clock = clock;
        this.throttles = new ReplicationThrottles(brokerId, this::image, clock);
        this.fetchers = new ReplicaFetchers(brokerId, client, config, this::partition, this::leaderAddress, throttles,
                fetcherScheduler);
        this.isrChanges = new IsrChangeBatcher(brokerId, metadata::submit, refused -> {
            Partition p = partitions.get(new TopicPartition(refused.getTopic(), refused.getPartition()));
            if (p != null) {
                p.clearRequestedIsr(refused.getIsrList(), refused.getPartitionEpoch());
            }
        }, retry -> {
            try {
                stateThread.schedule(retry, ISR_CHANGE_RETRY_MS, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                // shutting down: the next incarnation's leader asks afresh
            }
        });
        logs.addDurabilityListener(this);
    }

    /** The replica state thread: a daemon, so that it never keeps a broker's JVM alive. */
    static ScheduledExecutorService newStateThread() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-replica-state");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        metadata.subscribe(this);
        long period = isrShrinkPeriodMs(config.replicaLagTimeMaxMs());
        stateThread.scheduleWithFixedDelay(this::shrinkIsrs, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * How often led partitions look for followers to drop from the ISR: half the lag allowed (as Kafka's
     * isr-expiration task), so a follower that stopped catching up leaves the ISR within one and a half
     * times {@code replica.lag.time.max.ms}; at least every 10 ms.
     */
    static long isrShrinkPeriodMs(long replicaLagTimeMaxMs) {
        return Math.max(10, replicaLagTimeMaxMs / 2);
    }

    /**
     * The broker epoch this incarnation registered with (the Raft index of its registration): sent with
     * ISR changes, and the point from which the image is trusted. Before it, a restarted broker's
     * image may still name it leader of an epoch that has long moved on, so it acts on nothing older.
     */
    public void setBrokerEpoch(long epoch) {
        isrChanges.setBrokerEpoch(epoch);
        registeredAt = epoch;
        onMetadataUpdate(null, metadata.image());
    }

    public Optional<Partition> partition(TopicPartition tp) {
        return Optional.ofNullable(partitions.get(tp));
    }

    public Purgatory<TopicPartition> producePurgatory() {
        return producePurgatory;
    }

    public Purgatory<TopicPartition> fetchPurgatory() {
        return fetchPurgatory;
    }

    public BrokerDefaults defaults() {
        return defaults;
    }

    /** This broker's replication throttles (leader and follower quotas). */
    public ReplicationThrottles throttles() {
        return throttles;
    }

    public MetadataImage image() {
        return metadata.image();
    }

    @Override
    public void onMetadataUpdate(MetadataDelta delta, MetadataImage image) {
        if (image.index() < registeredAt) {
            return;
        }
        if (latest.getAndSet(image) == null) {
            try {
                stateThread.execute(this::applyLatest);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // stopping: local replicas no longer follow the metadata
            }
        }
    }

    private void applyLatest() {
        MetadataImage image = latest.getAndSet(null);
        if (image == null) {
            return;
        }
        try {
            apply(image);
        } catch (Exception e) {
            log.error("Applying metadata at index {} to local replicas failed", image.index(), e);
        }
    }

    private void apply(MetadataImage image) throws IOException {
        Set<TopicPartition> assigned = new HashSet<>();
        for (TopicImage topic : image.topics().byName().values()) {
            Map<String, String> topicConfig = image.configs().topicConfig(topic.name());
            for (Map.Entry<Integer, PartitionRegistration> e : topic.partitions().entrySet()) {
                PartitionRegistration reg = e.getValue();
                if (!reg.replicas().contains(brokerId)) {
                    continue;
                }
                TopicPartition tp = new TopicPartition(topic.name(), e.getKey());
                assigned.add(tp);
                Partition partition = ensurePartition(tp, topic.id(), topicConfig);
                List<Integer> isrBefore = partition.isr();
                Partition.Transition t = partition.applyRegistration(reg);
                if (t == Partition.Transition.ISR_CHANGED) {
                    countIsrChange(isrBefore, reg.isr());
                }
                transition(partition, t, reg);
            }
        }
        for (TopicPartition tp : new HashSet<>(partitions.keySet())) {
            if (!assigned.contains(tp)) {
                remove(tp);
            }
        }
        // Logs on disk that no topic assigns here (deleted while this node was down): gone too.
        for (PartitionLog stray : logs.allLogs()) {
            if (!assigned.contains(stray.topicPartition())) {
                logs.deleteLog(stray.topicPartition());
                log.info("{}: deleted a local log no topic assigns to this broker", stray.topicPartition());
            }
        }
    }

    /** One ISR change of a led partition may both drop and add members; each direction counts once. */
    private void countIsrChange(List<Integer> before, List<Integer> after) {
        if (!after.containsAll(before)) {
            isrShrinks.increment();
        }
        if (!before.containsAll(after)) {
            isrExpands.increment();
        }
    }

    /** ISR shrinks applied to partitions this broker led at the time, since it started. */
    public long isrShrinks() {
        return isrShrinks.sum();
    }

    /** ISR expansions applied to partitions this broker led at the time, since it started. */
    public long isrExpands() {
        return isrExpands.sum();
    }

    private Partition ensurePartition(TopicPartition tp, String topicId, Map<String, String> topicConfig)
            throws IOException {
        String knownId = topicIds.get(tp);
        if (knownId != null && !knownId.equals(topicId)) {
            remove(tp); // the topic was deleted and created again under the same name
        }
        Partition existing = partitions.get(tp);
        if (existing != null) {
            if (!existing.log().config().equals(defaults.logConfig(topicConfig))) {
                existing.log().updateConfig(defaults.logConfig(topicConfig));
            }
            return existing;
        }
        Optional<PartitionLog> onDisk = logs.getLog(tp);
        if (onDisk.isPresent() && !PartitionMetadataFile.matches(onDisk.get().dir(), topicId)) {
            // A log of an earlier topic of the same name: its offsets and epochs mean nothing now.
            log.info("{}: the local log belongs to an earlier topic of this name; deleting it", tp);
            logs.deleteLog(tp);
        }
        PartitionLog partitionLog = logs.getOrCreateLog(tp, defaults.logConfig(topicConfig));
        PartitionMetadataFile.write(partitionLog.dir(), topicId);
        Partition partition = new Partition(tp, brokerId, partitionLog, clock, this);
        partitions.put(tp, partition);
        topicIds.put(tp, topicId);
        return partition;
    }

    private void transition(Partition partition, Partition.Transition t, PartitionRegistration reg) {
        TopicPartition tp = partition.topicPartition();
        switch (t) {
            case BECAME_LEADER -> {
                fetchers.removePartition(tp);
                log.info("{}: now the leader (epoch {}, ISR {})", tp, reg.leaderEpoch(), reg.isr());
                wake(tp);
            }
            case BECAME_FOLLOWER, FOLLOWER_OF_NEW_EPOCH -> {
                if (t == Partition.Transition.BECAME_FOLLOWER) {
                    log.info("{}: now a follower of {} (epoch {})", tp, reg.leader(), reg.leaderEpoch());
                }
                // Waiting produces can no longer complete here: answer them (NOT_LEADER_OR_FOLLOWER).
                producePurgatory.completeAll(tp);
                fetchPurgatory.completeAll(tp);
                fetchers.removePartition(tp);
                if (reg.hasLeader()) {
                    fetchers.addPartition(tp, reg.leader(), reg.leaderEpoch());
                }
            }
            case ISR_CHANGED -> wake(tp);
            case NONE -> { }
        }
    }

    private void remove(TopicPartition tp) throws IOException {
        Partition p = partitions.remove(tp);
        topicIds.remove(tp);
        fetchers.removePartition(tp);
        producePurgatory.completeAll(tp);
        fetchPurgatory.completeAll(tp);
        if (p != null) {
            logs.deleteLog(tp);
            log.info("{}: deleted the local replica", tp);
        }
    }

    private void shrinkIsrs() {
        for (Partition p : partitions.values()) {
            p.maybeShrinkIsr(config.replicaLagTimeMaxMs());
        }
    }

    private Optional<InetSocketAddress> leaderAddress(int leaderId) {
        BrokerRegistration b = metadata.image().cluster().broker(leaderId);
        return b == null ? Optional.empty() : Optional.of(new InetSocketAddress(b.host(), b.port()));
    }

    @Override
    public void onDurable(TopicPartition tp, long durableEndOffset) {
        Partition p = partitions.get(tp);
        if (p != null) {
            p.onLocalDurable();
            fetchers.onDurable(tp, durableEndOffset);
        }
        producePurgatory.checkAndComplete(tp);
    }

    @Override
    public void onHighWatermarkChanged(TopicPartition tp) {
        wake(tp);
    }

    @Override
    public void onIsrChangeWanted(TopicPartition tp, int leader, List<Integer> isr, int partitionEpoch) {
        log.info("{}: asking to change the ISR to {}", tp, isr);
        isrChanges.request(tp, leader, isr, partitionEpoch);
    }

    /** New data or a higher watermark: waiting produces and fetches may complete. */
    public void wake(TopicPartition tp) {
        producePurgatory.checkAndComplete(tp);
        fetchPurgatory.checkAndComplete(tp);
    }

    /**
     * Stops (or resumes) fetching from leaders: an operator's brake while a disk is replaced, and how
     * tests hold a follower back at a chosen offset.
     */
    public void pauseFollowerFetching(boolean paused) {
        fetchers.setPaused(paused);
    }

    /** The partitions this broker fetches from each leader, for reporting and tests. */
    Map<Integer, List<TopicPartition>> followedByLeader() {
        return fetchers.partitionsByLeader();
    }

    /** Partitions this broker leads, for controlled shutdown reporting and tests. */
    public Map<TopicPartition, Partition> partitions() {
        return new HashMap<>(partitions);
    }

    @Override
    public void close() {
        stateThread.shutdownNow();
        fetchers.close();
        producePurgatory.close();
        fetchPurgatory.close();
    }
}
