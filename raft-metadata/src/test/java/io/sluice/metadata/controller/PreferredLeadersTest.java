package io.sluice.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.metadata.AlterPartitionsCommand;
import io.sluice.protocol.metadata.ElectPreferredLeadersCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.PartitionChangeRequest;
import io.sluice.protocol.metadata.TopicPartitionRef;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PreferredLeadersTest {
    @Test
    void findsPartitionsWhosePreferredReplicaIsBackInSyncAndElectionFixesThem() {
        ControllerHarness h = ControllerHarness.withBrokers(1, 2, 3);
        h.ok(ControllerHarness.createTopic("t", 3, 3));
        assertTrue(PreferredLeaders.imbalanced(h.image).isEmpty(), "a fresh assignment is balanced");

        int moved = -1;
        for (int p = 0; p < 3; p++) {
            if (h.partition("t", p).leader() == 1) {
                moved = p;
            }
        }
        h.ok(h.fence(1));
        PartitionRegistration away = h.partition("t", moved);
        assertNotEquals(1, away.leader());
        assertTrue(PreferredLeaders.imbalanced(h.image).isEmpty(), "a fenced preferred replica is not eligible");

        // Broker 1 comes back and its leader adds it to the ISR again.
        h.ok(ControllerHarness.register(1, 2));
        h.ok(ControllerHarness.unfence(1, h.epoch(1)));
        PartitionRegistration current = h.partition("t", moved);
        List<Integer> isr = new ArrayList<>(current.isr());
        isr.add(1);
        h.ok(MetadataCommand.newBuilder().setAlterPartitions(AlterPartitionsCommand.newBuilder()
                .setRequester(ControllerHarness.ref(current.leader(), h.epoch(current.leader())))
                .addChanges(PartitionChangeRequest.newBuilder().setTopic("t").setPartition(moved)
                        .setLeader(current.leader()).addAllIsr(isr).setPartitionEpoch(current.partitionEpoch())))
                .build());

        List<TopicPartitionRef> imbalanced = PreferredLeaders.imbalanced(h.image);
        assertEquals(List.of(TopicPartitionRef.newBuilder().setTopic("t").setPartition(moved).build()), imbalanced);

        h.ok(MetadataCommand.newBuilder().setElectPreferredLeaders(ElectPreferredLeadersCommand.newBuilder()
                .addAllPartitions(imbalanced)).build());
        assertEquals(1, h.partition("t", moved).leader());
        assertTrue(PreferredLeaders.imbalanced(h.image).isEmpty());
    }
}
