package io.sluice.metadata.acl;

import io.sluice.protocol.metadata.AclRecord;

/**
 * Selects ACL bindings for describe and delete, as Kafka's AclBindingFilter: a null field matches any
 * value; principal and host match exactly (no wildcard expansion); the pattern type is LITERAL or
 * PREFIXED (bindings of that type and name), ANY (either type, same name) or MATCH (every binding that
 * applies to the named resource: the literal name, the literal {@code *} and every prefix of it).
 * Immutable.
 */
public record AclFilter(ResourceType resourceType, String resourceName, PatternType patternType, String principal,
                        String host, AclOperation operation, AclPermission permission) {

    public static final AclFilter ANY = new AclFilter(null, null, PatternType.ANY, null, null, null, null);

    public AclFilter {
        patternType = patternType == null ? PatternType.ANY : patternType;
    }

    public boolean matches(AclBinding b) {
        return (resourceType == null || resourceType == b.resourceType())
                && matchesPattern(b)
                && (principal == null || principal.equals(b.principal()))
                && (host == null || host.equals(b.host()))
                && (operation == null || operation == b.operation())
                && (permission == null || permission == b.permission());
    }

    private boolean matchesPattern(AclBinding b) {
        return switch (patternType) {
            case LITERAL, PREFIXED -> patternType == b.patternType()
                    && (resourceName == null || resourceName.equals(b.resourceName()));
            case ANY -> resourceName == null || resourceName.equals(b.resourceName());
            case MATCH -> resourceName == null || b.patternType() == PatternType.LITERAL
                    && (b.resourceName().equals(resourceName) || b.resourceName().equals(AclBinding.WILDCARD))
                    || b.patternType() == PatternType.PREFIXED && resourceName.startsWith(b.resourceName());
        };
    }

    /** This filter as a record whose empty fields match anything. */
    public AclRecord toProto() {
        AclRecord.Builder p = AclRecord.newBuilder().setPatternType(patternType.name());
        if (resourceType != null) {
            p.setResourceType(resourceType.name());
        }
        if (resourceName != null) {
            p.setResourceName(resourceName);
        }
        if (principal != null) {
            p.setPrincipal(principal);
        }
        if (host != null) {
            p.setHost(host);
        }
        if (operation != null) {
            p.setOperation(operation.name());
        }
        if (permission != null) {
            p.setPermission(permission.name());
        }
        return p.build();
    }

    public static AclFilter fromProto(AclRecord p) {
        return new AclFilter(p.getResourceType().isEmpty() ? null : ResourceType.valueOf(p.getResourceType()),
                p.getResourceName().isEmpty() ? null : p.getResourceName(), p.getPatternType().isEmpty() ? PatternType.ANY : PatternType.valueOf(p.getPatternType()),
                p.getPrincipal().isEmpty() ? null : p.getPrincipal(), p.getHost().isEmpty() ? null : p.getHost(),
                p.getOperation().isEmpty() ? null : AclOperation.valueOf(p.getOperation()),
                p.getPermission().isEmpty() ? null : AclPermission.valueOf(p.getPermission()));
    }
}
