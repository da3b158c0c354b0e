package io.sluice.tools;

import java.util.List;

/**
 * One `./sluice` subcommand. Implementations parse their own flags with jcommander (names kept from
 * Kafka's tools; options classes extend {@link CommonOptions}, parsed through {@link Usage}) and
 * return the process exit code. The error convention (docs/cli.md): a mistake in the call is a
 * {@link UsageException} or jcommander's {@code ParameterException} (exit 2); a failure at run time
 * is a {@link io.sluice.protocol.SluiceException} or another exception (exit 1). {@link Sluice}
 * prints either as one line; stack traces only with {@code --verbose}.
 */
public interface Command {
    /** The subcommand's name, e.g. {@code topics}. */
    String name();

    /** One line for the overview printed by {@code ./sluice --help}, and the first line of its own help. */
    String summary();

    /** One or two complete command lines, printed at the end of {@code --help}. */
    List<String> examples();

    /** The sub-actions ({@code quorum start}, ...) that have their own {@code --help}; none by default. */
    default List<String> actions() {
        return List.of();
    }

    /** Lines printed after the options and before the examples, e.g. the settings of a node; none by default. */
    default List<String> moreHelp() {
        return List.of();
    }

    int run(String[] args) throws Exception;
}
