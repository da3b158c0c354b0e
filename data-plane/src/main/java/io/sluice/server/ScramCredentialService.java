package io.sluice.server;

import io.sluice.metadata.CommandResult;
import io.sluice.metadata.MetadataNode;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterScramCredentialsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.UserScramCredentialRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import com.google.protobuf.ByteString;

/**
 * Users' SCRAM credentials, kept in the metadata quorum: alter one user's credentials (all or
 * nothing, checked by the controller), describe them (mechanisms and iterations only), and look one
 * up for an authentication from the local image. A credential is the salt, stored key, server key and
 * iteration count of RFC 5802; the password and the salted password never reach this service.
 * Thread-safe (stateless over the metadata node).
 */
public final class ScramCredentialService {
    private final MetadataNode metadata;

    /** One mechanism's credential of a user. */
    public record Credential(String mechanism, byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {
    }

    /** What a describe shows of a credential. */
    public record Info(String mechanism, int iterations) {
    }

    /** The outcome for one user: {@link ErrorCode#NONE} or why nothing changed. */
    public record Outcome(ErrorCode error, String message) {
    }

    public ScramCredentialService(MetadataNode metadata) {
        this.metadata = metadata;
    }

    /** Sets {@code upsertions} and removes the credentials of {@code deletions} (mechanism names) for {@code user}. */
    public CompletableFuture<Outcome> alter(String user, Collection<Credential> upsertions, Collection<String> deletions) {
        AlterScramCredentialsCommand.Builder command = AlterScramCredentialsCommand.newBuilder().setUser(user)
                .addAllDeletions(deletions);
        for (Credential c : upsertions) {
            command.addUpsertions(UserScramCredentialRecord.newBuilder().setName(user).setMechanism(c.mechanism())
                    .setSalt(ByteString.copyFrom(c.salt())).setStoredKey(ByteString.copyFrom(c.storedKey()))
                    .setServerKey(ByteString.copyFrom(c.serverKey())).setIterations(c.iterations()));
        }
        return metadata.submit(MetadataCommand.newBuilder().setRequestId(UUID.randomUUID().toString())
                        .setAlterScramCredentials(command).build())
                .thenCompose(result -> metadata.readLinearizable().thenApply(image -> outcome(result)));
    }

    private static Outcome outcome(CommandResult result) {
        return new Outcome(result.error(), result.message());
    }

    /**
     * The credentials of {@code users}, or of every user when empty, read linearizably; a user without
     * any has an empty list.
     */
    public CompletableFuture<Map<String, List<Info>>> describe(Collection<String> users) {
        return metadata.readLinearizable().thenApply(image -> {
            Map<String, List<Info>> out = new LinkedHashMap<>();
            Collection<String> names = users.isEmpty() ? image.scram().users().keySet() : users;
            for (String user : names) {
                List<Info> infos = new ArrayList<>();
                image.scram().credentials(user).forEach((mechanism, c) -> infos.add(new Info(mechanism, c.getIterations())));
                out.put(user, infos);
            }
            return out;
        });
    }

    /** The credential of {@code user} for {@code mechanism} in this node's image, or null. */
    public Credential lookup(String user, String mechanism) {
        UserScramCredentialRecord r = metadata.image().scram().credential(user, mechanism);
        return r == null ? null : new Credential(mechanism, r.getSalt().toByteArray(), r.getStoredKey().toByteArray(),
                r.getServerKey().toByteArray(), r.getIterations());
    }
}
