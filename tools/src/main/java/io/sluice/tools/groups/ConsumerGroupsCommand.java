package io.sluice.tools.groups;

import com.beust.jcommander.Parameter;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.ConsumerGroupListing;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ./sluice consumer-groups}: Kafka's {@code kafka-consumer-groups.sh}. Lists groups, describes
 * their offsets and lag (or members, or state), resets committed offsets of an inactive group (a dry
 * run unless {@code --execute}) and deletes groups. Output follows Kafka's tool column for column.
 */
public final class ConsumerGroupsCommand implements Command {
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--command-config", description = "A properties file of admin client settings")
        String commandConfig;
        @Parameter(names = "--list", description = "List all consumer groups")
        boolean list;
        @Parameter(names = "--describe", description = "Describe groups: offsets and lag, or --members, or --state")
        boolean describe;
        @Parameter(names = "--delete", description = "Delete groups (they must have no active members)")
        boolean delete;
        @Parameter(names = "--reset-offsets", description = "Reset the committed offsets of an inactive group")
        boolean reset;
        @Parameter(names = "--group", description = "The group (repeatable)")
        List<String> groups = new ArrayList<>();
        @Parameter(names = "--all-groups", description = "Every group (with --describe or --delete)")
        boolean allGroups;
        @Parameter(names = "--members", description = "With --describe: the members")
        boolean members;
        @Parameter(names = "--state", description = "With --describe: the group state; with --list: a STATE column")
        boolean state;
        @Parameter(names = "--topic", description = "With --reset-offsets: topic, or topic:0,1 for some partitions (repeatable)")
        List<String> topics = new ArrayList<>();
        @Parameter(names = "--all-topics", description = "With --reset-offsets: every topic the group has offsets for")
        boolean allTopics;
        @Parameter(names = "--to-earliest", description = "Reset to the earliest offset")
        boolean toEarliest;
        @Parameter(names = "--to-latest", description = "Reset to the latest offset")
        boolean toLatest;
        @Parameter(names = "--to-offset", description = "Reset to this offset")
        Long toOffset;
        @Parameter(names = "--shift-by", description = "Move the committed offset by this many (negative: back)")
        Long shiftBy;
        @Parameter(names = "--to-datetime", description = "Reset to the first record at or after YYYY-MM-DDTHH:mm:SS.sss")
        String toDatetime;
        @Parameter(names = "--dry-run", description = "Show the new offsets without changing anything (the default)")
        boolean dryRun;
        @Parameter(names = "--execute", description = "Apply the reset")
        boolean execute;
    }

    @Override
    public String name() {
        return "consumer-groups";
    }

    @Override
    public String summary() {
        return "List, describe (offsets, lag, members, state), reset offsets of and delete consumer groups";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice consumer-groups --describe --group my-group --bootstrap-server localhost:9092",
                "./sluice consumer-groups --reset-offsets --group my-group --topic events --to-earliest --execute "
                        + "--bootstrap-server localhost:9092");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        int actions = (o.list ? 1 : 0) + (o.describe ? 1 : 0) + (o.delete ? 1 : 0) + (o.reset ? 1 : 0);
        if (actions != 1) {
            throw new UsageException("give exactly one action: --list, --describe, --delete or --reset-offsets");
        }
        Map<String, Object> props = ClientOptions.adminProps(o.bootstrapServer,
                ClientOptions.loadFile(o.commandConfig, "--command-config"));
        if (!o.list && !o.allGroups && o.groups.isEmpty()) {
            throw new UsageException("--group is required (or --all-groups)");
        }
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Admin admin = Admin.create(props)) {
            if (o.list) {
                return list(admin, o.state, System.out);
            }
            List<String> groups = groups(admin, o);
            if (o.describe) {
                return new GroupDescriber(admin, System.out).describe(groups, o.members, o.state, o.verbose);
            }
            if (o.delete) {
                return delete(admin, groups, System.out);
            }
            if (groups.size() != 1) {
                throw new UsageException("--reset-offsets takes exactly one --group");
            }
            return new OffsetResetter(admin, System.out, System.err).reset(groups.get(0), o);
        }
    }

    private static List<String> groups(Admin admin, Options o) throws Exception {
        if (o.allGroups) {
            if (o.reset) {
                throw new UsageException("--reset-offsets takes one --group, not --all-groups");
            }
            return new ArrayList<>(ClientOptions.await(admin.listConsumerGroups()).keySet());
        }
        if (o.groups.isEmpty()) {
            throw new UsageException("--group is required (or --all-groups)");
        }
        for (String g : o.groups) {
            if (g.isEmpty()) {
                throw new UsageException("the group id is empty; give one with --group");
            }
        }
        return o.groups;
    }

    private static int list(Admin admin, boolean withState, PrintStream out) throws Exception {
        Map<String, ConsumerGroupListing> groups = ClientOptions.await(admin.listConsumerGroups());
        if (!withState) {
            groups.keySet().forEach(out::println);
            return 0;
        }
        List<List<String>> rows = new ArrayList<>();
        groups.values().forEach(g -> rows.add(List.of(g.groupId(), g.state())));
        GroupsFormatter.table(List.of("GROUP", "STATE"), rows, new int[] {0, 0}).forEach(out::println);
        return 0;
    }

    private static int delete(Admin admin, List<String> groups, PrintStream out) throws Exception {
        List<String> failures = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (String g : groups) {
            try {
                ClientOptions.await(admin.deleteConsumerGroups(List.of(g)));
                deleted.add("'" + g + "'");
            } catch (SluiceException e) {
                String why = e.code() == ErrorCode.GROUP_ID_NOT_FOUND ? "the group does not exist" : e.getMessage();
                failures.add("* Group '" + g + "' could not be deleted due to: " + why);
            }
        }
        if (!deleted.isEmpty()) {
            out.println("Deletion of requested consumer groups (" + String.join(", ", deleted) + ") was successful.");
        }
        if (!failures.isEmpty()) {
            out.println("Error: Deletion of some consumer groups failed:");
            failures.forEach(out::println);
            return 1;
        }
        return 0;
    }
}
