package io.sluice.metadata.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.google.protobuf.ByteString;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterScramCredentialsCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.UserScramCredentialRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ScramControlTest {
    private final ControllerHarness h = ControllerHarness.withBrokers(1);

    private static UserScramCredentialRecord credential(String mechanism, int iterations) {
        return UserScramCredentialRecord.newBuilder().setMechanism(mechanism).setIterations(iterations)
                .setSalt(ByteString.copyFromUtf8("salt")).setStoredKey(ByteString.copyFromUtf8("stored"))
                .setServerKey(ByteString.copyFromUtf8("server")).build();
    }

    private static MetadataCommand alter(String user, List<UserScramCredentialRecord> upsert, String... delete) {
        return MetadataCommand.newBuilder().setAlterScramCredentials(AlterScramCredentialsCommand.newBuilder()
                .setUser(user).addAllUpsertions(upsert).addAllDeletions(List.of(delete))).build();
    }

    private ErrorCode refused(MetadataCommand command) {
        MetadataImage before = h.image;
        ControllerResult result = h.run(command);
        assertEquals(List.of(), result.records(), "a refused command writes nothing");
        assertEquals(before.scram(), h.image.scram());
        return result.result().getError();
    }

    @Test
    void storesAndReplacesAndRemovesACredentialPerUserAndMechanism() {
        h.ok(alter("alice", List.of(credential("SCRAM-SHA-256", 4096), credential("SCRAM-SHA-512", 8192))));
        assertEquals(8192, h.image.scram().credential("alice", "SCRAM-SHA-512").getIterations());
        assertEquals("alice", h.image.scram().credential("alice", "SCRAM-SHA-512").getName());
        h.ok(alter("alice", List.of(credential("SCRAM-SHA-512", 10000)), "SCRAM-SHA-256"));
        assertEquals(10000, h.image.scram().credential("alice", "SCRAM-SHA-512").getIterations());
        assertNull(h.image.scram().credential("alice", "SCRAM-SHA-256"));
        h.ok(alter("alice", List.of(), "SCRAM-SHA-512"));
        assertEquals(List.of(), List.copyOf(h.image.scram().users().keySet()));
    }

    @Test
    void refusesBadAlterationsWithKafkasErrorsAndChangesNothing() {
        h.ok(alter("alice", List.of(credential("SCRAM-SHA-256", 4096))));
        assertEquals(ErrorCode.RESOURCE_NOT_FOUND, refused(alter("alice", List.of(), "SCRAM-SHA-512")));
        assertEquals(ErrorCode.RESOURCE_NOT_FOUND, refused(alter("bob", List.of(), "SCRAM-SHA-256")));
        // All or nothing: the upsertion before the failing deletion is not applied either.
        assertEquals(ErrorCode.RESOURCE_NOT_FOUND,
                refused(alter("alice", List.of(credential("SCRAM-SHA-256", 5000)), "SCRAM-SHA-512")));
        assertEquals(ErrorCode.DUPLICATE_RESOURCE,
                refused(alter("alice", List.of(credential("SCRAM-SHA-512", 4096)), "SCRAM-SHA-512")));
        assertEquals(ErrorCode.UNACCEPTABLE_CREDENTIAL, refused(alter("alice", List.of(credential("SCRAM-SHA-512", 4095)))));
        assertEquals(ErrorCode.UNACCEPTABLE_CREDENTIAL, refused(alter("alice", List.of(credential("SCRAM-SHA-512", 16385)))));
        assertEquals(ErrorCode.UNACCEPTABLE_CREDENTIAL, refused(alter("", List.of(credential("SCRAM-SHA-512", 4096)))));
        assertEquals(ErrorCode.UNSUPPORTED_SASL_MECHANISM, refused(alter("alice", List.of(credential("MD5", 4096)))));
        assertEquals(ErrorCode.UNACCEPTABLE_CREDENTIAL, refused(alter("alice", List.of(
                credential("SCRAM-SHA-512", 4096).toBuilder().clearStoredKey().build()))));
        assertEquals(4096, h.image.scram().credential("alice", "SCRAM-SHA-256").getIterations());
    }

    @Test
    void credentialsSurviveASnapshot() {
        h.ok(alter("alice", List.of(credential("SCRAM-SHA-256", 4096), credential("SCRAM-SHA-512", 8192))));
        h.ok(alter("bob", List.of(credential("SCRAM-SHA-512", 4096))));
        MetadataImage restored = MetadataImage.fromRecords(h.image.toRecords(), h.image.index(), h.image.term());
        assertEquals(h.image.scram(), restored.scram());
        assertEquals(h.image, restored);
    }
}
