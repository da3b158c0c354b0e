package io.sluice.server;

import io.netty.channel.EventLoopGroup;
import io.sluice.config.BrokerDefaults;
import io.sluice.group.GroupApis;
import io.sluice.metadata.MetadataNode;
import io.sluice.network.NodeClient;
import io.sluice.network.RequestMetrics;
import io.sluice.replication.FetchService;
import io.sluice.replication.ListOffsetsService;
import io.sluice.replication.ProduceService;
import io.sluice.replication.ReplicaManager;
import io.sluice.security.Authorizer;

/**
 * What a node offers the codecs of its protocols: the services that hold the rules (produce, fetch,
 * offsets, admin, groups, producer ids, the metadata quorum and its image, the authorizer), the node's identity, and
 * where codecs report their requests' latencies. A codec
 * translates requests into calls on these and never holds rules itself. Immutable.
 */
public record BrokerServices(
        NodeConfig config,
        MetadataNode metadata,
        ReplicaManager replicas,
        ProduceService produce,
        FetchService fetch,
        ListOffsetsService listOffsets,
        ProducerIdBlocks producerIds,
        AdminService admin,
        GroupApis groups,
        NodeClient nodeClient,
        EventLoopGroup workers,
        RequestMetrics requestMetrics,
        Authorizer authorizer) {

    public int nodeId() {
        return config.nodeId();
    }

    public BrokerDefaults defaults() {
        return config.defaults();
    }
}
