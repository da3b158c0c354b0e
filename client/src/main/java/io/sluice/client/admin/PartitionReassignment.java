package io.sluice.client.admin;

import java.util.List;

/**
 * A reassignment in progress (Kafka's {@code PartitionReassignment}): the partition's replicas while
 * it runs (the original and the target together), those being added and those being removed.
 */
public record PartitionReassignment(List<Integer> replicas, List<Integer> addingReplicas,
                                    List<Integer> removingReplicas) {
    public PartitionReassignment {
        replicas = List.copyOf(replicas);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }
}
