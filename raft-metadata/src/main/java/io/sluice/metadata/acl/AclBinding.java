package io.sluice.metadata.acl;

import io.sluice.protocol.metadata.AclRecord;
import java.util.Comparator;

/**
 * One ACL: {@code permission} of {@code principal} from {@code host} to {@code operation} on the
 * resources that {@code resourceName} with {@code patternType} names. Immutable; two equal bindings are
 * the same binding (created once, removed once).
 *
 * @param principal {@code Type:name} (Kafka's {@code User:alice}), or {@code User:*} for every user
 * @param host an IP address, or {@code *} for every host
 */
public record AclBinding(ResourceType resourceType, String resourceName, PatternType patternType, String principal,
                         String host, AclOperation operation, AclPermission permission) implements Comparable<AclBinding> {

    public static final String WILDCARD = "*";
    public static final String WILDCARD_PRINCIPAL = "User:*";

    private static final Comparator<AclBinding> ORDER = Comparator.comparing(AclBinding::resourceType)
            .thenComparing(AclBinding::resourceName).thenComparing(AclBinding::patternType)
            .thenComparing(AclBinding::principal).thenComparing(AclBinding::host)
            .thenComparing(AclBinding::operation).thenComparing(AclBinding::permission);

    /** Why this binding cannot be stored, or null when it can (Kafka's checks of a new ACL). */
    public String invalidReason() {
        if (resourceType == null || patternType == null || operation == null || permission == null) {
            return "An ACL needs a resource type, a pattern type, an operation and a permission type.";
        }
        if (!patternType.specific()) {
            return "The pattern type of an ACL must be LITERAL or PREFIXED, not " + patternType + ".";
        }
        if (resourceName == null || resourceName.isEmpty()) {
            return "The resource name of an ACL must not be empty.";
        }
        if (resourceType == ResourceType.CLUSTER && !resourceName.equals(ResourceType.CLUSTER_NAME)) {
            return "The CLUSTER resource is named " + ResourceType.CLUSTER_NAME + ", not '" + resourceName + "'.";
        }
        int colon = principal == null ? -1 : principal.indexOf(':');
        if (colon <= 0 || colon == principal.length() - 1) {
            return "Principal '" + principal + "' is not of the form Type:name (User:alice, or User:* for everyone).";
        }
        if (host == null || host.isEmpty()) {
            return "The host of an ACL must be an address or *.";
        }
        return null;
    }

    /** Whether this binding's resource pattern covers the resource {@code type}/{@code name}. */
    public boolean appliesTo(ResourceType type, String name) {
        if (type != resourceType) {
            return false;
        }
        return patternType == PatternType.LITERAL ? resourceName.equals(name) || resourceName.equals(WILDCARD)
                : name.startsWith(resourceName);
    }

    /** Whether this binding is about {@code principal} connecting from {@code host}. */
    public boolean appliesTo(String principal, String host) {
        return (this.principal.equals(principal) || this.principal.equals(WILDCARD_PRINCIPAL))
                && (this.host.equals(host) || this.host.equals(WILDCARD));
    }

    public AclRecord toRecord() {
        return AclRecord.newBuilder().setResourceType(resourceType.name()).setResourceName(resourceName)
                .setPatternType(patternType.name()).setPrincipal(principal).setHost(host)
                .setOperation(operation.name()).setPermission(permission.name()).build();
    }

    /** The binding of a record; an enum name this version does not know is an IllegalArgumentException. */
    public static AclBinding fromRecord(AclRecord r) {
        return new AclBinding(ResourceType.valueOf(r.getResourceType()), r.getResourceName(),
                PatternType.valueOf(r.getPatternType()), r.getPrincipal(), r.getHost(),
                AclOperation.valueOf(r.getOperation()), AclPermission.valueOf(r.getPermission()));
    }

    @Override
    public int compareTo(AclBinding other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return permission + " " + principal + " from " + host + " " + operation + " on " + resourceType + ":"
                + patternType + ":" + resourceName;
    }
}
