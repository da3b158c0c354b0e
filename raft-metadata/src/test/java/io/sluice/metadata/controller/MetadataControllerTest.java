package io.sluice.metadata.controller;

import io.sluice.metadata.image.RequestsImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.InitializeClusterCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static io.sluice.metadata.controller.ControllerHarness.createTopic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class MetadataControllerTest {

    @Test
    void repeatedRequestIdGetsTheFirstOutcomeAndChangesNothing() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        MetadataCommand create = createTopic("t", 1, 1).toBuilder().setRequestId("req-1").build();
        ControllerResult first = h.ok(create);
        var image = h.image;

        ControllerResult retry = h.ok(create);

        assertTrue(retry.result().getDuplicate());
        assertFalse(first.result().getDuplicate());
        assertEquals(first.result().getTopicId(), retry.result().getTopicId());
        assertEquals(List.of(), retry.records());
        assertEquals(image.topics(), h.image.topics());
    }

    @Test
    void refusedCommandIsAlsoRememberedSoItsRetryIsNotAppliedLater() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        MetadataCommand tooBig = createTopic("t", 1, 2).toBuilder().setRequestId("req-2").build();
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, h.run(tooBig).result().getError());
        h.ok(ControllerHarness.register(2, 1));
        h.ok(ControllerHarness.unfence(2, h.epoch(2)));
        // Now the command would succeed, but it is the same request: the answer stays the first one.
        ControllerResult retry = h.run(tooBig);
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR, retry.result().getError());
        assertNull(h.image.topics().topic("t"));
    }

    @Test
    void commandsWithoutRequestIdAreNotRemembered() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        int before = h.image.requests().size();
        h.ok(createTopic("t", 1, 1));
        assertEquals(before, h.image.requests().size());
    }

    @Test
    void remembersABoundedNumberOfRequestIds() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        int total = RequestsImage.GENERATION_SIZE * (RequestsImage.MAX_GENERATIONS + 1);
        for (int i = 0; i < total; i++) {
            h.run(createTopic("t", 0, 1).toBuilder().setRequestId("r" + i).build());
        }
        int size = h.image.requests().size();
        assertTrue(size >= RequestsImage.GENERATION_SIZE * (RequestsImage.MAX_GENERATIONS - 1), "size " + size);
        assertTrue(size < RequestsImage.GENERATION_SIZE * RequestsImage.MAX_GENERATIONS, "size " + size);
        assertNull(h.image.requests().outcome("r0"));
        assertNotNull(h.image.requests().outcome("r" + (total - 1)));
    }

    @Test
    void clusterIdIsSetOnceAndAnotherOneIsRefused() {
        ControllerHarness h = ControllerHarness.withBrokers();
        assertEquals(ControllerHarness.CLUSTER, h.image.clusterId());
        assertEquals(List.of(), h.ok(init(ControllerHarness.CLUSTER)).records());
        ControllerResult other = h.run(init("other"));
        assertEquals(ErrorCode.INCONSISTENT_CLUSTER_ID, other.result().getError());
        assertEquals(ControllerHarness.CLUSTER, h.image.clusterId());
    }

    @Test
    void emptyCommandIsRefusedNotThrown() {
        ControllerHarness h = new ControllerHarness();
        assertEquals(ErrorCode.INVALID_REQUEST, h.run(MetadataCommand.getDefaultInstance()).result().getError());
    }

    @Test
    void sameLogGivesTheSameImage() {
        ControllerHarness a = ControllerHarness.withBrokers(1, 2, 3);
        ControllerHarness b = ControllerHarness.withBrokers(1, 2, 3);
        for (ControllerHarness h : List.of(a, b)) {
            h.ok(createTopic("x", 5, 2));
            h.ok(h.fence(2));
            h.ok(createTopic("y", 4, 2));
        }
        assertEquals(a.image, b.image);
    }

    private static MetadataCommand init(String clusterId) {
        return MetadataCommand.newBuilder().setInitializeCluster(InitializeClusterCommand.newBuilder().setClusterId(clusterId)).build();
    }
}
