package io.sluice.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.sluice.protocol.tls.ReloadingTls;
import io.sluice.protocol.tls.TlsConfig;
import io.sluice.protocol.wire.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS stage of a server connection over real loopback sockets: the client certificate's principal,
 * certificate rotation by replacing the keystore file, an expired certificate, plaintext on a TLS port,
 * and a wrong keystore password at start.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsConnectionsTest {
    @TempDir
    Path dir;
    private final CertificateAuthority ca = CertificateAuthority.create("test-ca", 1);
    private final EventLoopGroup group = Transport.newGroup(2, "tls-test");
    private final BlockingQueue<String> principals = new LinkedBlockingQueue<>();
    private Channel server;
    private Path caPem;

    @BeforeEach
    void writeCa() throws Exception {
        caPem = dir.resolve("ca.pem");
        Files.writeString(caPem, ca.certificatePem());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private Path pem(String name, CertificateAuthority.Issued issued) throws Exception {
        Path file = dir.resolve(name + ".pem");
        issued.writePem(file);
        return file;
    }

    private Map<String, String> settings(Path keystore, String clientAuth) {
        Map<String, String> s = new HashMap<>();
        s.put(TlsConfig.KEYSTORE_TYPE, "PEM");
        s.put(TlsConfig.KEYSTORE_LOCATION, keystore.toString());
        s.put(TlsConfig.TRUSTSTORE_TYPE, "PEM");
        s.put(TlsConfig.TRUSTSTORE_LOCATION, caPem.toString());
        s.put(TlsConfig.CLIENT_AUTH, clientAuth);
        return s;
    }

    private InetSocketAddress serve(ReloadingTls tls) {
        server = new ServerBootstrap().group(group).channel(Transport.serverSocketChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        TlsConnections.addServerStage(ch.pipeline(), tls, "TEST");
                        ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
                                    String p = TlsConnections.principal(ctx.channel());
                                    principals.add(p == null ? "none" : p);
                                }
                            }
                        });
                    }
                }).bind("127.0.0.1", 0).syncUninterruptibly().channel();
        return (InetSocketAddress) server.localAddress();
    }

    /** Connects with TLS; the server's certificate, or the handshake's failure. */
    private X509Certificate handshake(InetSocketAddress address, ReloadingTls client) throws Exception {
        Channel[] ch = new Channel[1];
        SslHandler[] ssl = new SslHandler[1];
        ch[0] = new Bootstrap().group(group).channel(Transport.socketChannel())
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        ssl[0] = client.newClientHandler(c.alloc(), "localhost", address.getPort());
                        c.pipeline().addLast(ssl[0]);
                    }
                }).connect(address).syncUninterruptibly().channel();
        try {
            var done = ssl[0].handshakeFuture().awaitUninterruptibly();
            if (!done.isSuccess()) {
                throw new Exception("handshake failed: " + done.cause(), done.cause());
            }
            return (X509Certificate) ssl[0].engine().getSession().getPeerCertificates()[0];
        } finally {
            ch[0].close().syncUninterruptibly();
        }
    }

    private ReloadingTls client(CertificateAuthority.Issued identity) throws Exception {
        Map<String, String> s = new HashMap<>();
        s.put(TlsConfig.TRUSTSTORE_TYPE, "PEM");
        s.put(TlsConfig.TRUSTSTORE_LOCATION, caPem.toString());
        if (identity != null) {
            s.put(TlsConfig.KEYSTORE_TYPE, "PEM");
            s.put(TlsConfig.KEYSTORE_LOCATION, pem("client-" + System.nanoTime(), identity).toString());
        }
        return ReloadingTls.client(new TlsConfig("test client", s));
    }

    private CertificateAuthority.Issued nodeCert() {
        return ca.issue("CN=node,OU=sluice", List.of("localhost", "127.0.0.1"), 1);
    }

    @Test
    void theClientCertificateIsThePrincipalAndNoCertificateIsNone() throws Exception {
        InetSocketAddress address = serve(ReloadingTls.server(new TlsConfig("listener TEST",
                settings(pem("node", nodeCert()), "requested"))));
        handshake(address, client(ca.issue("CN=alice,OU=eng,O=example", List.of(), 1)));
        assertEquals("User:CN=alice,OU=eng,O=example", principals.poll(10, TimeUnit.SECONDS));
        handshake(address, client(null));
        assertEquals("none", principals.poll(10, TimeUnit.SECONDS));
    }

    @Test
    void requiredClientAuthRefusesAClientWithoutCertificateOrFromAnotherCa() throws Exception {
        InetSocketAddress address = serve(ReloadingTls.server(new TlsConfig("listener TEST",
                settings(pem("node", nodeCert()), "required"))));
        assertClosedOrRefused(address, client(null));
        CertificateAuthority other = CertificateAuthority.create("other-ca", 1);
        assertClosedOrRefused(address, client(other.issue("CN=mallory", List.of(), 1)));
        handshake(address, client(ca.issue("CN=bob", List.of(), 1)));
        assertEquals("User:CN=bob", principals.poll(10, TimeUnit.SECONDS));
    }

    /** With TLS 1.3 the client may finish its side before the server refuses its certificate: then the server closes. */
    private void assertClosedOrRefused(InetSocketAddress address, ReloadingTls client) throws Exception {
        try {
            handshake(address, client);
        } catch (Throwable refused) {
            return;
        }
        assertNull(principals.poll(2, TimeUnit.SECONDS), "the server completed a handshake without a valid certificate");
    }

    @Test
    void replacingTheKeystoreFileRotatesTheCertificateForNewConnections() throws Exception {
        Path keystore = pem("node", nodeCert());
        ReloadingTls tls = ReloadingTls.server(new TlsConfig("listener TEST", settings(keystore, "none")));
        InetSocketAddress address = serve(tls);
        ReloadingTls client = client(null);
        X509Certificate before = handshake(address, client);
        CertificateAuthority.Issued next = nodeCert();
        next.writePem(keystore);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> handshake(address, client).getSerialNumber().equals(next.certificate().getSerialNumber()));
        assertNotEquals(before.getSerialNumber(), next.certificate().getSerialNumber());
    }

    @Test
    void aHalfWrittenKeystoreKeepsThePreviousCertificate() throws Exception {
        Path keystore = pem("node", nodeCert());
        ReloadingTls tls = ReloadingTls.server(new TlsConfig("listener TEST", settings(keystore, "none")));
        Files.writeString(keystore, "-----BEGIN PRIVATE KEY-----\nAAAA");
        assertFalse(tls.reloadIfChanged());
        InetSocketAddress address = serve(tls);
        assertTrue(handshake(address, client(null)) != null);
    }

    @Test
    void anExpiredServerCertificateIsRefusedByTheClient() throws Exception {
        Instant past = Instant.now().minus(Duration.ofDays(10));
        CertificateAuthority.Issued expired = ca.issue("CN=node", List.of("localhost", "127.0.0.1"), past,
                past.plus(Duration.ofDays(1)));
        InetSocketAddress address = serve(ReloadingTls.server(new TlsConfig("listener TEST",
                settings(pem("expired", expired), "none"))));
        Throwable e = assertThrows(Exception.class, () -> handshake(address, client(null)));
        boolean expiredFound = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            expiredFound |= t instanceof java.security.cert.CertificateExpiredException;
        }
        assertTrue(expiredFound, "refused for another reason than expiry: " + e);
    }

    @Test
    void plaintextBytesOnATlsPortCloseTheConnection() throws Exception {
        InetSocketAddress address = serve(ReloadingTls.server(new TlsConfig("listener TEST",
                settings(pem("node", nodeCert()), "none"))));
        Channel ch = new Bootstrap().group(group).channel(Transport.socketChannel())
                .handler(new ChannelInboundHandlerAdapter()).connect(address).syncUninterruptibly().channel();
        ch.writeAndFlush(Unpooled.copiedBuffer("\0\0\0\u0010\0\u0012\0\u0003plaintext request", StandardCharsets.ISO_8859_1));
        assertTrue(ch.closeFuture().awaitUninterruptibly(10, TimeUnit.SECONDS), "the server did not close the connection");
        assertTrue(server.isActive(), "the listener must keep serving");
    }

    @Test
    void aWrongKeystorePasswordIsOneMessageNamingTheKeyWithoutThePassword() throws Exception {
        Path p12 = dir.resolve("node.p12");
        nodeCert().writePkcs12(p12, "node", "right-password".toCharArray());
        Map<String, String> s = new HashMap<>();
        s.put(TlsConfig.KEYSTORE_LOCATION, p12.toString());
        s.put(TlsConfig.KEYSTORE_PASSWORD, "wrong-password");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReloadingTls.server(new TlsConfig("listener SSL", s)));
        assertTrue(e.getMessage().contains("ssl.keystore.password is wrong"), e.getMessage());
        assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
        s.put(TlsConfig.KEYSTORE_PASSWORD, "right-password");
        ReloadingTls.server(new TlsConfig("listener SSL", s)); // PKCS12 with the right password works
        s.put(TlsConfig.KEYSTORE_LOCATION, dir.resolve("missing.p12").toString());
        e = assertThrows(IllegalArgumentException.class, () -> ReloadingTls.server(new TlsConfig("listener SSL", s)));
        assertTrue(e.getMessage().contains("ssl.keystore.location: no such file"), e.getMessage());
    }
}
