package io.sluice.tools.groups;

import io.sluice.client.ListedOffset;
import io.sluice.client.PartitionInfo;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.ConsumerGroupDescription;
import io.sluice.client.OffsetSpec;
import io.sluice.client.admin.TopicDescription;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code consumer-groups --reset-offsets}: works out the partitions ({@code --topic} or {@code
 * --all-topics}), looks up their ranges, plans the new offsets ({@link OffsetResetPlan}), prints them,
 * and with {@code --execute} commits them. Refused while the group has active members, as in Kafka: a
 * live member would overwrite the reset with its next commit.
 */
final class OffsetResetter {
    private static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);
    private final Admin admin;
    private final PrintStream out;
    private final PrintStream err;

    OffsetResetter(Admin admin, PrintStream out, PrintStream err) {
        this.admin = admin;
        this.out = out;
        this.err = err;
    }

    int reset(String group, ConsumerGroupsCommand.Options o) throws Exception {
        OffsetResetPlan.Kind kind = kind(o);
        long timestamp = kind == OffsetResetPlan.Kind.TO_DATETIME ? parseDateTime(o.toDatetime) : -1;
        if (o.allTopics == !o.topics.isEmpty()) {
            throw new UsageException("--reset-offsets needs --topic or --all-topics (one of them)");
        }
        if (o.dryRun && o.execute) {
            throw new UsageException("--dry-run and --execute cannot be given together");
        }
        checkInactive(group);
        Map<TopicPartition, OffsetAndMetadata> committed = ClientOptions.await(admin.listConsumerGroupOffsets(group));
        Set<TopicPartition> partitions = o.allTopics ? new TreeSet<>(ORDER) : partitions(o.topics);
        if (o.allTopics) {
            partitions.addAll(committed.keySet());
        }
        Map<TopicPartition, OffsetResetPlan.PartitionState> states = states(partitions, committed, timestamp);
        long value = switch (kind) {
            case TO_OFFSET -> o.toOffset;
            case SHIFT_BY -> o.shiftBy;
            default -> 0;
        };
        Map<TopicPartition, Long> plan = OffsetResetPlan.plan(kind, value, states);
        List<List<String>> rows = new ArrayList<>();
        plan.forEach((tp, offset) -> rows.add(List.of(group, tp.topic(), Integer.toString(tp.partition()),
                Long.toString(offset))));
        if (!o.execute && !o.dryRun) {
            err.println("WARN: No action will be performed as the --execute option is missing. "
                    + "In a future major release, the default behavior of this command will be to prompt the user "
                    + "before executing the reset rather than doing a dry run. You should add the --dry-run option "
                    + "explicitly if you are scripting this command and want to keep the current default behavior "
                    + "without prompting.");
        }
        if (o.execute && !plan.isEmpty()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            plan.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset)));
            try {
                ClientOptions.await(admin.alterConsumerGroupOffsets(group, offsets));
            } catch (SluiceException e) {
                if (e.code() == ErrorCode.NON_EMPTY_GROUP) {
                    throw new SluiceException(ErrorCode.NON_EMPTY_GROUP, "offsets can only be reset while group '" + group
                            + "' has no members, but a member joined while resetting; stop its consumers and try again");
                }
                throw e;
            }
        }
        out.println();
        GroupsFormatter.table(GroupsFormatter.RESET_HEADER, rows, new int[] {30, 30, 10, 15}).forEach(out::println);
        return 0;
    }

    private static OffsetResetPlan.Kind kind(ConsumerGroupsCommand.Options o) {
        List<OffsetResetPlan.Kind> kinds = new ArrayList<>();
        if (o.toEarliest) {
            kinds.add(OffsetResetPlan.Kind.TO_EARLIEST);
        }
        if (o.toLatest) {
            kinds.add(OffsetResetPlan.Kind.TO_LATEST);
        }
        if (o.toOffset != null) {
            kinds.add(OffsetResetPlan.Kind.TO_OFFSET);
        }
        if (o.shiftBy != null) {
            kinds.add(OffsetResetPlan.Kind.SHIFT_BY);
        }
        if (o.toDatetime != null) {
            kinds.add(OffsetResetPlan.Kind.TO_DATETIME);
        }
        if (kinds.size() != 1) {
            throw new UsageException("--reset-offsets needs exactly one of --to-earliest, --to-latest, --to-offset, "
                    + "--shift-by or --to-datetime");
        }
        return kinds.get(0);
    }

    /** Kafka's format, YYYY-MM-DDTHH:mm:SS.sss, in local time unless it carries an offset or Z. */
    static long parseDateTime(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return Instant.parse(text).toEpochMilli();
            } catch (DateTimeParseException e2) {
                try {
                    return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
                } catch (DateTimeParseException e3) {
                    throw new UsageException("--to-datetime '" + text + "' is not a date and time like "
                            + "2024-01-31T13:45:00.000 (optionally followed by Z or +01:00)");
                }
            }
        }
    }

    private void checkInactive(String group) throws Exception {
        ConsumerGroupDescription d;
        try {
            d = ClientOptions.await(admin.describeConsumerGroups(List.of(group))).get(group);
        } catch (SluiceException e) {
            if (e.code() == ErrorCode.GROUP_ID_NOT_FOUND) {
                return; // a new group: its offsets can be set before any consumer starts
            }
            throw e;
        }
        if (!d.members().isEmpty()) {
            throw new SluiceException(ErrorCode.NON_EMPTY_GROUP, "offsets can only be reset while group '" + group
                    + "' has no members, but it is " + d.state() + "; stop its consumers first");
        }
    }

    /** {@code topic} (every partition) or {@code topic:0,2}. */
    private Set<TopicPartition> partitions(List<String> specs) throws Exception {
        Set<TopicPartition> out = new TreeSet<>(ORDER);
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            String topic = colon < 0 ? spec : spec.substring(0, colon);
            ClientOptions.validateTopicName(topic);
            if (colon >= 0) {
                for (String p : spec.substring(colon + 1).split(",")) {
                    try {
                        out.add(new TopicPartition(topic, Integer.parseInt(p.trim())));
                    } catch (NumberFormatException e) {
                        throw new UsageException("'" + p + "' in --topic " + spec + " is not a partition number");
                    }
                }
            } else {
                TopicDescription d = ClientOptions.await(admin.describeTopics(List.of(topic))).get(topic);
                for (PartitionInfo p : d.partitions()) {
                    out.add(new TopicPartition(topic, p.partition()));
                }
            }
        }
        return out;
    }

    private Map<TopicPartition, OffsetResetPlan.PartitionState> states(Set<TopicPartition> partitions,
            Map<TopicPartition, OffsetAndMetadata> committed, long timestamp) throws Exception {
        Map<TopicPartition, ListedOffset> earliest = lookup(partitions, OffsetSpec.earliest());
        Map<TopicPartition, ListedOffset> latest = lookup(partitions, OffsetSpec.latest());
        Map<TopicPartition, ListedOffset> at = timestamp < 0 ? Map.of() : lookup(partitions, OffsetSpec.forTimestamp(timestamp));
        Map<TopicPartition, OffsetResetPlan.PartitionState> out = new LinkedHashMap<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            ListedOffset atTime = at.get(tp);
            out.put(tp, new OffsetResetPlan.PartitionState(earliest.get(tp).offset(), latest.get(tp).offset(),
                    c == null ? -1 : c.offset(), atTime == null ? -1 : atTime.offset()));
        }
        return out;
    }

    private Map<TopicPartition, ListedOffset> lookup(Set<TopicPartition> partitions, OffsetSpec spec) throws Exception {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, spec));
        return ClientOptions.await(admin.listOffsets(specs));
    }
}
