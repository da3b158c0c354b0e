package io.sluice.protocol.sasl;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client authenticates with: a SASL mechanism ({@code PLAIN}, {@code SCRAM-SHA-256} or
 * {@code SCRAM-SHA-512}), a user name and a password, read from Kafka's client settings
 * ({@code sasl.mechanism} and {@code sasl.jaas.config}'s {@code username="..." password="..."}).
 * Immutable; {@link #toString} never shows the password.
 */
public record SaslCredentials(String mechanism, String username, String password) {
    public static final String PLAIN = "PLAIN";
    private static final Pattern OPTION = Pattern.compile("(\\w+)\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");

    public SaslCredentials {
        mechanism = mechanism.trim().toUpperCase(Locale.ROOT);
        if (!mechanism.equals(PLAIN)) {
            ScramKeys.of(mechanism); // refuses anything but the SCRAM mechanisms
        }
    }

    /**
     * Reads {@code username} and {@code password} from a JAAS line such as Kafka's
     * {@code org.apache.kafka.common.security.scram.ScramLoginModule required username="alice" password="...";};
     * a line without both is an IllegalArgumentException that shows no value.
     */
    public static SaslCredentials fromJaas(String mechanism, String jaasConfig) {
        String user = null;
        String password = null;
        Matcher m = OPTION.matcher(jaasConfig == null ? "" : jaasConfig);
        while (m.find()) {
            String value = m.group(2).replace("\\\"", "\"").replace("\\\\", "\\");
            if (m.group(1).equals("username")) {
                user = value;
            } else if (m.group(1).equals("password")) {
                password = value;
            }
        }
        if (user == null || password == null) {
            throw new IllegalArgumentException("sasl.jaas.config must give username=\"...\" and password=\"...\"");
        }
        return new SaslCredentials(mechanism, user, password);
    }

    /** A new exchange for one connection. */
    public SaslClientExchange newExchange() {
        return mechanism.equals(PLAIN) ? new PlainClient(username, password) : new ScramClient(ScramKeys.of(mechanism),
                username, password);
    }

    @Override
    public String toString() {
        return "SaslCredentials[" + mechanism + ", user " + username + "]";
    }
}
