package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.AdminService;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData.DescribableLogDirTopic;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsPartition;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsResult;
import org.apache.kafka.common.message.DescribeLogDirsResponseData.DescribeLogDirsTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeLogDirs: a Sluice node has one log directory (its data dir's {@code logs/}); each partition
 * replica in it with its size on disk and offset lag, for every partition or those asked for.
 */
public final class DescribeLogDirsHandler implements KafkaApiHandler<DescribeLogDirsRequestData> {
    private final AdminService admin;

    public DescribeLogDirsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<DescribeLogDirsResponseData> handle(KafkaRequest request, DescribeLogDirsRequestData data) {
        request.requireCluster(AclOperation.DESCRIBE);
        Set<String> wanted = null;
        if (data.topics() != null) {
            wanted = new HashSet<>();
            for (DescribableLogDirTopic t : data.topics()) {
                for (int p : t.partitions()) {
                    wanted.add(t.topic() + "-" + p);
                }
            }
        }
        Map<String, DescribeLogDirsTopic> topics = new TreeMap<>();
        for (AdminService.LogDirEntry e : admin.logDirEntries()) {
            if (wanted != null && !wanted.contains(e.partition().topic() + "-" + e.partition().partition())) {
                continue;
            }
            topics.computeIfAbsent(e.partition().topic(), name -> new DescribeLogDirsTopic().setName(name))
                    .partitions().add(new DescribeLogDirsPartition().setPartitionIndex(e.partition().partition())
                            .setPartitionSize(e.sizeBytes()).setOffsetLag(e.offsetLag()).setIsFutureKey(false));
        }
        Path dir = admin.logDir().toAbsolutePath();
        DescribeLogDirsResult result = new DescribeLogDirsResult().setErrorCode(Errors.NONE.code())
                .setLogDir(dir.toString()).setTopics(new java.util.ArrayList<>(topics.values()));
        try {
            FileStore store = Files.getFileStore(dir);
            result.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
        } catch (IOException e) {
            result.setTotalBytes(-1).setUsableBytes(-1); // Kafka's "unknown"
        }
        DescribeLogDirsResponseData response = new DescribeLogDirsResponseData().setErrorCode(Errors.NONE.code());
        response.results().add(result);
        return CompletableFuture.completedFuture(response);
    }
}
