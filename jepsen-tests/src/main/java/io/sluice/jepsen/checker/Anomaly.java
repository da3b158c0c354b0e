package io.sluice.jepsen.checker;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One violation the checker found. Immutable.
 *
 * @param type the anomaly's name (lost-write, duplicate, ...), as in Jepsen's Kafka checker where one exists
 * @param key the partition or topic it concerns
 * @param detail what was seen, for a person
 * @param ops indexes of the history operations behind it
 */
public record Anomaly(String type, String key, String detail, List<Long> ops) {
    public Anomaly {
        ops = List.copyOf(ops);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put("key", key);
        m.put("detail", detail);
        m.put("ops", ops);
        return m;
    }
}
