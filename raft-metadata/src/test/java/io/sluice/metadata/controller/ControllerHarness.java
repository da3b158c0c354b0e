package io.sluice.metadata.controller;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataDelta;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.PartitionRegistration;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.AlterConfigsCommand;
import io.sluice.protocol.metadata.BrokerRef;
import io.sluice.protocol.metadata.ControlledShutdownCommand;
import io.sluice.protocol.metadata.CreatePartitionsCommand;
import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.DeleteTopicCommand;
import io.sluice.protocol.metadata.FenceBrokersCommand;
import io.sluice.protocol.metadata.InitializeClusterCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.RegisterBrokerCommand;
import io.sluice.protocol.metadata.RequestRecord;
import io.sluice.protocol.metadata.UnfenceBrokerCommand;
import io.sluice.protocol.rpc.Endpoint;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Applies commands to an image the way the state machine does (controller, then delta), one log
 * index per command, so controller tests read like a log. Not thread-safe.
 */
final class ControllerHarness {

    static final String CLUSTER = "cluster-a";
    /** Every command is applied in this Raft term. */
    static final long TERM = 3;

    MetadataImage image = MetadataImage.EMPTY;
    long index;

    ControllerResult run(MetadataCommand command) {
        index++;
        ControllerResult result = MetadataController.execute(image, command, index, TERM);
        MetadataDelta delta = new MetadataDelta(image);
        result.records().forEach(delta::replay);
        image = delta.apply(index, TERM);
        return result;
    }

    /** Applies, as one log entry, {@code count} request outcomes with ids {@code prefix + i}. */
    void rememberRequests(String prefix, int count) {
        index++;
        MetadataDelta delta = new MetadataDelta(image);
        for (int i = 0; i < count; i++) {
            delta.replay(MetadataRecord.newBuilder().setRequest(RequestRecord.newBuilder().setRequestId(prefix + i)
                    .setResult(MetadataCommandResult.getDefaultInstance())).build());
        }
        image = delta.apply(index, TERM);
    }

    /** Runs a command that must succeed. */
    ControllerResult ok(MetadataCommand command) {
        ControllerResult result = run(command);
        assertEquals(ErrorCode.NONE, result.result().getError(), result.result().getErrorMessage());
        return result;
    }

    /** A cluster with the given brokers registered and unfenced. */
    static ControllerHarness withBrokers(int... ids) {
        ControllerHarness h = new ControllerHarness();
        h.ok(MetadataCommand.newBuilder().setInitializeCluster(InitializeClusterCommand.newBuilder().setClusterId(CLUSTER)).build());
        for (int id : ids) {
            long epoch = h.ok(register(id, 1)).result().getBrokerEpoch();
            h.ok(unfence(id, epoch));
        }
        return h;
    }

    long epoch(int brokerId) {
        return broker(brokerId).epoch();
    }

    BrokerRegistration broker(int brokerId) {
        return image.cluster().broker(brokerId);
    }

    PartitionRegistration partition(String topic, int index) {
        return image.topics().topic(topic).partition(index);
    }

    static MetadataCommand register(int id, long incarnation) {
        return MetadataCommand.newBuilder().setRegisterBroker(RegisterBrokerCommand.newBuilder().setBrokerId(id)
                .setClusterId(CLUSTER).setIncarnationId(incarnation)
                .setEndpoint(Endpoint.newBuilder().setHost("host" + id).setPort(9092))).build();
    }

    static MetadataCommand unfence(int id, long epoch) {
        return MetadataCommand.newBuilder().setUnfenceBroker(UnfenceBrokerCommand.newBuilder().setBroker(ref(id, epoch))).build();
    }

    MetadataCommand fence(int... ids) {
        FenceBrokersCommand.Builder fence = FenceBrokersCommand.newBuilder();
        for (int id : ids) {
            fence.addBrokers(ref(id, epoch(id)));
        }
        return MetadataCommand.newBuilder().setFenceBrokers(fence).build();
    }

    MetadataCommand shutdown(int id) {
        return MetadataCommand.newBuilder().setControlledShutdown(
                ControlledShutdownCommand.newBuilder().setBroker(ref(id, epoch(id)))).build();
    }

    static BrokerRef ref(int id, long epoch) {
        return BrokerRef.newBuilder().setBrokerId(id).setBrokerEpoch(epoch).build();
    }

    static MetadataCommand createTopic(String name, int partitions, int rf) {
        return createTopic(name, partitions, rf, Map.of());
    }

    static MetadataCommand createTopic(String name, int partitions, int rf, Map<String, String> configs) {
        return MetadataCommand.newBuilder().setCreateTopic(CreateTopicCommand.newBuilder().setName(name)
                .setPartitions(partitions).setReplicationFactor(rf).putAllConfigs(configs)).build();
    }

    static MetadataCommand deleteTopic(String name) {
        return MetadataCommand.newBuilder().setDeleteTopic(DeleteTopicCommand.newBuilder().setName(name)).build();
    }

    static MetadataCommand createPartitions(String topic, int total) {
        return MetadataCommand.newBuilder().setCreatePartitions(
                CreatePartitionsCommand.newBuilder().setTopic(topic).setTotalCount(total)).build();
    }

    static MetadataCommand alterConfigs(String topic, Map<String, String> set, String... delete) {
        return MetadataCommand.newBuilder().setAlterConfigs(AlterConfigsCommand.newBuilder().setTopic(topic)
                .putAllSet(set).addAllDelete(List.of(delete))).build();
    }
}
