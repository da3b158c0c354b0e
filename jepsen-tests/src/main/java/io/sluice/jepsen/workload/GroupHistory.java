package io.sluice.jepsen.workload;

import io.sluice.protocol.TopicPartition;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.jepsen.checker.CommitChecker;
import io.sluice.jepsen.history.History;
import io.sluice.jepsen.history.Op;
import io.sluice.protocol.SluiceException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;

/**
 * How one consumer group's operations on one topic appear in the history, in the shapes {@link
 * CommitChecker} reads: {@code assign} with the group and the list of partitions the group gave,
 * {@code commit} and {@code committed} with the group and a map partition -> offset (the next record to
 * read). Keeping the shapes here, apart from the client calls, lets them be tested without a cluster.
 * Thread-safe: it only holds immutable fields and records into the (thread-safe) history.
 */
final class GroupHistory {
    private final History history;
    private final String topic;
    private final String group;

    GroupHistory(History history, String topic, String group) {
        this.history = history;
        this.topic = topic;
        this.group = group;
    }

    String group() {
        return group;
    }

    /** Records that the group gave {@code process} this assignment of the topic's partitions, in order. */
    Op assigned(int process, List<Integer> assignment) {
        List<String> keys = assignment.stream().sorted().map(p -> Integer.toString(p)).toList();
        Op invoke = history.invoke("assign", process, null, keys, group);
        return history.complete(invoke, Op.Type.OK, keys, null, null);
    }

    /**
     * Records that the group gave member {@code ownership.member()} (as {@code process}) these
     * partitions in generation {@code ownership.generation()}: an {@code owns} with the group and the
     * value {@code {generation, member, partitions}}, for {@code OwnershipChecker}.
     */
    Op owns(int process, QueueClient.Ownership ownership) {
        Map<String, Object> value = new TreeMap<>();
        value.put("generation", (long) ownership.generation());
        value.put("member", ownership.member());
        value.put("partitions", ownership.partitions().stream().map(p -> Integer.toString(p)).toList());
        Op invoke = history.invoke("owns", process, null, value, group);
        return history.complete(invoke, Op.Type.OK, value, null, null);
    }

    /**
     * What to commit after a poll whose history value is {@code reads} (partition -> list of {@code
     * [offset, value]}): for each partition read, its last offset + 1, which is the consumer's position.
     */
    static Map<String, Long> nextOffsets(Map<String, Object> reads) {
        Map<String, Long> next = new TreeMap<>();
        reads.forEach((key, pairs) -> {
            for (Object pair : (List<?>) pairs) {
                long offset = ((Number) ((List<?>) pair).get(0)).longValue();
                next.merge(key, offset + 1, Math::max);
            }
        });
        return next;
    }

    Op invokeCommit(int process, Map<String, Long> offsets) {
        return history.invoke("commit", process, null, Collections.unmodifiableMap(new TreeMap<>(offsets)), group);
    }

    /**
     * Records a commit's outcome: ok without {@code error}; info when the client got as far as the
     * coordinator (a timed-out or refused commit may still be applied, as an earlier attempt of its
     * retries may have been); fail when the client refused it before sending anything.
     */
    Op completeCommit(Op invoke, Throwable error) {
        if (error == null) {
            return history.complete(invoke, Op.Type.OK, invoke.value(), null, null);
        }
        boolean sent = error instanceof SluiceException
                || error instanceof KafkaException && !(error instanceof InterruptException);
        Op.Type type = sent ? Op.Type.INFO : Op.Type.FAIL;
        return history.complete(invoke, type, invoke.value(), null, QueueWorkload.describe(error));
    }

    Op invokeCommitted(int process) {
        return history.invoke("committed", process, null, null, group);
    }

    /** Records a read of the group's committed offsets; those of other topics are left out. */
    Op completeCommitted(Op invoke, Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<String, Object> value = new TreeMap<>();
        committed.forEach((tp, o) -> {
            if (tp.topic().equals(topic)) {
                value.put(Integer.toString(tp.partition()), o.offset());
            }
        });
        return history.complete(invoke, Op.Type.OK, value, null, null);
    }

    /** A failed read: reads change nothing, so the reader may go on as the same process. */
    Op failCommitted(Op invoke, Throwable error) {
        return history.complete(invoke, Op.Type.FAIL, null, null, QueueWorkload.describe(error));
    }
}
