package io.sluice.server;

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
 * replication authenticates yet, it must be a PLAINTEXT one; TLS listeners are refused until TLS exists.
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
                        + name + ":<PLAINTEXT|SASL_PLAINTEXT> to listener.security.protocol.map");
            }
            if (protocol.tls()) {
                throw new IllegalArgumentException("listener " + name + " uses " + protocol
                        + ": TLS is not implemented yet (see docs/security.md); use PLAINTEXT or SASL_PLAINTEXT");
            }
            int port = e.getValue().getPort();
            String other = port == 0 ? null : ports.put(port, name);
            if (other != null) {
                throw new IllegalArgumentException("listeners " + other + " and " + name + " both use port " + port);
            }
            boolean isInter = name.equals(inter);
            if (isInter && protocol != SecurityProtocol.PLAINTEXT) {
                throw new IllegalArgumentException("the inter-broker listener " + name + " uses " + protocol
                        + ", but replication and the native protocol do not authenticate yet: add a PLAINTEXT"
                        + " listener on an internal address and name it in inter.broker.listener.name");
            }
            out.add(new Listener(name, protocol, e.getValue(), told.get(name), isInter));
        }
        return List.copyOf(out);
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
