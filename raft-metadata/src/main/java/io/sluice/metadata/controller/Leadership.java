package io.sluice.metadata.controller;

import io.sluice.metadata.image.ConfigsImage;
import io.sluice.metadata.image.PartitionRegistration;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Leader and ISR transitions of one partition, as pure functions. Kafka's rules without ELR: a clean
 * leader comes from the ISR; the last ISR member is never removed (it holds every committed record),
 * so a partition whose only in-sync replica is gone has no leader until that replica returns, unless
 * the topic allows unclean election. Candidates are tried in replica order, so the preferred leader
 * wins when it can. Stateless.
 */
public final class Leadership {

    private Leadership() {
    }

    public static boolean uncleanAllowed(ConfigsImage configs, String topic) {
        return "true".equals(configs.value(topic, TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE));
    }

    /**
     * The partition once {@code broker} can no longer serve it (fenced, shutting down, replaced):
     * out of the ISR unless it is the last member, and not leading.
     *
     * @param eligible brokers that may lead (the caller excludes {@code broker} and anyone leaving with it)
     * @return the same instance when nothing changes
     */
    public static PartitionRegistration withoutBroker(PartitionRegistration p, int broker, IntPredicate eligible,
                                                      boolean unclean) {
        List<Integer> isr = p.isr();
        if (isr.contains(broker) && isr.size() > 1) {
            isr = new ArrayList<>(isr);
            isr.remove(Integer.valueOf(broker));
        }
        int leader = p.leader();
        if (leader == broker) {
            leader = firstEligible(p.replicas(), isr, eligible);
            if (leader == PartitionRegistration.NO_LEADER && unclean) {
                leader = firstEligible(p.replicas(), p.replicas(), eligible);
                if (leader != PartitionRegistration.NO_LEADER) {
                    isr = List.of(leader);
                }
            }
        }
        if (leader == p.leader() && isr.equals(p.isr())) {
            return p;
        }
        return p.next(leader, isr);
    }

    /**
     * The partition once {@code broker} can lead again: a leaderless partition whose ISR holds it gets
     * it as leader (or, with unclean election allowed, any leaderless partition it is a replica of).
     *
     * @return the same instance when nothing changes
     */
    public static PartitionRegistration withBrokerBack(PartitionRegistration p, int broker, boolean unclean) {
        if (p.hasLeader() || !p.replicas().contains(broker)) {
            return p;
        }
        if (p.isr().contains(broker)) {
            return p.next(broker, p.isr());
        }
        return unclean ? p.next(broker, List.of(broker)) : p;
    }

    /**
     * The partition led by its preferred (first) replica, if that replica is in the ISR and eligible.
     *
     * @return the same instance when the preferred replica leads already or cannot lead
     */
    public static PartitionRegistration withPreferredLeader(PartitionRegistration p, IntPredicate eligible) {
        int preferred = p.preferredLeader();
        if (p.leader() == preferred || !p.isr().contains(preferred) || !eligible.test(preferred)) {
            return p;
        }
        return p.next(preferred, p.isr());
    }

    private static int firstEligible(List<Integer> replicas, List<Integer> allowed, IntPredicate eligible) {
        for (int replica : replicas) {
            if (allowed.contains(replica) && eligible.test(replica)) {
                return replica;
            }
        }
        return PartitionRegistration.NO_LEADER;
    }
}
