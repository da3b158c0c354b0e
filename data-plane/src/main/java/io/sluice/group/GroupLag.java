package io.sluice.group;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.CommittedOffset;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ListOffsetsPartition;
import io.sluice.protocol.rpc.ListOffsetsPartitionResponse;
import io.sluice.protocol.rpc.ListOffsetsRequest;
import io.sluice.protocol.rpc.ListOffsetsResponse;
import io.sluice.network.NodeClient;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A group's total lag as the broker reports it in DescribeGroups: over every partition the group has
 * committed, the high watermark (asked of each partition's leader with one ListOffsets per leader)
 * minus the committed offset. Unknown (-1) when a partition has no leader or a leader does not answer:
 * a figure that silently leaves partitions out would read as "caught up". Stateless; thread-safe.
 */
final class GroupLag {
    static final long UNKNOWN = -1;
    private final NodeClient client;
    private final int timeoutMs;

    GroupLag(NodeClient client, int timeoutMs) {
        this.client = client;
        this.timeoutMs = timeoutMs;
    }

    CompletableFuture<Long> total(MetadataImage image, Map<TopicPartition, CommittedOffset> committed) {
        Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
        for (TopicPartition tp : committed.keySet()) {
            TopicImage topic = image.topics().topic(tp.topic());
            PartitionRegistration p = topic == null ? null : topic.partition(tp.partition());
            BrokerRegistration leader = p == null || !p.hasLeader() ? null : image.cluster().broker(p.leader());
            if (leader == null) {
                return CompletableFuture.completedFuture(UNKNOWN);
            }
            byLeader.computeIfAbsent(leader.id(), id -> new ArrayList<>()).add(tp);
        }
        List<CompletableFuture<Long>> parts = new ArrayList<>();
        byLeader.forEach((leaderId, partitions) -> {
            BrokerRegistration leader = image.cluster().broker(leaderId);
            ListOffsetsRequest.Builder request = ListOffsetsRequest.newBuilder().setReplicaId(-1);
            partitions.forEach(tp -> request.addPartitions(ListOffsetsPartition.newBuilder().setTopic(tp.topic())
                    .setPartition(tp.partition()).setTimestamp(-1).setCurrentLeaderEpoch(-1)));
            parts.add(client.call(new InetSocketAddress(leader.host(), leader.port()), ApiKey.LIST_OFFSETS,
                    request.build(), ListOffsetsResponse.parser(), timeoutMs)
                    .thenApply(r -> sum(r, committed))
                    .exceptionally(e -> UNKNOWN));
        });
        return CompletableFuture.allOf(parts.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            long total = 0;
            for (CompletableFuture<Long> part : parts) {
                long lag = part.join();
                if (lag == UNKNOWN) {
                    return UNKNOWN;
                }
                total += lag;
            }
            return total;
        });
    }

    private static long sum(ListOffsetsResponse response, Map<TopicPartition, CommittedOffset> committed) {
        long total = 0;
        for (ListOffsetsPartitionResponse p : response.getPartitionsList()) {
            if (p.getError() != ErrorCode.NONE) {
                return UNKNOWN;
            }
            CommittedOffset c = committed.get(new TopicPartition(p.getTopic(), p.getPartition()));
            total += Math.max(0, p.getOffset() - c.offset());
        }
        return total;
    }
}
