package io.sluice.group;

import com.google.re2j.Pattern;
import io.sluice.protocol.TopicPartition;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * One member as its coordinator sees it: identity, subscription, timeouts and where it stands in
 * reconciling towards its target. {@code assigned} is what it was last told it may own; {@code
 * revoking} what it was told to give up and still reports owning. Both count as owned by it: nobody
 * else gets those partitions until they leave both sets. Not thread-safe: guarded by its group.
 */
final class GroupMember {
    final String memberId;
    String instanceId;
    String clientId;
    String clientHost;
    int memberEpoch;
    int previousEpoch = -1;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    List<String> topics = List.of();
    String topicRegex = "";
    Pattern compiledRegex;
    String assignor = "";
    final Set<TopicPartition> assigned = new TreeSet<>();
    final Set<TopicPartition> revoking = new TreeSet<>();
    /** What its last heartbeat reported owning (for heartbeats that leave it out: unchanged). */
    Set<TopicPartition> reported = Set.of();
    long sessionDeadlineMs;
    long revocationDeadlineMs = Long.MAX_VALUE;
    /** Left with epoch -2: keeps its partitions until its session ends or it rejoins. */
    boolean staticLeft;

    GroupMember(String memberId) {
        this.memberId = memberId;
    }

    boolean owns(TopicPartition tp) {
        return assigned.contains(tp) || revoking.contains(tp);
    }

    /**
     * The topics this member reads, out of those that exist: its names, and every topic its pattern
     * matches in full (Kafka's rule). Recomputed against the current topics on each heartbeat, so
     * topics created or deleted start or stop matching without the member sending anything new.
     */
    Set<String> resolveTopics(Set<String> existing) {
        Set<String> resolved = new TreeSet<>();
        for (String t : topics) {
            if (existing.contains(t)) {
                resolved.add(t);
            }
        }
        if (compiledRegex != null) {
            for (String t : existing) {
                if (compiledRegex.matcher(t).matches()) {
                    resolved.add(t);
                }
            }
        }
        return resolved;
    }

    void setEpoch(int epoch) {
        if (epoch != memberEpoch) {
            previousEpoch = memberEpoch;
            memberEpoch = epoch;
        }
    }
}
