package io.sluice.kafka.security;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The PLAIN mechanism's users, read once at start from {@code sasl.plain.users.file}: a properties
 * file of {@code user=password} lines (Sluice's simpler form of Kafka's {@code user_NAME="password"}
 * JAAS options). Passwords are compared in constant time and never logged. Immutable; thread-safe.
 */
public final class PlainUsers {
    private final Map<String, byte[]> passwords;

    private PlainUsers(Map<String, byte[]> passwords) {
        this.passwords = passwords;
    }

    /** No users: every PLAIN authentication fails. */
    public static PlainUsers none() {
        return new PlainUsers(Map.of());
    }

    /** Reads {@code file}; an unreadable file fails the node's start with a message naming it. */
    public static PlainUsers load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("sasl.plain.users.file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Map<String, byte[]> out = new TreeMap<>();
        for (String user : p.stringPropertyNames()) {
            out.put(user, p.getProperty(user).getBytes(StandardCharsets.UTF_8));
        }
        return new PlainUsers(out);
    }

    /** Users and passwords given directly (tests). */
    public static PlainUsers of(Map<String, String> users) {
        Map<String, byte[]> out = new TreeMap<>();
        users.forEach((u, pw) -> out.put(u, pw.getBytes(StandardCharsets.UTF_8)));
        return new PlainUsers(out);
    }

    /** Whether {@code user} exists with {@code password}; as slow for an unknown user as for a wrong password. */
    public boolean check(String user, char[] password) {
        byte[] given = new String(password).getBytes(StandardCharsets.UTF_8);
        byte[] expected = passwords.get(user);
        boolean same = MessageDigest.isEqual(given, expected == null ? new byte[given.length] : expected);
        return expected != null && same;
    }
}
