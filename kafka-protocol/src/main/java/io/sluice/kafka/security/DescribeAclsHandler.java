package io.sluice.kafka.security;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.security.AclService;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsResponseData.AclDescription;
import org.apache.kafka.common.message.DescribeAclsResponseData.DescribeAclsResource;

/**
 * DescribeAcls (v1-3): needs DESCRIBE on the cluster (else CLUSTER_AUTHORIZATION_FAILED); answers the
 * bindings the filter selects, grouped by resource pattern as Kafka does.
 */
public final class DescribeAclsHandler implements KafkaApiHandler<DescribeAclsRequestData> {
    private final AclService acls;

    public DescribeAclsHandler(AclService acls) {
        this.acls = acls;
    }

    @Override
    public CompletableFuture<DescribeAclsResponseData> handle(KafkaRequest request, DescribeAclsRequestData data) {
        request.requireCluster(AclOperation.DESCRIBE);
        AclFilter filter = KafkaAcls.filter(data.resourceTypeFilter(), data.resourceNameFilter(),
                data.patternTypeFilter(), data.principalFilter(), data.hostFilter(), data.operation(),
                data.permissionType());
        if (filter == null) {
            return CompletableFuture.completedFuture(new DescribeAclsResponseData());
        }
        return acls.describe(filter).thenApply(DescribeAclsHandler::response);
    }

    private static DescribeAclsResponseData response(List<AclBinding> bindings) {
        Map<List<Object>, DescribeAclsResource> resources = new LinkedHashMap<>();
        for (AclBinding b : bindings) {
            resources.computeIfAbsent(List.of(b.resourceType(), b.resourceName(), b.patternType()),
                    k -> new DescribeAclsResource().setResourceType(KafkaAcls.code(b.resourceType()))
                            .setResourceName(b.resourceName()).setPatternType(KafkaAcls.code(b.patternType())))
                    .acls().add(new AclDescription().setPrincipal(b.principal()).setHost(b.host())
                            .setOperation(KafkaAcls.code(b.operation()))
                            .setPermissionType(KafkaAcls.code(b.permission())));
        }
        return new DescribeAclsResponseData().setResources(List.copyOf(resources.values()));
    }
}
