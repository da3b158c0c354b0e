package io.sluice.tools.reassign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.protocol.TopicPartition;
import io.sluice.tools.UsageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON files of Kafka's {@code kafka-reassign-partitions.sh}, read and written the same way:
 * a reassignment {@code {"version":1,"partitions":[{"topic":..,"partition":..,"replicas":[..],
 * "log_dirs":[..]}]}} and the topics to move {@code {"version":1,"topics":[{"topic":..}]}}. Sluice
 * has one log directory per node, so a log dir other than {@code "any"} is refused. Stateless.
 */
final class ReassignmentJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ReassignmentJson() {
    }

    /** The target replicas by partition, in file order; an unreadable or ill-formed file is a usage error. */
    static Map<TopicPartition, List<Integer>> readReassignment(String file) {
        JsonNode root = read(file);
        JsonNode partitions = root.path("partitions");
        if (!partitions.isArray() || partitions.isEmpty()) {
            throw new UsageException(file + ": no \"partitions\" to reassign (expected {\"version\":1,\"partitions\":"
                    + "[{\"topic\":\"t\",\"partition\":0,\"replicas\":[1,2,3]}]})");
        }
        Map<TopicPartition, List<Integer>> targets = new LinkedHashMap<>();
        for (JsonNode p : partitions) {
            if (!p.path("topic").isTextual() || !p.path("partition").isInt() || !p.path("replicas").isArray()) {
                throw new UsageException(file + ": each partition needs \"topic\", \"partition\" and \"replicas\": " + p);
            }
            List<Integer> replicas = new ArrayList<>();
            for (JsonNode r : p.path("replicas")) {
                if (!r.isInt()) {
                    throw new UsageException(file + ": replicas are broker ids: " + p);
                }
                replicas.add(r.asInt());
            }
            for (JsonNode dir : p.path("log_dirs")) {
                if (!"any".equals(dir.asText())) {
                    throw new UsageException(file + ": log dir " + dir + " of " + p.path("topic").asText() + "-"
                            + p.path("partition").asInt() + ": a Sluice node has one log directory, use \"any\"");
                }
            }
            TopicPartition tp = new TopicPartition(p.path("topic").asText(), p.path("partition").asInt());
            if (targets.put(tp, replicas) != null) {
                throw new UsageException(file + ": partition " + tp + " is listed twice");
            }
        }
        return targets;
    }

    /** The topics of a topics-to-move file. */
    static List<String> readTopics(String file) {
        JsonNode topics = read(file).path("topics");
        if (!topics.isArray() || topics.isEmpty()) {
            throw new UsageException(file + ": no \"topics\" (expected {\"version\":1,\"topics\":[{\"topic\":\"t\"}]})");
        }
        Set<String> names = new HashSet<>();
        List<String> ordered = new ArrayList<>();
        for (JsonNode t : topics) {
            if (!t.path("topic").isTextual()) {
                throw new UsageException(file + ": each entry needs a \"topic\": " + t);
            }
            if (names.add(t.path("topic").asText())) {
                ordered.add(t.path("topic").asText());
            }
        }
        return ordered;
    }

    /** An assignment as Kafka's tool prints it (one line, log dirs "any"). */
    static String write(Map<TopicPartition, List<Integer>> assignment) {
        ObjectNode root = MAPPER.createObjectNode().put("version", 1);
        ArrayNode partitions = root.putArray("partitions");
        assignment.forEach((tp, replicas) -> {
            ObjectNode p = partitions.addObject().put("topic", tp.topic()).put("partition", tp.partition());
            ArrayNode r = p.putArray("replicas");
            ArrayNode dirs = p.putArray("log_dirs");
            replicas.forEach(id -> {
                r.add(id);
                dirs.add("any");
            });
        });
        return root.toString();
    }

    private static JsonNode read(String file) {
        try {
            return MAPPER.readTree(Files.readString(Path.of(file)));
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
