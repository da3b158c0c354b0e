package io.sluice.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.sluice.network.Connections;
import io.sluice.network.NativeSession;
import io.sluice.network.TlsConnections;
import io.sluice.protocol.tls.ReloadingTls;
import io.sluice.network.NativeApis;
import io.sluice.network.RequestMetrics;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.FrameDecoder;
import io.sluice.protocol.wire.Transport;
import io.sluice.network.RequestDispatcher;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import io.netty.channel.ChannelPipeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's data-plane listeners (one port each, see {@link Listener}): one acceptor thread and a few I/O event loops (no thread per
 * connection or partition). A connection's first bytes choose its protocol ({@link ProtocolDetector}):
 * a native connection's pipeline is {@code flushConsolidation -> frameDecoder -> dispatcher}, any
 * other is set up by the {@link ConnectionProtocol} the node serves (Kafka's); handlers run on the
 * event loop. On a TLS listener the TLS stage ({@link TlsConnections}) comes right after
 * {@code flushConsolidation}, so the protocol is told from decrypted bytes and log regions are sent
 * as encrypted buffers instead of zero-copy file regions.
 *
 * <p>Start once, close once; closing also closes every open connection. The bound address is fixed
 * after {@link #start}.
 */
public final class DataPlaneServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);
    /** Before SASL authentication a larger frame closes the connection (Kafka's {@code sasl.server.max.receive.size}). */
    static final int PRE_AUTH_MAX_FRAME_BYTES = 512 * 1024;
    private final List<Listener> listeners;
    private final int ioThreads;
    private final int maxFrameBytes;
    private final RequestDispatcher dispatcher;
    private final ConnectionProtocol otherProtocol;
    private final Map<String, ReloadingTls> tls;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Map<String, Channel> serverChannels = new LinkedHashMap<>();
    private final Connections openConnections = new Connections();
    private final ChannelGroup connections = new DefaultChannelGroup("sluice-connections", GlobalEventExecutor.INSTANCE);

    /**
     * @param workers the node's I/O event loops, shared with its outgoing connections; the caller owns
     *                and shuts them down after {@link #close}
     */
    public DataPlaneServer(List<Listener> listeners, EventLoopGroup workers, int ioThreads, int maxFrameBytes,
                           NativeApis apis, ConnectionProtocol otherProtocol,
                           RequestMetrics metrics) {
        this(listeners, Map.of(), workers, ioThreads, maxFrameBytes, apis, otherProtocol, metrics);
    }

    /** @param tls the TLS context of each TLS listener, by listener name */
    public DataPlaneServer(List<Listener> listeners, Map<String, ReloadingTls> tls, EventLoopGroup workers,
                           int ioThreads, int maxFrameBytes, NativeApis apis, ConnectionProtocol otherProtocol,
                           RequestMetrics metrics) {
        this.tls = Map.copyOf(tls);
        for (Listener l : listeners) {
            if (l.tls() != null && !tls.containsKey(l.name())) {
                throw new IllegalArgumentException("listener " + l.name() + " uses TLS but has no TLS context");
            }
        }
        this.otherProtocol = otherProtocol;
        this.listeners = List.copyOf(listeners);
        this.ioThreads = ioThreads;
        this.maxFrameBytes = maxFrameBytes;
        this.dispatcher = new RequestDispatcher(apis.handlers(),
                metrics.forProtocol(ProtocolDetector.NATIVE, ApiKey.values()));
        this.boss = Transport.newGroup(1, "sluice-accept");
        this.workers = workers;
    }

    /** Binds every listener's port; a port in use fails with a message that names it. */
    public void start() throws IOException {
        for (Listener listener : listeners) {
            bind(listener);
        }
    }

    private void bind(Listener listener) throws IOException {
        InetSocketAddress listen = listener.address();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transport.serverSocketChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        // Every listener serves the native protocol with its own security protocol: on a SASL
                        // one nothing but the SASL exchange is served until it completes (see NativeSession).
                        Consumer<ChannelPipeline> nativeProtocol = pipeline -> {
                            NativeSession session = new NativeSession(listener.interBroker() ? null : listener.name(),
                                    listener.protocol().sasl());
                            pipeline.channel().attr(NativeSession.KEY).set(session);
                            pipeline.addLast("frameDecoder", new FrameDecoder(maxFrameBytes,
                                            () -> session.authenticated() ? Integer.MAX_VALUE : PRE_AUTH_MAX_FRAME_BYTES))
                                    .addLast("dispatcher", dispatcher);
                        };
                        ch.pipeline().addLast("flushConsolidation", new FlushConsolidationHandler(256, true));
                        ReloadingTls listenerTls = tls.get(listener.name());
                        if (listenerTls != null) {
                            TlsConnections.addServerStage(ch.pipeline(), listenerTls, listener.name());
                        }
                        ch.pipeline()
                                .addLast("protocolDetector", new ProtocolDetector(nativeProtocol, otherProtocol,
                                        listener, openConnections));
                    }
                });
        try {
            serverChannels.put(listener.name(), bootstrap.bind(listen).sync().channel());
        } catch (Exception e) {
            close();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new IOException("cannot listen on " + listen.getHostString() + ":" + listen.getPort()
                        + " (listener " + listener.name() + "): the port is in use (is another node running? stop it"
                        + " or choose another port)", e);
            }
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        log.info("Data plane listener {} ({}{}) on {} ({} I/O threads, {}; protocols: {})", listener.name(),
                listener.protocol(), listener.tls() == null ? "" : ", client certificates "
                        + listener.tls().clientAuth().name().toLowerCase(java.util.Locale.ROOT),
                boundAddress(listener.name()), ioThreads, Transport.isEpoll() ? "epoll" : "nio",
                "sluice" + (otherProtocol == null ? "" : ", " + otherProtocol.name()));
    }

    /** The connections by protocol, for the metrics endpoint. */
    public Connections connections() {
        return openConnections;
    }

    /** The bound address of the inter-broker listener (the native protocol's). */
    public InetSocketAddress boundAddress() {
        return boundAddress(listeners.stream().filter(Listener::interBroker).findFirst().orElseThrow().name());
    }

    /** The bound address of the listener named {@code name}. */
    public InetSocketAddress boundAddress(String name) {
        return (InetSocketAddress) serverChannels.get(name).localAddress();
    }

    @Override
    public void close() {
        for (Channel serverChannel : serverChannels.values()) {
            serverChannel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(2, java.util.concurrent.TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
