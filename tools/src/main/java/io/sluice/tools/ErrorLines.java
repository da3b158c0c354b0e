package io.sluice.tools;

import com.beust.jcommander.ParameterException;
import io.sluice.protocol.ErrorCode;
import io.sluice.protocol.SluiceException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line a failed command prints (docs/cli.md, "Errors"). jcommander's and the client
 * library's messages are rewritten here, in one place, into the words of the convention: a usage
 * error names the flag as typed and points at {@code --help}; a cluster that cannot be reached is
 * one short sentence, not the client's chain of causes. Stateless.
 */
public final class ErrorLines {
    private static final Pattern MAIN_PARAMETER = Pattern.compile("Was passed main parameter '([^']*)' but no main parameter was defined.*");
    private static final Pattern REQUIRED = Pattern.compile("The following options? (?:is|are) required: (.*)");
    private static final Pattern CONVERT = Pattern.compile("\"([^\"]+)\": couldn't convert \"([^\"]*)\" to (?:an? )?(\\w+).*");
    private static final Pattern NO_VALUE = Pattern.compile("Expected a value after parameter (\\S+)");
    private static final Pattern LAST_ERROR = Pattern.compile(" \\(last error: .*\\)(?=;|$)");

    private ErrorLines() {
    }

    /** A usage error: the message, then where to read the usage. */
    static String usage(String message, String helpFor) {
        String m = oneLine(message);
        return "Error: " + m + (m.endsWith(".") ? "" : ".") + " Run ./sluice " + helpFor + " --help for usage.";
    }

    /** jcommander's wording, in terms of the flags a user typed. */
    public static String describe(ParameterException e) {
        String m = oneLine(String.valueOf(e.getMessage()));
        Matcher matcher = MAIN_PARAMETER.matcher(m);
        if (matcher.matches()) {
            String arg = matcher.group(1);
            return arg.startsWith("-") ? "unknown option " + arg : "unexpected argument '" + arg + "'";
        }
        matcher = REQUIRED.matcher(m);
        if (matcher.matches()) {
            String flags = matcher.group(1).replace("[", "").replace("]", "");
            int last = flags.lastIndexOf(", ");
            boolean several = last >= 0;
            if (several) {
                flags = flags.substring(0, last) + " and " + flags.substring(last + 2);
            }
            return flags + (several ? " are" : " is") + " required";
        }
        matcher = CONVERT.matcher(m);
        if (matcher.matches()) {
            String type = matcher.group(3).toLowerCase(java.util.Locale.ROOT);
            String kind = type.equals("double") || type.equals("float") ? "a number" : "a whole number";
            return matcher.group(1) + " takes " + kind + ", not '" + matcher.group(2) + "'";
        }
        matcher = NO_VALUE.matcher(m);
        if (matcher.matches()) {
            return matcher.group(1) + " needs a value";
        }
        return m;
    }

    /** A runtime error: what went wrong and what to do, with the error code for a Sluice error. */
    static String runtime(Exception e, boolean verbose) {
        if (e instanceof SluiceException s) {
            String m = oneLine(String.valueOf(s.getMessage()));
            if (s.code() == ErrorCode.NETWORK_EXCEPTION) {
                m = shortenUnreachable(m);
            }
            return "Error: " + m + " (" + s.code() + ")";
        }
        String m = e.getMessage() != null ? oneLine(e.getMessage()) : e.toString();
        return "Error: " + m + (verbose ? "" : " (run with --verbose for details)");
    }

    /**
     * The client says "could not reach any of A within N ms (last error: A: cannot reach A: cannot
     * connect to A: finishConnect(..) failed ...: Connection refused: ...); is the cluster running?
     * ...": keep the sentence and the innermost reason only.
     */
    static String shortenUnreachable(String m) {
        Matcher last = LAST_ERROR.matcher(m);
        if (!last.find()) {
            return m;
        }
        String reason = reason(last.group());
        return m.substring(0, last.start()) + (reason.isEmpty() ? "" : " (" + reason + ")") + m.substring(last.end());
    }

    private static String reason(String chain) {
        String lower = chain.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("connection refused")) {
            return "connection refused";
        }
        if (lower.contains("timed out") || lower.contains("timeout")) {
            return "connection timed out";
        }
        if (lower.contains("unknownhost") || lower.contains("name or service not known")) {
            return "unknown host";
        }
        if (lower.contains("no route to host")) {
            return "no route to host";
        }
        return "";
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
