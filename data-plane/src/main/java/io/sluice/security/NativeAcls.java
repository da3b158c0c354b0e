package io.sluice.security;

import com.google.protobuf.Parser;
import io.sluice.metadata.acl.AclOperation;
import io.sluice.metadata.acl.ResourceType;
import io.sluice.network.NativeApis;
import io.sluice.network.RequestContext;
import io.sluice.network.RequestHandler;
import io.sluice.network.Response;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.rpc.AlterConfigsRequest;
import io.sluice.protocol.rpc.AlterConfigsResource;
import io.sluice.protocol.rpc.AlterGroupOffsetsRequest;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.ConfigResource;
import io.sluice.protocol.rpc.ConfigResourceType;
import io.sluice.protocol.rpc.ConsumerGroupHeartbeatRequest;
import io.sluice.protocol.rpc.CreatableTopic;
import io.sluice.protocol.rpc.CreatePartitionsRequest;
import io.sluice.protocol.rpc.CreateTopicsRequest;
import io.sluice.protocol.rpc.DeleteGroupsRequest;
import io.sluice.protocol.rpc.DeleteTopicsRequest;
import io.sluice.protocol.rpc.DescribeConfigsRequest;
import io.sluice.protocol.rpc.DescribeGroupsRequest;
import io.sluice.protocol.rpc.FetchPartition;
import io.sluice.protocol.rpc.FetchRequest;
import io.sluice.protocol.rpc.FindCoordinatorRequest;
import io.sluice.protocol.rpc.ListGroupsResponse;
import io.sluice.protocol.rpc.ListOffsetsPartition;
import io.sluice.protocol.rpc.ListOffsetsRequest;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.rpc.OffsetCommitPartition;
import io.sluice.protocol.rpc.OffsetCommitRequest;
import io.sluice.protocol.rpc.OffsetFetchRequest;
import io.sluice.protocol.rpc.OffsetFetchResponse;
import io.sluice.protocol.rpc.ProducePartition;
import io.sluice.protocol.rpc.ProduceRequest;
import io.sluice.protocol.rpc.TopicMetadata;
import io.sluice.protocol.rpc.TopicPartitions;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * ACL checks on every native API, with the operations Kafka asks for the equivalent Kafka API and the
 * one {@link Authorizer} both protocols share: WRITE for produce (IDEMPOTENT_WRITE on the cluster, or
 * WRITE on some topic, for a producer id), READ for fetch and for groups, DESCRIBE, CREATE, DELETE,
 * ALTER, DESCRIBE_CONFIGS, ALTER_CONFIGS, and CLUSTER_ACTION for what brokers send each other
 * (replica fetches, registration, heartbeats). A decorator of the native API table, installed only when
 * the authorizer is on, so a node without one pays nothing.
 *
 * <p>The native protocol refuses a request as a whole (TOPIC_, GROUP_, CLUSTER_ or
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED in the response header, naming the first resource refused) and
 * the handler never runs, so nothing changes; Kafka's protocol answers per partition instead. Lists are
 * filtered as in Kafka: an all-topics Metadata leaves out topics the principal may not DESCRIBE (a named
 * one gets TOPIC_AUTHORIZATION_FAILED whether or not it exists), ListGroups the groups, and an
 * all-partitions OffsetFetch the topics. The request body is parsed once more here to read its
 * resources. Stateless and thread-safe.
 */
public final class NativeAcls {
    /** What one API needs of the principal; throws {@link SluiceException} to refuse. */
    @FunctionalInterface
    private interface Rule {
        Function<Response, Response> check(Caller caller, RequestFrame frame) throws Exception;
    }

    private static final Function<Response, Response> UNCHANGED = Function.identity();

    private NativeAcls() {
    }

    /** {@code apis} with every handler behind its check; an API without a rule here is refused at start. */
    public static NativeApis wrap(NativeApis apis, Authorizer authorizer) {
        NativeApis wrapped = new NativeApis();
        apis.handlers().forEach((key, handler) -> wrapped.add(key, guard(rule(key), handler, authorizer)));
        return wrapped;
    }

    private static RequestHandler guard(Rule rule, RequestHandler handler, Authorizer authorizer) {
        return (ctx, frame) -> {
            Function<Response, Response> filter;
            try {
                filter = rule.check(new Caller(authorizer, ctx), frame);
            } catch (Exception e) {
                frame.release();
                throw e;
            }
            CompletableFuture<Response> result = handler.handle(ctx, frame);
            return filter == UNCHANGED ? result : result.thenApply(filter);
        };
    }

    /** The principal of one request and the questions asked for it. */
    private record Caller(Authorizer authorizer, RequestContext ctx) {
        boolean allowed(AclOperation op, ResourceType type, String name) {
            return authorizer.authorize(ctx.principal(), ctx.host(), op, type, name);
        }

        void require(AclOperation op, ResourceType type, String name) {
            if (!allowed(op, type, name)) {
                throw refused(op, type, name);
            }
        }

        void requireAll(AclOperation op, ResourceType type, Collection<String> names) {
            for (String name : new LinkedHashSet<>(names)) {
                require(op, type, name);
            }
        }

        void requireCluster(AclOperation op) {
            require(op, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
        }

        SluiceException refused(AclOperation op, ResourceType type, String name) {
            ErrorCode code = switch (type) {
                case TOPIC -> ErrorCode.TOPIC_AUTHORIZATION_FAILED;
                case GROUP -> ErrorCode.GROUP_AUTHORIZATION_FAILED;
                case CLUSTER -> ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
                case TRANSACTIONAL_ID -> ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
            };
            String what = type == ResourceType.CLUSTER ? "the cluster"
                    : type.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " '" + name + "'";
            return new SluiceException(code, ctx.principal() + " is not authorized to " + op + " " + what);
        }
    }

    private static <T> T parse(RequestFrame frame, Parser<T> parser) throws Exception {
        return Frames.parse(frame.body().duplicate(), parser);
    }

    private static Rule cluster(AclOperation op) {
        return (c, f) -> {
            c.requireCluster(op);
            return UNCHANGED;
        };
    }

    private static Rule rule(ApiKey key) {
        return switch (key) {
            case SASL_HANDSHAKE, SASL_AUTHENTICATE, DESCRIBE_CLUSTER -> (c, f) -> UNCHANGED;
            case BROKER_REGISTRATION, BROKER_HEARTBEAT -> cluster(AclOperation.CLUSTER_ACTION);
            case DESCRIBE_QUORUM, LIST_PARTITION_REASSIGNMENTS, DESCRIBE_ACLS, DESCRIBE_USER_SCRAM_CREDENTIALS ->
                    cluster(AclOperation.DESCRIBE);
            case ELECT_LEADERS, ALTER_PARTITION_REASSIGNMENTS, UNREGISTER_BROKER, CREATE_ACLS, DELETE_ACLS,
                    ALTER_USER_SCRAM_CREDENTIALS -> cluster(AclOperation.ALTER);
            case METADATA -> NativeAcls::metadata;
            case PRODUCE -> (c, f) -> {
                c.requireAll(AclOperation.WRITE, ResourceType.TOPIC, parse(f, ProduceRequest.parser())
                        .getPartitionsList().stream().map(ProducePartition::getTopic).toList());
                return UNCHANGED;
            };
            case FETCH -> (c, f) -> {
                FetchRequest r = parse(f, FetchRequest.parser());
                if (r.getReplicaId() >= 0) {
                    c.requireCluster(AclOperation.CLUSTER_ACTION);
                } else {
                    c.requireAll(AclOperation.READ, ResourceType.TOPIC,
                            r.getPartitionsList().stream().map(FetchPartition::getTopic).toList());
                }
                return UNCHANGED;
            };
            case DESCRIBE_LOG_CLEANER -> (c, f) -> {
                // Per topic, as the topic's describe: a tool asks for the topics it describes; no
                // names means every compacted topic here, which needs Describe on the cluster.
                List<String> topics = parse(f, io.sluice.protocol.rpc.DescribeLogCleanerRequest.parser()).getTopicsList();
                if (topics.isEmpty()) {
                    c.requireCluster(AclOperation.DESCRIBE);
                } else {
                    c.requireAll(AclOperation.DESCRIBE, ResourceType.TOPIC, topics);
                }
                return UNCHANGED;
            };
            case LIST_OFFSETS -> (c, f) -> {
                c.requireAll(AclOperation.DESCRIBE, ResourceType.TOPIC, parse(f, ListOffsetsRequest.parser())
                        .getPartitionsList().stream().map(ListOffsetsPartition::getTopic).toList());
                return UNCHANGED;
            };
            case CREATE_TOPICS -> (c, f) -> {
                if (!c.allowed(AclOperation.CREATE, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)) {
                    c.requireAll(AclOperation.CREATE, ResourceType.TOPIC, parse(f, CreateTopicsRequest.parser())
                            .getTopicsList().stream().map(CreatableTopic::getName).toList());
                }
                return UNCHANGED;
            };
            case DELETE_TOPICS -> (c, f) -> {
                c.requireAll(AclOperation.DELETE, ResourceType.TOPIC, parse(f, DeleteTopicsRequest.parser()).getNamesList());
                return UNCHANGED;
            };
            case CREATE_PARTITIONS -> (c, f) -> {
                c.requireAll(AclOperation.ALTER, ResourceType.TOPIC, parse(f, CreatePartitionsRequest.parser())
                        .getTopicsList().stream().map(t -> t.getName()).toList());
                return UNCHANGED;
            };
            case DESCRIBE_CONFIGS -> (c, f) -> {
                configs(c, AclOperation.DESCRIBE_CONFIGS, parse(f, DescribeConfigsRequest.parser()).getResourcesList());
                return UNCHANGED;
            };
            case ALTER_CONFIGS -> (c, f) -> {
                configs(c, AclOperation.ALTER_CONFIGS, parse(f, AlterConfigsRequest.parser()).getResourcesList()
                        .stream().map(AlterConfigsResource::getResource).toList());
                return UNCHANGED;
            };
            case INIT_PRODUCER_ID -> (c, f) -> {
                // KIP-679: an idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic.
                if (!c.allowed(AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)
                        && !c.authorizer().authorizeAny(c.ctx().principal(), c.ctx().host(), AclOperation.WRITE,
                        ResourceType.TOPIC)) {
                    throw c.refused(AclOperation.IDEMPOTENT_WRITE, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
                }
                return UNCHANGED;
            };
            case FIND_COORDINATOR -> (c, f) -> {
                c.require(AclOperation.DESCRIBE, ResourceType.GROUP, parse(f, FindCoordinatorRequest.parser()).getGroupId());
                return UNCHANGED;
            };
            case GROUP_HEARTBEAT -> (c, f) -> {
                ConsumerGroupHeartbeatRequest r = parse(f, ConsumerGroupHeartbeatRequest.parser());
                c.require(AclOperation.READ, ResourceType.GROUP, r.getGroupId());
                c.requireAll(AclOperation.DESCRIBE, ResourceType.TOPIC, r.getSubscribedTopicsList());
                return UNCHANGED;
            };
            case OFFSET_COMMIT -> (c, f) -> {
                OffsetCommitRequest r = parse(f, OffsetCommitRequest.parser());
                c.require(AclOperation.READ, ResourceType.GROUP, r.getGroupId());
                c.requireAll(AclOperation.READ, ResourceType.TOPIC,
                        r.getPartitionsList().stream().map(OffsetCommitPartition::getTopic).toList());
                return UNCHANGED;
            };
            case ALTER_GROUP_OFFSETS -> (c, f) -> {
                AlterGroupOffsetsRequest r = parse(f, AlterGroupOffsetsRequest.parser());
                c.require(AclOperation.READ, ResourceType.GROUP, r.getGroupId());
                c.requireAll(AclOperation.READ, ResourceType.TOPIC,
                        r.getPartitionsList().stream().map(OffsetCommitPartition::getTopic).toList());
                return UNCHANGED;
            };
            case OFFSET_FETCH -> NativeAcls::offsetFetch;
            case LIST_GROUPS -> (c, f) -> c.allowed(AclOperation.DESCRIBE, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME)
                    ? UNCHANGED : response -> {
                        ListGroupsResponse r = (ListGroupsResponse) response.body();
                        return Response.of(r.toBuilder().clearGroups().addAllGroups(r.getGroupsList().stream()
                                .filter(g -> c.allowed(AclOperation.DESCRIBE, ResourceType.GROUP, g.getGroupId()))
                                .toList()).build());
                    };
            case DESCRIBE_GROUPS -> (c, f) -> {
                c.requireAll(AclOperation.DESCRIBE, ResourceType.GROUP, parse(f, DescribeGroupsRequest.parser())
                        .getGroupIdsList());
                return UNCHANGED;
            };
            case DELETE_GROUPS -> (c, f) -> {
                c.requireAll(AclOperation.DELETE, ResourceType.GROUP, parse(f, DeleteGroupsRequest.parser())
                        .getGroupIdsList());
                return UNCHANGED;
            };
            case API_UNKNOWN, UNRECOGNIZED -> throw new IllegalStateException("no ACL rule for " + key);
        };
    }

    private static void configs(Caller c, AclOperation op, List<ConfigResource> resources) {
        for (ConfigResource r : resources) {
            if (r.getType() == ConfigResourceType.TOPIC) {
                c.require(op, ResourceType.TOPIC, r.getName());
            } else {
                c.requireCluster(op);
            }
        }
    }

    private static Function<Response, Response> metadata(Caller c, RequestFrame f) throws Exception {
        MetadataRequest request = parse(f, MetadataRequest.parser());
        boolean all = request.getAllTopics();
        return response -> {
            MetadataResponse r = (MetadataResponse) response.body();
            MetadataResponse.Builder b = r.toBuilder().clearTopics();
            for (TopicMetadata t : r.getTopicsList()) {
                if (c.allowed(AclOperation.DESCRIBE, ResourceType.TOPIC, t.getName())) {
                    b.addTopics(t);
                } else if (!all) {
                    b.addTopics(TopicMetadata.newBuilder().setName(t.getName())
                            .setError(ErrorCode.TOPIC_AUTHORIZATION_FAILED).setErrorMessage(c.refused(
                                    AclOperation.DESCRIBE, ResourceType.TOPIC, t.getName()).getMessage()));
                }
            }
            return Response.of(b.build());
        };
    }

    private static Function<Response, Response> offsetFetch(Caller c, RequestFrame f) throws Exception {
        OffsetFetchRequest request = parse(f, OffsetFetchRequest.parser());
        c.require(AclOperation.DESCRIBE, ResourceType.GROUP, request.getGroupId());
        if (request.getPartitionsCount() > 0) {
            c.requireAll(AclOperation.DESCRIBE, ResourceType.TOPIC,
                    request.getPartitionsList().stream().map(TopicPartitions::getTopic).toList());
            return UNCHANGED;
        }
        return response -> {
            OffsetFetchResponse r = (OffsetFetchResponse) response.body();
            return Response.of(r.toBuilder().clearPartitions().addAllPartitions(r.getPartitionsList().stream()
                    .filter(p -> c.allowed(AclOperation.DESCRIBE, ResourceType.TOPIC, p.getTopic())).toList()).build());
        };
    }
}
