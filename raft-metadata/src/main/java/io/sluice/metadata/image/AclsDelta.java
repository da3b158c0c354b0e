package io.sluice.metadata.image;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.protocol.metadata.AclRecord;
import io.sluice.protocol.metadata.RemoveAclRecord;
import java.util.TreeSet;

/** ACL changes of one apply. Not thread-safe (used on the apply thread only). */
public final class AclsDelta {
    private final AclsImage base;
    private final TreeSet<AclBinding> bindings;

    AclsDelta(AclsImage base) {
        this.base = base;
        this.bindings = new TreeSet<>(base.bindings());
    }

    void replay(AclRecord record) {
        bindings.add(AclBinding.fromRecord(record));
    }

    void replay(RemoveAclRecord record) {
        bindings.remove(AclBinding.fromRecord(record.getAcl()));
    }

    AclsImage apply() {
        return bindings.equals(base.bindings()) ? base : new AclsImage(bindings);
    }
}
