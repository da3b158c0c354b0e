package io.sluice.tools.groups;

import io.sluice.client.ListedOffset;
import io.sluice.client.Node;
import io.sluice.protocol.TopicPartition;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.ConsumerGroupDescription;
import io.sluice.client.admin.MemberDescription;
import io.sluice.client.OffsetSpec;
import io.sluice.client.consumer.OffsetAndMetadata;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code consumer-groups --describe}: per partition the committed offset, the log end offset, the lag
 * and the member that owns it (the default); or the members; or the group's state. Lag is the log end
 * offset (the high watermark, what a consumer can reach) minus the committed offset.
 */
final class GroupDescriber {
    private static final Comparator<TopicPartition> ORDER = Comparator.comparing(TopicPartition::topic)
            .thenComparingInt(TopicPartition::partition);
    private final Admin admin;
    private final PrintStream out;

    GroupDescriber(Admin admin, PrintStream out) {
        this.admin = admin;
        this.out = out;
    }

    int describe(List<String> groups, boolean members, boolean state, boolean verbose) throws Exception {
        for (String group : groups) {
            ConsumerGroupDescription d = describeOrExplain(group);
            if (state) {
                state(d);
            } else if (members) {
                members(d, verbose);
            } else {
                offsets(d);
            }
        }
        return 0;
    }

    private ConsumerGroupDescription describeOrExplain(String group) throws Exception {
        try {
            return ClientOptions.await(admin.describeConsumerGroups(List.of(group))).get(group);
        } catch (SluiceException e) {
            if (e.code() == ErrorCode.GROUP_ID_NOT_FOUND) {
                throw new SluiceException(ErrorCode.GROUP_ID_NOT_FOUND, "consumer group '" + group
                        + "' does not exist; ./sluice consumer-groups --list shows the groups");
            }
            throw e;
        }
    }

    private void offsets(ConsumerGroupDescription d) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = ClientOptions.await(admin.listConsumerGroupOffsets(d.groupId()));
        Map<TopicPartition, MemberDescription> owner = new HashMap<>();
        d.members().forEach(m -> m.assignment().forEach(tp -> owner.put(tp, m)));
        Set<TopicPartition> partitions = new TreeSet<>(ORDER);
        partitions.addAll(committed.keySet());
        partitions.addAll(owner.keySet());
        Map<TopicPartition, OffsetSpec> specs = new HashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        Map<TopicPartition, ListedOffset> ends = partitions.isEmpty() ? Map.of() : ClientOptions.await(admin.listOffsets(specs));
        if (d.members().isEmpty()) {
            out.println();
            out.println("Consumer group '" + d.groupId() + "' has no active members.");
        }
        List<GroupsFormatter.OffsetRow> rows = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            ListedOffset end = ends.get(tp);
            MemberDescription m = owner.get(tp);
            String lag = c != null && end != null ? Long.toString(Math.max(0, end.offset() - c.offset())) : "-";
            rows.add(new GroupsFormatter.OffsetRow(d.groupId(), tp.topic(), tp.partition(),
                    c == null ? "-" : Long.toString(c.offset()), end == null ? "-" : Long.toString(end.offset()), lag,
                    m == null ? "-" : m.memberId(), m == null ? "-" : m.host(), m == null ? "-" : m.clientId()));
        }
        out.println();
        GroupsFormatter.offsets(rows).forEach(out::println);
    }

    private void members(ConsumerGroupDescription d, boolean verbose) {
        if (d.members().isEmpty()) {
            out.println();
            out.println("Consumer group '" + d.groupId() + "' has no active members.");
            return;
        }
        List<String> header = new ArrayList<>(GroupsFormatter.MEMBERS_HEADER);
        if (verbose) {
            header.add("ASSIGNMENT");
        }
        List<List<String>> rows = new ArrayList<>();
        for (MemberDescription m : d.members()) {
            List<String> row = new ArrayList<>(List.of(d.groupId(), m.memberId(), m.host(), m.clientId(),
                    Integer.toString(m.assignment().size())));
            if (verbose) {
                row.add(assignment(m.assignment()));
            }
            rows.add(row);
        }
        out.println();
        GroupsFormatter.table(header, rows, new int[] {0, 0, 0, 0, 12}).forEach(out::println);
    }

    /** Kafka's form: {@code topic(0,1),other(2)}, or "-" when nothing is assigned. */
    static String assignment(Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return "-";
        }
        Map<String, List<Integer>> byTopic = new java.util.TreeMap<>();
        partitions.stream().sorted(ORDER).forEach(tp -> byTopic.computeIfAbsent(tp.topic(), t -> new ArrayList<>())
                .add(tp.partition()));
        List<String> parts = new ArrayList<>();
        byTopic.forEach((t, ps) -> parts.add(t + "(" + String.join(",", ps.stream().map(String::valueOf).toList()) + ")"));
        return String.join(",", parts);
    }

    private void state(ConsumerGroupDescription d) throws Exception {
        String coordinator = "-";
        if (d.coordinatorId() >= 0) {
            for (Node n : ClientOptions.await(admin.describeCluster()).brokers()) {
                if (n.id() == d.coordinatorId()) {
                    coordinator = n.address() + "  (" + n.id() + ")";
                }
            }
        }
        out.println();
        GroupsFormatter.table(GroupsFormatter.STATE_HEADER, List.of(List.of(d.groupId(), coordinator,
                d.assignor().isEmpty() ? "-" : d.assignor(), d.state(), Integer.toString(d.members().size()))),
                new int[] {0, 0, 20, 15, 0}).forEach(out::println);
    }
}
