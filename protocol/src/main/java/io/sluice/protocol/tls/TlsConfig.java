package io.sluice.protocol.tls;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS settings under Kafka's names ({@code ssl.keystore.*}, {@code ssl.truststore.*},
 * {@code ssl.client.auth}, {@code ssl.enabled.protocols}, {@code ssl.cipher.suites},
 * {@code ssl.endpoint.identification.algorithm}) and the Netty {@link SslContext}s built from them, for a
 * server (a TLS listener) or a client (a follower fetching from a TLS inter-broker listener, the
 * Sluice client). Keystores are PKCS12, JKS or PEM (a file, or Kafka's inline
 * {@code ssl.keystore.certificate.chain} and {@code ssl.keystore.key}); truststores likewise
 * ({@code ssl.truststore.certificates} inline).
 *
 * <p>The engine is BoringSSL through netty-tcnative where it loads ({@link #engine()}), else the JDK's.
 * Every mistake (missing file, wrong password) is an {@link IllegalArgumentException} naming the key;
 * no message ever contains a password. Immutable; thread-safe.
 */
public final class TlsConfig {
    public static final String KEYSTORE_TYPE = "ssl.keystore.type";
    public static final String KEYSTORE_LOCATION = "ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "ssl.keystore.password";
    public static final String KEY_PASSWORD = "ssl.key.password";
    public static final String KEYSTORE_CHAIN = "ssl.keystore.certificate.chain";
    public static final String KEYSTORE_KEY = "ssl.keystore.key";
    public static final String TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String TRUSTSTORE_CERTIFICATES = "ssl.truststore.certificates";
    public static final String CLIENT_AUTH = "ssl.client.auth";
    public static final String ENABLED_PROTOCOLS = "ssl.enabled.protocols";
    public static final String CIPHER_SUITES = "ssl.cipher.suites";
    public static final String ENDPOINT_IDENTIFICATION = "ssl.endpoint.identification.algorithm";

    /** Every key, with its meaning and default: what a node's configuration documents. */
    public static final Map<String, String> KEYS;
    /** Keys whose values are secrets: never logged, never shown by a describe. */
    public static final Set<String> SECRET_KEYS = Set.of(KEYSTORE_PASSWORD, KEY_PASSWORD, KEYSTORE_KEY,
            TRUSTSTORE_PASSWORD);

    static {
        Map<String, String> k = new LinkedHashMap<>();
        k.put(KEYSTORE_TYPE, "Keystore format: PKCS12, JKS or PEM (default PKCS12)");
        k.put(KEYSTORE_LOCATION, "Keystore file: this side's certificate chain and private key (reloaded when it changes)");
        k.put(KEYSTORE_PASSWORD, "Password of the keystore file (PKCS12, JKS)");
        k.put(KEY_PASSWORD, "Password of the private key (default: the keystore password; PEM: of an encrypted key)");
        k.put(KEYSTORE_CHAIN, "PEM certificate chain given inline (with ssl.keystore.type=PEM, instead of a file)");
        k.put(KEYSTORE_KEY, "PEM PKCS#8 private key given inline (with ssl.keystore.type=PEM, instead of a file)");
        k.put(TRUSTSTORE_TYPE, "Truststore format: PKCS12, JKS or PEM (default PKCS12)");
        k.put(TRUSTSTORE_LOCATION, "Truststore file: the CA certificates a peer's certificate must chain to"
                + " (default: the JDK's CAs; reloaded when it changes)");
        k.put(TRUSTSTORE_PASSWORD, "Password of the truststore file (PKCS12, JKS; optional)");
        k.put(TRUSTSTORE_CERTIFICATES, "PEM CA certificates given inline (with ssl.truststore.type=PEM)");
        k.put(CLIENT_AUTH, "Client certificates on a TLS listener: none, requested or required (default none)");
        k.put(ENABLED_PROTOCOLS, "TLS versions allowed (default TLSv1.2,TLSv1.3)");
        k.put(CIPHER_SUITES, "Cipher suites allowed, comma separated (default: the engine's)");
        k.put(ENDPOINT_IDENTIFICATION, "A client's check of the server's host name against its certificate:"
                + " https or empty for none (default https)");
        KEYS = java.util.Collections.unmodifiableMap(k);
    }

    /** How a server treats client certificates. */
    public enum ClientAuthMode { NONE, REQUESTED, REQUIRED }

    private final String scope;
    private final Map<String, String> settings;
    private final ClientAuthMode clientAuth;
    private final List<String> protocols;
    private final List<String> ciphers;
    private final boolean verifyHostname;

    /**
     * @param scope    how messages name where the settings come from, e.g. "listener SSL"
     * @param settings the {@code ssl.*} keys that apply (per-listener ones already resolved)
     */
    public TlsConfig(String scope, Map<String, String> settings) {
        this.scope = scope;
        this.settings = Map.copyOf(settings);
        for (String key : settings.keySet()) {
            if (!KEYS.containsKey(key)) {
                throw new IllegalArgumentException("unknown TLS setting '" + key + "' (" + scope + "); known: "
                        + String.join(", ", KEYS.keySet()));
            }
        }
        String auth = settings.getOrDefault(CLIENT_AUTH, "none").trim().toUpperCase(Locale.ROOT);
        try {
            this.clientAuth = ClientAuthMode.valueOf(auth);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(CLIENT_AUTH + " must be none, requested or required, not '"
                    + settings.get(CLIENT_AUTH) + "' (" + scope + ")");
        }
        this.protocols = list(settings.getOrDefault(ENABLED_PROTOCOLS, "TLSv1.2,TLSv1.3"));
        for (String p : protocols) {
            if (!p.equals("TLSv1.2") && !p.equals("TLSv1.3")) {
                throw new IllegalArgumentException(ENABLED_PROTOCOLS + ": '" + p + "' is not supported; use TLSv1.2"
                        + " and/or TLSv1.3 (" + scope + ")");
            }
        }
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException(ENABLED_PROTOCOLS + " is empty (" + scope + ")");
        }
        this.ciphers = settings.containsKey(CIPHER_SUITES) ? list(settings.get(CIPHER_SUITES)) : null;
        String endpoint = settings.getOrDefault(ENDPOINT_IDENTIFICATION, "https").trim();
        if (!endpoint.isEmpty() && !endpoint.equalsIgnoreCase("https")) {
            throw new IllegalArgumentException(ENDPOINT_IDENTIFICATION + " must be https or empty, not '" + endpoint
                    + "' (" + scope + ")");
        }
        this.verifyHostname = !endpoint.isEmpty();
        storeType(KEYSTORE_TYPE);
        storeType(TRUSTSTORE_TYPE);
    }

    /** The engine contexts are built with: BoringSSL (netty-tcnative) when it loads, else the JDK's. */
    public static SslProvider engine() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    public ClientAuthMode clientAuth() {
        return clientAuth;
    }

    public boolean verifyHostname() {
        return verifyHostname;
    }

    /** The settings with secrets replaced, for messages. */
    public String scope() {
        return scope;
    }

    /** The files whose change means the contexts must be rebuilt (keystore and truststore locations). */
    public List<Path> files() {
        List<Path> out = new ArrayList<>();
        for (String key : List.of(KEYSTORE_LOCATION, TRUSTSTORE_LOCATION)) {
            if (settings.containsKey(key)) {
                out.add(Path.of(settings.get(key).trim()));
            }
        }
        return out;
    }

    /** A server context: needs a keystore. Reads the files now. */
    public SslContext serverContext() {
        if (!settings.containsKey(KEYSTORE_LOCATION) && !settings.containsKey(KEYSTORE_CHAIN)) {
            throw new IllegalArgumentException("a TLS listener needs " + KEYSTORE_LOCATION + " (or, PEM inline, "
                    + KEYSTORE_CHAIN + " and " + KEYSTORE_KEY + ") (" + scope + ")");
        }
        SslContextBuilder b = keyMaterial(true);
        b.clientAuth(switch (clientAuth) {
            case NONE -> ClientAuth.NONE;
            case REQUESTED -> ClientAuth.OPTIONAL;
            case REQUIRED -> ClientAuth.REQUIRE;
        });
        return build(b);
    }

    /** A client context: trusts the truststore (or the JDK's CAs); presents the keystore's certificate if one is set. */
    public SslContext clientContext() {
        boolean hasKey = settings.containsKey(KEYSTORE_LOCATION) || settings.containsKey(KEYSTORE_CHAIN);
        SslContextBuilder b = hasKey ? keyMaterial(false) : SslContextBuilder.forClient();
        return build(b);
    }

    private SslContext build(SslContextBuilder b) {
        trustMaterial(b);
        b.sslProvider(engine()).protocols(protocols.toArray(String[]::new));
        if (ciphers != null) {
            b.ciphers(ciphers);
        }
        try {
            return b.build();
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot set up TLS (" + scope + "): " + describe(e), e);
        }
    }

    /**
     * The key managers of the keystore, for a transport that takes JSSE's (Ratis' gRPC): PKCS12, JKS, or PEM
     * (an unencrypted PKCS#8 key and its chain).
     */
    public KeyManagerFactory keyManagers() {
        KeyStore store;
        char[] keyPassword;
        if (storeType(KEYSTORE_TYPE).equals("PEM")) {
            store = PemStores.keyStore(new String(pem(KEYSTORE_KEY, KEYSTORE_LOCATION), StandardCharsets.US_ASCII),
                    new String(pem(KEYSTORE_CHAIN, KEYSTORE_LOCATION), StandardCharsets.US_ASCII), scope);
            keyPassword = new char[0];
        } else {
            store = load(storeType(KEYSTORE_TYPE), KEYSTORE_LOCATION, KEYSTORE_PASSWORD);
            String p = settings.getOrDefault(KEY_PASSWORD, settings.get(KEYSTORE_PASSWORD));
            keyPassword = p == null ? new char[0] : p.toCharArray();
        }
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, keyPassword);
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the keystore (" + scope + "): " + describe(e), e);
        }
    }

    /** The trust managers of the truststore (PKCS12, JKS or PEM); the JDK's CAs when none is set. */
    public TrustManagerFactory trustManagers() {
        KeyStore store = null;
        if (settings.containsKey(TRUSTSTORE_LOCATION) || settings.containsKey(TRUSTSTORE_CERTIFICATES)) {
            store = storeType(TRUSTSTORE_TYPE).equals("PEM")
                    ? PemStores.trustStore(new String(pem(TRUSTSTORE_CERTIFICATES, TRUSTSTORE_LOCATION),
                            StandardCharsets.US_ASCII), scope)
                    : load(storeType(TRUSTSTORE_TYPE), TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD);
        }
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return tmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the truststore (" + scope + "): " + describe(e), e);
        }
    }

    private SslContextBuilder keyMaterial(boolean server) {
        String type = storeType(KEYSTORE_TYPE);
        if (type.equals("PEM")) {
            byte[] chain = pem(KEYSTORE_CHAIN, KEYSTORE_LOCATION);
            byte[] key = pem(KEYSTORE_KEY, KEYSTORE_LOCATION);
            String keyPassword = settings.get(KEY_PASSWORD);
            try {
                return server
                        ? SslContextBuilder.forServer(new ByteArrayInputStream(chain), new ByteArrayInputStream(key), keyPassword)
                        : SslContextBuilder.forClient().keyManager(new ByteArrayInputStream(chain),
                                new ByteArrayInputStream(key), keyPassword);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot read the PEM key or certificates of " + KEYSTORE_KEY + "/"
                        + KEYSTORE_LOCATION + " (" + scope + "); is " + KEY_PASSWORD + " right? " + describe(e), e);
            }
        }
        KeyStore store = load(type, KEYSTORE_LOCATION, KEYSTORE_PASSWORD);
        String keyPassword = settings.getOrDefault(KEY_PASSWORD, settings.get(KEYSTORE_PASSWORD));
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, keyPassword == null ? new char[0] : keyPassword.toCharArray());
            return server ? SslContextBuilder.forServer(kmf) : SslContextBuilder.forClient().keyManager(kmf);
        } catch (UnrecoverableKeyException e) {
            throw new IllegalArgumentException(KEY_PASSWORD + " is wrong: cannot read the private key in "
                    + settings.get(KEYSTORE_LOCATION) + " (" + scope + ")");
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the keystore " + settings.get(KEYSTORE_LOCATION) + " ("
                    + scope + "): " + describe(e), e);
        }
    }

    private void trustMaterial(SslContextBuilder b) {
        if (!settings.containsKey(TRUSTSTORE_LOCATION) && !settings.containsKey(TRUSTSTORE_CERTIFICATES)) {
            return;
        }
        String type = storeType(TRUSTSTORE_TYPE);
        if (type.equals("PEM")) {
            try {
                b.trustManager(new ByteArrayInputStream(pem(TRUSTSTORE_CERTIFICATES, TRUSTSTORE_LOCATION)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("cannot read the CA certificates of " + TRUSTSTORE_LOCATION + " ("
                        + scope + "): " + describe(e), e);
            }
            return;
        }
        KeyStore store = load(type, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD);
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            b.trustManager(tmf);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use the truststore " + settings.get(TRUSTSTORE_LOCATION) + " ("
                    + scope + "): " + describe(e), e);
        }
    }

    private KeyStore load(String type, String locationKey, String passwordKey) {
        String location = settings.get(locationKey);
        if (location == null) {
            throw new IllegalArgumentException(locationKey + " is not set (" + scope + ")");
        }
        String password = settings.get(passwordKey);
        try (InputStream in = Files.newInputStream(Path.of(location.trim()))) {
            KeyStore store = KeyStore.getInstance(type);
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(locationKey + ": no such file " + location + " (" + scope + ")");
        } catch (IOException e) {
            if (e.getCause() instanceof UnrecoverableKeyException || String.valueOf(e.getMessage()).contains("password")) {
                throw new IllegalArgumentException(passwordKey + " is wrong" + (password == null ? " (not set)" : "")
                        + ": cannot open " + location + " (" + scope + ")");
            }
            throw new IllegalArgumentException("cannot read " + locationKey + " " + location + " as " + type + " ("
                    + scope + "): " + describe(e), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read " + locationKey + " " + location + " as " + type + " ("
                    + scope + "): " + describe(e), e);
        }
    }

    /** PEM bytes from the inline key, else from the file. */
    private byte[] pem(String inlineKey, String locationKey) {
        String inline = settings.get(inlineKey);
        if (inline != null) {
            return inline.getBytes(StandardCharsets.US_ASCII);
        }
        String location = settings.get(locationKey);
        if (location == null) {
            throw new IllegalArgumentException("PEM needs " + inlineKey + " or " + locationKey + " (" + scope + ")");
        }
        try {
            return Files.readAllBytes(Path.of(location.trim()));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(locationKey + ": no such file " + location + " (" + scope + ")");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + locationKey + " " + location + " (" + scope + "): "
                    + describe(e), e);
        }
    }

    private String storeType(String key) {
        String type = settings.getOrDefault(key, "PKCS12").trim().toUpperCase(Locale.ROOT);
        if (!type.equals("PKCS12") && !type.equals("JKS") && !type.equals("PEM")) {
            throw new IllegalArgumentException(key + " must be PKCS12, JKS or PEM, not '" + settings.get(key) + "' ("
                    + scope + ")");
        }
        return type;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** An exception's message chain, without anything from the settings but paths. */
    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
