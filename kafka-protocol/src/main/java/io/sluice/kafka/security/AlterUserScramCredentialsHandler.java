package io.sluice.kafka.security;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.kafka.codec.KafkaApiHandler;
import io.sluice.kafka.handlers.KafkaErrors;
import io.sluice.kafka.codec.KafkaRequest;
import io.sluice.server.ScramCredentialService;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialDeletion;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData.ScramCredentialUpsertion;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData.AlterUserScramCredentialsResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.scram.internals.ScramFormatter;

/**
 * AlterUserScramCredentials (v0): per user, all of its upsertions and deletions or none, each user
 * answered on its own. The client sends a salt and the salted password; this codec turns them into
 * RFC 5802's stored key and server key (with kafka-clients' {@link ScramFormatter}) and only those go
 * to the quorum. An unknown mechanism is UNSUPPORTED_SASL_MECHANISM; the other checks are the
 * controller's ({@link ScramCredentialService}).
 */
public final class AlterUserScramCredentialsHandler implements KafkaApiHandler<AlterUserScramCredentialsRequestData> {
    private final ScramCredentialService credentials;

    public AlterUserScramCredentialsHandler(ScramCredentialService credentials) {
        this.credentials = credentials;
    }

    /** One user's part of the request, or why it is refused before reaching the quorum. */
    private static final class UserChange {
        final List<ScramCredentialService.Credential> upsertions = new ArrayList<>();
        final List<String> deletions = new ArrayList<>();
        Errors error;
        String message;

        void refuse(Errors e, String why) {
            if (error == null) {
                error = e;
                message = why;
            }
        }
    }

    @Override
    public CompletableFuture<AlterUserScramCredentialsResponseData> handle(KafkaRequest request,
                                                                           AlterUserScramCredentialsRequestData data) {
        request.requireCluster(AclOperation.ALTER);
        Map<String, UserChange> users = new LinkedHashMap<>();
        for (ScramCredentialDeletion d : data.deletions()) {
            UserChange change = users.computeIfAbsent(d.name(), u -> new UserChange());
            String mechanism = mechanism(d.mechanism(), change);
            if (mechanism != null) {
                change.deletions.add(mechanism);
            }
        }
        for (ScramCredentialUpsertion u : data.upsertions()) {
            UserChange change = users.computeIfAbsent(u.name(), n -> new UserChange());
            String mechanism = mechanism(u.mechanism(), change);
            if (mechanism == null) {
                continue;
            }
            if (u.saltedPassword().length == 0 || u.salt().length == 0) {
                change.refuse(Errors.UNACCEPTABLE_CREDENTIAL, "A SCRAM upsertion needs a salt and a salted password");
                continue;
            }
            try {
                ScramFormatter formatter = new ScramFormatter(
                        org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(mechanism));
                byte[] storedKey = formatter.storedKey(formatter.clientKey(u.saltedPassword()));
                byte[] serverKey = formatter.serverKey(u.saltedPassword());
                change.upsertions.add(new ScramCredentialService.Credential(mechanism, u.salt(), storedKey, serverKey,
                        u.iterations()));
            } catch (GeneralSecurityException e) {
                change.refuse(Errors.UNACCEPTABLE_CREDENTIAL, "The salted password cannot be used: " + e.getMessage());
            }
        }
        AlterUserScramCredentialsResponseData response = new AlterUserScramCredentialsResponseData();
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        users.forEach((user, change) -> {
            AlterUserScramCredentialsResult result = new AlterUserScramCredentialsResult().setUser(user);
            response.results().add(result);
            if (change.error != null) {
                result.setErrorCode(change.error.code()).setErrorMessage(change.message);
                return;
            }
            pending.add(credentials.alter(user, change.upsertions, change.deletions).thenAccept(outcome ->
                    result.setErrorCode(KafkaErrors.code(outcome.error()))
                            .setErrorMessage(outcome.message().isEmpty() ? null : outcome.message())));
        });
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture[0])).thenApply(v -> response);
    }

    private static String mechanism(byte type, UserChange change) {
        ScramMechanism mechanism = ScramMechanism.fromType(type);
        if (mechanism == ScramMechanism.UNKNOWN) {
            change.refuse(Errors.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism type " + type);
            return null;
        }
        return mechanism.mechanismName();
    }
}
