package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.TopicPartition;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;

/** What the group handlers share: the client's host as Kafka shows it, and Sluice refusals as Kafka error codes. Stateless. */
final class GroupRequests {
    private GroupRequests() {
    }

    /** "/127.0.0.1", Kafka's spelling of a member's host in DescribeGroups. */
    static String host(KafkaRequest request) {
        return request.remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? "/" + a.getAddress().getHostAddress() : String.valueOf(request.remoteAddress());
    }

    /** The Kafka code of a refusal; anything else is rethrown (the dispatcher answers UNKNOWN_SERVER_ERROR). */
    static short code(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof SluiceException e) {
            return KafkaErrors.code(e.code());
        }
        throw error instanceof RuntimeException r ? r : new CompletionException(error);
    }

    static String message(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return cause.getMessage();
    }

    static short code(ErrorCode code) {
        return KafkaErrors.code(code);
    }

    /** Kafka's server-side assignor names onto Sluice's: {@code uniform} is Sluice's sticky {@code roundrobin}. */
    static String sluiceAssignor(String kafkaName) {
        return kafkaName == null ? null : kafkaName.equals("uniform") ? "roundrobin" : kafkaName;
    }

    /** The reverse of {@link #sluiceAssignor}, for what Kafka clients are shown. */
    static String kafkaAssignor(String sluiceName) {
        return sluiceName.equals("roundrobin") ? "uniform" : sluiceName;
    }

    /** Partitions grouped by topic, topics and partitions in order: how KIP-848's messages carry an assignment. */
    static SortedMap<String, List<Integer>> byTopic(Set<TopicPartition> partitions) {
        SortedMap<String, List<Integer>> byTopic = new TreeMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>()).add(tp.partition()));
        byTopic.values().forEach(ids -> ids.sort(null));
        return byTopic;
    }

    /** Kafka's null for "not set" in optional strings; Sluice's domain types use null too. */
    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
