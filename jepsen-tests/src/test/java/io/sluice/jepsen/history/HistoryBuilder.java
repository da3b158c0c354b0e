package io.sluice.jepsen.history;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes hand-made histories for checker tests: each call appends an invocation and its completion,
 * one time unit apart, unless the test opens and completes operations itself to make them overlap.
 * Not thread-safe.
 */
public final class HistoryBuilder {
    private final History history;
    private long now;

    public HistoryBuilder() {
        this.history = new History(null, () -> now);
    }

    /** Moves the clock on, so that later operations start after earlier ones completed. */
    public HistoryBuilder tick() {
        now += 10;
        return this;
    }

    public Op invoke(String f, int process, String key, Object value, String group) {
        now++;
        return history.invoke(f, process, key, value, group);
    }

    /** Completes with a given error (the other completions say "test error" when not ok). */
    public Op completeWithError(Op invoke, Op.Type type, Object value, String error) {
        now++;
        return history.complete(invoke, type, value, null, error);
    }

    public Op complete(Op invoke, Op.Type type, Object value, Long offset) {
        now++;
        return history.complete(invoke, type, value, offset, type == Op.Type.OK ? null : "test error");
    }

    /** An acknowledged send of {@code value} to {@code key} at {@code offset}; returns the ok. */
    public Op send(int process, String key, long value, long offset) {
        return complete(invoke("send", process, key, value, null), Op.Type.OK, value, offset);
    }

    /** A send whose outcome is unknown. */
    public Op sendInfo(int process, String key, long value) {
        return complete(invoke("send", process, key, value, null), Op.Type.INFO, value, null);
    }

    /** A poll of one key returning {@code offsetValuePairs} as {offset, value, offset, value, ...}. */
    public Op poll(int process, String key, long... offsetValuePairs) {
        List<Object> reads = new ArrayList<>();
        for (int i = 0; i < offsetValuePairs.length; i += 2) {
            reads.add(List.of(offsetValuePairs[i], offsetValuePairs[i + 1]));
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(key, reads);
        return complete(invoke("poll", process, null, null, null), Op.Type.OK, value, null);
    }

    public Op assign(int process, String group, String... keys) {
        return complete(invoke("assign", process, null, List.of(keys), group), Op.Type.OK, List.of(keys), null);
    }

    public Op commit(int process, String group, String key, long offset) {
        return complete(invoke("commit", process, null, Map.of(key, offset), group), Op.Type.OK, Map.of(key, offset), null);
    }

    public Op committed(int process, String group, String key, long offset) {
        return complete(invoke("committed", process, null, null, group), Op.Type.OK, Map.of(key, offset), null);
    }

    public Op leaders(int node, String key, int leader, int epoch) {
        return complete(invoke("leaders", -100 - node, Integer.toString(node), null, null), Op.Type.OK,
                Map.of(key, List.of(leader, epoch)), null);
    }

    public Op metadata(String f, Op.Type type, int process, String topic, Long value) {
        return complete(invoke(f, process, topic, value, null), type, value, null);
    }

    public Op describe(Map<String, Object> topics) {
        return complete(invoke("describe", 99, null, null, null), Op.Type.OK, topics, null);
    }

    public List<Op> ops() {
        return history.ops();
    }
}
