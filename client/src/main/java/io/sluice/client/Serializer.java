package io.sluice.client;

import java.nio.charset.StandardCharsets;

/**
 * Turns a key or value into the bytes a record carries. Implementations must be thread-safe: a
 * producer calls them from every thread that sends.
 *
 * @param <T> the type serialized
 */
@FunctionalInterface
public interface Serializer<T> {
    /** Byte arrays as they are. */
    Serializer<byte[]> BYTES = (topic, data) -> data;
    /** Strings as UTF-8. */
    Serializer<String> STRING = (topic, data) -> data == null ? null : data.getBytes(StandardCharsets.UTF_8);

    /** The bytes of {@code data}, or null for a null key or value. */
    byte[] serialize(String topic, T data);
}
