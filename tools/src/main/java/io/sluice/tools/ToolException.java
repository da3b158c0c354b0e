package io.sluice.tools;

/**
 * A failure while a command runs that is not the cluster's answer (exit code 1): a port taken by
 * another process, a node that died during start. The message is the whole story, one line saying
 * what is wrong and what to do, so {@link Sluice} prints it as it is.
 */
public class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ToolException(String message) {
        super(message);
    }
}
