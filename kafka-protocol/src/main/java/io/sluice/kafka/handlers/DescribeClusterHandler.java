package io.sluice.kafka.handlers;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.server.BrokerServices;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeCluster from this node's image: the cluster id, the controller as Metadata names it, and
 * the brokers (fenced ones too when asked, v2). Every Sluice node is a broker, so a request for the
 * controller endpoints (v1 endpointType 2) is UNSUPPORTED_ENDPOINT_TYPE, as on a Kafka broker.
 */
public final class DescribeClusterHandler implements KafkaApiHandler<DescribeClusterRequestData> {
    private static final byte BROKER_ENDPOINTS = 1;
    private final BrokerServices services;

    public DescribeClusterHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<DescribeClusterResponseData> handle(KafkaRequest request, DescribeClusterRequestData data) {
        MetadataImage image = services.metadata().image();
        DescribeClusterResponseData response = new DescribeClusterResponseData().setClusterId(image.clusterId())
                .setControllerId(MetadataHandler.controllerId(services, image)).setEndpointType(BROKER_ENDPOINTS);
        if (data.endpointType() != BROKER_ENDPOINTS) {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("Sluice nodes serve only broker endpoints; the metadata quorum has no Kafka"
                            + " controller listener"));
        }
        for (BrokerRegistration b : image.cluster().brokers().values()) {
            if (!b.fenced() || data.includeFencedBrokers()) {
                response.brokers().add(new DescribeClusterBroker().setBrokerId(b.id()).setHost(b.host())
                        .setPort(b.port()).setRack(b.rack() == null || b.rack().isEmpty() ? null : b.rack())
                        .setIsFenced(b.fenced()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }
}
