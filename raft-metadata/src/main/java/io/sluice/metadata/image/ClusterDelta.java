package io.sluice.metadata.image;

import io.sluice.protocol.metadata.BrokerEligibilityRecord;
import io.sluice.protocol.metadata.BrokerFencingRecord;
import io.sluice.protocol.metadata.BrokerRegistrationRecord;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/** Broker changes of one apply. Not thread-safe (used on the apply thread only). */
public final class ClusterDelta {

    private final ClusterImage base;
    private final SortedMap<Integer, BrokerRegistration> changed = new TreeMap<>();
    /** Set by snapshot records; otherwise computed in apply. */
    private final SortedMap<Integer, Long> eligibilityChangedAt = new TreeMap<>();

    ClusterDelta(ClusterImage base) {
        this.base = base;
    }

    /** Brokers registered or whose fencing changed, by id, in their new state. */
    public SortedMap<Integer, BrokerRegistration> changedBrokers() {
        return Collections.unmodifiableSortedMap(changed);
    }

    BrokerRegistration broker(int id) {
        BrokerRegistration broker = changed.get(id);
        return broker != null ? broker : base.broker(id);
    }

    void replay(BrokerRegistrationRecord record) {
        changed.put(record.getBrokerId(), BrokerRegistration.fromRecord(record));
    }

    void replay(BrokerFencingRecord record) {
        BrokerRegistration current = broker(record.getBrokerId());
        // A fencing change of an older incarnation says nothing about the current one.
        if (current != null && current.epoch() == record.getBrokerEpoch()) {
            changed.put(current.id(), current.withState(record.getFenced(), record.getInControlledShutdown()));
        }
    }

    void replay(BrokerEligibilityRecord record) {
        eligibilityChangedAt.put(record.getBrokerId(), record.getChangedAt());
    }

    /** The new image; a broker whose eligibility differs from the base's is marked as changed at {@code index}. */
    ClusterImage apply(long index) {
        if (changed.isEmpty() && eligibilityChangedAt.isEmpty()) {
            return base;
        }
        TreeMap<Integer, BrokerRegistration> brokers = new TreeMap<>(base.brokers());
        brokers.putAll(changed);
        TreeMap<Integer, Long> changedAt = new TreeMap<>(base.eligibilityChangedAt());
        changed.forEach((id, broker) -> {
            if (base.isEligible(id) != broker.isEligible()) {
                changedAt.put(id, index);
            }
        });
        changedAt.putAll(eligibilityChangedAt);
        return new ClusterImage(brokers, changedAt);
    }
}
