package io.sluice.group;

import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.metadata.image.TopicImage;
import io.sluice.protocol.Time;
import io.sluice.protocol.TopicPartition;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups this node coordinates, in memory: membership and assignment live here only (a new
 * coordinator starts empty and members rejoin), committed offsets live in the metadata quorum. Each
 * group is changed inside {@link ConcurrentHashMap#compute}, so a group is never dropped while a
 * member joins it. Time comes from an injected monotonic clock and {@link #expire} is called by the
 * owner's timer, so tests drive timeouts directly. Thread-safe.
 */
public final class GroupCoordinator {
    private static final Logger log = LoggerFactory.getLogger(GroupCoordinator.class);
    private final int nodeId;
    private final Supplier<MetadataImage> images;
    private final GroupConfig config;
    private final Time time;
    private final ConcurrentHashMap<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private volatile TopicCounts topicCounts = new TopicCounts(null, new TreeMap<>());
    /** The live brokers as last seen, and when that set last changed (groups may have moved here then). */
    private volatile List<Integer> liveBrokers = List.of();
    private volatile long liveBrokersChangedMs;
    /** Whether a group is in use by Kafka's classic protocol (one group is one kind at a time, as in Kafka). */
    private volatile Predicate<String> classicActive = groupId -> false;

    /** Partition counts by topic, computed once per image. */
    private record TopicCounts(MetadataImage image, SortedMap<String, Integer> counts) {
    }

    public GroupCoordinator(int nodeId, Supplier<MetadataImage> images, GroupConfig config, Time time) {
        this.nodeId = nodeId;
        this.images = images;
        this.config = config;
        this.time = time;
        this.liveBrokersChangedMs = time.monotonicMs();
    }

    /** Refuses an empty group id, and a group this node does not coordinate (NOT_COORDINATOR, retriable). */
    public void checkCoordinator(String groupId) {
        checkCoordinator(groupId, images.get());
    }

    private void checkCoordinator(String groupId, MetadataImage image) {
        checkGroupId(groupId);
        OptionalInt coordinator = CoordinatorLocator.coordinatorFor(groupId, image.cluster());
        if (coordinator.isEmpty()) {
            throw new SluiceException(ErrorCode.COORDINATOR_NOT_AVAILABLE,
                    "no live broker can coordinate group '" + groupId + "' yet; retry in a moment");
        }
        if (coordinator.getAsInt() != nodeId) {
            throw new SluiceException(ErrorCode.NOT_COORDINATOR, "node " + nodeId + " does not coordinate group '"
                    + groupId + "' (node " + coordinator.getAsInt() + " does); find the coordinator again");
        }
    }

    public static void checkGroupId(String groupId) {
        if (groupId.isEmpty()) {
            throw new SluiceException(ErrorCode.INVALID_GROUP_ID, "the group id is empty; set group.id");
        }
    }

    /** Tells this coordinator which groups the classic protocol uses, so it refuses to join them. */
    void refuseClassicGroups(Predicate<String> active) {
        this.classicActive = active;
    }

    /** Whether the group has members here (it is in use by this kind of group). */
    public boolean hasMembers(String groupId) {
        ConsumerGroup group = groups.get(groupId);
        return group != null && group.hasMembers();
    }

    public Heartbeat.Result heartbeat(String groupId, Heartbeat.Request request) {
        MetadataImage image = images.get();
        checkCoordinator(groupId, image);
        if (request.memberEpoch() == Heartbeat.JOIN_EPOCH && !groups.containsKey(groupId)
                && classicActive.test(groupId)) {
            throw new SluiceException(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, "group '" + groupId + "' is in use by"
                    + " Kafka consumers of the classic group protocol; use another group id or stop them first");
        }
        SortedMap<String, Integer> topics = topicCounts();
        long now = time.monotonicMs();
        Heartbeat.Result[] result = new Heartbeat.Result[1];
        groups.compute(groupId, (id, current) -> {
            ConsumerGroup group = continuing(current, image);
            if (group == null) {
                if (request.memberEpoch() != Heartbeat.JOIN_EPOCH) {
                    // Leaving a group we do not know is a no-op; anything else is an unknown member.
                    result[0] = new ConsumerGroup(id, config, 0).heartbeat(request, topics, now);
                    return null;
                }
                group = new ConsumerGroup(id, config, takeOverHoldUntil(id, now), image.index());
            }
            result[0] = group.heartbeat(request, topics, now);
            return group.hasMembers() ? group : null;
        });
        return result[0];
    }

    /**
     * Shortly after the live brokers changed (or this node started), a group with committed offsets may
     * have been coordinated elsewhere until a moment ago, and its members are about to rejoin here still
     * holding partitions: until they have had time to report them, no unowned partition is handed out,
     * so no partition is read by two members (see GroupConfig).
     */
    private long takeOverHoldUntil(String groupId, long now) {
        // Also checked here, not only by the timer: the first rejoin can arrive before the next tick.
        observeLiveBrokers(images.get(), now);
        boolean known = !images.get().groupOffsets().offsets(groupId).isEmpty();
        long holdUntil = liveBrokersChangedMs + config.initialRebalanceDelayMs();
        return known && now < holdUntil ? holdUntil : 0;
    }

    /**
     * The outcome of a commit check: the partitions refused (with why), and the metadata index from
     * which this node has coordinated the group without a break, which the commit carries to the quorum.
     */
    public record CommitCheck(Map<TopicPartition, String> refused, long coordinatedSince) {
    }

    /** Checks an offset commit against the group's members; see {@link ConsumerGroup#checkCommit}. */
    public CommitCheck checkCommit(String groupId, String memberId, int memberEpoch, Collection<TopicPartition> partitions) {
        MetadataImage image = images.get();
        checkCoordinator(groupId, image);
        ConsumerGroup group = groups.computeIfPresent(groupId, (id, current) -> continuing(current, image));
        if (group == null) {
            if (classicActive.test(groupId)) {
                throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, "group '" + groupId + "' has active members"
                        + " of Kafka's classic group protocol; only they can commit its offsets");
            }
            return new CommitCheck(new ConsumerGroup(groupId, config, 0).checkCommit(memberId, memberEpoch, partitions),
                    image.index());
        }
        return new CommitCheck(group.checkCommit(memberId, memberEpoch, partitions), group.coordinatedSince());
    }

    /**
     * Refuses with NON_EMPTY_GROUP while the group has members (before deleting or resetting it);
     * returns the metadata index of the image checked.
     */
    public long checkNoMembers(String groupId, String action) {
        MetadataImage image = images.get();
        checkCoordinator(groupId, image);
        ConsumerGroup group = groups.computeIfPresent(groupId, (id, current) -> continuing(current, image));
        if (group != null && group.hasMembers()) {
            throw new SluiceException(ErrorCode.NON_EMPTY_GROUP, "group '" + groupId + "' has " + group.memberCount()
                    + " active member(s); stop its consumers (or wait for their sessions to expire) before you "
                    + action);
        }
        if (classicActive.test(groupId)) {
            throw new SluiceException(ErrorCode.NON_EMPTY_GROUP, "group '" + groupId + "' has active members of"
                    + " Kafka's classic group protocol; stop its consumers (or wait for their sessions to expire)"
                    + " before you " + action);
        }
        return image.index();
    }

    /**
     * The group, or null when it moved to another node and back since this node created it: the other
     * coordinator may have handed its partitions to other members meanwhile, so every member here is
     * stale (they rejoin, as after any move). The timer would drop it too, but only if it ran while the
     * group was away.
     */
    private ConsumerGroup continuing(ConsumerGroup group, MetadataImage image) {
        if (group == null || CoordinatorLocator.coordinatedSince(group.groupId(), nodeId, group.coordinatedSince(),
                image.cluster())) {
            return group;
        }
        log.info("Group {} was coordinated elsewhere since index {}; dropping its {} member(s) here", group.groupId(),
                group.coordinatedSince(), group.memberCount());
        return null;
    }

    /** Describes a group this node coordinates; GROUP_ID_NOT_FOUND when it has neither members nor offsets. */
    public GroupDescription describe(String groupId) {
        checkCoordinator(groupId);
        ConsumerGroup group = groups.get(groupId);
        if (group != null) {
            return group.describe();
        }
        if (images.get().groupOffsets().offsets(groupId).isEmpty()) {
            throw new SluiceException(ErrorCode.GROUP_ID_NOT_FOUND, "group '" + groupId
                    + "' does not exist (no members and no committed offsets)");
        }
        return new GroupDescription(groupId, GroupState.EMPTY, 0, 0, "", List.of());
    }

    /**
     * Describes a group of this kind that has members here (KIP-848's ConsumerGroupDescribe). Kafka's
     * errors: GROUP_ID_NOT_FOUND for a group without members (its offsets are described by
     * DescribeGroups, which clients fall back to) and for a group of the classic protocol.
     */
    public GroupDescription describeMembers(String groupId) {
        MetadataImage image = images.get();
        checkCoordinator(groupId, image);
        ConsumerGroup group = groups.computeIfPresent(groupId, (id, current) -> continuing(current, image));
        if (group != null && group.hasMembers()) {
            return group.describe();
        }
        if (classicActive.test(groupId)) {
            throw new SluiceException(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a consumer group.");
        }
        throw new SluiceException(ErrorCode.GROUP_ID_NOT_FOUND, "Group " + groupId + " not found.");
    }

    /** Every group this node coordinates: those with members and those with committed offsets only. */
    public List<GroupDescription> list() {
        MetadataImage image = images.get();
        Map<String, GroupDescription> out = new TreeMap<>();
        for (String groupId : image.groupOffsets().groups().keySet()) {
            OptionalInt coordinator = CoordinatorLocator.coordinatorFor(groupId, image.cluster());
            if (coordinator.isPresent() && coordinator.getAsInt() == nodeId) {
                out.put(groupId, new GroupDescription(groupId, GroupState.EMPTY, 0, 0, "", List.of()));
            }
        }
        groups.values().forEach(g -> out.put(g.groupId(), g.describe()));
        return new ArrayList<>(out.values());
    }

    /**
     * The timer's work: expires members whose session or rebalance timeout passed, and drops groups
     * that emptied or that another node coordinates now (their members will rejoin there).
     */
    public void expire() {
        long now = time.monotonicMs();
        MetadataImage image = images.get();
        observeLiveBrokers(image, now);
        for (String groupId : List.copyOf(groups.keySet())) {
            OptionalInt coordinator = CoordinatorLocator.coordinatorFor(groupId, image.cluster());
            boolean ours = coordinator.isPresent() && coordinator.getAsInt() == nodeId;
            groups.computeIfPresent(groupId, (id, current) -> {
                if (!ours) {
                    log.info("Group {} moved to node {}; dropping its {} member(s) here", id,
                            coordinator.isPresent() ? coordinator.getAsInt() : -1, current.memberCount());
                    return null;
                }
                ConsumerGroup group = continuing(current, image);
                if (group == null) {
                    return null;
                }
                group.expire(now).forEach(line -> log.info("Removed {}", line));
                return group.hasMembers() ? group : null;
            });
        }
    }

    private synchronized void observeLiveBrokers(MetadataImage image, long now) {
        List<Integer> live = image.cluster().eligibleBrokerIds();
        if (!live.equals(liveBrokers)) {
            liveBrokers = live;
            liveBrokersChangedMs = now;
        }
    }

    private SortedMap<String, Integer> topicCounts() {
        MetadataImage image = images.get();
        TopicCounts cached = topicCounts;
        if (cached.image() == image) {
            return cached.counts();
        }
        SortedMap<String, Integer> counts = new TreeMap<>();
        for (TopicImage topic : image.topics().byName().values()) {
            counts.put(topic.name(), topic.partitionCount());
        }
        SortedMap<String, Integer> frozen = Collections.unmodifiableSortedMap(counts);
        topicCounts = new TopicCounts(image, frozen);
        return frozen;
    }

    /** The config in effect. */
    public GroupConfig config() {
        return config;
    }
}
