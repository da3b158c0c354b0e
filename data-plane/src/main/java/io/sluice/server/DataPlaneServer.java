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
import io.sluice.network.NativeApis;
import io.sluice.network.RequestMetrics;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.wire.FrameDecoder;
import io.sluice.protocol.wire.Transport;
import io.sluice.network.RequestDispatcher;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's data-plane listener: one acceptor thread and a few I/O event loops (no thread per
 * connection or partition). A connection's first bytes choose its protocol ({@link ProtocolDetector}):
 * a native connection's pipeline is {@code flushConsolidation -> frameDecoder -> dispatcher}, any
 * other is set up by the {@link ConnectionProtocol} the node serves (Kafka's); handlers run on the
 * event loop.
 *
 * <p>Start once, close once; closing also closes every open connection. The bound address is fixed
 * after {@link #start}.
 */
public final class DataPlaneServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DataPlaneServer.class);
    private final InetSocketAddress listen;
    private final int ioThreads;
    private final int maxFrameBytes;
    private final RequestDispatcher dispatcher;
    private final ConnectionProtocol otherProtocol;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private Channel serverChannel;
    private final Connections openConnections = new Connections();
    private final ChannelGroup connections = new DefaultChannelGroup("sluice-connections", GlobalEventExecutor.INSTANCE);

    /**
     * @param workers the node's I/O event loops, shared with its outgoing connections; the caller owns
     *                and shuts them down after {@link #close}
     */
    public DataPlaneServer(InetSocketAddress listen, EventLoopGroup workers, int ioThreads, int maxFrameBytes,
                           NativeApis apis, ConnectionProtocol otherProtocol,
                           RequestMetrics metrics) {
        this.otherProtocol = otherProtocol;
        this.listen = listen;
        this.ioThreads = ioThreads;
        this.maxFrameBytes = maxFrameBytes;
        this.dispatcher = new RequestDispatcher(apis.handlers(),
                metrics.forProtocol(ProtocolDetector.NATIVE, ApiKey.values()));
        this.boss = Transport.newGroup(1, "sluice-accept");
        this.workers = workers;
    }

    /** Binds the port; a port in use fails with a message that names it. */
    public void start() throws IOException {
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
                        ch.pipeline()
                                .addLast("flushConsolidation", new FlushConsolidationHandler(256, true))
                                .addLast("protocolDetector", new ProtocolDetector(pipeline -> pipeline
                                        .addLast("frameDecoder", new FrameDecoder(maxFrameBytes))
                                        .addLast("dispatcher", dispatcher), otherProtocol, openConnections));
                    }
                });
        try {
            serverChannel = bootstrap.bind(listen).sync().channel();
        } catch (Exception e) {
            close();
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new IOException("cannot listen on " + listen.getHostString() + ":" + listen.getPort()
                        + ": the port is in use (is another node running? stop it or choose another --listen port)", e);
            }
            throw new IOException("cannot listen on " + listen + ": " + e.getMessage(), e);
        }
        log.info("Data plane listening on {} ({} I/O threads, {}; protocols: sluice{})", boundAddress(), ioThreads,
                Transport.isEpoll() ? "epoll" : "nio", otherProtocol == null ? "" : ", " + otherProtocol.name());
    }

    /** The connections by protocol, for the metrics endpoint. */
    public Connections connections() {
        return openConnections;
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) serverChannel.localAddress();
    }

    @Override
    public void close() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
        }
        connections.close().awaitUninterruptibly(2, java.util.concurrent.TimeUnit.SECONDS);
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
