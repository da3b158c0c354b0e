package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.controller.PreferredLeaders;
import io.sluice.protocol.metadata.ElectPreferredLeadersCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.TopicPartitionRef;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the active controller only: every {@code leader.imbalance.check.interval.ms}, moves leadership of
 * partitions back to their preferred replica when that replica is in sync again (Kafka's
 * auto.leader.rebalance), in one metadata command. One daemon thread; one election in flight.
 */
final class PreferredLeaderBalancer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PreferredLeaderBalancer.class);
    private final MetadataNode metadata;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-preferred-leaders");
        t.setDaemon(true);
        return t;
    });

    PreferredLeaderBalancer(MetadataNode metadata, long intervalMs) {
        this.metadata = metadata;
        scheduler.scheduleWithFixedDelay(this::check, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (!metadata.isLeader() || !inFlight.compareAndSet(false, true)) {
            return;
        }
        List<TopicPartitionRef> partitions = PreferredLeaders.imbalanced(metadata.image());
        if (partitions.isEmpty()) {
            inFlight.set(false);
            return;
        }
        log.info("Moving leadership of {} partitions back to their preferred replicas", partitions.size());
        MetadataCommand command = MetadataCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTimestampMs(System.currentTimeMillis())
                .setElectPreferredLeaders(ElectPreferredLeadersCommand.newBuilder().addAllPartitions(partitions))
                .build();
        metadata.submit(command).whenComplete((r, e) -> {
            inFlight.set(false);
            if (e != null) {
                log.warn("Preferred leader election failed: {}", e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
