package io.sluice.tools;

import com.beust.jcommander.Parameter;

/**
 * The options every command and sub-action takes; each command's options class extends this, so
 * {@code --help} is described once and {@code --verbose} is a declared option (not an argument
 * jcommander would refuse). Plain mutable fields filled by jcommander; not thread-safe.
 */
public class CommonOptions {
    @Parameter(names = {"--help", "-h"}, help = true, description = "Show this help and exit")
    public boolean help;

    @Parameter(names = "--verbose", description = "More detail: the full error (stack trace) when the command fails")
    public boolean verbose;
}
