package io.sluice.server;

import io.sluice.metadata.MetadataNode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.metadata.AllocateProducerIdsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Hands out producer ids from blocks this broker reserves through the metadata quorum, so only one
 * producer in {@value #BLOCK_SIZE} costs a Raft entry. Ids are unique across the cluster and never
 * reused, also across restarts (an unused rest of a block is simply skipped). Thread-safe.
 */
public final class ProducerIdBlocks {
    static final int BLOCK_SIZE = 1000;
    private final MetadataNode metadata;
    private final int brokerId;
    private long next;
    private long end;
    private CompletableFuture<Void> refill;

    ProducerIdBlocks(MetadataNode metadata, int brokerId) {
        this.metadata = metadata;
        this.brokerId = brokerId;
    }

    public synchronized CompletableFuture<Long> next() {
        if (next < end) {
            return CompletableFuture.completedFuture(next++);
        }
        if (refill == null) {
            refill = allocate();
        }
        return refill.thenCompose(v -> next());
    }

    private CompletableFuture<Void> allocate() {
        MetadataCommand command = MetadataCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTimestampMs(System.currentTimeMillis())
                .setAllocateProducerIds(AllocateProducerIdsCommand.newBuilder().setBrokerId(brokerId).setBlockSize(BLOCK_SIZE))
                .build();
        return metadata.submit(command).handle((r, error) -> {
            synchronized (this) {
                refill = null;
                if (error != null) {
                    throw new java.util.concurrent.CompletionException(error);
                }
                if (!r.isSuccess()) {
                    throw new SluiceException(r.error(), r.message());
                }
                next = r.producerIdStart();
                end = next + r.producerIdCount();
                return null;
            }
        });
    }
}
