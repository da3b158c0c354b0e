package io.sluice.metadata.controller;

import java.util.Optional;
import java.util.regex.Pattern;

/** Kafka's topic name rules: [a-zA-Z0-9._-], 1 to 249 characters, not "." or "..". Stateless. */
public final class TopicNames {

    public static final int MAX_LENGTH = 249;
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");

    private TopicNames() {
    }

    /** Why the name is not a legal topic name, or empty if it is. */
    public static Optional<String> check(String name) {
        if (name.isEmpty()) {
            return Optional.of("Topic name is empty: give the topic a name.");
        }
        if (name.equals(".") || name.equals("..")) {
            return Optional.of("Topic name cannot be \".\" or \"..\".");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("Topic name is " + name.length() + " characters long; the limit is " + MAX_LENGTH + ".");
        }
        if (!LEGAL.matcher(name).matches()) {
            return Optional.of("Topic name '" + name + "' is illegal: use only ASCII letters, digits, '.', '_' and '-'.");
        }
        return Optional.empty();
    }
}
