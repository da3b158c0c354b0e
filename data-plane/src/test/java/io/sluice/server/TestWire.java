package io.sluice.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.sluice.network.NodeClient;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.record.CompressionType;
import io.sluice.protocol.record.RecordBatch;
import io.sluice.protocol.record.RecordBatchBuilder;
import io.sluice.protocol.rpc.AddRaftVoterRequest;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.DescribeQuorumRequest;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.Endpoint;
import io.sluice.protocol.rpc.RaftVoterResponse;
import io.sluice.protocol.rpc.RemoveRaftVoterRequest;
import io.sluice.protocol.rpc.CreatableTopic;
import io.sluice.protocol.rpc.CreateTopicsRequest;
import io.sluice.protocol.rpc.CreateTopicsResponse;
import io.sluice.protocol.rpc.DeleteTopicsRequest;
import io.sluice.protocol.rpc.DeleteTopicsResponse;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchPartitionResponse;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FetchResponse;
import io.sluice.protocol.rpc.ProducePartition;
import io.sluice.protocol.rpc.ProducePartitionResponse;
import io.sluice.protocol.rpc.ProduceRequest;
import io.sluice.protocol.rpc.ProduceResponse;
import io.sluice.protocol.rpc.TopicResult;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.ResponseFrame;
import io.sluice.protocol.wire.Transport;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bare data-plane client for server tests (data-plane cannot depend on the client library): create
 * topics, produce one batch, fetch and decode records. Not thread-safe; close after use.
 */
public final class TestWire implements AutoCloseable {
    private final EventLoopGroup group = Transport.newGroup(1, "test-wire");
    private final NodeClient client = new NodeClient(group, "test-wire", 2_000, Frames.DEFAULT_MAX_FRAME_BYTES);

    public TopicResult createTopic(InetSocketAddress node, String name, int partitions, int rf,
                                   Map<String, String> configs) throws Exception {
        CreateTopicsRequest request = CreateTopicsRequest.newBuilder().addTopics(CreatableTopic.newBuilder()
                .setName(name).setNumPartitions(partitions).setReplicationFactor(rf).putAllConfigs(configs)).build();
        CreateTopicsResponse response = client.call(node, ApiKey.CREATE_TOPICS, request, CreateTopicsResponse.parser(),
                10_000).get(15, TimeUnit.SECONDS);
        return response.getTopics(0);
    }

    /** Asks {@code node} to make {@code voterId} a voter (AddRaftVoter), naming {@code listeners} if any. */
    public RaftVoterResponse addRaftVoter(InetSocketAddress node, int voterId, List<Endpoint> listeners)
            throws Exception {
        return client.call(node, ApiKey.ADD_RAFT_VOTER, AddRaftVoterRequest.newBuilder().setVoterId(voterId)
                .addAllListeners(listeners).build(), RaftVoterResponse.parser(), 30_000).get(35, TimeUnit.SECONDS);
    }

    /** Asks {@code node} to make voter {@code voterId} a broker-only node (RemoveRaftVoter). */
    public RaftVoterResponse removeRaftVoter(InetSocketAddress node, int voterId) throws Exception {
        return client.call(node, ApiKey.REMOVE_RAFT_VOTER, RemoveRaftVoterRequest.newBuilder().setVoterId(voterId)
                .build(), RaftVoterResponse.parser(), 30_000).get(35, TimeUnit.SECONDS);
    }

    public DescribeQuorumResponse describeQuorum(InetSocketAddress node) throws Exception {
        return client.call(node, ApiKey.DESCRIBE_QUORUM, DescribeQuorumRequest.getDefaultInstance(),
                DescribeQuorumResponse.parser(), 10_000).get(15, TimeUnit.SECONDS);
    }

    public TopicResult deleteTopic(InetSocketAddress node, String name) throws Exception {
        DeleteTopicsRequest request = DeleteTopicsRequest.newBuilder().addNames(name).build();
        return client.call(node, ApiKey.DELETE_TOPICS, request, DeleteTopicsResponse.parser(), 10_000)
                .get(15, TimeUnit.SECONDS).getTopics(0);
    }

    /** Produces one batch of the given values; the answer for the partition. */
    public ProducePartitionResponse produce(InetSocketAddress node, String topic, int partition, int acks,
                                            List<String> values) throws Exception {
        return produce(node, topic, partition, acks, batch(values, null));
    }

    /** A batch of the values; idempotent as (producer id, epoch 0, base sequence) when {@code sequence} is given. */
    public static ByteBuffer batch(List<String> values, long[] producerIdAndSequence) {
        RecordBatchBuilder builder = new RecordBatchBuilder(CompressionType.NONE);
        if (producerIdAndSequence != null) {
            builder.idempotent(producerIdAndSequence[0], (short) 0, (int) producerIdAndSequence[1]);
        }
        long now = System.currentTimeMillis();
        for (String v : values) {
            builder.append(now, (byte[]) null, v.getBytes(StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    /** Produces a prepared batch (a copy of it, so the caller may send the same bytes again). */
    public ProducePartitionResponse produce(InetSocketAddress node, String topic, int partition, int acks,
                                            ByteBuffer batch) throws Exception {
        ByteBuf raw = Unpooled.copiedBuffer(batch.duplicate());
        ProduceRequest request = ProduceRequest.newBuilder().setAcks(acks).setTimeoutMs(5_000)
                .addPartitions(ProducePartition.newBuilder().setTopic(topic).setPartition(partition)
                        .setRecordsSize(raw.readableBytes())).build();
        ResponseFrame frame = client.send(node, ApiKey.PRODUCE, request, raw, 10_000).get(15, TimeUnit.SECONDS);
        try {
            if (frame.header().getError() != ErrorCode.NONE) {
                throw new AssertionError("produce failed: " + frame.header().getErrorMessage());
            }
            return Frames.parse(frame.body(), ProduceResponse.parser()).getPartitions(0);
        } finally {
            frame.release();
        }
    }

    /** A value read back with its offset. */
    public record Read(long offset, String value) {
    }

    /** Fetches once from {@code offset} as a consumer (or as replica {@code replicaId} if >= 0). */
    public List<Read> fetch(InetSocketAddress node, String topic, int partition, long offset, int replicaId,
                            List<FetchPartitionResponse> meta) throws Exception {
        FetchRequest request = FetchRequest.newBuilder().setReplicaId(replicaId).setMaxWaitMs(0).setMinBytes(1)
                .setMaxBytes(1 << 20).addPartitions(FetchPartition.newBuilder().setTopic(topic).setPartition(partition)
                        .setFetchOffset(offset).setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(-1).setLastFetchedEpoch(-1))
                .build();
        ResponseFrame frame = client.send(node, ApiKey.FETCH, request, null, 10_000).get(15, TimeUnit.SECONDS);
        try {
            FetchResponse response = Frames.parse(frame.body(), FetchResponse.parser());
            FetchPartitionResponse p = response.getPartitions(0);
            if (meta != null) {
                meta.add(p);
            }
            ByteBuffer bytes = ByteBuffer.allocate(p.getRecordsSize());
            frame.raw().readBytes(bytes);
            bytes.flip();
            List<Read> reads = new ArrayList<>();
            for (RecordBatch batch : RecordBatch.batchesOf(bytes)) {
                var cursor = batch.records();
                while (cursor.next()) {
                    if (cursor.offset() >= offset) {
                        reads.add(new Read(cursor.offset(), StandardCharsets.UTF_8.decode(cursor.value()).toString()));
                    }
                }
            }
            return reads;
        } finally {
            frame.release();
        }
    }

    /** Every value in a local log replica, read from its files (not through a leader). */
    public static List<String> values(io.sluice.storage.PartitionLog log) throws Exception {
        List<String> values = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.logEndOffset()) {
            var range = log.read(offset, 1 << 20, Long.MAX_VALUE).range();
            for (RecordBatch batch : RecordBatch.batchesOf(range.readBytes())) {
                var cursor = batch.records();
                while (cursor.next()) {
                    values.add(StandardCharsets.UTF_8.decode(cursor.value()).toString());
                }
                offset = batch.nextOffset();
            }
        }
        return values;
    }

    /** Everything readable from the start, fetching until an empty answer. */
    public List<Read> readAll(InetSocketAddress node, String topic, int partition) throws Exception {
        List<Read> all = new ArrayList<>();
        long offset = 0;
        while (true) {
            List<Read> batch = fetch(node, topic, partition, offset, -1, null);
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
            offset = batch.get(batch.size() - 1).offset() + 1;
        }
    }

    @Override
    public void close() {
        client.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
