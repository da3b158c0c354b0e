package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.group.GroupCoordinator;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.SluiceException;
import io.sluice.server.BrokerServices;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator (one key before v4, a batch from v4): a group's coordinator is the broker {@link
 * CoordinatorLocator} picks, the same for both protocols, so Kafka and Sluice consumers of a group id
 * meet at one coordinator with one store of offsets. Transactions and share groups are not served:
 * those keys get INVALID_REQUEST with a message saying so (not retriable, so a transactional producer
 * stops at once with that message instead of retrying).
 */
public final class FindCoordinatorHandler implements KafkaApiHandler<FindCoordinatorRequestData> {
    private final BrokerServices services;

    public FindCoordinatorHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<FindCoordinatorResponseData> handle(KafkaRequest request, FindCoordinatorRequestData data) {
        MetadataImage image = services.metadata().image();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (request.version() < 4) {
            Coordinator c = find(request, image, data.key(), data.keyType());
            response.setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage()).setNodeId(c.nodeId())
                    .setHost(c.host()).setPort(c.port());
        } else {
            List<String> keys = data.coordinatorKeys();
            for (String key : keys) {
                response.coordinators().add(find(request, image, key, data.keyType()));
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static Coordinator find(KafkaRequest request, MetadataImage image, String key, byte keyType) {
        Coordinator c = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        // Kafka's rule: DESCRIBE on the group or transactional id named by the key.
        if (keyType == CoordinatorType.GROUP.id() && !request.authorized(AclOperation.DESCRIBE, ResourceType.GROUP, key)) {
            return c.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code());
        }
        if (keyType == CoordinatorType.TRANSACTION.id()
                && !request.authorized(AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) {
            return c.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code());
        }
        if (keyType != CoordinatorType.GROUP.id()) {
            String kind = keyType == CoordinatorType.TRANSACTION.id() ? "transactions" : "share groups";
            return c.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Sluice does not support " + kind
                    + " over the Kafka protocol yet; only consumer groups have a coordinator");
        }
        try {
            GroupCoordinator.checkGroupId(key);
        } catch (SluiceException e) {
            return c.setErrorCode(GroupRequests.code(e)).setErrorMessage(e.getMessage());
        }
        OptionalInt id = CoordinatorLocator.coordinatorFor(key, image.cluster());
        BrokerRegistration broker = id.isPresent() ? image.cluster().broker(id.getAsInt()) : null;
        broker = broker == null ? null : broker.on(request.listener());
        if (broker == null) {
            return c.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("no live broker can coordinate groups yet; retry in a moment");
        }
        return c.setErrorCode(Errors.NONE.code()).setNodeId(broker.id()).setHost(broker.host()).setPort(broker.port());
    }
}
