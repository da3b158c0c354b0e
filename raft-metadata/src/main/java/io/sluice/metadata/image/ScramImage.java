package io.sluice.metadata.image;

import io.sluice.protocol.metadata.UserScramCredentialRecord;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Users' SCRAM credentials by user, then mechanism name (SCRAM-SHA-256, SCRAM-SHA-512): salts,
 * stored keys, server keys and iteration counts, never a password. Immutable: the per-user maps must
 * be unmodifiable (the delta builds them so).
 */
public record ScramImage(SortedMap<String, SortedMap<String, UserScramCredentialRecord>> users) {

    public static final ScramImage EMPTY = new ScramImage(new TreeMap<>());

    public ScramImage {
        users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
    }

    /** The credential of {@code user} for {@code mechanism}, or null. */
    public UserScramCredentialRecord credential(String user, String mechanism) {
        SortedMap<String, UserScramCredentialRecord> byMechanism = users.get(user);
        return byMechanism == null ? null : byMechanism.get(mechanism);
    }

    /** The credentials of one user by mechanism; empty when it has none. */
    public SortedMap<String, UserScramCredentialRecord> credentials(String user) {
        SortedMap<String, UserScramCredentialRecord> byMechanism = users.get(user);
        return byMechanism == null ? Collections.emptySortedMap() : byMechanism;
    }
}
