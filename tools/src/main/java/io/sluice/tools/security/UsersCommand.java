package io.sluice.tools.security;

import com.beust.jcommander.Parameter;
import io.sluice.client.admin.Admin;
import io.sluice.client.admin.ScramCredentialInfo;
import io.sluice.tools.Command;
import io.sluice.tools.CommonOptions;
import io.sluice.tools.Usage;
import io.sluice.tools.UsageException;
import io.sluice.tools.configs.ClientOptions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * {@code ./sluice users}: SCRAM credentials kept in the metadata quorum, with the flags of Kafka's
 * {@code kafka-configs.sh --entity-type users}: {@code --alter --entity-name alice --add-config
 * 'SCRAM-SHA-512=[iterations=8192,password=secret]'}, {@code --alter --delete-config SCRAM-SHA-512},
 * {@code --describe [--entity-name alice]}, and {@code --delete --entity-name alice} (every mechanism).
 * The password is salted by the client; only salt and salted password travel. Output as kafka-configs.sh
 * prints it (mechanisms and iterations, never keys).
 */
public final class UsersCommand implements Command {
    private static final List<String> MECHANISMS = List.of("SCRAM-SHA-256", "SCRAM-SHA-512");
    private final PrintStream out;
    private final Function<Map<String, Object>, Admin> adminFactory;

    /** The options, named as kafka-configs.sh names them. */
    static final class Options extends CommonOptions {
        @Parameter(names = "--bootstrap-server", description = "A broker to connect to, host:port")
        String bootstrapServer = "localhost:9092";
        @Parameter(names = "--command-config", description = "Admin client properties file (security settings)")
        String commandConfig;
        @Parameter(names = "--describe", description = "Show users' SCRAM mechanisms and iterations")
        boolean describe;
        @Parameter(names = "--alter", description = "Add or delete SCRAM credentials of --entity-name")
        boolean alter;
        @Parameter(names = "--delete", description = "Delete every SCRAM credential of --entity-name")
        boolean delete;
        @Parameter(names = {"--entity-name", "--user"}, description = "The user name")
        String user;
        @Parameter(names = "--entity-type", description = "users (accepted for kafka-configs.sh compatibility)")
        String entityType = "users";
        @Parameter(names = "--add-config", description = "SCRAM-SHA-512=[iterations=8192,password=secret],SCRAM-SHA-256=[...]")
        String addConfig;
        @Parameter(names = "--delete-config", description = "SCRAM-SHA-512,SCRAM-SHA-256 to remove")
        String deleteConfig;
    }

    public UsersCommand() {
        this(System.out, Admin::create);
    }

    UsersCommand(PrintStream out, Function<Map<String, Object>, Admin> adminFactory) {
        this.out = out;
        this.adminFactory = adminFactory;
    }

    @Override
    public String name() {
        return "users";
    }

    @Override
    public String summary() {
        return "Create, describe and delete SCRAM users (like kafka-configs.sh --entity-type users)";
    }

    @Override
    public List<String> examples() {
        return List.of("./sluice users --bootstrap-server localhost:9092 --command-config admin.properties --alter"
                        + " --entity-name alice --add-config 'SCRAM-SHA-512=[password=alice-secret]'",
                "./sluice users --bootstrap-server localhost:9092 --command-config admin.properties --describe");
    }

    /** What --add-config asks for: passwords and iterations by mechanism. */
    record Upserts(Map<String, String> passwords, Map<String, Integer> iterations) {
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        if (!Usage.parse(this, o, args)) {
            return 0;
        }
        if ((o.describe ? 1 : 0) + (o.alter ? 1 : 0) + (o.delete ? 1 : 0) != 1) {
            throw new UsageException("give exactly one action: --describe, --alter or --delete");
        }
        if (!o.entityType.equals("users")) {
            throw new UsageException("--entity-type must be users here; topic and broker configs are ./sluice configs");
        }
        if ((o.alter || o.delete) && (o.user == null || o.user.isEmpty())) {
            throw new UsageException("--entity-name is required with --alter and --delete");
        }
        Upserts upserts = o.alter ? upserts(o.addConfig) : new Upserts(Map.of(), Map.of());
        List<String> deletions = o.delete ? MECHANISMS : deletions(o.deleteConfig);
        if (o.alter && upserts.passwords().isEmpty() && deletions.isEmpty()) {
            throw new UsageException("--alter needs --add-config or --delete-config");
        }
        ClientOptions.requireReachable(o.bootstrapServer);
        try (Admin admin = adminFactory.apply(ClientOptions.adminProps(o.bootstrapServer,
                ClientOptions.loadFile(o.commandConfig, "--command-config")))) {
            if (o.describe) {
                Map<String, List<ScramCredentialInfo>> users = ClientOptions.await(admin.describeUserScramCredentials(
                        o.user == null ? List.of() : List.of(o.user)));
                users.forEach((user, infos) -> {
                    if (infos.isEmpty()) {
                        out.println("User '" + user + "' has no SCRAM credentials.");
                        return;
                    }
                    List<String> parts = new ArrayList<>();
                    infos.forEach(i -> parts.add(i.mechanism() + "=iterations=" + i.iterations()));
                    out.println("SCRAM credential configs for user-principal '" + user + "' are " + String.join(", ", parts));
                });
                return 0;
            }
            List<String> present = o.delete ? present(admin, o.user) : deletions;
            ClientOptions.await(admin.alterUserScramCredentials(o.user, upserts.iterations(), upserts.passwords(),
                    present));
            out.println("Completed updating config for user " + o.user + ".");
        }
        return 0;
    }

    /** The mechanisms the user has (deleting one it lacks is RESOURCE_NOT_FOUND, as in Kafka). */
    private static List<String> present(Admin admin, String user) throws Exception {
        List<ScramCredentialInfo> infos = ClientOptions.await(admin.describeUserScramCredentials(List.of(user)))
                .getOrDefault(user, List.of());
        if (infos.isEmpty()) {
            throw new io.sluice.protocol.SluiceException(io.sluice.protocol.ErrorCode.RESOURCE_NOT_FOUND,
                    "user '" + user + "' has no SCRAM credentials");
        }
        return infos.stream().map(ScramCredentialInfo::mechanism).toList();
    }

    static Upserts upserts(String addConfig) {
        Map<String, String> passwords = new LinkedHashMap<>();
        Map<String, Integer> iterations = new LinkedHashMap<>();
        if (addConfig == null) {
            return new Upserts(passwords, iterations);
        }
        ClientOptions.parseConfigList(addConfig, "--add-config").forEach((mechanism, value) -> {
            if (!MECHANISMS.contains(mechanism)) {
                throw new UsageException("--add-config: " + mechanism + " is not SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            String inner = value.startsWith("[") && value.endsWith("]") ? value.substring(1, value.length() - 1) : value;
            for (String part : inner.split(",")) {
                int eq = part.indexOf('=');
                String key = eq < 0 ? part.trim() : part.substring(0, eq).trim();
                String v = eq < 0 ? "" : part.substring(eq + 1);
                if (key.equals("password")) {
                    passwords.put(mechanism, v);
                } else if (key.equals("iterations")) {
                    try {
                        iterations.put(mechanism, Integer.parseInt(v.trim()));
                    } catch (NumberFormatException e) {
                        throw new UsageException("--add-config: iterations of " + mechanism + " is not a number");
                    }
                } else {
                    throw new UsageException("--add-config: " + mechanism + " takes password=... and iterations=...,"
                            + " not '" + key + "'");
                }
            }
            if (!passwords.containsKey(mechanism) || passwords.get(mechanism).isEmpty()) {
                throw new UsageException("--add-config: " + mechanism + " needs password=...");
            }
        });
        return new Upserts(passwords, iterations);
    }

    static List<String> deletions(String deleteConfig) {
        List<String> out = new ArrayList<>();
        if (deleteConfig == null) {
            return out;
        }
        for (String m : deleteConfig.split(",")) {
            String mechanism = m.trim();
            if (!MECHANISMS.contains(mechanism)) {
                throw new UsageException("--delete-config: " + mechanism + " is not SCRAM-SHA-256 or SCRAM-SHA-512");
            }
            out.add(mechanism);
        }
        return out;
    }
}
