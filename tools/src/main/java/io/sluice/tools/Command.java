package io.sluice.tools;

/**
 * One `./sluice` subcommand. Implementations parse their own flags with jcommander (names kept from
 * Kafka's tools) and return the process exit code. A user error is reported by throwing
 * {@link UsageException} (or {@link io.sluice.protocol.SluiceException}): {@link Sluice} prints its
 * message as one line and exits non-zero; stack traces only with {@code --verbose}.
 */
public interface Command {
    /** The subcommand's name, e.g. {@code topics}. */
    String name();

    /** One line for the overview printed by {@code ./sluice --help}. */
    String summary();

    int run(String[] args) throws Exception;
}
