package io.sluice.group;

import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.metadata.BrokerFencingRecord;
import io.sluice.protocol.metadata.MetadataRecord;

/** Metadata images for coordinator tests, built the way the quorum builds them: records replayed at an index. */
final class TestImages {
    private TestImages() {
    }

    static MetadataImage apply(MetadataImage image, long index, MetadataRecord... records) {
        MetadataDelta delta = new MetadataDelta(image);
        for (MetadataRecord r : records) {
            delta.replay(r);
        }
        return delta.apply(index, 1);
    }

    static MetadataRecord fencing(int broker, boolean fenced) {
        return MetadataRecord.newBuilder().setBrokerFencing(BrokerFencingRecord.newBuilder().setBrokerId(broker)
                .setBrokerEpoch(1).setFenced(fenced)).build();
    }
}
