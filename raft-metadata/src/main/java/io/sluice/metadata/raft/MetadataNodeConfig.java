package io.sluice.metadata.raft;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of one metadata quorum member. Immutable; build with {@link #builder()}. Defaults are the
 * documented ones in docs/metadata.md.
 */
public final class MetadataNodeConfig {

    private final int nodeId;
    private final boolean observer;
    private final String raftAddress;
    private final Map<Integer, String> voters;
    private final Path dataDir;
    private final String clusterId;
    private final long snapshotThreshold;
    private final long brokerSessionTimeoutMs;
    private final Duration electionTimeoutMin;
    private final Duration electionTimeoutMax;
    private final long logSegmentSizeBytes;
    private final boolean snapshotOnStop;
    private final Duration requestTimeout;

    private MetadataNodeConfig(Builder b) {
        this.nodeId = b.nodeId;
        this.observer = b.observer;
        this.raftAddress = Objects.requireNonNull(b.raftAddress, "raftAddress");
        this.voters = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(b.voters, "voters")));
        this.dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
        this.clusterId = Objects.requireNonNull(b.clusterId, "clusterId");
        this.snapshotThreshold = b.snapshotThreshold;
        this.brokerSessionTimeoutMs = b.brokerSessionTimeoutMs;
        this.electionTimeoutMin = b.electionTimeoutMin;
        this.electionTimeoutMax = b.electionTimeoutMax;
        this.logSegmentSizeBytes = b.logSegmentSizeBytes;
        this.snapshotOnStop = b.snapshotOnStop;
        this.requestTimeout = b.requestTimeout;
        if (observer && voters.containsKey(nodeId)) {
            throw new IllegalArgumentException("Node id " + nodeId + " is a voter " + voters.keySet()
                    + ", so it cannot be a broker-only node: give it an id that is not among the voters.");
        }
        if (!observer && !voters.containsKey(nodeId)) {
            throw new IllegalArgumentException("Node id " + nodeId + " is not among the voters " + voters.keySet()
                    + ": add it to --voters or use one of those ids.");
        }
        if (!observer && !voters.get(nodeId).equals(raftAddress)) {
            throw new IllegalArgumentException("The Raft address " + raftAddress + " of node " + nodeId
                    + " differs from its entry in --voters (" + voters.get(nodeId) + "): make them the same.");
        }
        if (clusterId.isBlank()) {
            throw new IllegalArgumentException("The cluster id is empty: set cluster.id.");
        }
        if (snapshotThreshold < 1 || brokerSessionTimeoutMs < 1 || logSegmentSizeBytes < 1024) {
            throw new IllegalArgumentException("snapshotThreshold and brokerSessionTimeoutMs must be positive, "
                    + "logSegmentSizeBytes at least 1024");
        }
        if (electionTimeoutMin.isNegative() || electionTimeoutMin.isZero()
                || electionTimeoutMax.compareTo(electionTimeoutMin) <= 0) {
            throw new IllegalArgumentException("Election timeouts must satisfy 0 < min < max, got "
                    + electionTimeoutMin.toMillis() + " ms and " + electionTimeoutMax.toMillis() + " ms");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public int nodeId() {
        return nodeId;
    }

    /**
     * Whether this node only follows the metadata log (a broker-only node: a Ratis listener, which
     * receives every entry but neither votes nor counts toward a commit), instead of being a voter.
     */
    public boolean observer() {
        return observer;
    }

    /** host:port this node's Raft server listens on. */
    public String raftAddress() {
        return raftAddress;
    }

    /** Every voter's id and Raft host:port, including this node unless it is an {@link #observer()}. */
    public Map<Integer, String> voters() {
        return voters;
    }

    /** The node's metadata directory (meta.properties, and the Raft log and snapshots under raft/). */
    public Path dataDir() {
        return dataDir;
    }

    public String clusterId() {
        return clusterId;
    }

    /** A snapshot is taken automatically after this many applied entries. */
    public long snapshotThreshold() {
        return snapshotThreshold;
    }

    public long brokerSessionTimeoutMs() {
        return brokerSessionTimeoutMs;
    }

    public Duration electionTimeoutMin() {
        return electionTimeoutMin;
    }

    public Duration electionTimeoutMax() {
        return electionTimeoutMax;
    }

    /** Raft log segment size; the log is purged by whole closed segments after a snapshot. */
    public long logSegmentSizeBytes() {
        return logSegmentSizeBytes;
    }

    /** Whether stopping the node snapshots what it applied since its last snapshot (Ratis' default: yes). */
    public boolean snapshotOnStop() {
        return snapshotOnStop;
    }

    /** How long a submitted command may keep retrying (leader changes included) before it fails. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Builder with the documented defaults. Not thread-safe. */
    public static final class Builder {
        private int nodeId = -1;
        private boolean observer;
        private String raftAddress;
        private Map<Integer, String> voters;
        private Path dataDir;
        private String clusterId;
        private long snapshotThreshold = 10_000;
        private long brokerSessionTimeoutMs = 6_000;
        private Duration electionTimeoutMin = Duration.ofMillis(1_000);
        private Duration electionTimeoutMax = Duration.ofMillis(2_000);
        private long logSegmentSizeBytes = 8L << 20;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private boolean snapshotOnStop = true;

        private Builder() {
        }

        public Builder nodeId(int nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /** A broker-only node: follows the metadata log without voting (see {@link MetadataNodeConfig#observer()}). */
        public Builder observer(boolean observer) {
            this.observer = observer;
            return this;
        }

        public Builder raftAddress(String raftAddress) {
            this.raftAddress = raftAddress;
            return this;
        }

        public Builder voters(Map<Integer, String> voters) {
            this.voters = voters;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder clusterId(String clusterId) {
            this.clusterId = clusterId;
            return this;
        }

        public Builder snapshotThreshold(long entries) {
            this.snapshotThreshold = entries;
            return this;
        }

        public Builder brokerSessionTimeoutMs(long ms) {
            this.brokerSessionTimeoutMs = ms;
            return this;
        }

        public Builder electionTimeouts(Duration min, Duration max) {
            this.electionTimeoutMin = min;
            this.electionTimeoutMax = max;
            return this;
        }

        public Builder logSegmentSizeBytes(long bytes) {
            this.logSegmentSizeBytes = bytes;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Off in tests that crash a node: Ratis can only stop a server cleanly, and a stop that writes a
         * snapshot would spare the restart the log replay a crashed node goes through.
         */
        public Builder snapshotOnStop(boolean snapshot) {
            this.snapshotOnStop = snapshot;
            return this;
        }

        public MetadataNodeConfig build() {
            return new MetadataNodeConfig(this);
        }
    }
}
