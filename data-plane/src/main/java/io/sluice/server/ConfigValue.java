package io.sluice.server;

import java.util.List;

/**
 * One setting as a describe shows it: its effective value, where that value comes from, and the
 * settings it could come from in order of precedence (Kafka's synonyms: a topic's own value, then the
 * broker key that sets the default). Immutable.
 */
public record ConfigValue(String name, String value, Source source, boolean readOnly, String documentation,
                          List<Synonym> synonyms) {

    /** Where a value comes from, highest precedence first. */
    public enum Source {
        /** Set on the topic (CreateTopics configs, AlterConfigs). */
        DYNAMIC_TOPIC,
        /** A dynamic setting of this broker (the replication throttles), set while it runs. */
        DYNAMIC_BROKER,
        /** A dynamic setting of every broker (the cluster-wide default), set while they run. */
        DYNAMIC_DEFAULT_BROKER,
        /** Set in the node's properties file or on its command line. */
        STATIC_BROKER,
        /** Nobody set it: Sluice's default. */
        DEFAULT
    }

    public record Synonym(String name, String value, Source source) {
    }

    public ConfigValue {
        synonyms = List.copyOf(synonyms);
    }
}
