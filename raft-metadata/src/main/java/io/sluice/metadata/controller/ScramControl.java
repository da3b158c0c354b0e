package io.sluice.metadata.controller;

import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterScramCredentialsCommand;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.RemoveUserScramCredentialRecord;
import io.sluice.protocol.metadata.UserScramCredentialRecord;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * SCRAM credentials: one user's upsertions and deletions, checked against the image and applied all
 * or nothing, with Kafka's errors (a deletion of a credential that does not exist is
 * RESOURCE_NOT_FOUND, a mechanism named twice DUPLICATE_RESOURCE, an empty user or an iteration count
 * outside the mechanism's range UNACCEPTABLE_CREDENTIAL). Pure.
 */
final class ScramControl {
    /** Kafka's bounds (ScramMechanism.minIterations / maxIterations), the same for both mechanisms. */
    static final int MIN_ITERATIONS = 4096;
    static final int MAX_ITERATIONS = 16384;
    static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-256", "SCRAM-SHA-512");

    private ScramControl() {
    }

    static ControllerResult alter(MetadataImage image, AlterScramCredentialsCommand cmd) {
        String user = cmd.getUser();
        if (user.isEmpty()) {
            return ControllerResult.error(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Username must not be empty.");
        }
        Set<String> seen = new HashSet<>();
        List<String> named = new ArrayList<>(cmd.getDeletionsList());
        cmd.getUpsertionsList().forEach(c -> named.add(c.getMechanism()));
        for (String mechanism : named) {
            ControllerResult bad = checkMechanism(user, mechanism, seen);
            if (bad != null) {
                return bad;
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        for (String mechanism : cmd.getDeletionsList()) {
            if (image.scram().credential(user, mechanism) == null) {
                return ControllerResult.error(ErrorCode.RESOURCE_NOT_FOUND, "Attempt to delete a user credential"
                        + " that does not exist: user " + user + " has no " + mechanism + " credential.");
            }
            records.add(MetadataRecord.newBuilder().setRemoveUserScramCredential(RemoveUserScramCredentialRecord
                    .newBuilder().setName(user).setMechanism(mechanism)).build());
        }
        for (UserScramCredentialRecord credential : cmd.getUpsertionsList()) {
            if (credential.getIterations() < MIN_ITERATIONS || credential.getIterations() > MAX_ITERATIONS) {
                return ControllerResult.error(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Iterations "
                        + credential.getIterations() + " must be between " + MIN_ITERATIONS + " and " + MAX_ITERATIONS
                        + " for " + credential.getMechanism() + ".");
            }
            if (credential.getSalt().isEmpty() || credential.getStoredKey().isEmpty()
                    || credential.getServerKey().isEmpty()) {
                return ControllerResult.error(ErrorCode.UNACCEPTABLE_CREDENTIAL,
                        "A SCRAM credential needs a salt, a stored key and a server key.");
            }
            records.add(MetadataRecord.newBuilder().setUserScramCredential(credential.toBuilder().setName(user))
                    .build());
        }
        return ControllerResult.ok(records);
    }

    private static ControllerResult checkMechanism(String user, String mechanism, Set<String> seen) {
        if (!MECHANISMS.contains(mechanism)) {
            return ControllerResult.error(ErrorCode.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism '"
                    + mechanism + "'; use SCRAM-SHA-256 or SCRAM-SHA-512.");
        }
        if (!seen.add(mechanism)) {
            return ControllerResult.error(ErrorCode.DUPLICATE_RESOURCE, "The request alters the " + mechanism
                    + " credential of user " + user + " more than once.");
        }
        return null;
    }
}
