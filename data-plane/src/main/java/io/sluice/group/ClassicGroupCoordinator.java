package io.sluice.group;

import io.sluice.metadata.image.CoordinatorLocator;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.Time;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups of Kafka's classic protocol that this node coordinates, in memory, next to Sluice's own
 * groups ({@link GroupCoordinator}): the same coordinator choice ({@link CoordinatorLocator}), the
 * same committed offsets, the same fencing of commits (a group remembers the metadata index since
 * which this node has coordinated it without a break, and every commit carries it). One group id is
 * one kind at a time: a join of a group in use by the other kind is refused with
 * INCONSISTENT_GROUP_PROTOCOL, as Kafka refuses mixing its classic and consumer groups.
 *
 * <p>Each group is changed inside {@link ConcurrentHashMap#compute} and dropped once it has no members
 * (its offsets stay in the quorum). Time comes from an injected monotonic clock and {@link #expire} is
 * called by the owner's timer. Thread-safe.
 */
public final class ClassicGroupCoordinator {
    private static final Logger log = LoggerFactory.getLogger(ClassicGroupCoordinator.class);
    private final int nodeId;
    private final Supplier<MetadataImage> images;
    private final GroupConfig config;
    private final Time time;
    private final GroupCoordinator consumerGroups;
    private final ConcurrentHashMap<String, ClassicGroup> groups = new ConcurrentHashMap<>();

    /** @param consumerGroups Sluice's own groups, whose ids this coordinator must not take, and vice versa */
    public ClassicGroupCoordinator(int nodeId, Supplier<MetadataImage> images, GroupConfig config,
                                   Time time, GroupCoordinator consumerGroups) {
        this.nodeId = nodeId;
        this.images = images;
        this.config = config;
        this.time = time;
        this.consumerGroups = consumerGroups;
        consumerGroups.refuseClassicGroups(this::isActive);
    }

    /** Whether the group has members (or member ids handed out) here. */
    public boolean isActive(String groupId) {
        ClassicGroup group = groups.get(groupId);
        return group != null && !group.isEmpty();
    }

    /** JoinGroup. Throws NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE / INVALID_GROUP_ID as {@link SluiceException}. */
    public CompletableFuture<Classic.JoinResult> join(String groupId, Classic.JoinRequest request) {
        MetadataImage image = images.get();
        consumerGroups.checkCoordinator(groupId);
        if (consumerGroups.hasMembers(groupId)) {
            return CompletableFuture.completedFuture(Classic.JoinResult.error(ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
                    "group '" + groupId + "' is in use by consumers of the consumer group protocol (Sluice's"
                            + " own or group.protocol=consumer); use another group.id or stop them first",
                    request.memberId()));
        }
        long now = time.monotonicMs();
        List<CompletableFuture<Classic.JoinResult>> result = new ArrayList<>(1);
        groups.compute(groupId, (id, current) -> {
            ClassicGroup group = continuing(current, image);
            if (group == null) {
                group = new ClassicGroup(id, config, image.index());
            }
            result.add(group.join(request, now));
            return group.isEmpty() ? null : group;
        });
        return result.get(0);
    }

    public CompletableFuture<Classic.SyncResult> sync(String groupId, Classic.SyncRequest request) {
        ClassicGroup group = existing(groupId);
        if (group == null) {
            return CompletableFuture.completedFuture(Classic.SyncResult.error(ErrorCode.UNKNOWN_MEMBER_ID,
                    unknown(groupId, request.memberId())));
        }
        return group.sync(request, time.monotonicMs());
    }

    /** Heartbeat; refusals are thrown as {@link SluiceException} (REBALANCE_IN_PROGRESS means: rejoin). */
    public void heartbeat(String groupId, String memberId, String instanceId, int generation) {
        ClassicGroup group = existing(groupId);
        if (group == null) {
            throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, unknown(groupId, memberId));
        }
        group.heartbeat(memberId, instanceId, generation, time.monotonicMs());
    }

    public List<Classic.LeaveResult> leave(String groupId, List<Classic.LeaveRequest> leaving) {
        MetadataImage image = images.get();
        consumerGroups.checkCoordinator(groupId);
        long now = time.monotonicMs();
        List<Classic.LeaveResult> results = new ArrayList<>();
        groups.compute(groupId, (id, current) -> {
            ClassicGroup group = continuing(current, image);
            if (group == null) {
                leaving.forEach(l -> results.add(new Classic.LeaveResult(l.memberId(), l.instanceId(),
                        ErrorCode.UNKNOWN_MEMBER_ID, unknown(groupId, l.memberId()))));
                return null;
            }
            results.addAll(group.leave(leaving, now));
            return group.isEmpty() ? null : group;
        });
        return results;
    }

    /**
     * Checks a classic OffsetCommit (see {@link ClassicGroup#checkCommit}) and returns the metadata index
     * the commit carries to the quorum: since when this node has coordinated the group without a break.
     */
    public long checkCommit(String groupId, String memberId, String instanceId, int generation) {
        MetadataImage image = images.get();
        consumerGroups.checkCoordinator(groupId);
        ClassicGroup group = groups.computeIfPresent(groupId, (id, current) -> continuing(current, image));
        if (group == null) {
            if (generation >= 0 || !memberId.isEmpty() || instanceId != null) {
                throw new SluiceException(ErrorCode.UNKNOWN_MEMBER_ID, unknown(groupId, memberId));
            }
            return image.index();
        }
        group.checkCommit(memberId, instanceId, generation, time.monotonicMs());
        return group.coordinatedSince();
    }

    /** The group as DescribeGroups shows it, if it has members here. */
    public Optional<Classic.Description> describe(String groupId) {
        ClassicGroup group = groups.get(groupId);
        return group == null ? Optional.empty() : Optional.of(group.describe());
    }

    /** The classic groups with members here. */
    public List<Classic.Description> list() {
        return groups.values().stream().map(ClassicGroup::describe).toList();
    }

    /** The timer's work: deadlines of every group, and groups that moved to another node are dropped. */
    public void expire() {
        long now = time.monotonicMs();
        MetadataImage image = images.get();
        for (String groupId : List.copyOf(groups.keySet())) {
            OptionalInt coordinator = CoordinatorLocator.coordinatorFor(groupId, image.cluster());
            boolean ours = coordinator.isPresent() && coordinator.getAsInt() == nodeId;
            groups.computeIfPresent(groupId, (id, current) -> {
                ClassicGroup group = ours ? continuing(current, image) : null;
                if (group == null) {
                    log.info("Classic group {} moved to node {}; dropping its {} member(s) here", id,
                            coordinator.isPresent() ? coordinator.getAsInt() : -1, current.memberCount());
                    return null;
                }
                group.tick(now).forEach(line -> log.info("Removed {}", line));
                return group.isEmpty() ? null : group;
            });
        }
    }

    /** The group, or null when it moved to another node and back since it was created here (its members are stale). */
    private ClassicGroup continuing(ClassicGroup group, MetadataImage image) {
        if (group == null || CoordinatorLocator.coordinatedSince(group.groupId(), nodeId, group.coordinatedSince(),
                image.cluster())) {
            return group;
        }
        log.info("Classic group {} was coordinated elsewhere since index {}; dropping its {} member(s) here",
                group.groupId(), group.coordinatedSince(), group.memberCount());
        return null;
    }

    private ClassicGroup existing(String groupId) {
        MetadataImage image = images.get();
        consumerGroups.checkCoordinator(groupId);
        return groups.computeIfPresent(groupId, (id, current) -> continuing(current, image));
    }

    private static String unknown(String groupId, String memberId) {
        return "member '" + memberId + "' is not in group '" + groupId + "' (its session may have expired, or the"
                + " group's coordinator moved); rejoin";
    }
}
