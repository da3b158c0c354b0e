package io.sluice.jepsen.nemesis;

import io.sluice.client.PartitionInfo;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.TopicDescription;
import io.sluice.jepsen.harness.Cluster;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * What the {@code reassign} nemesis acts on: a topic's partitions and their reassignments, through the
 * admin API (Sluice's native AlterPartitionReassignments and ListPartitionReassignments). An interface
 * so the nemesis is tested with a fake. Implementations are thread-safe; calls throw
 * {@link RuntimeException} when the cluster does not answer.
 */
public interface ReassignmentTarget {

    /** The topic's partitions (leader, replicas, ISR) by number. */
    Map<Integer, PartitionInfo> describe(String topic);

    /**
     * Starts moving each partition to its target replicas (keeping the replication factor), or cancels
     * its running move when the target is empty; returns the partitions refused, with the reason.
     */
    Map<Integer, String> alter(String topic, Map<Integer, Optional<List<Integer>>> targets);

    /** The partitions of the topic being reassigned now. */
    Set<Integer> ongoing(String topic);

    /** The real cluster, through an admin client made per call (short timeouts, see {@link Cluster#admin}). */
    static ReassignmentTarget of(Cluster cluster) {
        return new ReassignmentTarget() {
            @Override
            public Map<Integer, PartitionInfo> describe(String topic) {
                try (Admin admin = cluster.admin(cluster.bootstrap())) {
                    TopicDescription d = admin.describeTopics(List.of(topic)).get(5, TimeUnit.SECONDS).get(topic);
                    Map<Integer, PartitionInfo> byNumber = new LinkedHashMap<>();
                    d.partitions().forEach(p -> byNumber.put(p.partition(), p));
                    return byNumber;
                } catch (Exception e) {
                    throw failure("describing " + topic, e);
                }
            }

            @Override
            public Map<Integer, String> alter(String topic, Map<Integer, Optional<List<Integer>>> targets) {
                Map<TopicPartition, Optional<List<Integer>>> request = new LinkedHashMap<>();
                targets.forEach((p, replicas) -> request.put(new TopicPartition(topic, p), replicas));
                try (Admin admin = cluster.admin(cluster.bootstrap())) {
                    Map<TopicPartition, SluiceException> refused =
                            admin.alterPartitionReassignments(request, true).get(10, TimeUnit.SECONDS);
                    Map<Integer, String> byNumber = new LinkedHashMap<>();
                    refused.forEach((tp, e) -> byNumber.put(tp.partition(), e.getMessage()));
                    return byNumber;
                } catch (Exception e) {
                    throw failure("reassigning " + topic, e);
                }
            }

            @Override
            public Set<Integer> ongoing(String topic) {
                try (Admin admin = cluster.admin(cluster.bootstrap())) {
                    Set<Integer> partitions = new TreeSet<>();
                    admin.listPartitionReassignments(List.of()).get(5, TimeUnit.SECONDS).keySet().stream()
                            .filter(tp -> tp.topic().equals(topic)).forEach(tp -> partitions.add(tp.partition()));
                    return partitions;
                } catch (Exception e) {
                    throw failure("listing reassignments", e);
                }
            }

            private RuntimeException failure(String what, Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                return new IllegalStateException(what + " failed: " + cause.getMessage(), cause);
            }
        };
    }
}
