package io.sluice.kafka.security;

import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.kafka.handlers.KafkaErrors;
import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.security.AclService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * CreateAcls (v1-3): needs ALTER on the cluster (else CLUSTER_AUTHORIZATION_FAILED for every
 * creation). Each creation is answered on its own: a malformed one gets INVALID_REQUEST, the rest are
 * stored by {@link AclService} in one quorum command.
 */
public final class CreateAclsHandler implements KafkaApiHandler<CreateAclsRequestData> {
    private final AclService acls;

    public CreateAclsHandler(AclService acls) {
        this.acls = acls;
    }

    @Override
    public CompletableFuture<CreateAclsResponseData> handle(KafkaRequest request, CreateAclsRequestData data) {
        request.requireCluster(AclOperation.ALTER);
        List<AclCreationResult> results = new ArrayList<>();
        List<AclBinding> valid = new ArrayList<>();
        List<AclCreationResult> pending = new ArrayList<>();
        for (AclCreation c : data.creations()) {
            AclCreationResult result = new AclCreationResult();
            results.add(result);
            try {
                valid.add(KafkaAcls.binding(c.resourceType(), c.resourceName(), c.resourcePatternType(), c.principal(),
                        c.host(), c.operation(), c.permissionType()));
                pending.add(result);
            } catch (InvalidRequestException | IllegalArgumentException e) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(e.getMessage());
            }
        }
        CreateAclsResponseData response = new CreateAclsResponseData().setResults(results);
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return acls.create(valid).thenApply(outcomes -> {
            for (int i = 0; i < outcomes.size(); i++) {
                AclService.Outcome o = outcomes.get(i);
                pending.get(i).setErrorCode(KafkaErrors.code(o.error()))
                        .setErrorMessage(o.message().isEmpty() ? null : o.message());
            }
            return response;
        });
    }
}
