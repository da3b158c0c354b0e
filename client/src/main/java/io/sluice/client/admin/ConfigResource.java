package io.sluice.client.admin;

/**
 * Something that has configs: a topic or a broker.
 *
 * @param type the kind of resource
 * @param name topic name, or broker id as a string
 */
public record ConfigResource(Type type, String name) {
    /** The kinds of resource with configs. */
    public enum Type { TOPIC, BROKER }

    public static ConfigResource topic(String name) {
        return new ConfigResource(Type.TOPIC, name);
    }
}
