package io.sluice.jepsen.history;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of a history: an invocation or its completion, in Jepsen's vocabulary. Immutable.
 *
 * <p>Shapes of {@code value} by function {@code f}: {@code send} an integer (the ok completion also
 * carries {@code offset}); {@code poll} on ok a map key -> list of {@code [offset, value]}; {@code
 * assign} a list of keys (with {@code group} when a group assigned them); {@code commit} and {@code
 * committed} a map key -> offset (with {@code group}); {@code leaders} a map key -> {@code [leader,
 * epoch, isr]} as one node saw it; the metadata workload's {@code create}, {@code alter} (an integer) and
 * {@code delete} use the topic as key, its final {@code describe} a map topic -> value (-1 for none).
 *
 * @param index position in the history, 0-based
 * @param type invoke, ok, fail (did not happen) or info (may or may not have happened)
 * @param f the operation
 * @param process the client that did it; a client that saw an info outcome continues as a new process
 * @param time nanoseconds since the start of the test
 * @param key the key (a partition number, or a topic), or null
 * @param value see above, or null
 * @param offset the offset a send was given, or null
 * @param group the consumer group, or null
 * @param error why it failed, or null
 */
public record Op(long index, Type type, String f, int process, long time, String key, Object value, Long offset,
                 String group, String error) {

    /** The outcome of an operation; {@code INVOKE} opens it. */
    public enum Type {
        INVOKE, OK, FAIL, INFO;

        public String json() {
            return name().toLowerCase();
        }

        static Type parse(String s) {
            return Type.valueOf(s.toUpperCase());
        }
    }

    public boolean isInvoke() {
        return type == Type.INVOKE;
    }

    public boolean isOk() {
        return type == Type.OK;
    }

    /** The value as a long; fails loudly on another shape, since that is a bug in a workload. */
    public long longValue() {
        return ((Number) value).longValue();
    }

    /** The value as a map (poll, commit, leaders, describe). */
    @SuppressWarnings("unchecked")
    public Map<String, Object> mapValue() {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    /** The value as a list (assign). */
    @SuppressWarnings("unchecked")
    public List<Object> listValue() {
        return value == null ? List.of() : (List<Object>) value;
    }

    /** This operation as the JSON object of its history line. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("index", index);
        m.put("type", type.json());
        m.put("f", f);
        m.put("process", process);
        m.put("time", time);
        if (key != null) {
            m.put("key", key);
        }
        if (value != null) {
            m.put("value", value);
        }
        if (offset != null) {
            m.put("offset", offset);
        }
        if (group != null) {
            m.put("group", group);
        }
        if (error != null) {
            m.put("error", error);
        }
        return m;
    }

    /** Reads one history line's object; throws {@link IllegalArgumentException} naming a missing field. */
    public static Op fromJson(Map<String, Object> m) {
        return new Op(number(m, "index"), Type.parse(text(m, "type")), text(m, "f"), (int) number(m, "process"),
                number(m, "time"), (String) m.get("key"), m.get("value"),
                m.get("offset") == null ? null : ((Number) m.get("offset")).longValue(),
                (String) m.get("group"), (String) m.get("error"));
    }

    private static long number(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("history line has no number '" + field + "': " + m);
        }
        return n.longValue();
    }

    private static String text(Map<String, Object> m, String field) {
        Object v = m.get(field);
        if (!(v instanceof String s)) {
            throw new IllegalArgumentException("history line has no string '" + field + "': " + m);
        }
        return s;
    }
}
