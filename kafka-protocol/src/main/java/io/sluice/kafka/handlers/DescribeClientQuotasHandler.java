package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeClientQuotas (v0-1): Sluice has no client quotas, so every well-formed filter matches none
 * and the answer is an empty list, which is what Kafka answers for a cluster where none are set. It
 * is served so that Kafka's tools that always ask (`kafka-configs.sh --describe --entity-type users`
 * asks for quotas beside SCRAM credentials) work. A filter on an entity type Kafka does not know, or
 * with a match type outside 0-2, gets INVALID_REQUEST as on Kafka. AlterClientQuotas is not served,
 * so setting a quota fails instead of being silently ignored. Stateless.
 */
public final class DescribeClientQuotasHandler implements KafkaApiHandler<DescribeClientQuotasRequestData> {
    private static final Set<String> ENTITY_TYPES = Set.of("user", "client-id", "ip");
    private static final byte MATCH_SPECIFIED = 0;
    private static final byte MATCH_ANY = 2;

    @Override
    public CompletableFuture<DescribeClientQuotasResponseData> handle(KafkaRequest request,
                                                                       DescribeClientQuotasRequestData data) {
        request.requireCluster(AclOperation.DESCRIBE_CONFIGS);
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData();
        for (DescribeClientQuotasRequestData.ComponentData c : data.components()) {
            String problem = !ENTITY_TYPES.contains(c.entityType()) ? "unknown entity type '" + c.entityType()
                    + "': use user, client-id or ip"
                    : c.matchType() < MATCH_SPECIFIED || c.matchType() > MATCH_ANY ? "unknown match type " + c.matchType()
                    : c.matchType() == MATCH_SPECIFIED && c.match() == null ? "a specified match needs a name" : null;
            if (problem != null) {
                return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage(problem).setEntries(null));
            }
        }
        return CompletableFuture.completedFuture(response.setEntries(List.of()));
    }
}
