package io.sluice.metadata.acl;

/** Whether a binding allows or denies; a matching DENY wins over any ALLOW. */
public enum AclPermission {
    ALLOW, DENY
}
