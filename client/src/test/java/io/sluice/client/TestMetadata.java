package io.sluice.client;

import io.sluice.protocol.rpc.BrokerDescription;
import io.sluice.protocol.rpc.Endpoint;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.rpc.PartitionMetadata;
import io.sluice.protocol.rpc.TopicMetadata;

/** Builds metadata responses for tests: brokers 1..n on ports 9092.., topics with leaders chosen by the test. */
public final class TestMetadata {
    private final MetadataResponse.Builder builder = MetadataResponse.newBuilder().setClusterId("test-cluster").setControllerId(1);
    private int leaderEpoch = 1;
    private String topicId;

    /** The leader epoch of the partitions of the topics added next (1 unless set). */
    public TestMetadata leaderEpoch(int epoch) {
        this.leaderEpoch = epoch;
        return this;
    }

    /** The id of the topic added next ("id-" and its name unless set): another id is a recreated topic. */
    public TestMetadata topicId(String id) {
        this.topicId = id;
        return this;
    }

    public TestMetadata brokers(int count) {
        for (int id = 1; id <= count; id++) {
            builder.addBrokers(BrokerDescription.newBuilder().setBrokerId(id)
                    .setEndpoint(Endpoint.newBuilder().setHost("localhost").setPort(9091 + id)));
        }
        return this;
    }

    /** A topic whose partition p is led by {@code leaders[p]}, replicated on that leader only. */
    public TestMetadata topic(String name, int... leaders) {
        TopicMetadata.Builder t = TopicMetadata.newBuilder().setName(name).setTopicId(topicId != null ? topicId : "id-" + name);
        topicId = null;
        for (int p = 0; p < leaders.length; p++) {
            t.addPartitions(PartitionMetadata.newBuilder().setPartition(p).setLeaderId(leaders[p]).setLeaderEpoch(leaderEpoch)
                    .addReplicas(Math.max(leaders[p], 1)).addIsr(Math.max(leaders[p], 1)));
        }
        builder.addTopics(t);
        return this;
    }

    public MetadataResponse response() {
        return builder.build();
    }

    public Cluster cluster() {
        return Cluster.from(builder.build());
    }
}
