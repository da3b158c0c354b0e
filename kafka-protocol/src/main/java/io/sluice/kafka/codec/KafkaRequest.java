package io.sluice.kafka.codec;

import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.security.Authorizer;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * Who sent a Kafka request, and with which API version and header; immutable but for the connection's
 * {@link KafkaSession} (its listener, principal and SASL state), which is confined to the event loop.
 */
public record KafkaRequest(RequestHeader header, SocketAddress remoteAddress, KafkaSession session) {
    public ApiKeys apiKey() {
        return header.apiKey();
    }

    public short version() {
        return header.apiVersion();
    }

    public String clientId() {
        return header.clientId();
    }

    /** The authenticated principal ({@code User:alice}, {@code User:ANONYMOUS} on a PLAINTEXT listener). */
    public String principal() {
        return session.principal();
    }

    /** The client's IP address, which ACLs with a host name. */
    public String host() {
        return remoteAddress instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : String.valueOf(remoteAddress);
    }

    /** Whether the principal may perform {@code operation} on {@code type}/{@code name} (see {@link Authorizer}). */
    public boolean authorized(AclOperation operation, ResourceType type, String name) {
        return session.authorizer().authorize(principal(), host(), operation, type, name);
    }

    /** Whether the principal may perform {@code operation} on some resource of {@code type} ({@link Authorizer#authorizeAny}). */
    public boolean authorizedOnAny(AclOperation operation, ResourceType type) {
        return session.authorizer().authorizeAny(principal(), host(), operation, type);
    }

    public boolean authorizedOnTopic(AclOperation operation, String topic) {
        return authorized(operation, ResourceType.TOPIC, topic);
    }

    public boolean authorizedOnCluster(AclOperation operation) {
        return authorized(operation, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
    }

    /**
     * Refuses the whole request with CLUSTER_AUTHORIZATION_FAILED (the API's own error response) unless
     * the principal may perform {@code operation} on the cluster.
     */
    public void requireCluster(AclOperation operation) {
        if (!authorizedOnCluster(operation)) {
            throw new ClusterAuthorizationException(principal() + " is not authorized to " + operation
                    + " on the cluster (" + apiKey() + ").");
        }
    }

    /** Refuses the whole request with GROUP_AUTHORIZATION_FAILED unless {@code operation} on {@code group} is allowed. */
    public void requireGroup(AclOperation operation, String group) {
        if (!authorized(operation, ResourceType.GROUP, group)) {
            throw new GroupAuthorizationException(principal() + " is not authorized to " + operation
                    + " group " + group + ".");
        }
    }

    /** The name of the listener the request arrived on, whose broker addresses its answer must give. */
    public String listener() {
        return session.listener();
    }
}
