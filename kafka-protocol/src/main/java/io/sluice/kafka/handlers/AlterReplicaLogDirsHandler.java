package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.protocol.TopicPartition;
import io.sluice.server.AdminService;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterReplicaLogDirsRequestData;
import org.apache.kafka.common.message.AlterReplicaLogDirsRequestData.AlterReplicaLogDir;
import org.apache.kafka.common.message.AlterReplicaLogDirsRequestData.AlterReplicaLogDirTopic;
import org.apache.kafka.common.message.AlterReplicaLogDirsResponseData;
import org.apache.kafka.common.message.AlterReplicaLogDirsResponseData.AlterReplicaLogDirPartitionResult;
import org.apache.kafka.common.message.AlterReplicaLogDirsResponseData.AlterReplicaLogDirTopicResult;

/**
 * AlterReplicaLogDirs, which {@code kafka-reassign-partitions.sh --execute} sends when its JSON names
 * log dirs (its rollback file does): a Sluice node has one log directory, so each replica's answer is
 * {@link AdminService#placeReplica}'s: already there, not created yet, or no such directory.
 */
public final class AlterReplicaLogDirsHandler implements KafkaApiHandler<AlterReplicaLogDirsRequestData> {
    private final AdminService admin;

    public AlterReplicaLogDirsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<AlterReplicaLogDirsResponseData> handle(KafkaRequest request,
                                                                     AlterReplicaLogDirsRequestData data) {
        Map<String, AlterReplicaLogDirTopicResult> byTopic = new LinkedHashMap<>();
        for (AlterReplicaLogDir dir : data.dirs()) {
            for (AlterReplicaLogDirTopic topic : dir.topics()) {
                for (int p : topic.partitions()) {
                    byTopic.computeIfAbsent(topic.name(), n -> new AlterReplicaLogDirTopicResult().setTopicName(n))
                            .partitions().add(new AlterReplicaLogDirPartitionResult().setPartitionIndex(p).setErrorCode(
                                    KafkaErrors.code(admin.placeReplica(new TopicPartition(topic.name(), p), dir.path()))));
                }
            }
        }
        return CompletableFuture.completedFuture(
                new AlterReplicaLogDirsResponseData().setResults(new java.util.ArrayList<>(byTopic.values())));
    }
}
