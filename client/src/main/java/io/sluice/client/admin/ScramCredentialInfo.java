package io.sluice.client.admin;

/** What a describe shows of a user's SCRAM credential: its mechanism and iteration count. Immutable. */
public record ScramCredentialInfo(String mechanism, int iterations) {
}
