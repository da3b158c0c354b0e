package io.sluice.config;

import java.util.Map;

/**
 * Reads one numeric setting from a node's key/value settings, with the one error a user reads when
 * the value is not a whole number in range. Shared by {@code server.NodeConfig} and
 * {@link BrokerDefaults}, which sit on different floors. Stateless.
 */
public final class Settings {
    private Settings() {
    }

    /** {@code key}'s value in {@code settings}, or {@code def} when absent. */
    public static int intValue(Map<String, String> settings, String key, int def, int min, int max) {
        String v = settings.get(key);
        return v == null ? def : parseInt(key, v, min, max);
    }

    /** {@code value} as a whole number from {@code min} to {@code max}; otherwise an error naming {@code key}. */
    public static int parseInt(String key, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number from " + min + " to " + max
                    + ", not '" + value + "'");
        }
    }
}
