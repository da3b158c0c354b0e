package io.sluice.metadata;

import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's subscribers. Publishing (apply thread) and subscribing (any thread) share one lock, so a
 * new subscriber first gets the last published image and then every later one, none twice or missed.
 */
final class Publishers {

    private static final Logger LOG = LoggerFactory.getLogger(Publishers.class);

    private final List<MetadataPublisher> publishers = new ArrayList<>();
    private MetadataImage lastPublished = MetadataImage.EMPTY;

    synchronized void publish(MetadataDelta delta, MetadataImage image) {
        lastPublished = image;
        publishers.forEach(p -> deliver(p, delta, image));
    }

    synchronized void subscribe(MetadataPublisher publisher) {
        publishers.add(publisher);
        MetadataDelta full = new MetadataDelta(MetadataImage.EMPTY);
        lastPublished.toRecords().forEach(full::replay);
        deliver(publisher, full, lastPublished);
    }

    synchronized void unsubscribeAll() {
        publishers.clear();
    }

    private static void deliver(MetadataPublisher publisher, MetadataDelta delta, MetadataImage image) {
        try {
            publisher.onMetadataUpdate(delta, image);
        } catch (RuntimeException e) {
            LOG.error("Metadata publisher {} failed at index {}; it keeps receiving later images",
                    publisher, image.index(), e);
        }
    }
}
