package io.sluice.client.admin;

/**
 * One config of a resource and where its value comes from.
 *
 * @param name the key
 * @param value the value in effect (null for a sensitive one)
 * @param source where the value was set
 * @param readOnly whether it can be altered
 * @param sensitive whether the value is hidden
 */
public record ConfigEntry(String name, String value, Source source, boolean readOnly, boolean sensitive) {
    /** Where a value comes from, most specific first. */
    public enum Source { DYNAMIC_TOPIC_CONFIG, STATIC_BROKER_CONFIG, DEFAULT_CONFIG, UNKNOWN }

    /** Whether the value was set on the resource itself rather than inherited. */
    public boolean isOverride() {
        return source == Source.DYNAMIC_TOPIC_CONFIG;
    }
}
