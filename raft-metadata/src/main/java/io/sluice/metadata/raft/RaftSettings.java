package io.sluice.metadata.raft;

import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Turns a {@link MetadataNodeConfig} into Ratis properties. Every choice that differs from Ratis'
 * defaults is here, with its reason; docs/metadata.md lists them for operators. Stateless.
 */
final class RaftSettings {

    /** Snapshots kept on disk; older ones are deleted after each new snapshot. */
    private static final int SNAPSHOTS_RETAINED = 3;

    private RaftSettings() {
    }

    static RaftProperties server(MetadataNodeConfig config, Path raftDir) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        HostPort address = HostPort.parse(config.raftAddress());
        GrpcConfigKeys.Server.setHost(p, address.host());
        GrpcConfigKeys.Server.setPort(p, address.port());
        RaftServerConfigKeys.setStorageDir(p, List.of(raftDir.toFile()));

        // Ratis' 150-300 ms is tight for GC pauses and CPU contention on a busy 2-core box: a
        // spurious election costs seconds of unavailability, a real failure costs ~1-2 s to detect.
        RaftServerConfigKeys.Rpc.setTimeoutMin(p, millis(config.electionTimeoutMin().toMillis()));
        RaftServerConfigKeys.Rpc.setTimeoutMax(p, millis(config.electionTimeoutMax().toMillis()));
        // Heartbeats and appends may take a while under the same contention; allow more than the max.
        RaftServerConfigKeys.Rpc.setRequestTimeout(p, millis(Math.max(3_000, 2 * config.electionTimeoutMax().toMillis())));

        // Reads that must see every acknowledged write go through ReadIndex, never a stale local read.
        RaftServerConfigKeys.Read.setOption(p, RaftServerConfigKeys.Read.Option.LINEARIZABLE);

        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(p, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(p, config.snapshotThreshold());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(p, SNAPSHOTS_RETAINED);
        RaftServerConfigKeys.Snapshot.setTriggerWhenStopEnabled(p, config.snapshotOnStop());
        // The log is only needed past the snapshot: a follower further behind gets the snapshot installed.
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(p, true);
        RaftServerConfigKeys.Log.setPurgeGap(p, (int) Math.min(1024, config.snapshotThreshold()));
        SizeInBytes segment = SizeInBytes.valueOf(config.logSegmentSizeBytes());
        RaftServerConfigKeys.Log.setSegmentSizeMax(p, segment);
        RaftServerConfigKeys.Log.setPreallocatedSize(p, SizeInBytes.valueOf(Math.min(4L << 20, segment.getSize())));
        RaftServerConfigKeys.Log.Appender.setInstallSnapshotEnabled(p, true);
        return p;
    }

    static RaftProperties client(MetadataNodeConfig config) {
        RaftProperties p = new RaftProperties();
        RaftConfigKeys.Rpc.setType(p, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(p,
                millis(Math.max(3_000, 2 * config.electionTimeoutMax().toMillis())));
        return p;
    }

    /** The transport parameters: mutual TLS on every gRPC channel (server, client, admin) when configured. */
    static org.apache.ratis.conf.Parameters parameters(MetadataNodeConfig config) {
        org.apache.ratis.conf.Parameters p = new org.apache.ratis.conf.Parameters();
        if (config.raftKeyManager() != null) {
            org.apache.ratis.grpc.GrpcTlsConfig tls = new org.apache.ratis.grpc.GrpcTlsConfig(config.raftKeyManager(),
                    config.raftTrustManager(), true);
            GrpcConfigKeys.TLS.setConf(p, tls);
            GrpcConfigKeys.Server.setTlsConf(p, tls);
            GrpcConfigKeys.Client.setTlsConf(p, tls);
            GrpcConfigKeys.Admin.setTlsConf(p, tls);
        }
        return p;
    }

    static TimeDuration millis(long ms) {
        return TimeDuration.valueOf(ms, TimeUnit.MILLISECONDS);
    }

    /** A host:port pair. */
    record HostPort(String host, int port) {
        static HostPort parse(String address) {
            int colon = address.lastIndexOf(':');
            if (colon <= 0 || colon == address.length() - 1) {
                throw new IllegalArgumentException("Raft address '" + address + "' is not host:port");
            }
            try {
                return new HostPort(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Raft address '" + address + "' has no numeric port");
            }
        }
    }
}
