package io.sluice.metadata.raft;

import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.rpc.DescribeQuorumResponse;
import io.sluice.protocol.rpc.ReplicaState;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.ServerRpcProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.SetConfigurationRequest;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.server.DivisionInfo;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.ProtoUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One member of the metadata Raft group: a Ratis server (gRPC transport) running the
 * {@link MetadataStateMachine}, and a Ratis client that sends this node's proposals to whichever
 * member leads (Ratis follows NotLeader redirects and retries across elections). This is the only
 * place, with the state machine, that sees Ratis types: everything crosses as bytes or Sluice types.
 *
 * <p>Thread-safe.
 */
public final class RaftMetadataServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RaftMetadataServer.class);
    private static final long RETRY_SLEEP_MS = 200;

    private final MetadataNodeConfig config;
    private final RaftPeerId selfId;
    private final RaftGroup group;
    private final RaftServer server;
    private final RaftServer.Division division;
    private final RaftClient client;
    /**
     * Aimed at this node: used while it leads, so the controller's own commands (fencing a silent
     * broker) are appended at once instead of first trying whichever leader the shared client last
     * knew, which after a failover may be the very node that was cut off.
     */
    private final RaftClient selfClient;
    private final MetadataStateMachine stateMachine;
    private final RatisMetricsReader ratisMetrics;

    private RaftMetadataServer(MetadataNodeConfig config, RaftGroup group, RaftServer server,
                               RaftClient client, RaftClient selfClient, MetadataStateMachine stateMachine)
            throws IOException {
        this.selfClient = selfClient;
        this.config = config;
        this.selfId = peerId(config.nodeId());
        this.group = group;
        this.server = server;
        this.division = server.getDivision(group.getGroupId());
        this.client = client;
        this.stateMachine = stateMachine;
        this.ratisMetrics = new RatisMetricsReader(selfId.toString(), config.voters().keySet().stream()
                .map(String::valueOf).collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * Starts the Raft server on {@code raftDir}: formats it when empty, otherwise recovers from the
     * latest snapshot plus the log. The group id is derived from the cluster id, so nodes of two
     * clusters never join the same group. A broker-only node ({@link MetadataNodeConfig#observer()})
     * starts as a Ratis listener and asks the voters to add it to the configuration as one, which a
     * restarted listener, already in it, finds done.
     */
    public static RaftMetadataServer start(MetadataNodeConfig config, Path raftDir, MetadataStateMachine stateMachine)
            throws IOException {
        RaftGroupId groupId = RaftGroupId.valueOf(
                UUID.nameUUIDFromBytes(("sluice-metadata:" + config.clusterId()).getBytes(StandardCharsets.UTF_8)));
        List<RaftPeer> voters = config.voters().entrySet().stream()
                .map(v -> RaftPeer.newBuilder().setId(peerId(v.getKey())).setAddress(v.getValue()).build())
                .toList();
        RaftPeer self = RaftPeer.newBuilder().setId(peerId(config.nodeId())).setAddress(config.raftAddress())
                .setStartupRole(RaftPeerRole.LISTENER).build();
        List<RaftPeer> members = new ArrayList<>(voters);
        if (config.observer()) {
            members.add(self);
        }
        RaftGroup group = RaftGroup.valueOf(groupId, members);
        RaftGroup votersOnly = RaftGroup.valueOf(groupId, voters);
        checkAddressFree(config.raftAddress());
        boolean existing = Files.isDirectory(raftDir.resolve(groupId.getUuid().toString()));
        RaftStorageGuard.checkNotLost(raftDir, existing);
        RaftServer server = RaftServer.newBuilder()
                .setServerId(peerId(config.nodeId()))
                .setGroup(group)
                .setStateMachine(stateMachine)
                .setProperties(RaftSettings.server(config, raftDir))
                .setParameters(RaftSettings.parameters(config))
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        RaftClient client = null;
        RaftClient selfClient = null;
        try {
            server.start();
            // Also for a log formatted before this guard existed, which has no marker yet.
            RaftStorageGuard.markFormatted(raftDir, raftDir.resolve(groupId.getUuid().toString()));
            client = newClient(config, votersOnly, null);
            // A listener never leads: its commands always go through the voters' leader.
            selfClient = config.observer() ? newClient(config, votersOnly, null)
                    : newClient(config, votersOnly, peerId(config.nodeId()));
            if (config.observer()) {
                joinAsListener(client, votersOnly, self, config.requestTimeout().multipliedBy(2));
            }
            LOG.info("Metadata node {} started on {} ({} the Raft log), {}, voters {}", config.nodeId(),
                    config.raftAddress(), existing ? "recovered" : "formatted",
                    config.observer() ? "broker-only (a Raft listener)" : "a voter", config.voters());
            return new RaftMetadataServer(config, group, server, client, selfClient, stateMachine);
        } catch (IOException | RuntimeException e) {
            closeQuietly(selfClient);
            closeQuietly(client);
            closeQuietly(server);
            throw e;
        }
    }

    private static RaftClient newClient(MetadataNodeConfig config, RaftGroup group, RaftPeerId leader) {
        long attempts = Math.max(1, config.requestTimeout().toMillis() / RETRY_SLEEP_MS);
        RaftClient.Builder builder = RaftClient.newBuilder()
                .setRaftGroup(group)
                .setProperties(RaftSettings.client(config))
                .setParameters(RaftSettings.parameters(config))
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(
                        (int) attempts, RaftSettings.millis(RETRY_SLEEP_MS)));
        if (leader != null) {
            builder.setLeaderId(leader);
        }
        return builder.build();
    }

    /**
     * Adds this broker-only node to the Raft configuration as a listener: reads the configuration from
     * a voter, then asks the leader to change it compare-and-set, so brokers joining at once cannot
     * overwrite each other (Ratis 3.3's ADD mode replaced the listeners instead of adding to them).
     * The leader first brings the node up to date (a snapshot if it is far behind), then commits the
     * new configuration. A restarted listener finds itself in it already.
     */
    private static void joinAsListener(RaftClient client, RaftGroup voters, RaftPeer self, Duration timeout)
            throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            for (RaftPeer voter : voters.getPeers()) {
                try {
                    var conf = client.getGroupManagementApi(voter.getId()).info(voters.getGroupId()).getConf();
                    if (conf.isEmpty() || !conf.get().getOldPeersList().isEmpty()) {
                        continue; // a configuration change is under way: ask again
                    }
                    List<RaftPeer> servers = ProtoUtils.toRaftPeers(conf.get().getPeersList());
                    List<RaftPeer> listeners = ProtoUtils.toRaftPeers(conf.get().getListenersList());
                    // Already a listener, or promoted to voter since (add-controller): nothing to join.
                    if (listeners.stream().anyMatch(p -> p.getId().equals(self.getId()))
                            || servers.stream().anyMatch(p -> p.getId().equals(self.getId()))) {
                        return;
                    }
                    List<RaftPeer> withSelf = new ArrayList<>(listeners);
                    withSelf.add(self);
                    RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                            .setServersInCurrentConf(servers).setListenersInCurrentConf(listeners)
                            .setServersInNewConf(servers).setListenersInNewConf(withSelf)
                            .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build());
                    if (reply.isSuccess()) {
                        return;
                    }
                    last = reply.getException();
                } catch (IOException | RuntimeException e) {
                    last = e; // that voter is down, or the configuration changed meanwhile: try again
                }
            }
            try {
                Thread.sleep(RETRY_SLEEP_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while joining the metadata quorum");
            }
        }
        throw new IOException("The metadata quorum did not add broker-only node " + self.getId() + " as a listener within "
                + timeout.toMillis() + " ms" + (last != null ? ": " + last.getMessage() : "")
                + "; are the voters running?", last);
    }

    /**
     * Removes a broker-only node from the Raft configuration: the leader stops sending it the log.
     * Compare-and-set against the configuration this node knows, so a concurrent change is not
     * overwritten; the caller retries on a conflict.
     */
    public void removeListener(int nodeId) throws IOException {
        var conf = division.getRaftConf();
        List<RaftPeer> servers = List.copyOf(conf.getCurrentPeers());
        List<RaftPeer> listeners = List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        if (listeners.stream().noneMatch(p -> p.getId().equals(peerId(nodeId)))) {
            throw new IllegalArgumentException("Node " + nodeId + " is not a broker-only member of the metadata quorum;"
                    + " its listeners are " + listeners.stream().map(p -> p.getId().toString()).toList());
        }
        RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(servers).setListenersInCurrentConf(listeners)
                .setServersInNewConf(servers)
                .setListenersInNewConf(listeners.stream().filter(p -> !p.getId().equals(peerId(nodeId))).toList())
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build());
        if (!reply.isSuccess()) {
            throw new IOException("Removing node " + nodeId + " from the metadata quorum failed: "
                    + reply.getException(), reply.getException());
        }
    }

    /**
     * Makes broker-only member {@code nodeId} a voter (Kafka's AddRaftVoter): the listener moves to the
     * configuration's servers, compare-and-set against the configuration this node knows. The leader
     * commits the change with joint consensus once the node has caught up (a listener already has).
     *
     * @throws IllegalArgumentException it is not a listener of the current configuration
     * @throws IOException the change failed (a concurrent change, no leader): nothing changed, retry
     */
    public void promoteListener(int nodeId) throws IOException {
        changeRole(nodeId, RaftPeerRole.LISTENER, RaftPeerRole.FOLLOWER);
    }

    /**
     * Makes voter {@code nodeId} a broker-only member (Kafka's RemoveRaftVoter): it stops counting toward
     * commits and elections but keeps receiving the log, so the broker on it goes on serving. A demoted
     * leader hands leadership to another voter once the change is committed.
     *
     * <p>A leader is first asked to hand leadership to {@code successor}: Ratis 3.3 lets a leader that
     * demoted itself to listener go on leading (it logs "the leader is not in the conf" every two
     * seconds and never steps down), which leaves the remaining voters without a working leader.
     *
     * @throws IllegalArgumentException it is not a voter of the current configuration
     * @throws IOException the change failed (a concurrent change, no leader): nothing changed, retry
     */
    public void demoteVoter(int nodeId, int successor) throws IOException {
        if (leaderId().orElse(-1) == nodeId) {
            RaftClientReply reply = client.admin().transferLeadership(peerId(successor),
                    config.requestTimeout().toMillis());
            if (!reply.isSuccess()) {
                throw new IOException("Node " + nodeId + " leads the metadata quorum and could not hand leadership"
                        + " to node " + successor + ": " + reply.getException(), reply.getException());
            }
            LOG.info("Metadata quorum: leadership handed from node {} to node {} before demoting it", nodeId, successor);
        }
        changeRole(nodeId, RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER);
    }

    private void changeRole(int nodeId, RaftPeerRole from, RaftPeerRole to) throws IOException {
        var conf = division.getRaftConf();
        if (!conf.getPreviousPeers().isEmpty()) {
            throw new IOException("a change of the metadata quorum's membership is under way; retry in a moment");
        }
        List<RaftPeer> servers = List.copyOf(conf.getCurrentPeers());
        List<RaftPeer> listeners = List.copyOf(conf.getCurrentPeers(RaftPeerRole.LISTENER));
        boolean promote = to == RaftPeerRole.FOLLOWER;
        RaftPeer peer = (promote ? listeners : servers).stream().filter(p -> p.getId().equals(peerId(nodeId)))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("Node " + nodeId + " is not a "
                        + (promote ? "broker-only member" : "voter") + " of the metadata quorum"));
        RaftPeer moved = RaftPeer.newBuilder().setId(peer.getId()).setAddress(peer.getAddress())
                .setClientAddress(peer.getClientAddress()).setAdminAddress(peer.getAdminAddress())
                .setDataStreamAddress(peer.getDataStreamAddress()).setPriority(peer.getPriority())
                .setStartupRole(to).build();
        List<RaftPeer> newServers = new ArrayList<>(servers);
        List<RaftPeer> newListeners = new ArrayList<>(listeners);
        if (promote) {
            newListeners.remove(peer);
            newServers.add(moved);
        } else {
            newServers.remove(peer);
            newListeners.add(moved);
        }
        RaftClientReply reply = client.admin().setConfiguration(SetConfigurationRequest.Arguments.newBuilder()
                .setServersInCurrentConf(servers).setListenersInCurrentConf(listeners)
                .setServersInNewConf(newServers).setListenersInNewConf(newListeners)
                .setMode(SetConfigurationRequest.Mode.COMPARE_AND_SET).build());
        if (!reply.isSuccess()) {
            throw new IOException("Making node " + nodeId + (promote ? " a voter" : " a broker-only member")
                    + " of the metadata quorum failed: " + reply.getException(), reply.getException());
        }
        LOG.info("Metadata quorum: node {} is now {}", nodeId, promote ? "a voter" : "a broker-only member");
    }

    /** The voters of the current Raft configuration as this node knows it: id to Raft address (host:port). */
    public Map<Integer, String> voters() {
        Map<Integer, String> voters = new TreeMap<>();
        for (RaftPeer p : division.getRaftConf().getCurrentPeers()) {
            voters.put(Integer.parseInt(p.getId().toString()), p.getAddress());
        }
        return voters;
    }

    /** The Raft address of member {@code nodeId} (voter or listener) in the current configuration, or null. */
    public String memberAddress(int nodeId) {
        RaftPeer peer = division.getRaftConf().getPeer(peerId(nodeId), RaftPeerRole.FOLLOWER, RaftPeerRole.LISTENER);
        return peer == null ? null : peer.getAddress();
    }

    /** The broker-only members (Ratis listeners) of the current Raft configuration, as this node knows it. */
    public List<Integer> listeners() {
        return division.getRaftConf().getCurrentPeers(RaftPeerRole.LISTENER).stream()
                .map(p -> Integer.parseInt(p.getId().toString())).sorted().toList();
    }

    /**
     * Ratis ends the whole JVM (System.exit) when its gRPC server cannot bind, which would take the
     * broker down without a word; so a taken port is refused here first, with a message.
     */
    public static void checkAddressFree(String raftAddress) throws IOException {
        RaftSettings.HostPort address = RaftSettings.HostPort.parse(raftAddress);
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(address.host(), address.port()));
        } catch (BindException e) {
            throw new IOException("Raft address " + raftAddress + " is in use: stop the process listening there"
                    + " or choose another --raft-address.", e);
        }
    }

    /** Appends a command (serialized) through the leader; completes with the serialized result. */
    public CompletableFuture<byte[]> submit(byte[] command) {
        RaftClient via = isLeader() ? selfClient : client;
        return via.async().send(Message.valueOf(ByteString.copyFrom(command)))
                .thenApply(RaftMetadataServer::content)
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The leader's applied index at a ReadIndex point after this call: once this node has applied up
     * to it, its image reflects every write acknowledged before the call.
     */
    public CompletableFuture<Long> readIndex() {
        return client.async().sendReadOnly(Message.valueOf(ByteString.EMPTY))
                .thenApply(reply -> MetadataStateMachine.decodeIndex(Message.valueOf(ByteString.copyFrom(content(reply)))))
                .orTimeout(config.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private static byte[] content(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            throw new CompletionException(reply.getException());
        }
        return reply.getMessage().getContent().toByteArray();
    }

    public boolean isLeader() {
        DivisionInfo info = division.getInfo();
        return info.isLeader() && info.isLeaderReady();
    }

    public OptionalInt leaderId() {
        RaftPeerId leader = division.getInfo().getLeaderId();
        return leader == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(leader.toString()));
    }

    public long currentTerm() {
        return division.getInfo().getCurrentTerm();
    }

    public long commitIndex() {
        return division.getRaftLog().getLastCommittedIndex();
    }

    /** The first index still in the local log (above it: purged into a snapshot). */
    public long logStartIndex() {
        return division.getRaftLog().getStartIndex();
    }

    /** Takes a snapshot now, at the last applied index (forced even if few entries were applied). */
    public long takeSnapshot() throws IOException {
        RaftClientReply reply = client.getSnapshotManagementApi(selfId)
                .create(true, config.requestTimeout().toMillis());
        if (!reply.isSuccess()) {
            throw new IOException("Snapshot of metadata node " + config.nodeId() + " failed", reply.getException());
        }
        return reply.getLogIndex();
    }

    /**
     * Kafka's DescribeQuorum answer. On the leader: each voter's and observer's (broker-only node's)
     * match index and last contact, the
     * commit index as high watermark, the term as leader epoch. Elsewhere: NOT_CONTROLLER with the
     * leader id (or -1) so the caller can ask the right node.
     */
    public DescribeQuorumResponse describeQuorum(String clusterId) {
        DivisionInfo info = division.getInfo();
        DescribeQuorumResponse.Builder response = DescribeQuorumResponse.newBuilder()
                .setClusterId(clusterId).setLeaderId(leaderId().orElse(-1)).setLeaderEpoch(info.getCurrentTerm());
        if (!info.isLeader()) {
            return response.setError(ErrorCode.NOT_CONTROLLER).setErrorMessage("Node " + config.nodeId()
                    + " is not the metadata quorum leader; ask node " + leaderId().orElse(-1) + ".").build();
        }
        long now = System.currentTimeMillis();
        RaftLog log = division.getRaftLog();
        long commit = log.getLastCommittedIndex();
        response.setHighWatermark(commit);
        Map<Integer, String> voters = voters();
        response.addCurrentVoters(ReplicaState.newBuilder().setReplicaId(config.nodeId())
                .setLogEndOffset(log.getNextIndex() - 1).setLastFetchTimestamp(now).setLastCaughtUpTimestamp(now)
                .setRaftAddress(voters.getOrDefault(config.nodeId(), config.raftAddress())));
        forEachFollower(info, (id, matchIndex, follower) -> {
            long lastContact = now - follower.getLastRpcElapsedTimeMs();
            ReplicaState.Builder state = ReplicaState.newBuilder()
                    .setReplicaId(id)
                    .setLogEndOffset(matchIndex)
                    .setLastFetchTimestamp(lastContact)
                    .setLastCaughtUpTimestamp(matchIndex >= commit ? lastContact : -1);
            if (voters.containsKey(id)) {
                response.addCurrentVoters(state.setRaftAddress(voters.get(id)));
            } else {
                response.addObservers(state); // a broker-only node, as Kafka lists brokers
            }
        });
        return response.build();
    }

    private interface FollowerVisitor {
        void visit(int id, long matchIndex, ServerRpcProto follower);
    }

    /** On the leader, each follower with its match index; nothing elsewhere. */
    private static void forEachFollower(DivisionInfo info, FollowerVisitor visitor) {
        if (!info.isLeader()) {
            return;
        }
        // Ratis lists the follower infos and the match indices in the same (log appender) order.
        List<ServerRpcProto> followers = info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
        long[] matchIndices = info.getFollowerMatchIndices();
        for (int i = 0; i < followers.size() && i < matchIndices.length; i++) {
            ServerRpcProto follower = followers.get(i);
            visitor.visit(Integer.parseInt(follower.getId().getId().toStringUtf8()), matchIndices[i], follower);
        }
    }

    /** This member's term, leader, indices and, when it leads, its followers' match indices. */
    public RaftStatus status() {
        DivisionInfo info = division.getInfo();
        RaftLog log = division.getRaftLog();
        Map<Integer, Long> followers = new TreeMap<>();
        forEachFollower(info, (id, matchIndex, follower) -> followers.put(id, matchIndex));
        return new RaftStatus(info.getCurrentTerm(), leaderId().orElse(-1), isLeader(), log.getLastCommittedIndex(),
                stateMachine.appliedIndex(), log.getNextIndex() - 1, followers);
    }

    /** Ratis' own measurements of this member (log worker, elections, state machine, appenders). */
    public List<RatisMetric> ratisMetrics() {
        return ratisMetrics.read();
    }

    public MetadataStateMachine stateMachine() {
        return stateMachine;
    }

    @Override
    public void close() {
        closeQuietly(selfClient);
        closeQuietly(client);
        closeQuietly(server);
        LOG.info("Metadata node {} stopped", config.nodeId());
    }

    private static RaftPeerId peerId(int nodeId) {
        return RaftPeerId.valueOf(String.valueOf(nodeId));
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Error while closing {}", closeable, e);
        }
    }
}
