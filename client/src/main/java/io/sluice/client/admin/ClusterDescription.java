package io.sluice.client.admin;

import io.sluice.client.Node;
import java.util.List;

/**
 * The cluster as DescribeCluster reports it.
 *
 * @param clusterId the cluster's id
 * @param controllerId the active controller, -1 if none
 * @param brokers every registered broker
 * @param fencedBrokerIds brokers registered but fenced (not serving)
 */
public record ClusterDescription(String clusterId, int controllerId, List<Node> brokers, List<Integer> fencedBrokerIds) {
    public ClusterDescription {
        brokers = List.copyOf(brokers);
        fencedBrokerIds = List.copyOf(fencedBrokerIds);
    }
}
