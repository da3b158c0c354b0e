package io.sluice.client.admin;

/**
 * An ACL binding, or a filter of bindings, with Kafka's names as text: resource type (TOPIC, GROUP,
 * CLUSTER, TRANSACTIONAL_ID), resource name, pattern type (LITERAL, PREFIXED; ANY and MATCH in
 * filters), principal ({@code User:alice}), host ({@code *}), operation (READ, WRITE, ...) and
 * permission (ALLOW, DENY). In a filter a null field matches anything. Immutable.
 */
public record AclBinding(String resourceType, String resourceName, String patternType, String principal,
                         String host, String operation, String permission) {

    @Override
    public String toString() {
        return "(principal=" + principal + ", host=" + host + ", operation=" + operation + ", permissionType="
                + permission + ") on " + resourceType + ":" + patternType + ":" + resourceName;
    }
}
