package io.sluice.kafka;

import io.netty.channel.ChannelPipeline;
import io.sluice.kafka.codec.KafkaFrameDecoder;
import io.sluice.kafka.codec.KafkaRequestDispatcher;
import io.sluice.kafka.handlers.ApiVersionsHandler;
import io.sluice.kafka.handlers.MetadataHandler;
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
