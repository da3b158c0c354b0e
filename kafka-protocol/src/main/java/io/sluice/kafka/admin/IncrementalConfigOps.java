package io.sluice.kafka.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Kafka's IncrementalAlterConfigs operations on one topic, turned into the settings to set and to
 * remove: SET and DELETE as they are; APPEND and SUBTRACT, for list settings only, computed from the
 * current value (as Kafka does; anything else is refused with Kafka's INVALID_CONFIG). Pure.
 */
public final class IncrementalConfigOps {
    /** One requested operation: {@code op} is the wire id of {@link AlterConfigOp.OpType}. */
    public record Op(String name, byte op, String value) {
    }

    /** Either an error, or what to set and what to remove. */
    public record Result(ApiError error, Map<String, String> set, List<String> delete) {
        static Result failed(Errors error, String message) {
            return new Result(new ApiError(error, message), Map.of(), List.of());
        }
    }

    private IncrementalConfigOps() {
    }

    /** @param current the topic's effective settings, by key */
    public static Result apply(List<Op> ops, Map<String, String> current) {
        Map<String, String> set = new LinkedHashMap<>();
        List<String> delete = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Op op : ops) {
            if (!seen.add(op.name())) {
                return Result.failed(Errors.INVALID_REQUEST, "Error due to duplicate config keys: " + op.name());
            }
            AlterConfigOp.OpType type;
            try {
                type = AlterConfigOp.OpType.forId(op.op());
            } catch (IllegalArgumentException e) {
                type = null;
            }
            if (type == null) {
                return Result.failed(Errors.INVALID_REQUEST, "Unknown config operation " + op.op() + " for " + op.name());
            }
            switch (type) {
                case SET -> {
                    if (op.value() == null) {
                        return Result.failed(Errors.INVALID_REQUEST, "Null value not supported for " + op.name()
                                + "; use DELETE to return it to its default");
                    }
                    set.put(op.name(), op.value());
                }
                case DELETE -> delete.add(op.name());
                case APPEND, SUBTRACT -> {
                    if (!KafkaConfigs.LIST_KEYS.contains(op.name())) {
                        return Result.failed(Errors.INVALID_CONFIG, "Config value " + type.name().toLowerCase()
                                + " is not allowed for config key: " + op.name() + " (not a list setting)");
                    }
                    set.put(op.name(), combine(current.get(op.name()), op.value(), type == AlterConfigOp.OpType.APPEND));
                }
                default -> {
                    return Result.failed(Errors.INVALID_REQUEST, "Unsupported config operation " + type);
                }
            }
        }
        return new Result(ApiError.NONE, set, delete);
    }

    private static String combine(String current, String change, boolean append) {
        Set<String> values = new LinkedHashSet<>(split(current));
        if (append) {
            values.addAll(split(change));
        } else {
            split(change).forEach(values::remove);
        }
        return String.join(",", values);
    }

    private static List<String> split(String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
