package io.sluice.metadata.controller;

import io.sluice.metadata.image.BrokerRegistration;
import io.sluice.metadata.image.MetadataImage;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.metadata.BrokerFencingRecord;
import io.sluice.protocol.metadata.BrokerRef;
import io.sluice.protocol.metadata.ControlledShutdownCommand;
import io.sluice.protocol.metadata.FenceBrokersCommand;
import io.sluice.protocol.metadata.MetadataCommandResult;
import io.sluice.protocol.metadata.MetadataRecord;
import io.sluice.protocol.metadata.RegisterBrokerCommand;
import io.sluice.protocol.metadata.UnfenceBrokerCommand;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Broker lifecycle commands: registration, fencing, unfencing and controlled shutdown, with the
 * partition leadership moves each one implies, computed from the image so every node agrees. Stateless.
 */
final class BrokerControl {

    private BrokerControl() {
    }

    /**
     * A new incarnation replaces the old registration and starts fenced (it must catch up first); a
     * retry of the same incarnation gets its existing epoch back. The epoch is this entry's Raft index.
     */
    static ControllerResult register(MetadataImage image, RegisterBrokerCommand cmd, long index) {
        if (!cmd.getClusterId().isEmpty() && !image.clusterId().isEmpty()
                && !cmd.getClusterId().equals(image.clusterId())) {
            return ControllerResult.error(ErrorCode.INCONSISTENT_CLUSTER_ID, "Broker " + cmd.getBrokerId()
                    + " belongs to cluster " + cmd.getClusterId() + " but this quorum runs cluster "
                    + image.clusterId() + ": point the broker at its own quorum, or give it an empty data directory.");
        }
        if (cmd.getBrokerId() < 0) {
            return ControllerResult.error(ErrorCode.INVALID_REQUEST,
                    "Broker id " + cmd.getBrokerId() + " is negative: set node.id to 0 or more.");
        }
        BrokerRegistration existing = image.cluster().broker(cmd.getBrokerId());
        if (existing != null && existing.incarnationId() == cmd.getIncarnationId()) {
            return ControllerResult.of(List.of(),
                    MetadataCommandResult.newBuilder().setBrokerEpoch(existing.epoch()).build());
        }
        List<MetadataRecord> records = new ArrayList<>();
        if (existing != null && !existing.fenced()) {
            // The old incarnation is gone (its process restarted): it must not keep leading.
            records.addAll(moveAwayFrom(image, Set.of(existing.id())));
        }
        BrokerRegistration registration = new BrokerRegistration(cmd.getBrokerId(), cmd.getIncarnationId(),
                cmd.getEndpoint().getHost(), cmd.getEndpoint().getPort(), cmd.getRack(), index, true, false,
                cmd.getListenersList());
        records.add(registration.toRecord());
        return ControllerResult.of(records, MetadataCommandResult.newBuilder().setBrokerEpoch(index).build());
    }

    /** Fences every listed broker whose epoch is current and that is not fenced yet; others are skipped. */
    static ControllerResult fence(MetadataImage image, FenceBrokersCommand cmd, long term) {
        if (cmd.getControllerTerm() != 0 && cmd.getControllerTerm() != term) {
            return ControllerResult.error(ErrorCode.NOT_CONTROLLER, "Fencing of brokers " + cmd.getBrokersList().stream()
                    .map(BrokerRef::getBrokerId).toList() + " was decided by the controller of term "
                    + cmd.getControllerTerm() + ", which is no longer active (this entry is in term " + term
                    + "); ignored: the active controller judges liveness itself.");
        }
        TreeMap<Integer, BrokerRegistration> toFence = new TreeMap<>();
        for (BrokerRef ref : cmd.getBrokersList()) {
            BrokerRegistration broker = current(image, ref);
            if (broker != null && !broker.fenced()) {
                toFence.put(broker.id(), broker);
            }
        }
        List<MetadataRecord> records = new ArrayList<>();
        toFence.values().forEach(b -> records.add(fencingRecord(b, true, false)));
        records.addAll(moveAwayFrom(image, toFence.keySet()));
        return ControllerResult.ok(records);
    }

    static ControllerResult unfence(MetadataImage image, UnfenceBrokerCommand cmd) {
        BrokerRegistration broker = current(image, cmd.getBroker());
        if (broker == null) {
            return staleOrUnknown(image, cmd.getBroker());
        }
        if (!broker.fenced() || broker.inControlledShutdown()) {
            // Already unfenced, or shutting down: a shutting-down broker must not get leaderships back.
            return ControllerResult.ok(List.of());
        }
        List<MetadataRecord> records = new ArrayList<>();
        records.add(fencingRecord(broker, false, false));
        PartitionChanges changes = new PartitionChanges(image);
        changes.updateAll((topic, p) -> Leadership.withBrokerBack(p, broker.id(),
                Leadership.uncleanAllowed(image.configs(), topic.name())));
        records.addAll(changes.records());
        return ControllerResult.ok(records);
    }

    /**
     * Marks the broker as shutting down and moves leadership and ISR membership away from it; once
     * applied it leads nothing, so its heartbeat may be told to shut down.
     */
    static ControllerResult controlledShutdown(MetadataImage image, ControlledShutdownCommand cmd) {
        BrokerRegistration broker = current(image, cmd.getBroker());
        if (broker == null) {
            return staleOrUnknown(image, cmd.getBroker());
        }
        List<MetadataRecord> records = new ArrayList<>();
        if (!broker.inControlledShutdown()) {
            records.add(fencingRecord(broker, broker.fenced(), true));
        }
        records.addAll(moveAwayFrom(image, Set.of(broker.id())));
        return ControllerResult.of(records, MetadataCommandResult.newBuilder().setBrokerEpoch(broker.epoch()).build());
    }

    /** Partition records that take {@code leaving} out of every ISR (but the last member) and leadership. */
    static List<MetadataRecord> moveAwayFrom(MetadataImage image, Set<Integer> leaving) {
        Set<Integer> gone = new HashSet<>(leaving);
        PartitionChanges changes = new PartitionChanges(image);
        for (int broker : new TreeSet<>(leaving)) {
            changes.updateAll((topic, p) -> Leadership.withoutBroker(p, broker,
                    id -> !gone.contains(id) && image.cluster().isEligible(id),
                    Leadership.uncleanAllowed(image.configs(), topic.name())));
        }
        return changes.records();
    }

    private static BrokerRegistration current(MetadataImage image, BrokerRef ref) {
        BrokerRegistration broker = image.cluster().broker(ref.getBrokerId());
        return broker != null && broker.epoch() == ref.getBrokerEpoch() ? broker : null;
    }

    private static ControllerResult staleOrUnknown(MetadataImage image, BrokerRef ref) {
        BrokerRegistration broker = image.cluster().broker(ref.getBrokerId());
        if (broker == null) {
            return ControllerResult.error(ErrorCode.BROKER_ID_NOT_REGISTERED,
                    "Broker " + ref.getBrokerId() + " is not registered: it must register before it heartbeats.");
        }
        return ControllerResult.error(ErrorCode.STALE_BROKER_EPOCH, "Broker " + ref.getBrokerId() + " epoch "
                + ref.getBrokerEpoch() + " is stale (current " + broker.epoch() + "): register again.");
    }

    private static MetadataRecord fencingRecord(BrokerRegistration broker, boolean fenced, boolean shuttingDown) {
        return MetadataRecord.newBuilder().setBrokerFencing(BrokerFencingRecord.newBuilder()
                .setBrokerId(broker.id()).setBrokerEpoch(broker.epoch()).setFenced(fenced)
                .setInControlledShutdown(shuttingDown)).build();
    }
}
