package io.sluice.metadata.image;

import io.sluice.protocol.metadata.BrokerEligibilityRecord;
import io.sluice.protocol.metadata.ClusterIdRecord;
import io.sluice.protocol.metadata.CommitSequenceRecord;
import io.sluice.protocol.metadata.ConfigRecord;
import io.sluice.protocol.metadata.GroupOffsetRecord;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.ProducerIdsRecord;
import io.sluice.protocol.metadata.RequestRecord;
import io.sluice.protocol.metadata.TopicRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The whole cluster metadata at one Raft log position: an immutable value built from immutable
 * sub-images, replaced (never modified) by {@link MetadataDelta#apply}. Any thread may read it
 * without locks; an apply that leaves a sub-image untouched shares it with the next image.
 *
 * @param index the Raft index of the last entry applied into this image (0 when none)
 * @param term the term of that entry
 * @param nextProducerId the first producer id not yet handed out
 * @param scram users' SCRAM credentials
 */
public record MetadataImage(long index, long term, String clusterId, ClusterImage cluster, TopicsImage topics,
                            ConfigsImage configs, GroupOffsetsImage groupOffsets, long nextProducerId,
                            RequestsImage requests, ScramImage scram) {

    public static final MetadataImage EMPTY = new MetadataImage(0, 0, "", ClusterImage.EMPTY, TopicsImage.EMPTY,
            ConfigsImage.EMPTY, GroupOffsetsImage.EMPTY, 0, RequestsImage.EMPTY, ScramImage.EMPTY);

    public MetadataImage {
        Objects.requireNonNull(clusterId);
        Objects.requireNonNull(cluster);
        Objects.requireNonNull(topics);
        Objects.requireNonNull(configs);
        Objects.requireNonNull(groupOffsets);
        Objects.requireNonNull(requests);
        Objects.requireNonNull(scram);
    }

    public boolean isEmpty() {
        return equals(EMPTY);
    }

    /** The same content at another log position (for entries that change nothing). */
    public MetadataImage at(long newIndex, long newTerm) {
        return new MetadataImage(newIndex, newTerm, clusterId, cluster, topics, configs, groupOffsets,
                nextProducerId, requests, scram);
    }

    /**
     * This image as records: replaying them into an empty delta rebuilds an equal image. This is the
     * snapshot format, so the order is deterministic (ids and names ascending, request ids oldest first).
     */
    public List<MetadataRecord> toRecords() {
        List<MetadataRecord> records = new ArrayList<>();
        if (!clusterId.isEmpty()) {
            records.add(MetadataRecord.newBuilder()
                    .setClusterId(ClusterIdRecord.newBuilder().setClusterId(clusterId)).build());
        }
        cluster.brokers().values().forEach(broker -> records.add(broker.toRecord()));
        cluster.eligibilityChangedAt().forEach((broker, changedAt) -> records.add(MetadataRecord.newBuilder()
                .setBrokerEligibility(BrokerEligibilityRecord.newBuilder().setBrokerId(broker).setChangedAt(changedAt))
                .build()));
        for (TopicImage topic : topics.byId().values()) {
            records.add(MetadataRecord.newBuilder()
                    .setTopic(TopicRecord.newBuilder().setName(topic.name()).setTopicId(topic.id())).build());
            topic.partitions().forEach((index, partition) -> records.add(partition.toRecord(topic.id(), index)));
        }
        configs.topicConfigs().forEach((topic, entries) -> entries.forEach((key, value) ->
                records.add(MetadataRecord.newBuilder().setConfig(
                        ConfigRecord.newBuilder().setTopic(topic).setKey(key).setValue(value)).build())));
        configs.brokerConfigs().forEach((broker, entries) -> entries.forEach((key, value) ->
                records.add(MetadataRecord.newBuilder().setConfig(ConfigRecord.newBuilder().setBroker(true)
                        .setBrokerId(broker).setKey(key).setValue(value)).build())));
        groupOffsets.groups().forEach((group, offsets) -> offsets.forEach((partition, committed) ->
                records.add(MetadataRecord.newBuilder().setGroupOffset(GroupOffsetRecord.newBuilder()
                        .setGroup(group).setTopic(partition.topic()).setPartition(partition.partition())
                        .setOffset(committed.offset()).setMetadata(committed.metadata())
                        .setCommitTimestampMs(committed.commitTimestampMs())).build())));
        groupOffsets.commitSequences().forEach((coordinator, last) -> records.add(MetadataRecord.newBuilder()
                .setCommitSequence(CommitSequenceRecord.newBuilder().setCoordinatorId(coordinator)
                        .setBrokerEpoch(last.brokerEpoch()).setSequence(last.sequence())).build()));
        if (nextProducerId != 0) {
            records.add(MetadataRecord.newBuilder().setProducerIds(
                    ProducerIdsRecord.newBuilder().setBrokerId(-1).setNextProducerId(nextProducerId)).build());
        }
        scram.users().values().forEach(byMechanism -> byMechanism.values().forEach(credential ->
                records.add(MetadataRecord.newBuilder().setUserScramCredential(credential).build())));
        for (Map.Entry<String, MetadataCommandResult> entry : requests.entries()) {
            records.add(MetadataRecord.newBuilder().setRequest(
                    RequestRecord.newBuilder().setRequestId(entry.getKey()).setResult(entry.getValue())).build());
        }
        return records;
    }

    /** Rebuilds an image from {@link #toRecords()} output (a snapshot). */
    public static MetadataImage fromRecords(List<MetadataRecord> records, long index, long term) {
        MetadataDelta delta = new MetadataDelta(EMPTY);
        records.forEach(delta::replay);
        return delta.apply(index, term);
    }
}
