package io.sluice.metadata.controller;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(10)
class ReplicaAssignorTest {

    @Test
    void sixPartitionsWithThreeReplicasOverThreeBrokersAreBalanced() {
        List<List<Integer>> assignment = ReplicaAssignor.assign(List.of(1, 2, 3), 0, 6, 3, 0);
        Map<Integer, Integer> replicas = new HashMap<>();
        Map<Integer, Integer> leaders = new HashMap<>();
        for (List<Integer> partition : assignment) {
            partition.forEach(b -> replicas.merge(b, 1, Integer::sum));
            leaders.merge(partition.get(0), 1, Integer::sum);
        }
        assertEquals(Map.of(1, 6, 2, 6, 3, 6), replicas);
        assertEquals(Map.of(1, 2, 2, 2, 3, 2), leaders);
    }

    @ParameterizedTest
    @CsvSource({"12,2,4,0", "10,3,5,3", "7,1,3,2", "30,3,6,4"})
    void spreadsReplicasAndLeadersEvenly(int partitions, int rf, int brokers, int start) {
        List<Integer> ids = IntStream.rangeClosed(1, brokers).map(i -> i * 10).boxed().toList();
        List<List<Integer>> assignment = ReplicaAssignor.assign(ids, 0, partitions, rf, start);
        Map<Integer, Integer> replicas = new HashMap<>();
        Map<Integer, Integer> leaders = new HashMap<>();
        for (List<Integer> partition : assignment) {
            assertEquals(rf, new HashSet<>(partition).size(), "no broker twice in " + partition);
            partition.forEach(b -> replicas.merge(b, 1, Integer::sum));
            leaders.merge(partition.get(0), 1, Integer::sum);
        }
        assertSpread(replicas.values(), partitions * rf, brokers);
        assertSpread(leaders.values(), partitions, brokers);
    }

    @Test
    void isDeterministicAndContinuesAPatternWhenGrowing() {
        List<List<Integer>> all = ReplicaAssignor.assign(List.of(1, 2, 3, 4), 0, 8, 2, 1);
        assertEquals(all, ReplicaAssignor.assign(List.of(1, 2, 3, 4), 0, 8, 2, 1));
        assertEquals(all.subList(5, 8), ReplicaAssignor.assign(List.of(1, 2, 3, 4), 5, 3, 2, 1));
    }

    @Test
    void refusesMoreReplicasThanBrokers() {
        assertThrows(IllegalArgumentException.class, () -> ReplicaAssignor.assign(List.of(1, 2), 0, 1, 3, 0));
    }

    private static void assertSpread(java.util.Collection<Integer> counts, int total, int brokers) {
        int min = total / brokers;
        assertTrue(counts.stream().allMatch(c -> c == min || c == min + 1), counts + " not within [" + min + "," + (min + 1) + "]");
    }
}
