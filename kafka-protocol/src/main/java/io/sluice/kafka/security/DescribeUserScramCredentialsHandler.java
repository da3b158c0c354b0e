package io.sluice.kafka.security;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.ScramCredentialService;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData.UserName;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.CredentialInfo;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData.DescribeUserScramCredentialsResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * DescribeUserScramCredentials (v0): the mechanisms and iteration counts of users' credentials (never
 * a salt or key), as Kafka answers: every user with credentials when none is named; a named user
 * without any gets RESOURCE_NOT_FOUND, a user named twice DUPLICATE_RESOURCE.
 */
public final class DescribeUserScramCredentialsHandler
        implements KafkaApiHandler<DescribeUserScramCredentialsRequestData> {
    private final ScramCredentialService credentials;

    public DescribeUserScramCredentialsHandler(ScramCredentialService credentials) {
        this.credentials = credentials;
    }

    @Override
    public CompletableFuture<DescribeUserScramCredentialsResponseData> handle(
            KafkaRequest request, DescribeUserScramCredentialsRequestData data) {
        request.requireCluster(AclOperation.DESCRIBE);
        Set<String> named = new LinkedHashSet<>();
        Set<String> duplicates = new HashSet<>();
        if (data.users() != null) {
            for (UserName u : data.users()) {
                if (!named.add(u.name())) {
                    duplicates.add(u.name());
                }
            }
        }
        List<String> lookup = named.stream().filter(u -> !duplicates.contains(u)).toList();
        boolean all = data.users() == null || data.users().isEmpty();
        if (!all && lookup.isEmpty()) {
            return CompletableFuture.completedFuture(answer(List.of(), duplicates, java.util.Map.of()));
        }
        return credentials.describe(all ? List.of() : lookup)
                .thenApply(found -> answer(all ? List.copyOf(found.keySet()) : lookup, duplicates, found));
    }

    private static DescribeUserScramCredentialsResponseData answer(
            List<String> users, Set<String> duplicates, java.util.Map<String, List<ScramCredentialService.Info>> found) {
        DescribeUserScramCredentialsResponseData response = new DescribeUserScramCredentialsResponseData();
        for (String user : users) {
            List<ScramCredentialService.Info> infos = found.getOrDefault(user, List.of());
            DescribeUserScramCredentialsResult result = new DescribeUserScramCredentialsResult().setUser(user);
            if (infos.isEmpty()) {
                result.setErrorCode(Errors.RESOURCE_NOT_FOUND.code())
                        .setErrorMessage("Attempt to describe a user credential that does not exist: " + user);
            } else {
                List<CredentialInfo> out = new ArrayList<>();
                for (ScramCredentialService.Info i : infos) {
                    out.add(new CredentialInfo().setMechanism(ScramMechanism.fromMechanismName(i.mechanism()).type())
                            .setIterations(i.iterations()));
                }
                result.setCredentialInfos(out);
            }
            response.results().add(result);
        }
        for (String user : duplicates) {
            response.results().add(new DescribeUserScramCredentialsResult().setUser(user)
                    .setErrorCode(Errors.DUPLICATE_RESOURCE.code())
                    .setErrorMessage("Cannot describe SCRAM credentials for the same user twice in a single request: "
                            + user));
        }
        return response;
    }
}
