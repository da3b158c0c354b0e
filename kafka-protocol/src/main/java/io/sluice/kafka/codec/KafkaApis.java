package io.sluice.kafka.codec;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The table of the Kafka APIs this broker serves: for each, the versions it advertises in ApiVersions,
 * the versions it handles, and its handler. One table, so ApiVersions, the dispatcher and the
 * compatibility docs can never disagree. Built once at start; immutable after.
 */
public final class KafkaApis {
    /** One API: advertised {@code [advertisedMin, max]}, handled {@code [handledMin, max]}. */
    public record Api(ApiKeys key, short advertisedMin, short handledMin, short max, KafkaApiHandler<?> handler) {
        public boolean handles(short version) {
            return version >= handledMin && version <= max;
        }
    }

    private final Map<ApiKeys, Api> apis = new EnumMap<>(ApiKeys.class);

    /** Serves every version of {@code key} the message classes know, from {@code min} (inclusive) to {@code max}. */
    public <T extends ApiMessage> KafkaApis add(ApiKeys key, int min, int max, KafkaApiHandler<T> handler) {
        return add(key, min, min, max, handler);
    }

    /**
     * As {@link #add(ApiKeys, int, int, KafkaApiHandler)}, advertising versions from {@code advertisedMin}
     * that are refused (librdkafka enables compression only when Produce v0-2 are advertised).
     */
    public <T extends ApiMessage> KafkaApis add(ApiKeys key, int advertisedMin, int handledMin, int max,
                                                KafkaApiHandler<T> handler) {
        if (max > key.latestVersion(true) || handledMin < key.oldestVersion() && handledMin != advertisedMin) {
            throw new IllegalArgumentException(key + " versions " + handledMin + "-" + max + " are outside what "
                    + "the message classes know (" + key.oldestVersion() + "-" + key.latestVersion(true) + ")");
        }
        if (apis.put(key, new Api(key, (short) advertisedMin, (short) handledMin, (short) max, handler)) != null) {
            throw new IllegalArgumentException(key + " is registered twice");
        }
        return this;
    }

    public Api get(ApiKeys key) {
        return apis.get(key);
    }

    public Map<ApiKeys, Api> all() {
        return Collections.unmodifiableMap(apis);
    }

    /** The version ranges for an ApiVersions response. */
    public ApiVersionsResponseData.ApiVersionCollection versions() {
        ApiVersionsResponseData.ApiVersionCollection versions = new ApiVersionsResponseData.ApiVersionCollection();
        for (Api api : apis.values()) {
            versions.add(new ApiVersionsResponseData.ApiVersion().setApiKey(api.key().id)
                    .setMinVersion(api.advertisedMin()).setMaxVersion(api.max()));
        }
        return versions;
    }
}
