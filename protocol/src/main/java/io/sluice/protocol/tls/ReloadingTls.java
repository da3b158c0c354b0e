package io.sluice.protocol.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Arrays;
import java.util.function.Function;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TLS context that follows its keystore and truststore files: each new connection's handler comes
 * from the current context, and at most once per {@link #CHECK_INTERVAL_MS} a new connection first
 * checks the files' modification times and contents and, when they changed, builds a new context
 * (certificate rotation without a restart; open connections keep the certificate they started with).
 * A file that cannot be read yet (half written) keeps the old context and is tried again on a later
 * connection, with one warning per change.
 *
 * <p>Thread-safe: connections on any event loop may ask for handlers; a rebuild is serialized.
 */
public final class ReloadingTls {
    private static final Logger log = LoggerFactory.getLogger(ReloadingTls.class);
    /** How often (at most) a new connection looks at the files. */
    public static final long CHECK_INTERVAL_MS = 1_000;

    private final TlsConfig config;
    private final Function<TlsConfig, SslContext> build;
    private final boolean client;
    private volatile SslContext context;
    private volatile List<Object> stamps;
    private volatile long nextCheck;
    private List<Object> failedStamps;

    private ReloadingTls(TlsConfig config, boolean client) {
        this.config = config;
        this.client = client;
        this.build = client ? TlsConfig::clientContext : TlsConfig::serverContext;
        this.stamps = stamps();
        this.context = build.apply(config);
        this.nextCheck = System.currentTimeMillis() + CHECK_INTERVAL_MS;
    }

    /** A listener's context; reads the files now and throws {@link IllegalArgumentException} if they are wrong. */
    public static ReloadingTls server(TlsConfig config) {
        return new ReloadingTls(config, false);
    }

    /** A client's context (followers, the Sluice client); same checks. */
    public static ReloadingTls client(TlsConfig config) {
        return new ReloadingTls(config, true);
    }

    public TlsConfig config() {
        return config;
    }

    /** A handler for a server-side connection accepted now. */
    public SslHandler newServerHandler(ByteBufAllocator alloc) {
        return current().newHandler(alloc);
    }

    /** A handler for a client connection to {@code host:port}, checking the host name if so configured. */
    public SslHandler newClientHandler(ByteBufAllocator alloc, String host, int port) {
        SslHandler handler = current().newHandler(alloc, host, port);
        if (config.verifyHostname()) {
            SSLEngine engine = handler.engine();
            SSLParameters params = engine.getSSLParameters();
            params.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(params);
        }
        return handler;
    }

    /** The current context, rebuilt first if the files changed since it was built. */
    public SslContext current() {
        long now = System.currentTimeMillis();
        if (now >= nextCheck) {
            nextCheck = now + CHECK_INTERVAL_MS;
            reloadIfChanged();
        }
        return context;
    }

    /** Rebuilds the context now if a file changed; returns whether it did. */
    public synchronized boolean reloadIfChanged() {
        List<Object> now = stamps();
        if (now.equals(stamps) || now.equals(failedStamps)) {
            return false;
        }
        try {
            context = build.apply(config);
            stamps = now;
            failedStamps = null;
            log.info("TLS ({}): reloaded the {} certificates from {}", config.scope(), client ? "client" : "server",
                    config.files());
            return true;
        } catch (IllegalArgumentException e) {
            failedStamps = now;
            log.warn("TLS ({}): the changed files cannot be used yet, keeping the previous certificates: {}",
                    config.scope(), e.getMessage());
            return false;
        }
    }

    private List<Object> stamps() {
        List<Object> out = new ArrayList<>();
        for (Path file : config.files()) {
            try {
                // The content too, not only the time: a file replaced twice within the clock's resolution.
                FileTime modified = Files.getLastModifiedTime(file);
                out.add(file + "@" + modified.toMillis() + "/" + Arrays.hashCode(Files.readAllBytes(file)));
            } catch (IOException e) {
                out.add(file + "@missing");
            }
        }
        return out;
    }
}
