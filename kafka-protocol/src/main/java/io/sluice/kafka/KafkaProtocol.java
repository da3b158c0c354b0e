package io.sluice.kafka;

import io.netty.channel.ChannelPipeline;
import io.sluice.kafka.codec.KafkaApis;
import io.sluice.kafka.codec.KafkaFrameDecoder;
import io.sluice.kafka.codec.KafkaRequestDispatcher;
import io.sluice.kafka.handlers.AlterConfigsHandler;
import io.sluice.kafka.handlers.AlterPartitionReassignmentsHandler;
import io.sluice.kafka.handlers.AlterReplicaLogDirsHandler;
import io.sluice.kafka.handlers.ListPartitionReassignmentsHandler;
import io.sluice.kafka.handlers.ApiVersionsHandler;
import io.sluice.kafka.handlers.ConsumerGroupDescribeHandler;
import io.sluice.kafka.handlers.ConsumerGroupHeartbeatHandler;
import io.sluice.kafka.handlers.CreatePartitionsHandler;
import io.sluice.kafka.handlers.CreateTopicsHandler;
import io.sluice.kafka.handlers.DeleteGroupsHandler;
import io.sluice.kafka.handlers.DeleteRecordsHandler;
import io.sluice.kafka.handlers.DeleteTopicsHandler;
import io.sluice.kafka.handlers.DescribeClientQuotasHandler;
import io.sluice.kafka.handlers.DescribeClusterHandler;
import io.sluice.kafka.handlers.DescribeConfigsHandler;
import io.sluice.kafka.handlers.DescribeGroupsHandler;
import io.sluice.kafka.handlers.DescribeLogDirsHandler;
import io.sluice.kafka.handlers.DescribeProducersHandler;
import io.sluice.kafka.handlers.DescribeQuorumHandler;
import io.sluice.kafka.handlers.UnregisterBrokerHandler;
import io.sluice.kafka.handlers.AddRaftVoterHandler;
import io.sluice.kafka.handlers.RemoveRaftVoterHandler;
import io.sluice.kafka.handlers.ElectLeadersHandler;
import io.sluice.kafka.handlers.FetchHandler;
import io.sluice.kafka.handlers.FindCoordinatorHandler;
import io.sluice.kafka.handlers.HeartbeatHandler;
import io.sluice.kafka.handlers.IncrementalAlterConfigsHandler;
import io.sluice.kafka.handlers.InitProducerIdHandler;
import io.sluice.kafka.handlers.JoinGroupHandler;
import io.sluice.kafka.handlers.LeaveGroupHandler;
import io.sluice.kafka.handlers.ListGroupsHandler;
import io.sluice.kafka.handlers.ListOffsetsHandler;
import io.sluice.kafka.handlers.MetadataHandler;
import io.sluice.kafka.handlers.OffsetCommitHandler;
import io.sluice.kafka.handlers.OffsetDeleteHandler;
import io.sluice.kafka.handlers.OffsetFetchHandler;
import io.sluice.kafka.handlers.OffsetForLeaderEpochHandler;
import io.sluice.kafka.handlers.ProduceHandler;
import io.sluice.kafka.handlers.SyncGroupHandler;
import io.sluice.kafka.handlers.TopicCreator;
import io.sluice.kafka.security.AlterUserScramCredentialsHandler;
import io.sluice.kafka.security.CreateAclsHandler;
import io.sluice.kafka.security.DeleteAclsHandler;
import io.sluice.kafka.security.DescribeAclsHandler;
import io.sluice.kafka.security.DescribeUserScramCredentialsHandler;
import io.sluice.server.ScramCredentialService;
import org.apache.kafka.common.security.scram.ScramCredential;
import io.sluice.kafka.codec.KafkaSession;
import io.sluice.kafka.security.PlainUsers;
import io.sluice.kafka.security.SaslAuthenticateHandler;
import io.sluice.kafka.security.SaslAuthenticator;
import io.sluice.kafka.security.SaslHandshakeHandler;
import io.sluice.kafka.session.FetchSessionCache;
import io.sluice.protocol.Time;
import io.sluice.security.AclService;
import io.sluice.security.Authorizer;
import io.sluice.server.BrokerServices;
import io.sluice.server.Listener;
import io.sluice.network.RequestMetrics;
import io.sluice.server.ConnectionProtocol;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Kafka's wire protocol on the node's data-plane port. Each connection gets
 * {@code kafkaFrameDecoder -> kafkaDispatcher}; the table of APIs ({@link KafkaApis}) is built here,
 * once per node, and lists every API served with its versions.
 */
public final class KafkaProtocol implements ConnectionProtocol {
    private final int maxFrameBytes;
    private final KafkaApis apis;
    private final RequestMetrics.Recorder metrics;
    private final Authorizer authorizer;
    private final SaslAuthenticator authenticator;

    public KafkaProtocol(BrokerServices services) {
        this(services, new SaslAuthenticator(services.config().saslMechanisms(),
                services.config().plainUsersFile() == null ? PlainUsers.none()
                        : PlainUsers.load(services.config().plainUsersFile()),
                scramCredentials(new ScramCredentialService(services.metadata()))));
    }

    /** The SCRAM credentials an authentication looks up: the metadata quorum's, from this node's image. */
    private static SaslAuthenticator.ScramCredentials scramCredentials(ScramCredentialService service) {
        return (user, mechanism) -> {
            ScramCredentialService.Credential c = service.lookup(user, mechanism);
            return c == null ? null : new ScramCredential(c.salt(), c.storedKey(), c.serverKey(), c.iterations());
        };
    }

    KafkaProtocol(BrokerServices services, SaslAuthenticator authenticator) {
        this.maxFrameBytes = services.config().maxFrameBytes();
        this.apis = apis(services, new FetchSessionCache(services.config().fetchSessionCacheSlots(),
                FetchSessionCache.DEFAULT_EVICTION_MS, Time.SYSTEM,
                () -> ThreadLocalRandom.current().nextInt()), authenticator);
        this.metrics = services.requestMetrics().forProtocol(name(), ApiKeys.values());
        this.authorizer = services.authorizer();
        this.authenticator = authenticator;
    }

    @Override
    public io.sluice.network.SaslServers saslServers() {
        return authenticator;
    }

    /** Every Kafka API this broker serves, with the versions it advertises and handles. */
    static KafkaApis apis(BrokerServices services, FetchSessionCache fetchSessions,
                          SaslAuthenticator authenticator) {
        KafkaApis apis = new KafkaApis();
        apis.add(ApiKeys.API_VERSIONS, 0, 4, new ApiVersionsHandler(apis));
        // v0 (raw SASL tokens after the handshake) is advertised and refused: librdkafka enables SASL
        // only when v0 is listed, then sends v1, as every client since Kafka 1.0 does.
        apis.add(ApiKeys.SASL_HANDSHAKE, 0, 1, 1, new SaslHandshakeHandler(authenticator));
        apis.add(ApiKeys.SASL_AUTHENTICATE, 0, 2, new SaslAuthenticateHandler());
        TopicCreator creator = new TopicCreator(services);
        apis.add(ApiKeys.METADATA, 0, 12, new MetadataHandler(services, creator));
        // Consumer groups: Kafka's classic protocol, and KIP-848's heartbeat on Sluice's own groups.
        apis.add(ApiKeys.FIND_COORDINATOR, 0, 6, new FindCoordinatorHandler(services));
        apis.add(ApiKeys.JOIN_GROUP, 0, 9, new JoinGroupHandler(services));
        apis.add(ApiKeys.SYNC_GROUP, 0, 5, new SyncGroupHandler(services));
        apis.add(ApiKeys.HEARTBEAT, 0, 4, new HeartbeatHandler(services));
        apis.add(ApiKeys.LEAVE_GROUP, 0, 5, new LeaveGroupHandler(services));
        apis.add(ApiKeys.OFFSET_COMMIT, 2, 10, new OffsetCommitHandler(services));
        apis.add(ApiKeys.OFFSET_FETCH, 1, 10, new OffsetFetchHandler(services));
        apis.add(ApiKeys.LIST_GROUPS, 0, 5, new ListGroupsHandler(services));
        apis.add(ApiKeys.DESCRIBE_GROUPS, 0, 6, new DescribeGroupsHandler(services));
        apis.add(ApiKeys.DELETE_GROUPS, 0, 3, new DeleteGroupsHandler(services));
        apis.add(ApiKeys.OFFSET_DELETE, 0, 0, new OffsetDeleteHandler(services));
        apis.add(ApiKeys.CONSUMER_GROUP_HEARTBEAT, 0, 1, new ConsumerGroupHeartbeatHandler(services));
        apis.add(ApiKeys.CONSUMER_GROUP_DESCRIBE, 0, 1, new ConsumerGroupDescribeHandler(services));
        // Produce v0-2 are advertised and refused, as Kafka 4 does: librdkafka compresses only when they are listed.
        apis.add(ApiKeys.PRODUCE, 0, 3, 13, new ProduceHandler(services));
        apis.add(ApiKeys.FETCH, 4, 18, new FetchHandler(services, fetchSessions));
        // v11 adds earliest-pending-upload (-6), a tiered-storage lookup this broker has no answer for.
        apis.add(ApiKeys.LIST_OFFSETS, 1, 10, new ListOffsetsHandler(services.listOffsets()));
        // v6 (two-phase commit, KIP-939) is unstable in kafka-clients 4.4 and about transactions anyway.
        apis.add(ApiKeys.INIT_PRODUCER_ID, 0, 5, new InitProducerIdHandler(services.producerIds()));
        apis.add(ApiKeys.OFFSET_FOR_LEADER_EPOCH, 2, 4, new OffsetForLeaderEpochHandler(services.listOffsets()));
        apis.add(ApiKeys.DESCRIBE_PRODUCERS, 0, 0, new DescribeProducersHandler(services.replicas()));
        apis.add(ApiKeys.CREATE_TOPICS, 2, 7, new CreateTopicsHandler(services.admin()));
        apis.add(ApiKeys.DELETE_TOPICS, 1, 6, new DeleteTopicsHandler(services));
        apis.add(ApiKeys.CREATE_PARTITIONS, 0, 3, new CreatePartitionsHandler(services.admin()));
        apis.add(ApiKeys.DESCRIBE_CONFIGS, 1, 4, new DescribeConfigsHandler(services));
        apis.add(ApiKeys.ALTER_CONFIGS, 0, 2, new AlterConfigsHandler(services.admin()));
        apis.add(ApiKeys.INCREMENTAL_ALTER_CONFIGS, 0, 1, new IncrementalAlterConfigsHandler(services.admin()));
        apis.add(ApiKeys.DESCRIBE_CLUSTER, 0, 2, new DescribeClusterHandler(services));
        apis.add(ApiKeys.DESCRIBE_LOG_DIRS, 1, 4, new DescribeLogDirsHandler(services.admin()));
        apis.add(ApiKeys.DELETE_RECORDS, 0, 2, new DeleteRecordsHandler(services.admin()));
        apis.add(ApiKeys.ELECT_LEADERS, 0, 2, new ElectLeadersHandler(services));
        apis.add(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, 0, 1, new AlterPartitionReassignmentsHandler(services.admin()));
        apis.add(ApiKeys.LIST_PARTITION_REASSIGNMENTS, 0, 0, new ListPartitionReassignmentsHandler(services.admin()));
        apis.add(ApiKeys.ALTER_REPLICA_LOG_DIRS, 1, 2, new AlterReplicaLogDirsHandler(services.admin()));
        apis.add(ApiKeys.DESCRIBE_QUORUM, 0, 2, new DescribeQuorumHandler(services.admin()));
        apis.add(ApiKeys.UNREGISTER_BROKER, 0, 0, new UnregisterBrokerHandler(services.admin()));
        apis.add(ApiKeys.ADD_RAFT_VOTER, 0, 1, new AddRaftVoterHandler(services));
        apis.add(ApiKeys.REMOVE_RAFT_VOTER, 0, 0, new RemoveRaftVoterHandler(services));
        ScramCredentialService scram = new ScramCredentialService(services.metadata());
        apis.add(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, 0, 0, new DescribeUserScramCredentialsHandler(scram));
        apis.add(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, 0, 0, new AlterUserScramCredentialsHandler(scram));
        AclService acls = new AclService(services.metadata());
        apis.add(ApiKeys.CREATE_ACLS, 1, 3, new CreateAclsHandler(acls));
        apis.add(ApiKeys.DESCRIBE_ACLS, 1, 3, new DescribeAclsHandler(acls));
        apis.add(ApiKeys.DELETE_ACLS, 1, 3, new DeleteAclsHandler(acls));
        apis.add(ApiKeys.DESCRIBE_CLIENT_QUOTAS, 0, 1, new DescribeClientQuotasHandler());
        return apis;
    }

    public KafkaApis apis() {
        return apis;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void initConnection(ChannelPipeline pipeline, Listener listener) {
        KafkaSession session = new KafkaSession(listener.name(), listener.protocol().sasl(), pipeline.channel(),
                authorizer);
        pipeline.addLast("kafkaFrameDecoder", new KafkaFrameDecoder(maxFrameBytes, session))
                .addLast("kafkaDispatcher", new KafkaRequestDispatcher(apis, metrics, session));
    }

    /** Registered with {@link java.util.ServiceLoader}, so every node with this module serves Kafka. */
    public static final class Factory implements ConnectionProtocol.Factory {
        @Override
        public ConnectionProtocol create(BrokerServices services) {
            return new KafkaProtocol(services);
        }
    }
}
