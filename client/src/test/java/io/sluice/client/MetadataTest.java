package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.sluice.client.producer.ProducerConfig;
import io.sluice.protocol.MockTime;
import io.sluice.protocol.TopicPartition;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class MetadataTest {
    private final MockTime time = new MockTime();
    private final FakeNetwork network = new FakeNetwork();
    private final TopicPartition p0 = new TopicPartition("t", 0);
    private final TopicPartition p1 = new TopicPartition("t", 1);
    private final Metadata metadata = new Metadata(new ProducerConfig(Map.of("retry.backoff.ms", 100,
            "metadata.max.age.ms", 300_000)), network, time);

    private void refreshWith(TestMetadata answer) {
        network.answerMetadataWith(answer.response());
        metadata.requestUpdate();
        time.sleep(100);
        metadata.maybeUpdate();
    }

    @Test
    void aBrokerThatLagsTheQuorumDoesNotTakeTheClientBackToAnOlderLeader() {
        metadata.addTopics(List.of("t"));
        refreshWith(new TestMetadata().brokers(3).leaderEpoch(2).topic("t", 2, 2));
        int version = metadata.version();

        // Broker 3, just back from a partition, still thinks it leads partition 0 in epoch 1.
        refreshWith(new TestMetadata().brokers(3).leaderEpoch(1).topic("t", 3, 3));

        assertEquals(version + 1, metadata.version(), "the answer is installed");
        assertEquals(2, metadata.cluster().partition(p0).leader());
        assertEquals(2, metadata.cluster().partition(p0).leaderEpoch());
        assertEquals(2, metadata.cluster().partition(p1).leader());
        assertEquals(100, metadata.timeToNextUpdate(time.monotonicMs()),
                "a stale answer asks for another refresh after the backoff, not after metadata.max.age.ms");

        refreshWith(new TestMetadata().brokers(3).leaderEpoch(3).topic("t", 3, 1));
        assertEquals(3, metadata.cluster().partition(p0).leader(), "a newer epoch is taken");
        assertEquals(1, metadata.cluster().partition(p1).leader());
        assertEquals(300_000, metadata.timeToNextUpdate(time.monotonicMs()));
    }

    @Test
    void aRecreatedTopicStartsItsEpochsAfresh() {
        Cluster before = new TestMetadata().brokers(2).leaderEpoch(5).topic("t", 1).cluster();
        Cluster recreated = new TestMetadata().brokers(2).leaderEpoch(0).topicId("id-t-2").topic("t", 2).cluster();
        Cluster stale = new TestMetadata().brokers(2).leaderEpoch(4).topic("t", 2).cluster();

        assertSame(recreated, recreated.keepingNewerLeadersOf(before));
        Cluster kept = stale.keepingNewerLeadersOf(before);
        assertEquals(1, kept.partition(p0).leader());
        assertEquals(5, kept.partition(p0).leaderEpoch());
    }
}
