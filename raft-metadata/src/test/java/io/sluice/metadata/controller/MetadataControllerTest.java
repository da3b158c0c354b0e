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
    void forgetsARequestIdOnceABoundedNumberOfLaterOnesWereApplied() {
        ControllerHarness h = ControllerHarness.withBrokers(1);
        MetadataCommand first = createTopic("t", 1, 1).toBuilder().setRequestId("first").build();
        h.ok(first);
        assertTrue(h.ok(first).result().getDuplicate(), "remembered while recent");

        // The bound itself, at the real sizes, is RequestsImageTest's; here only that the controller
        // executes a request whose id was forgotten instead of answering it from memory. The later ids
        // arrive in one entry: one apply per id would copy the current generation for each of them
        // (17,408 copies of up to 1,023 entries, seconds on a loaded machine).
        h.rememberRequests("later-", RequestsImage.GENERATION_SIZE * RequestsImage.MAX_GENERATIONS);

        assertNull(h.image.requests().outcome("first"));
        ControllerResult again = h.run(first);
        assertFalse(again.result().getDuplicate());
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS, again.result().getError(), "executed again");
        assertNotNull(h.image.requests().outcome("first"), "and remembered again");
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
