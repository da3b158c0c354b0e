package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.BrokerServices;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;

/**
 * DeleteGroups: deletes a group's committed offsets through the quorum; NON_EMPTY_GROUP while it has
 * members of either kind, GROUP_ID_NOT_FOUND when there is nothing to delete.
 */
public final class DeleteGroupsHandler implements KafkaApiHandler<DeleteGroupsRequestData> {
    private final BrokerServices services;

    public DeleteGroupsHandler(BrokerServices services) {
        this.services = services;
    }

    @Override
    public CompletableFuture<DeleteGroupsResponseData> handle(KafkaRequest request, DeleteGroupsRequestData data) {
        List<CompletableFuture<DeletableGroupResult>> results = new ArrayList<>();
        for (String groupId : data.groupsNames()) {
            DeletableGroupResult result = new DeletableGroupResult().setGroupId(groupId);
            if (!request.authorized(AclOperation.DELETE, ResourceType.GROUP, groupId)) {
                results.add(CompletableFuture.completedFuture(
                        result.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
                continue;
            }
            try {
                services.groups().coordinator().checkNoMembers(groupId, "deleting it");
                services.groups().coordinator().describe(groupId); // GROUP_ID_NOT_FOUND when there is nothing to delete
            } catch (SluiceException e) {
                results.add(CompletableFuture.completedFuture(result.setErrorCode(GroupRequests.code(e))));
                continue;
            }
            results.add(services.groups().offsets().delete(groupId, List.of())
                    .thenApply(c -> result.setErrorCode(GroupRequests.code(c.error()))));
        }
        return CompletableFuture.allOf(results.toArray(new CompletableFuture<?>[0])).thenApply(v -> {
            DeleteGroupsResponseData response = new DeleteGroupsResponseData();
            results.forEach(r -> response.results().add(r.join()));
            return response;
        });
    }
}
