package io.sluice.metadata.acl;

/** What an ACL binding protects; Kafka's names, of the resource types Sluice enforces. */
public enum ResourceType {
    TOPIC, GROUP, CLUSTER, TRANSACTIONAL_ID;

    /** The only name a CLUSTER resource has (Kafka's {@code kafka-cluster}). */
    public static final String CLUSTER_NAME = "kafka-cluster";
}
