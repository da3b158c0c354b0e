package io.sluice.client;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The keys a client accepts, with their types, defaults and allowed values: the one place where
 * client defaults are written down (docs/client.md lists the same table). {@link #parse} refuses
 * unknown keys and bad values with a {@link ConfigException} naming the key. Immutable once built
 * and then thread-safe.
 */
public final class ConfigDef {
    /** The type of a value, which decides how a string from a properties file is read. */
    public enum Type { STRING, INT, LONG, BOOLEAN, LIST }

    /**
     * One key.
     *
     * @param name the key, spelled as Kafka's clients spell it
     * @param type its type
     * @param defaultValue the default, already of the right type; null means required
     * @param min the smallest number allowed (numbers only)
     * @param allowed the values allowed (strings only), empty for any
     * @param doc one line for the documentation
     */
    public record Key(String name, Type type, Object defaultValue, long min, List<String> allowed, String doc) {
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();

    public ConfigDef define(String name, Type type, Object defaultValue, String doc) {
        return define(name, type, defaultValue, Long.MIN_VALUE, List.of(), doc);
    }

    public ConfigDef defineAtLeast(String name, Type type, Object defaultValue, long min, String doc) {
        return define(name, type, defaultValue, min, List.of(), doc);
    }

    public ConfigDef defineOneOf(String name, Object defaultValue, String doc, String... allowed) {
        return define(name, Type.STRING, defaultValue, Long.MIN_VALUE, Arrays.asList(allowed), doc);
    }

    private ConfigDef define(String name, Type type, Object defaultValue, long min, List<String> allowed, String doc) {
        keys.put(name, new Key(name, type, defaultValue, min, List.copyOf(allowed), doc));
        return this;
    }

    /** A copy with every key of this one, so producer and consumer definitions can extend the common one. */
    public ConfigDef copy() {
        ConfigDef copy = new ConfigDef();
        copy.keys.putAll(keys);
        return copy;
    }

    public Map<String, Key> keys() {
        return Collections.unmodifiableMap(keys);
    }

    /**
     * Checks and converts user properties (values may be strings or already typed) into a full map of
     * typed values, defaults filled in.
     */
    public Map<String, Object> parse(Map<?, ?> props, String clientKind) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : props.entrySet()) {
            String name = String.valueOf(e.getKey());
            Key key = keys.get(name);
            if (key == null) {
                throw new ConfigException("unknown " + clientKind + " config '" + name + "'; known keys: "
                        + String.join(", ", keys.keySet()));
            }
            values.put(name, convert(key, e.getValue()));
        }
        for (Key key : keys.values()) {
            if (!values.containsKey(key.name())) {
                if (key.defaultValue() == null) {
                    throw new ConfigException("missing required " + clientKind + " config '" + key.name() + "'");
                }
                values.put(key.name(), key.defaultValue());
            }
        }
        return values;
    }

    private static Object convert(Key key, Object raw) {
        if (raw == null) {
            throw new ConfigException("config '" + key.name() + "' has no value");
        }
        String text = String.valueOf(raw).trim();
        try {
            Object value = switch (key.type()) {
                case STRING -> text;
                case INT -> raw instanceof Number n ? n.intValue() : Integer.parseInt(text);
                case LONG -> raw instanceof Number n ? n.longValue() : Long.parseLong(text);
                case BOOLEAN -> parseBoolean(text);
                case LIST -> raw instanceof List<?> l ? List.copyOf(l) : splitList(text);
            };
            check(key, value);
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException("config '" + key.name() + "' must be " + article(key.type()) + ", not '" + text + "'");
        }
    }

    private static void check(Key key, Object value) {
        if (value instanceof Number n && n.longValue() < key.min()) {
            throw new ConfigException("config '" + key.name() + "' must be at least " + key.min() + ", not " + n);
        }
        if (!key.allowed().isEmpty() && !key.allowed().contains(((String) value).toLowerCase(Locale.ROOT))) {
            throw new ConfigException("config '" + key.name() + "' must be one of " + String.join(", ", key.allowed())
                    + ", not '" + value + "'");
        }
    }

    private static boolean parseBoolean(String text) {
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new NumberFormatException(text);
    }

    private static List<String> splitList(String text) {
        return text.isEmpty() ? List.of() : Arrays.stream(text.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static String article(Type type) {
        return switch (type) {
            case INT, LONG -> "an integer";
            case BOOLEAN -> "true or false";
            case LIST -> "a comma-separated list";
            case STRING -> "a string";
        };
    }
}
