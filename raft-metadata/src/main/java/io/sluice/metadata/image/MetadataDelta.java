package io.sluice.metadata.image;

import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The changes of one apply (or of a snapshot load) on top of a base image: {@link #replay} each
 * record, then {@link #apply} once. Sub-deltas are created on first use, and a sub-image nobody
 * touched is reused as is by the new image. Publishers receive the delta to see what changed.
 *
 * <p>Not thread-safe: built and applied on the apply thread; publishers must only read it.
 */
public final class MetadataDelta {

    private final MetadataImage base;
    private String clusterId;
    private ClusterDelta clusterDelta;
    private TopicsDelta topicsDelta;
    private ConfigsDelta configsDelta;
    private GroupOffsetsDelta groupOffsetsDelta;
    private ScramDelta scramDelta;
    private AclsDelta aclsDelta;
    private Long nextProducerId;
    private final List<Map.Entry<String, MetadataCommandResult>> requests = new ArrayList<>();

    public MetadataDelta(MetadataImage base) {
        this.base = base;
    }

    public MetadataImage base() {
        return base;
    }

    public Optional<String> clusterIdChange() {
        return Optional.ofNullable(clusterId);
    }

    /** Broker changes, or empty if no broker changed. */
    public Optional<ClusterDelta> clusterDelta() {
        return Optional.ofNullable(clusterDelta);
    }

    public Optional<TopicsDelta> topicsDelta() {
        return Optional.ofNullable(topicsDelta);
    }

    public Optional<ConfigsDelta> configsDelta() {
        return Optional.ofNullable(configsDelta);
    }

    public Optional<GroupOffsetsDelta> groupOffsetsDelta() {
        return Optional.ofNullable(groupOffsetsDelta);
    }

    /** ACL changes, or empty if no binding was added or removed. */
    public Optional<AclsDelta> aclsDelta() {
        return Optional.ofNullable(aclsDelta);
    }

    public void replay(MetadataRecord record) {
        switch (record.getRecordCase()) {
            case CLUSTER_ID -> clusterId = record.getClusterId().getClusterId();
            case BROKER_REGISTRATION -> cluster().replay(record.getBrokerRegistration());
            case BROKER_FENCING -> cluster().replay(record.getBrokerFencing());
            case TOPIC -> topics().replay(record.getTopic());
            case PARTITION -> topics().replay(record.getPartition());
            case REMOVE_TOPIC -> {
                String name = topics().remove(record.getRemoveTopic().getTopicId());
                if (name != null) {
                    configs().removeTopic(name);
                    groupOffsets().removeTopic(name);
                }
            }
            case CONFIG -> configs().replay(record.getConfig());
            case GROUP_OFFSET -> groupOffsets().replay(record.getGroupOffset());
            case COMMIT_SEQUENCE -> groupOffsets().replay(record.getCommitSequence());
            case BROKER_ELIGIBILITY -> cluster().replay(record.getBrokerEligibility());
            case PRODUCER_IDS -> nextProducerId = record.getProducerIds().getNextProducerId();
            case REQUEST -> requests.add(new AbstractMap.SimpleImmutableEntry<>(
                    record.getRequest().getRequestId(), record.getRequest().getResult()));
            case USER_SCRAM_CREDENTIAL -> scram().replay(record.getUserScramCredential());
            case REMOVE_USER_SCRAM_CREDENTIAL -> scram().replay(record.getRemoveUserScramCredential());
            case ACL -> acls().replay(record.getAcl());
            case REMOVE_ACL -> acls().replay(record.getRemoveAcl());
            case RECORD_NOT_SET -> throw new IllegalArgumentException("Metadata record without content");
        }
    }

    /** The new image at the given log position. */
    public MetadataImage apply(long index, long term) {
        return new MetadataImage(index, term,
                clusterId != null ? clusterId : base.clusterId(),
                clusterDelta != null ? clusterDelta.apply(index) : base.cluster(),
                topicsDelta != null ? topicsDelta.apply() : base.topics(),
                configsDelta != null ? configsDelta.apply() : base.configs(),
                groupOffsetsDelta != null ? groupOffsetsDelta.apply() : base.groupOffsets(),
                nextProducerId != null ? nextProducerId : base.nextProducerId(),
                base.requests().with(requests),
                scramDelta != null ? scramDelta.apply() : base.scram(),
                aclsDelta != null ? aclsDelta.apply() : base.acls());
    }

    private ClusterDelta cluster() {
        if (clusterDelta == null) {
            clusterDelta = new ClusterDelta(base.cluster());
        }
        return clusterDelta;
    }

    private TopicsDelta topics() {
        if (topicsDelta == null) {
            topicsDelta = new TopicsDelta(base.topics());
        }
        return topicsDelta;
    }

    private ConfigsDelta configs() {
        if (configsDelta == null) {
            configsDelta = new ConfigsDelta(base.configs());
        }
        return configsDelta;
    }

    private ScramDelta scram() {
        if (scramDelta == null) {
            scramDelta = new ScramDelta(base.scram());
        }
        return scramDelta;
    }

    private AclsDelta acls() {
        if (aclsDelta == null) {
            aclsDelta = new AclsDelta(base.acls());
        }
        return aclsDelta;
    }

    private GroupOffsetsDelta groupOffsets() {
        if (groupOffsetsDelta == null) {
            groupOffsetsDelta = new GroupOffsetsDelta(base.groupOffsets());
        }
        return groupOffsetsDelta;
    }
}
