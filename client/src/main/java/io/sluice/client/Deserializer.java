package io.sluice.client;

import java.nio.charset.StandardCharsets;

/**
 * Turns the bytes of a fetched key or value back into an object. Called on the consumer's thread.
 *
 * @param <T> the type produced
 */
@FunctionalInterface
public interface Deserializer<T> {
    /** Byte arrays as they are. */
    Deserializer<byte[]> BYTES = (topic, data) -> data;
    /** UTF-8 strings. */
    Deserializer<String> STRING = (topic, data) -> data == null ? null : new String(data, StandardCharsets.UTF_8);

    /** The object for {@code data}, which is null for a null key or value. */
    T deserialize(String topic, byte[] data);
}
