package io.sluice.metadata.acl;

import java.util.Set;

/**
 * An operation on a resource, with Kafka's names and implications: an ALLOW of READ, WRITE, DELETE or
 * ALTER also allows DESCRIBE, an ALLOW of ALTER_CONFIGS also allows DESCRIBE_CONFIGS, and ALL (in an
 * allow or a deny) covers every operation. A DENY covers only its own operation (or all, for ALL).
 */
public enum AclOperation {
    ALL, READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS,
    IDEMPOTENT_WRITE;

    private static final Set<AclOperation> IMPLY_DESCRIBE = Set.of(READ, WRITE, DELETE, ALTER);

    /** Whether a binding of this operation and {@code permission} covers a request for {@code requested}. */
    public boolean covers(AclOperation requested, AclPermission permission) {
        if (this == ALL || this == requested) {
            return true;
        }
        if (permission == AclPermission.DENY) {
            return false;
        }
        return requested == DESCRIBE && IMPLY_DESCRIBE.contains(this)
                || requested == DESCRIBE_CONFIGS && this == ALTER_CONFIGS;
    }
}
