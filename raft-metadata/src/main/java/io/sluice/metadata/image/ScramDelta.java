package io.sluice.metadata.image;

import io.sluice.protocol.metadata.RemoveUserScramCredentialRecord;
import io.sluice.protocol.metadata.UserScramCredentialRecord;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** SCRAM credential changes of one apply. Not thread-safe (used on the apply thread only). */
public final class ScramDelta {
    private final ScramImage base;
    /** The complete new credentials of each touched user; empty means the user has none left. */
    private final SortedMap<String, TreeMap<String, UserScramCredentialRecord>> changed = new TreeMap<>();

    ScramDelta(ScramImage base) {
        this.base = base;
    }

    void replay(UserScramCredentialRecord record) {
        touch(record.getName()).put(record.getMechanism(), record);
    }

    void replay(RemoveUserScramCredentialRecord record) {
        touch(record.getName()).remove(record.getMechanism());
    }

    private TreeMap<String, UserScramCredentialRecord> touch(String user) {
        return changed.computeIfAbsent(user, u -> new TreeMap<>(base.credentials(u)));
    }

    ScramImage apply() {
        if (changed.isEmpty()) {
            return base;
        }
        TreeMap<String, SortedMap<String, UserScramCredentialRecord>> users = new TreeMap<>(base.users());
        changed.forEach((user, credentials) -> {
            if (credentials.isEmpty()) {
                users.remove(user);
            } else {
                users.put(user, Collections.unmodifiableSortedMap(new TreeMap<>(credentials)));
            }
        });
        return new ScramImage(users);
    }
}
