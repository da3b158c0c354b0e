package io.sluice.kafka.handlers;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.AdminService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * CreatePartitions: grows each topic through {@link AdminService#createPartitions} (validateOnly
 * checks only). New partitions are placed by Sluice, so a manual assignment is POLICY_VIOLATION.
 * Needs ALTER on the topic (else TOPIC_AUTHORIZATION_FAILED).
 */
public final class CreatePartitionsHandler implements KafkaApiHandler<CreatePartitionsRequestData> {
    private final AdminService admin;

    public CreatePartitionsHandler(AdminService admin) {
        this.admin = admin;
    }

    @Override
    public CompletableFuture<CreatePartitionsResponseData> handle(KafkaRequest request,
                                                                  CreatePartitionsRequestData data) {
        Set<String> seen = new HashSet<>();
        List<CompletableFuture<CreatePartitionsTopicResult>> results = new ArrayList<>();
        for (CreatePartitionsTopic t : data.topics()) {
            if (!seen.add(t.name())) {
                results.add(done(t.name(), new ApiError(Errors.INVALID_REQUEST, "Duplicate topic in request: "
                        + t.name())));
            } else if (!request.authorizedOnTopic(AclOperation.ALTER, t.name())) {
                results.add(done(t.name(), new ApiError(Errors.TOPIC_AUTHORIZATION_FAILED,
                        request.principal() + " may not ALTER topic " + t.name())));
            } else if (t.assignments() != null) {
                results.add(done(t.name(), new ApiError(Errors.POLICY_VIOLATION, "Sluice places new partitions"
                        + " itself and does not take a manual replica assignment; give only the new count")));
            } else {
                results.add(admin.createPartitions(t.name(), t.count(), data.validateOnly()).handle((o, error) ->
                        result(t.name(), error != null ? KafkaErrors.of(error) : KafkaErrors.of(o.error(), o.message()))));
            }
        }
        return Futures.all(results).thenApply(list -> new CreatePartitionsResponseData().setResults(list));
    }

    private static CompletableFuture<CreatePartitionsTopicResult> done(String name, ApiError error) {
        return CompletableFuture.completedFuture(result(name, error));
    }

    private static CreatePartitionsTopicResult result(String name, ApiError error) {
        return new CreatePartitionsTopicResult().setName(name).setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }
}
