package io.sluice.metadata;

import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;

/**
 * Receives every new metadata image, in log order, on the node's apply thread: implementations must
 * return quickly and hand slow work to their own threads (a slow publisher delays every later apply).
 *
 * <p>When the image is replaced wholesale (on subscribe, and when a snapshot is loaded or installed
 * from the leader) the delta's {@link MetadataDelta#base() base} is the empty image: treat everything
 * as new and drop state for anything not in {@code image}.
 */
@FunctionalInterface
public interface MetadataPublisher {

    void onMetadataUpdate(MetadataDelta delta, MetadataImage image);
}
