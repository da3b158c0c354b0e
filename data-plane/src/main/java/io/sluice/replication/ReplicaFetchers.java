package io.sluice.replication;

import io.sluice.protocol.TopicPartition;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * One {@link ReplicaFetcher} per leader this broker follows partitions of; created when the first
 * partition is added and dropped with the last. Thread-safe (a monitor around the map).
 */
final class ReplicaFetchers implements AutoCloseable {
    private final int brokerId;
    private final ReplicaClient client;
    private final ReplicationConfig config;
    private final Function<TopicPartition, Optional<Partition>> partitions;
    private final IntFunction<Optional<InetSocketAddress>> leaderAddress;
    private final Map<Integer, ReplicaFetcher> byLeader = new HashMap<>();
    private volatile boolean paused;
    private final ReplicationThrottles throttles;
    private final ScheduledExecutorService scheduler;

    /**
     * {@code scheduler} runs every fetch (at once or after the back-off) and is shut down by
     * {@link #close}; {@link #newScheduler} makes the production one, tests pass one that records the
     * delays asked for.
     */
    ReplicaFetchers(int brokerId, ReplicaClient client, ReplicationConfig config,
                    Function<TopicPartition, Optional<Partition>> partitions,
                    IntFunction<Optional<InetSocketAddress>> leaderAddress, ReplicationThrottles throttles,
                    ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
        this.throttles = throttles;
        this.brokerId = brokerId;
        this.client = client;
        this.config = config;
        this.partitions = partitions;
        this.leaderAddress = leaderAddress;
    }

    /** The fetchers' thread: a daemon, so that a broker's fetchers never keep its JVM alive. */
    static ScheduledExecutorService newScheduler() {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sluice-replica-fetcher");
            t.setDaemon(true);
            return t;
        });
    }

    synchronized void addPartition(TopicPartition tp, int leaderId, int leaderEpoch) {
        byLeader.computeIfAbsent(leaderId, id -> new ReplicaFetcher(brokerId, id, client, config, partitions,
                leaderAddress, scheduler, () -> paused, throttles)).add(tp, leaderEpoch);
    }

    synchronized void removePartition(TopicPartition tp) {
        byLeader.values().removeIf(f -> {
            f.remove(tp);
            if (f.isEmpty()) {
                f.close();
                return true;
            }
            return false;
        });
    }

    /** The partitions each leader's fetcher follows now (a leader without any has no fetcher). */
    synchronized Map<Integer, List<TopicPartition>> partitionsByLeader() {
        Map<Integer, List<TopicPartition>> result = new HashMap<>();
        byLeader.forEach((leader, f) -> result.put(leader, f.partitionsFollowed()));
        return result;
    }

    /** Holds every follower fetch back (they retry after the back-off) until unpaused. */
    void setPaused(boolean paused) {
        this.paused = paused;
    }

    void onDurable(TopicPartition tp, long durableEndOffset) {
        ReplicaFetcher[] fetchers;
        synchronized (this) {
            fetchers = byLeader.values().toArray(new ReplicaFetcher[0]);
        }
        for (ReplicaFetcher f : fetchers) {
            f.onDurable(tp, durableEndOffset);
        }
    }

    @Override
    public synchronized void close() {
        byLeader.values().forEach(ReplicaFetcher::close);
        byLeader.clear();
        scheduler.shutdownNow();
    }
}
