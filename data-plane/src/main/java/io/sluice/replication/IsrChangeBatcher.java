package io.sluice.replication;

import io.sluice.metadata.CommandResult;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterPartitionsCommand;
import io.sluice.protocol.metadata.BrokerRef;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.metadata.PartitionOutcome;
import io.sluice.protocol.TopicPartition;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coalesces the ISR changes this leader wants into one AlterPartitions command: while one is in
 * flight, later wishes wait and go together in the next (the latest wish per partition wins). A
 * Raft entry costs milliseconds here, so this is what keeps a broker failure affecting hundreds of
 * partitions to a couple of entries.
 *
 * <p>A refused change is reported ({@code onRefused}) so its leader may ask again. A change whose
 * outcome is unknown (the submission failed: the entry may still commit) is sent again after a
 * back-off, as Kafka's AlterPartition manager retries: its leader must go on counting the replica it
 * asked to add until the quorum answers, or its high watermark could pass a member the quorum then
 * adds. Sending it again is harmless: once applied, the quorum refuses the repeat, whose partition
 * epoch is now stale. Thread-safe.
 */
final class IsrChangeBatcher {
    private static final Logger log = LoggerFactory.getLogger(IsrChangeBatcher.class);
    private final int brokerId;
    private final Function<MetadataCommand, CompletableFuture<CommandResult>> submit;
    private final Consumer<PartitionChangeRequest> onRefused;
    private final Consumer<Runnable> later;
    private final Map<TopicPartition, PartitionChangeRequest> pending = new LinkedHashMap<>();
    private boolean inFlight;
    private long brokerEpoch = -1;

    IsrChangeBatcher(int brokerId, Function<MetadataCommand, CompletableFuture<CommandResult>> submit,
                     Consumer<PartitionChangeRequest> onRefused, Consumer<Runnable> later) {
        this.brokerId = brokerId;
        this.submit = submit;
        this.onRefused = onRefused;
        this.later = later;
    }

    synchronized void setBrokerEpoch(long epoch) {
        this.brokerEpoch = epoch;
    }

    synchronized void request(TopicPartition tp, int leader, java.util.List<Integer> isr, int partitionEpoch) {
        pending.put(tp, PartitionChangeRequest.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
                .setLeader(leader).addAllIsr(isr).setPartitionEpoch(partitionEpoch).build());
        if (!inFlight) {
            sendPending();
        }
    }

    private void sendPending() {
        if (pending.isEmpty()) {
            inFlight = false;
            return;
        }
        inFlight = true;
        Map<TopicPartition, PartitionChangeRequest> batch = new LinkedHashMap<>(pending);
        pending.clear();
        MetadataCommand command = MetadataCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTimestampMs(System.currentTimeMillis())
                .setAlterPartitions(AlterPartitionsCommand.newBuilder()
                        .setRequester(BrokerRef.newBuilder().setBrokerId(brokerId).setBrokerEpoch(brokerEpoch))
                        .addAllChanges(batch.values()))
                .build();
        submit.apply(command).whenComplete((result, error) -> {
            if (error != null) {
                log.warn("ISR change of {} partitions failed ({}); sending it again", batch.size(), error.getMessage());
                synchronized (this) {
                    batch.forEach(pending::putIfAbsent);
                }
                later.accept(() -> {
                    synchronized (this) {
                        sendPending();
                    }
                });
                return;
            }
            Map<TopicPartition, PartitionOutcome> outcomes = new LinkedHashMap<>();
            for (PartitionOutcome o : result.partitions()) {
                outcomes.put(new TopicPartition(o.getTopic(), o.getPartition()), o);
            }
            batch.forEach((tp, change) -> {
                PartitionOutcome o = outcomes.get(tp);
                if (!result.isSuccess() || o != null && o.getError() != ErrorCode.NONE) {
                    log.info("ISR change of {} to {} refused: {}", tp, change.getIsrList(),
                            o != null ? o.getErrorMessage() : result.message() + " (" + result.error() + ")");
                    onRefused.accept(change);
                }
            });
            synchronized (this) {
                sendPending();
            }
        });
    }
}
