package io.sluice.kafka.security;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.handlers.KafkaErrors;
import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.security.AclService;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsRequestData.DeleteAclsFilter;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult;
import org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsMatchingAcl;

/**
 * DeleteAcls (v1-3): needs ALTER on the cluster (else CLUSTER_AUTHORIZATION_FAILED for every filter).
 * All filters go to the quorum in one command; each filter is answered with the bindings it removed.
 * A filter with an unknown code fails the request with INVALID_REQUEST and deletes nothing.
 */
public final class DeleteAclsHandler implements KafkaApiHandler<DeleteAclsRequestData> {
    private final AclService acls;

    public DeleteAclsHandler(AclService acls) {
        this.acls = acls;
    }

    @Override
    public CompletableFuture<DeleteAclsResponseData> handle(KafkaRequest request, DeleteAclsRequestData data) {
        request.requireCluster(AclOperation.ALTER);
        // null for a filter that can match nothing here; it is answered without a deletion
        List<AclFilter> filters = new ArrayList<>();
        for (DeleteAclsFilter f : data.filters()) {
            filters.add(KafkaAcls.filter(f.resourceTypeFilter(), f.resourceNameFilter(), f.patternTypeFilter(),
                    f.principalFilter(), f.hostFilter(), f.operation(), f.permissionType()));
        }
        List<AclFilter> sent = filters.stream().filter(Objects::nonNull).toList();
        CompletableFuture<List<AclService.Deletion>> deleted = sent.isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : acls.delete(sent);
        return deleted.thenApply(deletions -> {
            DeleteAclsResponseData response = new DeleteAclsResponseData();
            Iterator<AclService.Deletion> next = deletions.iterator();
            for (AclFilter filter : filters) {
                AclService.Deletion d = filter == null ? NONE : next.next();
                DeleteAclsFilterResult result = new DeleteAclsFilterResult()
                        .setErrorCode(KafkaErrors.code(d.outcome().error()))
                        .setErrorMessage(d.outcome().message().isEmpty() ? null : d.outcome().message());
                for (AclBinding b : d.deleted()) {
                    result.matchingAcls().add(new DeleteAclsMatchingAcl().setResourceType(KafkaAcls.code(b.resourceType()))
                            .setResourceName(b.resourceName()).setPatternType(KafkaAcls.code(b.patternType()))
                            .setPrincipal(b.principal()).setHost(b.host()).setOperation(KafkaAcls.code(b.operation()))
                            .setPermissionType(KafkaAcls.code(b.permission())));
                }
                response.filterResults().add(result);
            }
            return response;
        });
    }

    private static final AclService.Deletion NONE = new AclService.Deletion(AclService.Outcome.OK, List.of());
}
