package io.sluice.metadata.image;

import io.sluice.protocol.metadata.MetadataCommandResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Outcomes of recently applied commands by request id, so that a retried command (same request id)
 * is answered with its first outcome instead of being applied twice, however late the retry comes.
 *
 * <p>Bounded deterministically by count, not time: ids live in generations of
 * {@link #GENERATION_SIZE}; when the current generation is full it becomes the newest old one and
 * the oldest of {@link #MAX_GENERATIONS} is dropped. So the last 15,360 to 16,384 request ids are
 * remembered, and an apply copies at most one generation. Immutable.
 */
public final class RequestsImage {

    public static final int GENERATION_SIZE = 1024;
    public static final int MAX_GENERATIONS = 16;
    public static final RequestsImage EMPTY = new RequestsImage(List.of(), Map.of());

    /** Full generations, oldest first; each unmodifiable and in apply order. */
    private final List<Map<String, MetadataCommandResult>> full;
    private final Map<String, MetadataCommandResult> current;

    private RequestsImage(List<Map<String, MetadataCommandResult>> full, Map<String, MetadataCommandResult> current) {
        this.full = full;
        this.current = current;
    }

    public MetadataCommandResult outcome(String requestId) {
        MetadataCommandResult result = current.get(requestId);
        for (int i = full.size() - 1; result == null && i >= 0; i--) {
            result = full.get(i).get(requestId);
        }
        return result;
    }

    public int size() {
        return full.size() * GENERATION_SIZE + current.size();
    }

    /** Every remembered outcome, oldest first (replaying them in this order rebuilds this image). */
    public List<Map.Entry<String, MetadataCommandResult>> entries() {
        List<Map.Entry<String, MetadataCommandResult>> entries = new ArrayList<>(size());
        full.forEach(generation -> entries.addAll(generation.entrySet()));
        entries.addAll(current.entrySet());
        return entries;
    }

    /** This image with the given outcomes appended in order. */
    RequestsImage with(List<Map.Entry<String, MetadataCommandResult>> added) {
        if (added.isEmpty()) {
            return this;
        }
        List<Map<String, MetadataCommandResult>> newFull = new ArrayList<>(full);
        LinkedHashMap<String, MetadataCommandResult> newCurrent = new LinkedHashMap<>(current);
        for (Map.Entry<String, MetadataCommandResult> entry : added) {
            newCurrent.put(entry.getKey(), entry.getValue());
            if (newCurrent.size() == GENERATION_SIZE) {
                newFull.add(Collections.unmodifiableMap(newCurrent));
                newCurrent = new LinkedHashMap<>();
                if (newFull.size() == MAX_GENERATIONS) {
                    newFull.remove(0);
                }
            }
        }
        return new RequestsImage(List.copyOf(newFull), Collections.unmodifiableMap(newCurrent));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RequestsImage other && full.equals(other.full) && current.equals(other.current);
    }

    @Override
    public int hashCode() {
        return Objects.hash(full, current);
    }

    @Override
    public String toString() {
        return "RequestsImage(size=" + size() + ")";
    }
}
