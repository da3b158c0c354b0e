package io.sluice.replication;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.MetadataNode;
import io.sluice.metadata.MetadataPublisher;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.metadata.MetadataCommand;
import java.util.concurrent.CompletableFuture;

/**
 * The part of the metadata quorum the replicas use: the current image, its changes, and the ISR
 * changes they submit. Narrow so that the produce and fetch rules are unit-tested with a fake
 * instead of a Raft quorum. Implementations are thread-safe.
 */
public interface ReplicaMetadata {
    MetadataImage image();

    /** Delivers the current image now and every later one, in order (see {@link MetadataPublisher}). */
    void subscribe(MetadataPublisher publisher);

    CompletableFuture<CommandResult> submit(MetadataCommand command);

    /** A running node of the quorum. */
    static ReplicaMetadata of(MetadataNode node) {
        return new ReplicaMetadata() {
            @Override
            public MetadataImage image() {
                return node.image();
            }

            @Override
            public void subscribe(MetadataPublisher publisher) {
                node.subscribe(publisher);
            }

            @Override
            public CompletableFuture<CommandResult> submit(MetadataCommand command) {
                return node.submit(command);
            }
        };
    }
}
