package io.sluice.tools.security;

import com.beust.jcommander.Parameter;
import io.sluice.client.admin.AclBinding;
import io.sluice.client.admin.Admin;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * {@code ./sluice acls}: add, remove and list ACL bindings with the flags of Kafka's {@code kafka-acls.sh}
 * ({@code --add|--remove|--list}, {@code --allow-principal}, {@code --deny-principal}, {@code --operation},
 * {@code --topic|--group|--cluster|--transactional-id}, {@code --resource-pattern-type}, {@code --producer},
 * {@code --consumer}), over the native protocol. Output as kafka-acls.sh prints it.
 */
public final class AclsCommand implements Command {
    private final PrintStream out;
    private final Function<Map<String, Object>, Admin> adminFactory;

    /** The options, named as kafka-acls.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--command-config", description = "Admin client properties file (security settings)")
        String commandConfig;
        @Parameter(names = "--add", description = "Add the ACLs")
        boolean add;
        @Parameter(names = "--remove", description = "Remove the ACLs")
        boolean remove;
        @Parameter(names = "--list", description = "List the ACLs (of the resources named, or all)")
        boolean list;
        @Parameter(names = "--force", description = "Remove without asking (accepted; this tool never asks)")
        boolean force;
        @Parameter(names = "--allow-principal", description = "User:name allowed (repeatable)")
        List<String> allowPrincipals = new ArrayList<>();
        @Parameter(names = "--deny-principal", description = "User:name denied (repeatable)")
        List<String> denyPrincipals = new ArrayList<>();
        @Parameter(names = "--allow-host", description = "Host (IP) the allow applies to (default *)")
        List<String> allowHosts = new ArrayList<>();
        @Parameter(names = "--deny-host", description = "Host (IP) the deny applies to (default *)")
        List<String> denyHosts = new ArrayList<>();
        @Parameter(names = "--principal", description = "With --list: only this principal's ACLs")
        String principal;
        @Parameter(names = "--operation", description = "Read, Write, Create, Delete, Alter, Describe, ClusterAction,"
                + " DescribeConfigs, AlterConfigs, IdempotentWrite or All (repeatable; default All)")
        List<String> operations = new ArrayList<>();
        @Parameter(names = "--topic", description = "A topic (or * for all)")
        List<String> topics = new ArrayList<>();
        @Parameter(names = "--group", description = "A consumer group (or * for all)")
        List<String> groups = new ArrayList<>();
        @Parameter(names = "--transactional-id", description = "A transactional id (or * for all)")
        List<String> transactionalIds = new ArrayList<>();
        @Parameter(names = "--cluster", description = "The cluster resource")
        boolean cluster;
        @Parameter(names = "--resource-pattern-type", description = "literal (default) or prefixed; with --list"
                + " or --remove also any or match")
        String patternType = "literal";
        @Parameter(names = "--producer", description = "Convenience: WRITE, DESCRIBE and CREATE on the topics")
        boolean producer;
        @Parameter(names = "--consumer", description = "Convenience: READ and DESCRIBE on the topics, READ on the group")
        boolean consumer;
    }

    /** One resource as the flags name it. */
    record Resource(String type, String name) {
    }

    public AclsCommand() {
        this(System.out, Admin::create);
    }

    AclsCommand(PrintStream out, Function<Map<String, Object>, Admin> adminFactory) {
        this.out = out;
        this.adminFactory = adminFactory;
    }

    @Override
    public String name() {
        return "acls";
    }

    @Override
    public String summary() {
        return "Add, remove and list ACLs (like kafka-acls.sh)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice acls --bootstrap-server localhost:9092 --command-config admin.properties --add"
                        + " --allow-principal User:alice --operation Write --topic orders",
                "./sluice acls --bootstrap-server localhost:9092 --command-config admin.properties --list --topic orders");
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        int actions = (o.add ? 1 : 0) + (o.remove ? 1 : 0) + (o.list ? 1 : 0);
        if (actions != 1) {
            throw new UsageException("give exactly one action: --add, --remove or --list");
        }
        String pattern = o.patternType.toUpperCase(Locale.ROOT);
        if (!Set.of("LITERAL", "PREFIXED", "ANY", "MATCH").contains(pattern)
                || o.add && !Set.of("LITERAL", "PREFIXED").contains(pattern)) {
            throw new UsageException("--resource-pattern-type must be literal or prefixed"
                    + (o.add ? "" : " (or any or match with --list and --remove)") + ", not " + o.patternType);
        }
        List<Resource> resources = resources(o);
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Admin admin = adminFactory.apply(ClientOptions.adminProps(o.bootstrapServer,
                ClientOptions.loadFile(o.commandConfig, "--command-config")))) {
            if (o.list) {
                List<AclBinding> filters = new ArrayList<>();
                if (resources.isEmpty()) {
                    filters.add(new AclBinding(null, null, "ANY", o.principal, null, null, null));
                }
                resources.forEach(r -> filters.add(new AclBinding(r.type(), r.name(), pattern, o.principal, null, null,
                        null)));
                List<AclBinding> found = new ArrayList<>();
                for (AclBinding f : filters) {
                    found.addAll(ClientOptions.await(admin.describeAcls(f)));
                }
                print(found, out);
                return 0;
            }
            if (resources.isEmpty()) {
                throw new UsageException("name a resource: --topic, --group, --cluster or --transactional-id");
            }
            List<AclBinding> bindings = bindings(o, resources, pattern);
            if (bindings.isEmpty()) {
                throw new UsageException("give --allow-principal or --deny-principal");
            }
            if (o.add) {
                out.println("Adding ACLs:");
                print(bindings, out);
                ClientOptions.await(admin.createAcls(bindings));
            } else {
                List<AclBinding> deleted = ClientOptions.await(admin.deleteAcls(bindings));
                out.println("Removed ACLs:");
                print(deleted, out);
            }
        }
        return 0;
    }

    static List<Resource> resources(Options o) {
        List<Resource> resources = new ArrayList<>();
        o.topics.forEach(t -> resources.add(new Resource("TOPIC", t)));
        o.groups.forEach(g -> resources.add(new Resource("GROUP", g)));
        o.transactionalIds.forEach(t -> resources.add(new Resource("TRANSACTIONAL_ID", t)));
        if (o.cluster) {
            resources.add(new Resource("CLUSTER", "kafka-cluster"));
        }
        return resources;
    }

    /** Each principal x host x operation x resource, allows then denies; --producer and --consumer as Kafka expands them. */
    static List<AclBinding> bindings(Options o, List<Resource> resources, String pattern) {
        Set<AclBinding> out = new LinkedHashSet<>();
        for (String permission : List.of("ALLOW", "DENY")) {
            List<String> principals = permission.equals("ALLOW") ? o.allowPrincipals : o.denyPrincipals;
            List<String> hosts = permission.equals("ALLOW") ? o.allowHosts : o.denyHosts;
            for (String principal : principals) {
                if (!principal.contains(":")) {
                    throw new UsageException("a principal is Type:name, e.g. User:alice, not '" + principal + "'");
                }
                for (String host : hosts.isEmpty() ? List.of("*") : hosts) {
                    for (Resource r : resources) {
                        for (String op : operations(o, r)) {
                            out.add(new AclBinding(r.type(), r.name(), pattern, principal, host, op, permission));
                        }
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static List<String> operations(Options o, Resource r) {
        List<String> ops = new ArrayList<>();
        if (o.producer && r.type().equals("TOPIC")) {
            ops.addAll(List.of("WRITE", "DESCRIBE", "CREATE"));
        }
        if (o.consumer) {
            ops.addAll(r.type().equals("TOPIC") ? List.of("READ", "DESCRIBE") : r.type().equals("GROUP")
                    ? List.of("READ") : List.of());
        }
        if (o.producer || o.consumer) {
            return ops;
        }
        for (String op : o.operations.isEmpty() ? List.of("All") : o.operations) {
            ops.add(operation(op));
        }
        return ops;
    }

    /** Kafka's CamelCase operation names (ClusterAction) to the enum's (CLUSTER_ACTION). */
    static String operation(String name) {
        String upper = name.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
        Set<String> known = Set.of("ALL", "READ", "WRITE", "CREATE", "DELETE", "ALTER", "DESCRIBE", "CLUSTER_ACTION",
                "DESCRIBE_CONFIGS", "ALTER_CONFIGS", "IDEMPOTENT_WRITE");
        if (!known.contains(upper)) {
            throw new UsageException("--operation " + name + " is not one of Read, Write, Create, Delete, Alter,"
                    + " Describe, ClusterAction, DescribeConfigs, AlterConfigs, IdempotentWrite, All");
        }
        return upper;
    }

    /** kafka-acls.sh's layout: per resource pattern, its bindings. */
    static void print(List<AclBinding> bindings, PrintStream out) {
        Map<String, List<AclBinding>> byResource = new TreeMap<>();
        for (AclBinding b : bindings) {
            byResource.computeIfAbsent("ResourcePattern(resourceType=" + b.resourceType() + ", name=" + b.resourceName()
                    + ", patternType=" + b.patternType() + ")", k -> new ArrayList<>()).add(b);
        }
        byResource.forEach((resource, list) -> {
            out.println("Current ACLs for resource `" + resource + "`: ");
            for (AclBinding b : list) {
                out.println(" \t(principal=" + b.principal() + ", host=" + b.host() + ", operation=" + b.operation()
                        + ", permissionType=" + b.permission() + ")");
            }
            out.println();
        });
    }
}
