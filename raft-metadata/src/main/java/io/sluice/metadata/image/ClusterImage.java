package io.sluice.metadata.image;

import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The registered brokers by id, in id order (so iteration is deterministic), and when each last
 * became eligible or ineligible (the index of that apply; absent: never changed). Immutable.
 */
public record ClusterImage(SortedMap<Integer, BrokerRegistration> brokers,
                           SortedMap<Integer, Long> eligibilityChangedAt) {

    public static final ClusterImage EMPTY = new ClusterImage(new TreeMap<>(), new TreeMap<>());

    public ClusterImage {
        brokers = Collections.unmodifiableSortedMap(new TreeMap<>(brokers));
        eligibilityChangedAt = Collections.unmodifiableSortedMap(new TreeMap<>(eligibilityChangedAt));
    }

    /** The index of the apply at which the broker last became eligible or ineligible; 0 when never. */
    public long eligibilityChangedAt(int brokerId) {
        return eligibilityChangedAt.getOrDefault(brokerId, 0L);
    }

    public BrokerRegistration broker(int id) {
        return brokers.get(id);
    }

    /** Brokers that may take new replicas and lead, in id order. */
    public List<Integer> eligibleBrokerIds() {
        return brokers.values().stream().filter(BrokerRegistration::isEligible).map(BrokerRegistration::id).toList();
    }

    public boolean isEligible(int brokerId) {
        BrokerRegistration broker = brokers.get(brokerId);
        return broker != null && broker.isEligible();
    }

    public boolean isUnfenced(int brokerId) {
        BrokerRegistration broker = brokers.get(brokerId);
        return broker != null && !broker.fenced();
    }
}
