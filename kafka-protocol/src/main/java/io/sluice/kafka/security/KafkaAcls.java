package io.sluice.kafka.security;

import io.sluice.metadata.acl.AclBinding;
import io.sluice.metadata.acl.AclFilter;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.AclPermission;
import io.sluice.metadata.acl.PatternType;
import io.sluice.metadata.acl.ResourceType;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidRequestException;

/**
 * Kafka's ACL codes (the bytes of CreateAcls, DescribeAcls and DeleteAcls) to and from Sluice's ACL
 * types, which carry the same names. A code Sluice does not enforce (the USER and DELEGATION_TOKEN
 * resource types, CREATE_TOKENS and the like) is refused in a binding with INVALID_REQUEST; in a filter
 * it matches nothing. Stateless.
 */
final class KafkaAcls {
    private KafkaAcls() {
    }

    /** A binding to create, or InvalidRequestException naming what is wrong. */
    static AclBinding binding(byte resourceType, String name, byte patternType, String principal, String host,
                              byte operation, byte permission) {
        return new AclBinding(value(ResourceType.class, kafkaResource(resourceType).name(), "resource type"), name,
                value(PatternType.class, org.apache.kafka.common.resource.PatternType.fromCode(patternType).name(),
                        "pattern type"), principal, host,
                value(AclOperation.class, kafkaOperation(operation).name(), "operation"),
                value(AclPermission.class, AclPermissionType.fromCode(permission).name(), "permission type"));
    }

    /**
     * A describe or delete filter; null when it can match nothing here (a resource type or operation
     * Sluice keeps no ACLs for). An UNKNOWN code is InvalidRequestException, as in Kafka.
     */
    static AclFilter filter(byte resourceType, String name, byte patternType, String principal, String host,
                            byte operation, byte permission) {
        org.apache.kafka.common.resource.ResourceType kType = kafkaResource(resourceType);
        org.apache.kafka.common.resource.PatternType kPattern =
                org.apache.kafka.common.resource.PatternType.fromCode(patternType);
        org.apache.kafka.common.acl.AclOperation kOperation = kafkaOperation(operation);
        AclPermissionType kPermission = AclPermissionType.fromCode(permission);
        if (kType.isUnknown() || kPattern.isUnknown() || kOperation == org.apache.kafka.common.acl.AclOperation.UNKNOWN
                || kPermission == AclPermissionType.UNKNOWN) {
            throw new InvalidRequestException("The ACL filter has an unknown resource type, pattern type, operation"
                    + " or permission type.");
        }
        ResourceType type = kType == org.apache.kafka.common.resource.ResourceType.ANY ? null : known(ResourceType.class, kType.name());
        AclOperation op = kOperation == org.apache.kafka.common.acl.AclOperation.ANY ? null
                : known(AclOperation.class, kOperation.name());
        if (type == null && kType != org.apache.kafka.common.resource.ResourceType.ANY
                || op == null && kOperation != org.apache.kafka.common.acl.AclOperation.ANY) {
            return null;
        }
        return new AclFilter(type, name, PatternType.valueOf(kPattern.name()), principal, host, op,
                kPermission == AclPermissionType.ANY ? null : AclPermission.valueOf(kPermission.name()));
    }

    static byte code(ResourceType type) {
        return org.apache.kafka.common.resource.ResourceType.valueOf(type.name()).code();
    }

    static byte code(PatternType type) {
        return org.apache.kafka.common.resource.PatternType.valueOf(type.name()).code();
    }

    static byte code(AclOperation operation) {
        return org.apache.kafka.common.acl.AclOperation.valueOf(operation.name()).code();
    }

    static byte code(AclPermission permission) {
        return AclPermissionType.valueOf(permission.name()).code();
    }

    private static org.apache.kafka.common.resource.ResourceType kafkaResource(byte code) {
        return org.apache.kafka.common.resource.ResourceType.fromCode(code);
    }

    private static org.apache.kafka.common.acl.AclOperation kafkaOperation(byte code) {
        return org.apache.kafka.common.acl.AclOperation.fromCode(code);
    }

    private static <E extends Enum<E>> E value(Class<E> type, String name, String what) {
        E value = known(type, name);
        if (value == null) {
            throw new InvalidRequestException("ACLs with " + what + " " + name + " are not supported by Sluice.");
        }
        return value;
    }

    private static <E extends Enum<E>> E known(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
