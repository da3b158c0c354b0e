package io.sluice.kafka;

import io.netty.channel.ChannelPipeline;
import io.sluice.kafka.codec.KafkaFrameDecoder;
import io.sluice.kafka.codec.KafkaRequestDispatcher;
import io.sluice.group.ClassicGroupCoordinator;
import io.sluice.kafka.handlers.ApiVersionsHandler;
import io.sluice.kafka.handlers.ConsumerGroupHeartbeatHandler;
import io.sluice.kafka.handlers.DeleteGroupsHandler;
import io.sluice.kafka.handlers.DescribeGroupsHandler;
import io.sluice.kafka.handlers.FindCoordinatorHandler;
import io.sluice.kafka.handlers.HeartbeatHandler;
import io.sluice.kafka.handlers.JoinGroupHandler;
import io.sluice.kafka.handlers.LeaveGroupHandler;
import io.sluice.kafka.handlers.ListGroupsHandler;
import io.sluice.kafka.handlers.MetadataHandler;
import io.sluice.kafka.handlers.OffsetCommitHandler;
import io.sluice.kafka.handlers.OffsetDeleteHandler;
import io.sluice.kafka.handlers.OffsetFetchHandler;
import io.sluice.kafka.handlers.SyncGroupHandler;
import io.sluice.server.BrokerServices;
import io.sluice.server.ConnectionProtocol;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Kafka's wire protocol on the node's data-plane port. Each connection gets
 * {@code kafkaFrameDecoder -> kafkaDispatcher}; the table of APIs ({@link KafkaApis}) is built here,
 * once per node, and lists every API served with its versions.
 */
public final class KafkaProtocol implements ConnectionProtocol {
    private final int maxFrameBytes;
    private final KafkaApis apis;

    public KafkaProtocol(BrokerServices services) {
        this.maxFrameBytes = services.config().maxFrameBytes();
        this.apis = apis(services);
    }

    /** Every Kafka API this broker serves, with the versions it advertises and handles. */
    static KafkaApis apis(BrokerServices services) {
        KafkaApis apis = new KafkaApis();
        apis.add(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(apis));
        TopicCreator creator = new TopicCreator(services);
        apis.add(ApiKeys.METADATA, 0, 12, new MetadataHandler(services, creator));
        // Consumer groups: Kafka's classic protocol, and KIP-848's heartbeat on Sluice's own groups.
        ClassicGroupCoordinator classic = services.groups().classic();
        apis.add(ApiKeys.FIND_COORDINATOR, 0, 6, new FindCoordinatorHandler(services));
        apis.add(ApiKeys.JOIN_GROUP, 0, 9, new JoinGroupHandler(classic));
        apis.add(ApiKeys.SYNC_GROUP, 0, 5, new SyncGroupHandler(classic));
        apis.add(ApiKeys.HEARTBEAT, 0, 4, new HeartbeatHandler(classic));
        apis.add(ApiKeys.LEAVE_GROUP, 0, 5, new LeaveGroupHandler(classic));
        apis.add(ApiKeys.OFFSET_COMMIT, 2, 10, new OffsetCommitHandler(services));
        apis.add(ApiKeys.OFFSET_FETCH, 1, 10, new OffsetFetchHandler(services));
        apis.add(ApiKeys.LIST_GROUPS, 0, 5, new ListGroupsHandler(services.groups()));
        apis.add(ApiKeys.DESCRIBE_GROUPS, 0, 6, new DescribeGroupsHandler(services.groups()));
        apis.add(ApiKeys.DELETE_GROUPS, 0, 3, new DeleteGroupsHandler(services.groups()));
        apis.add(ApiKeys.OFFSET_DELETE, 0, 0, new OffsetDeleteHandler(services.groups()));
        apis.add(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1, new ConsumerGroupHeartbeatHandler(services));
        return apis;
    }

    public KafkaApis apis() {
        return apis;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void initConnection(ChannelPipeline pipeline) {
        pipeline.addLast("kafkaFrameDecoder", new KafkaFrameDecoder(maxFrameBytes))
                .addLast("kafkaDispatcher", new KafkaRequestDispatcher(apis));
    }

    /** Registered with {@link java.util.ServiceLoader}, so every node with this module serves Kafka. */
    public static final class Factory implements ConnectionProtocol.Factory {
        @Override
        public ConnectionProtocol create(BrokerServices services) {
            return new KafkaProtocol(services);
        }
    }
}
