package io.sluice.server;

import io.sluice.protocol.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Parses Kafka's listener settings into {@link Listener}s: {@code listeners},
 * {@code advertised.listeners}, {@code listener.security.protocol.map} and
 * {@code inter.broker.listener.name}. Pure; every mistake is refused with a message naming the setting.
 *
 * <p>Sluice's rules on top of Kafka's: the inter-broker listener (default: the one named PLAINTEXT,
 * else the first) also serves the native protocol, and since neither the native protocol nor
 * replication speaks SASL, it must be a PLAINTEXT one or an SSL one that requires client
 * certificates ({@code ssl.client.auth=required}: the certificate is then the authentication).
 * A TLS listener's settings are the node's {@code ssl.*} keys, each overridden by the same key under
 * Kafka's per-listener prefix {@code listener.name.<name in lower case>.}.
 */
public final class Listeners {
    /** Kafka's default map: each security protocol's name is a listener name mapping to itself. */
    public static final String DEFAULT_PROTOCOL_MAP =
            "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,SASL_SSL:SASL_SSL";

    private Listeners() {
    }

    /**
     * @param listeners          {@code NAME://host:port,...}
     * @param advertised         the same form for some of those names, or null
     * @param protocolMap        {@code NAME:PROTOCOL,...}, or null for Kafka's default
     * @param interBrokerName    the inter-broker listener's name, or null for the default
     */
    public static List<Listener> parse(String listeners, String advertised, String protocolMap, String interBrokerName) {
        return parse(listeners, advertised, protocolMap, interBrokerName, Map.of());
    }

    /** As above, with the node's settings, of which the TLS listeners take their {@code ssl.*} keys. */
    public static List<Listener> parse(String listeners, String advertised, String protocolMap, String interBrokerName,
                                       Map<String, String> settings) {
        Map<String, SecurityProtocol> protocols = parseProtocolMap(
                protocolMap == null ? DEFAULT_PROTOCOL_MAP : protocolMap);
        Map<String, InetSocketAddress> bound = parseList("listeners", listeners);
        Map<String, InetSocketAddress> told = advertised == null ? Map.of() : parseList("advertised.listeners", advertised);
        for (String name : told.keySet()) {
            if (!bound.containsKey(name)) {
                throw new IllegalArgumentException("advertised.listeners names " + name + ", which is not in listeners ("
                        + listeners + ")");
            }
        }
        String inter = interBrokerName != null ? interBrokerName.trim().toUpperCase(Locale.ROOT)
                : bound.containsKey("PLAINTEXT") ? "PLAINTEXT" : bound.keySet().iterator().next();
        if (!bound.containsKey(inter)) {
            throw new IllegalArgumentException("inter.broker.listener.name " + inter + " is not in listeners ("
                    + listeners + ")");
        }
        List<Listener> out = new ArrayList<>();
        Map<Integer, String> ports = new HashMap<>();
        for (Map.Entry<String, InetSocketAddress> e : bound.entrySet()) {
            String name = e.getKey();
            SecurityProtocol protocol = protocols.get(name);
            if (protocol == null) {
                throw new IllegalArgumentException("listener " + name + " has no security protocol: add "
                        + name + ":<PLAINTEXT|SASL_PLAINTEXT|SSL|SASL_SSL> to listener.security.protocol.map");
            }
            TlsConfig tls = protocol.tls() ? new TlsConfig("listener " + name, tlsSettings(name, settings)) : null;
            int port = e.getValue().getPort();
            String other = port == 0 ? null : ports.put(port, name);
            if (other != null) {
                throw new IllegalArgumentException("listeners " + other + " and " + name + " both use port " + port);
            }
            boolean isInter = name.equals(inter);
            if (isInter && protocol.sasl()) {
                throw new IllegalArgumentException("the inter-broker listener " + name + " uses " + protocol
                        + ", but replication and the native protocol do not speak SASL: add a PLAINTEXT listener on an"
                        + " internal address, or an SSL one with ssl.client.auth=required, and name it in"
                        + " inter.broker.listener.name");
            }
            if (isInter && tls != null && tls.clientAuth() != TlsConfig.ClientAuthMode.REQUIRED) {
                throw new IllegalArgumentException("the inter-broker listener " + name + " uses SSL without client"
                        + " certificates, so anyone reaching it could replicate and use the native protocol: set "
                        + prefix(name) + "ssl.client.auth=required (or ssl.client.auth=required)");
            }
            out.add(new Listener(name, protocol, e.getValue(), told.get(name), isInter, tls));
        }
        return List.copyOf(out);
    }

    /** Kafka's prefix of one listener's own settings: {@code listener.name.<name in lower case>.}. */
    public static String prefix(String listenerName) {
        return "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
    }

    /** Whether {@code key} is a per-listener TLS key ({@code listener.name.<name>.ssl.*}). */
    public static boolean isListenerTlsKey(String key) {
        if (!key.startsWith("listener.name.")) {
            return false;
        }
        String rest = key.substring("listener.name.".length());
        int dot = rest.indexOf('.');
        return dot > 0 && TlsConfig.KEYS.containsKey(rest.substring(dot + 1));
    }

    /** The {@code ssl.*} settings of listener {@code name}: the node's, overridden by the per-listener ones. */
    static Map<String, String> tlsSettings(String name, Map<String, String> settings) {
        Map<String, String> out = new HashMap<>();
        String prefix = prefix(name);
        settings.forEach((k, v) -> {
            if (TlsConfig.KEYS.containsKey(k)) {
                out.putIfAbsent(k, v);
            }
        });
        settings.forEach((k, v) -> {
            if (k.toLowerCase(Locale.ROOT).startsWith(prefix) && TlsConfig.KEYS.containsKey(k.substring(prefix.length()))) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /** The one PLAINTEXT listener of the older setting {@code listen=host:port}. */
    public static List<Listener> plaintext(InetSocketAddress address, InetSocketAddress advertised) {
        return List.of(new Listener("PLAINTEXT", SecurityProtocol.PLAINTEXT, address, advertised, true));
    }

    static Map<String, SecurityProtocol> parseProtocolMap(String value) {
        Map<String, SecurityProtocol> map = new HashMap<>();
        for (String entry : value.split(",")) {
            String[] parts = entry.trim().split(":");
            if (parts.length != 2 || parts[0].isBlank()) {
                throw new IllegalArgumentException("listener.security.protocol.map entry '" + entry.trim()
                        + "' is not NAME:PROTOCOL");
            }
            SecurityProtocol protocol;
            try {
                protocol = SecurityProtocol.valueOf(parts[1].trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("listener.security.protocol.map: unknown security protocol '"
                        + parts[1].trim() + "' (PLAINTEXT, SASL_PLAINTEXT, SSL or SASL_SSL)");
            }
            if (map.put(parts[0].trim().toUpperCase(Locale.ROOT), protocol) != null) {
                throw new IllegalArgumentException("listener.security.protocol.map names " + parts[0].trim() + " twice");
            }
        }
        return map;
    }

    /** {@code NAME://host:port,...} in order; a bare {@code host:port} is a PLAINTEXT listener. */
    static Map<String, InetSocketAddress> parseList(String key, String value) {
        Map<String, InetSocketAddress> out = new LinkedHashMap<>();
        for (String item : value.split(",")) {
            String v = item.trim();
            if (v.isEmpty()) {
                throw new IllegalArgumentException(key + " '" + value + "' has an empty entry");
            }
            int scheme = v.indexOf("://");
            String name = scheme < 0 ? "PLAINTEXT" : v.substring(0, scheme).toUpperCase(Locale.ROOT);
            if (name.isEmpty() || !name.matches("[A-Z0-9_]+")) {
                throw new IllegalArgumentException(key + ": listener name '" + name
                        + "' must be letters, digits and underscores");
            }
            InetSocketAddress address = NodeConfig.parseHostPort(key, scheme < 0 ? v : v.substring(scheme + 3));
            if (out.put(name, address) != null) {
                throw new IllegalArgumentException(key + " names listener " + name + " twice");
            }
        }
        return out;
    }
}
