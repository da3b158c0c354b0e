package io.sluice.client;

import io.sluice.client.ConfigDef.Type;
import io.sluice.protocol.sasl.SaslCredentials;
import io.sluice.protocol.tls.ReloadingTls;
import io.sluice.protocol.tls.TlsConfig;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys every client shares (connection, timeouts, backoff) and a typed view of parsed values.
 * Instances are immutable and thread-safe.
 */
public class CommonConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String CLIENT_ID = "client.id";
    public static final String REQUEST_TIMEOUT_MS = "request.timeout.ms";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RECONNECT_BACKOFF_MS = "reconnect.backoff.ms";
    public static final String RECONNECT_BACKOFF_MAX_MS = "reconnect.backoff.max.ms";
    public static final String METADATA_MAX_AGE_MS = "metadata.max.age.ms";
    public static final String CONNECTION_SETUP_TIMEOUT_MS = "socket.connection.setup.timeout.ms";
    public static final String DEFAULT_API_TIMEOUT_MS = "default.api.timeout.ms";
    public static final String MAX_RESPONSE_BYTES = "sluice.max.response.bytes";
    public static final String SECURITY_PROTOCOL = "security.protocol";
    public static final String SASL_MECHANISM = "sasl.mechanism";
    public static final String SASL_JAAS_CONFIG = "sasl.jaas.config";

    private final Map<String, Object> values;

    protected CommonConfig(ConfigDef def, Map<?, ?> props, String clientKind) {
        this.values = def.parse(props, clientKind);
        if (bootstrapServers().isEmpty()) {
            throw new ConfigException("config 'bootstrap.servers' is empty; give at least one host:port, e.g. localhost:9092");
        }
    }

    /** The definition every client starts from. */
    public static ConfigDef commonDef() {
        ConfigDef def = new ConfigDef()
                .define(BOOTSTRAP_SERVERS, Type.LIST, List.of("localhost:9092"), "host:port pairs to find the cluster from")
                .define(CLIENT_ID, Type.STRING, "", "a name sent with every request, for server logs")
                .defineAtLeast(REQUEST_TIMEOUT_MS, Type.INT, 30_000, 1, "how long to wait for any response")
                .defineAtLeast(RETRY_BACKOFF_MS, Type.LONG, 100L, 0, "pause before retrying a failed request")
                .defineAtLeast(RECONNECT_BACKOFF_MS, Type.LONG, 50L, 0, "first pause before reconnecting to a node")
                .defineAtLeast(RECONNECT_BACKOFF_MAX_MS, Type.LONG, 1000L, 0, "longest pause between reconnects")
                .defineAtLeast(METADATA_MAX_AGE_MS, Type.LONG, 300_000L, 0, "refresh metadata at least this often")
                .defineAtLeast(CONNECTION_SETUP_TIMEOUT_MS, Type.INT, 10_000, 1, "how long one TCP connect may take")
                .defineAtLeast(DEFAULT_API_TIMEOUT_MS, Type.INT, 60_000, 1, "bound of blocking calls without a timeout")
                .defineAtLeast(MAX_RESPONSE_BYTES, Type.INT, 100 * 1024 * 1024, 1024, "largest response frame accepted");
        // Kafka's client security settings: TLS with the ssl.* keys, SASL PLAIN or SCRAM with a JAAS line.
        def.defineOneOf(SECURITY_PROTOCOL, "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL, as the listener"
                + " connected to", "plaintext", "ssl", "sasl_plaintext", "sasl_ssl");
        def.defineOneOf(SASL_MECHANISM, "GSSAPI", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (with SASL_*; Kafka's default"
                + " GSSAPI is not supported)", "gssapi", "plain", "scram-sha-256", "scram-sha-512");
        def.define(SASL_JAAS_CONFIG, Type.STRING, "", "the user: a JAAS line with username=\"...\" password=\"...\"");
        for (Map.Entry<String, String> key : TlsConfig.KEYS.entrySet()) {
            def.define(key.getKey(), Type.STRING, "", key.getValue());
        }
        return def;
    }

    /** The SASL user of this client's connections, or null without SASL; a missing user is a ConfigException. */
    public SaslCredentials sasl() {
        if (!getString(SECURITY_PROTOCOL).toUpperCase(Locale.ROOT).startsWith("SASL_")) {
            return null;
        }
        String mechanism = getString(SASL_MECHANISM);
        if (mechanism.equalsIgnoreCase("GSSAPI")) {
            throw new ConfigException("sasl.mechanism GSSAPI (Kerberos) is not supported; use PLAIN, SCRAM-SHA-256"
                    + " or SCRAM-SHA-512");
        }
        try {
            return SaslCredentials.fromJaas(mechanism, getString(SASL_JAAS_CONFIG));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** The TLS of this client's connections, or null for plaintext. Reads the keystore files now. */
    public ReloadingTls tls() {
        String protocol = getString(SECURITY_PROTOCOL);
        if (!protocol.equalsIgnoreCase("SSL") && !protocol.equalsIgnoreCase("SASL_SSL")) {
            return null;
        }
        Map<String, String> ssl = new java.util.HashMap<>();
        for (String key : TlsConfig.KEYS.keySet()) {
            String v = getString(key);
            if (v != null && !v.isEmpty()) {
                ssl.put(key, v);
            }
        }
        try {
            return ReloadingTls.client(new TlsConfig("client", ssl));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    public String getString(String key) {
        return (String) values.get(key);
    }

    public int getInt(String key) {
        return (Integer) values.get(key);
    }

    public long getLong(String key) {
        return (Long) values.get(key);
    }

    public boolean getBoolean(String key) {
        return (Boolean) values.get(key);
    }

    @SuppressWarnings("unchecked")
    public List<String> getList(String key) {
        return (List<String>) values.get(key);
    }

    public List<String> bootstrapServers() {
        return getList(BOOTSTRAP_SERVERS);
    }

    /** The client id, or {@code fallback} when none was configured. */
    public String clientId(String fallback) {
        String id = getString(CLIENT_ID);
        return id.isEmpty() ? fallback : id;
    }
}
