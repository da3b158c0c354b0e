package io.sluice.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.protocol.Time;
import io.sluice.protocol.rpc.ApiKey;
import io.sluice.protocol.rpc.MetadataRequest;
import io.sluice.protocol.rpc.MetadataResponse;
import io.sluice.protocol.rpc.ResponseHeader;
import io.sluice.protocol.wire.FrameDecoder;
import io.sluice.protocol.wire.Frames;
import io.sluice.protocol.wire.RequestFrame;
import io.sluice.protocol.wire.Transport;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The network client and the metadata bootstrap against a tiny Netty server that answers Metadata requests. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class NetworkClientTest {
    private EventLoopGroup serverGroup;
    private Channel server;
    private final AtomicInteger served = new AtomicInteger();
    private final List<Channel> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final MetadataResponse answer = new TestMetadata().brokers(1).topic("t", 1).response();

    @BeforeEach
    void startServer() throws Exception {
        startServerAt(0);
    }

    @AfterEach
    void stopServer() {
        server.close().syncUninterruptibly();
        serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private int serverPort() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    private static int deadPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static CommonConfig config(String bootstrap) {
        return new CommonConfig(CommonConfig.commonDef(), Map.of("bootstrap.servers", bootstrap,
                "reconnect.backoff.ms", "200", "reconnect.backoff.max.ms", "200"), "test") {
        };
    }

    @Test
    void bootstrapSkipsAnAddressThatRefusesConnections() throws Exception {
        CommonConfig config = config("127.0.0.1:" + deadPort() + ",127.0.0.1:" + serverPort());
        try (NetworkClient network = new NetworkClient(config, "test", Time.SYSTEM)) {
            Metadata metadata = new Metadata(config, network, Time.SYSTEM);
            Cluster cluster = metadata.await(c -> !c.nodes().isEmpty(), 10_000, "brokers");
            assertEquals(1, cluster.partitionCount("t"));
            assertEquals("localhost:9092", cluster.node(1).address());
        }
    }

    @Test
    void aDeadAddressIsInBackoffAndFailsFastThenIsRetried() throws Exception {
        int dead = deadPort();
        CommonConfig config = config("127.0.0.1:" + dead);
        try (NetworkClient network = new NetworkClient(config, "test", Time.SYSTEM)) {
            Node node = new Node(-1, "127.0.0.1", dead);
            MetadataRequest request = MetadataRequest.getDefaultInstance();
            CompletionException first = assertThrows(CompletionException.class,
                    () -> network.call(node, ApiKey.METADATA, request, MetadataResponse.parser(), 1000).join());
            assertEquals(ErrorCode.NETWORK_EXCEPTION, assertInstanceOf(SluiceException.class, first.getCause()).code());
            assertTrue(network.isBackingOff(node));
            CompletionException second = assertThrows(CompletionException.class,
                    () -> network.call(node, ApiKey.METADATA, request, MetadataResponse.parser(), 1000).join());
            assertTrue(second.getCause().getMessage().contains("next attempt in"), second.getCause().getMessage());
            org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> !network.isBackingOff(node));
        }
    }

    @Test
    void aDroppedConnectionIsReopenedOnTheNextSend() throws Exception {
        CommonConfig config = config("127.0.0.1:" + serverPort());
        try (NetworkClient network = new NetworkClient(config, "test", Time.SYSTEM)) {
            Node node = new Node(1, "127.0.0.1", serverPort());
            MetadataRequest request = MetadataRequest.newBuilder().addAllTopics(List.of("t")).build();
            assertEquals(answer, network.call(node, ApiKey.METADATA, request, MetadataResponse.parser(), 5000).join());
            assertTrue(network.isConnected(node));
            // Stop the broker, closing the connection it accepted, then start it again on the same port.
            server.close().sync();
            for (Channel c : accepted) {
                c.close().sync();
            }
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> !network.isConnected(node));
            startServerAt(node.port());
            assertEquals(answer, network.call(node, ApiKey.METADATA, request, MetadataResponse.parser(), 5000).join());
            assertEquals(2, served.get());
        }
    }

    /** A fake broker on {@code port} (0: any) answering every request with {@link #answer}. */
    private void startServerAt(int port) throws Exception {
        serverGroup = Transport.newGroup(1, "fake-broker");
        server = new ServerBootstrap().group(serverGroup).channel(Transport.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast(new FrameDecoder(1 << 20), new SimpleChannelInboundHandler<ByteBuf>(false) {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) throws Exception {
                                RequestFrame request = Frames.decodeRequest(msg);
                                request.release();
                                served.incrementAndGet();
                                ResponseHeader header = ResponseHeader.newBuilder()
                                        .setCorrelationId(request.header().getCorrelationId()).build();
                                ctx.writeAndFlush(Frames.encodeHead(ctx.alloc(), header, answer, 0));
                            }
                        });
                    }
                }).bind("127.0.0.1", port).sync().channel();
    }
}
