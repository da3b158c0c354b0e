package io.sluice.metadata.image;

import io.sluice.protocol.metadata.BrokerRegistrationRecord;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.rpc.Endpoint;

/**
 * One registered broker incarnation as the quorum knows it. Immutable.
 *
 * @param epoch the Raft index of the entry that registered this incarnation (Kafka's broker epoch)
 * @param fenced a fenced broker leads nothing and is not counted as available for new replicas
 * @param inControlledShutdown the broker asked to shut down: leadership is being moved away from it
 */
public record BrokerRegistration(int id, long incarnationId, String host, int port, String rack,
                                 long epoch, boolean fenced, boolean inControlledShutdown) {

    /** Whether this broker may lead a partition or be chosen for a new replica. */
    public boolean isEligible() {
        return !fenced && !inControlledShutdown;
    }

    public BrokerRegistration withState(boolean fenced, boolean inControlledShutdown) {
        return new BrokerRegistration(id, incarnationId, host, port, rack, epoch, fenced, inControlledShutdown);
    }

    public Endpoint endpoint() {
        return Endpoint.newBuilder().setHost(host).setPort(port).build();
    }

    public static BrokerRegistration fromRecord(BrokerRegistrationRecord r) {
        return new BrokerRegistration(r.getBrokerId(), r.getIncarnationId(), r.getEndpoint().getHost(),
                r.getEndpoint().getPort(), r.getRack(), r.getBrokerEpoch(), r.getFenced(),
                r.getInControlledShutdown());
    }

    public MetadataRecord toRecord() {
        return MetadataRecord.newBuilder().setBrokerRegistration(BrokerRegistrationRecord.newBuilder()
                .setBrokerId(id).setIncarnationId(incarnationId).setEndpoint(endpoint()).setRack(rack)
                .setBrokerEpoch(epoch).setFenced(fenced).setInControlledShutdown(inControlledShutdown))
                .build();
    }
}
