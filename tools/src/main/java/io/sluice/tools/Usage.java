package io.sluice.tools;

import com.beust.jcommander.JCommander;
import com.beust.jcommander.ParameterDescription;
import com.beust.jcommander.Parameters;
import java.io.PrintStream;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Parsing of a command's flags and the {@code --help} text, the same for every command and
 * sub-action: what it does, one line per option with its description (required options marked,
 * a default shown only when there is a real one), the sub-actions if any, then examples.
 * jcommander's own usage text is not used: it prints required flags with the zero of their Java
 * type as a default and gives {@code --help} no description. Stateless.
 */
public final class Usage {
    private static final int NAME_COLUMN = 34;

    private Usage() {
    }

    public static JCommander parser(String program, Object options) {
        return JCommander.newBuilder().programName(program).addObject(options).build();
    }

    /**
     * Parses {@code args} into {@code options}; when they ask for {@code --help}, prints the
     * command's help on standard output and returns false, so the command returns 0 at once.
     */
    public static boolean parse(Command command, CommonOptions options, String[] args) {
        JCommander jc = parser("./sluice " + command.name(), options);
        jc.parse(args);
        if (options.help) {
            print(jc, "./sluice " + command.name() + " [OPTIONS]", command.summary(), command.moreHelp(), command.examples(),
                    System.out);
            return false;
        }
        return true;
    }

    /** Prints the help of a command (or sub-action) whose flags {@code jc} holds. */
    public static void print(JCommander jc, String synopsis, String description, List<String> examples, PrintStream out) {
        print(jc, synopsis, description, List.of(), examples, out);
    }

    /** The same, with {@code more} lines between the options and the examples. */
    public static void print(JCommander jc, String synopsis, String description, List<String> more, List<String> examples,
                             PrintStream out) {
        out.println("Usage: " + synopsis);
        out.println(description);
        Map<String, JCommander> actions = jc.getCommands();
        if (!actions.isEmpty()) {
            out.println();
            out.println("Actions (" + jc.getProgramName() + " ACTION --help for an action's options):");
            actions.forEach((name, sub) -> out.println(column("  " + name) + actionDescription(sub)));
        }
        out.println();
        out.println("Options:");
        List<ParameterDescription> options = new java.util.ArrayList<>(jc.getParameters());
        options.sort(java.util.Comparator.comparingInt(Usage::declarationIndex));
        for (ParameterDescription p : options) {
            if (!p.getParameter().hidden()) {
                out.println(column("  " + p.getNames() + placeholder(p)) + describe(p));
            }
        }
        if (!more.isEmpty()) {
            out.println();
            more.forEach(out::println);
        }
        if (!examples.isEmpty()) {
            out.println();
            out.println("Examples:");
            examples.forEach(e -> out.println("  " + e));
        }
    }

    /**
     * Where the option's field is declared: the command's own options in the order written, then the
     * inherited {@link CommonOptions}. (jcommander keeps them in a hash map, in no useful order.)
     */
    private static int declarationIndex(ParameterDescription p) {
        int index = 0;
        for (Class<?> c = p.getObject().getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            for (java.lang.reflect.Field f : c.getDeclaredFields()) {
                if (f.getName().equals(p.getParameterized().getName())) {
                    return index;
                }
                index++;
            }
        }
        return index;
    }

    private static String actionDescription(JCommander sub) {
        Parameters p = sub.getObjects().get(0).getClass().getAnnotation(Parameters.class);
        return p == null ? "" : p.commandDescription();
    }

    /** Pads the name column; a long name keeps two spaces before its description. */
    private static String column(String left) {
        return left.length() + 2 <= NAME_COLUMN ? String.format("%-" + NAME_COLUMN + "s", left) : left + "  ";
    }

    private static String placeholder(ParameterDescription p) {
        Class<?> type = p.getParameterized().getType();
        if (type == boolean.class || type == Boolean.class) {
            return "";
        }
        String name = p.getParameter().placeholder();
        String value = " " + (name == null || name.isEmpty() ? "VALUE" : name);
        return p.getParameter().variableArity() ? value + "..." : value;
    }

    private static String describe(ParameterDescription p) {
        StringBuilder text = new StringBuilder(p.getDescription());
        Object def = p.getDefault();
        boolean repeatable = Collection.class.isAssignableFrom(p.getParameterized().getType())
                && !p.getParameter().variableArity();
        if (repeatable && !text.toString().contains("repeatable")) {
            text.append(" (repeatable)");
        }
        if (p.getParameter().required()) {
            text.append(" (required)");
        } else if (!p.isHelp() && def != null && !(def instanceof Boolean)
                && !(def instanceof Collection<?> c && c.isEmpty())) {
            text.append(" (default: ").append(def).append(')');
        }
        return text.toString();
    }
}
