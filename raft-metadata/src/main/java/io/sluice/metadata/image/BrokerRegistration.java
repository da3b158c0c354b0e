package io.sluice.metadata.image;

import io.sluice.protocol.metadata.BrokerRegistrationRecord;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.rpc.Endpoint;
import java.util.List;

/**
 * One registered broker incarnation as the quorum knows it. Immutable.
 *
 * @param host the address of the native protocol and replication (the inter-broker listener)
 * @param epoch the Raft index of the entry that registered this incarnation (Kafka's broker epoch)
 * @param fenced a fenced broker leads nothing and is not counted as available for new replicas
 * @param inControlledShutdown the broker asked to shut down: leadership is being moved away from it
 * @param listeners the broker's Kafka-protocol listeners, each with its name and advertised address
 */
public record BrokerRegistration(int id, long incarnationId, String host, int port, String rack,
                                 long epoch, boolean fenced, boolean inControlledShutdown, List<Endpoint> listeners) {

    public BrokerRegistration {
        listeners = List.copyOf(listeners);
    }

    /** A broker with only its inter-broker address (no named listeners). */
    public BrokerRegistration(int id, long incarnationId, String host, int port, String rack,
                              long epoch, boolean fenced, boolean inControlledShutdown) {
        this(id, incarnationId, host, port, rack, epoch, fenced, inControlledShutdown, List.of());
    }

    /** Whether this broker may lead a partition or be chosen for a new replica. */
    public boolean isEligible() {
        return !fenced && !inControlledShutdown;
    }

    public BrokerRegistration withState(boolean fenced, boolean inControlledShutdown) {
        return new BrokerRegistration(id, incarnationId, host, port, rack, epoch, fenced, inControlledShutdown,
                listeners);
    }

    /**
     * This broker as seen from the listener named {@code listener}: its host and port are that
     * listener's advertised address. A broker without that listener (or a null name) is returned as it
     * is, with its inter-broker address, as Kafka brokers of one cluster are expected to share listeners.
     */
    public BrokerRegistration on(String listener) {
        if (listener == null) {
            return this;
        }
        for (Endpoint e : listeners) {
            if (e.getListener().equals(listener)) {
                return e.getHost().equals(host) && e.getPort() == port ? this : new BrokerRegistration(id,
                        incarnationId, e.getHost(), e.getPort(), rack, epoch, fenced, inControlledShutdown, listeners);
            }
        }
        return this;
    }

    public Endpoint endpoint() {
        return Endpoint.newBuilder().setHost(host).setPort(port).build();
    }

    public static BrokerRegistration fromRecord(BrokerRegistrationRecord r) {
        return new BrokerRegistration(r.getBrokerId(), r.getIncarnationId(), r.getEndpoint().getHost(),
                r.getEndpoint().getPort(), r.getRack(), r.getBrokerEpoch(), r.getFenced(),
                r.getInControlledShutdown(), r.getListenersList());
    }

    public MetadataRecord toRecord() {
        return MetadataRecord.newBuilder().setBrokerRegistration(BrokerRegistrationRecord.newBuilder()
                .setBrokerId(id).setIncarnationId(incarnationId).setEndpoint(endpoint()).setRack(rack)
                .setBrokerEpoch(epoch).setFenced(fenced).setInControlledShutdown(inControlledShutdown)
                .addAllListeners(listeners))
                .build();
    }
}
