package io.sluice.kafka.handlers;

import io.sluice.protocol.metadata.CreateTopicCommand;
import io.sluice.protocol.metadata.MetadataCommand;
import io.sluice.server.BrokerServices;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's automatic topic creation: a topic a client asks for and that does not exist is created with
 * the cluster's {@code num.partitions} and {@code default.replication.factor}. One creation at a time
 * per name on this node; the quorum refuses a second one anywhere else (the topic exists). Thread-safe.
 */
public final class TopicCreator {
    private static final Logger log = LoggerFactory.getLogger(TopicCreator.class);
    private final BrokerServices services;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    public TopicCreator(BrokerServices services) {
        this.services = services;
    }

    /** Starts creating {@code name} unless this node already is; returns at once. */
    public void createWithDefaults(String name) {
        if (!pending.add(name)) {
            return;
        }
        int partitions = services.defaults().numPartitions();
        int rf = Math.min(services.defaults().replicationFactor(),
                Math.max(1, services.metadata().image().cluster().brokers().size()));
        MetadataCommand command = MetadataCommand.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setTimestampMs(System.currentTimeMillis())
                .setCreateTopic(CreateTopicCommand.newBuilder().setName(name).setPartitions(partitions)
                        .setReplicationFactor(rf))
                .build();
        services.metadata().submit(command).whenComplete((result, error) -> {
            pending.remove(name);
            if (error != null) {
                log.warn("Automatic creation of topic '{}' failed: {}", name, error.toString());
            } else if (result.isSuccess()) {
                log.info("Created topic '{}' on a client's request ({} partitions, replication factor {})", name,
                        partitions, rf);
            }
        });
    }
}
