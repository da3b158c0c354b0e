package io.sluice.kafka.admin;

import io.sluice.server.ConfigValue;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigSource;
import org.apache.kafka.common.requests.DescribeConfigsResponse.ConfigType;

/**
 * Sluice's described settings in Kafka's terms: sources, types and, for topic settings, Kafka's own
 * documentation text (Sluice uses Kafka's key names with Kafka's meaning). Stateless.
 */
public final class KafkaConfigs {
    /** Topic settings whose value is a comma-separated list (APPEND and SUBTRACT apply to these). */
    public static final List<String> LIST_KEYS = List.of(TopicConfig.CLEANUP_POLICY_CONFIG);

    /** A topic setting's type and documentation, as Kafka describes it. */
    private record Key(ConfigType type, String doc) {
    }

    private static final Map<String, Key> TOPIC_KEYS = Map.ofEntries(
            Map.entry(TopicConfig.CLEANUP_POLICY_CONFIG, new Key(ConfigType.LIST,
                    TopicConfig.CLEANUP_POLICY_DOC)),
            Map.entry(TopicConfig.DELETE_RETENTION_MS_CONFIG,
                    new Key(ConfigType.LONG, TopicConfig.DELETE_RETENTION_MS_DOC)),
            Map.entry(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                    new Key(ConfigType.DOUBLE, TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_DOC)),
            Map.entry(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                    new Key(ConfigType.LONG, TopicConfig.MIN_COMPACTION_LAG_MS_DOC)),
            Map.entry(TopicConfig.MAX_COMPACTION_LAG_MS_CONFIG,
                    new Key(ConfigType.LONG, TopicConfig.MAX_COMPACTION_LAG_MS_DOC)),
            Map.entry(TopicConfig.COMPRESSION_TYPE_CONFIG, new Key(ConfigType.STRING, TopicConfig.COMPRESSION_TYPE_DOC)),
            Map.entry(TopicConfig.FLUSH_MS_CONFIG, new Key(ConfigType.LONG, TopicConfig.FLUSH_MS_DOC)),
            Map.entry("log.flush.policy", new Key(ConfigType.STRING, "Sluice's own: \"always\" acknowledges a write"
                    + " only once it is fsynced (group commit); \"interval\" is Kafka's page-cache behaviour, fsync"
                    + " every flush.ms.")),
            Map.entry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, new Key(ConfigType.INT, TopicConfig.MAX_MESSAGE_BYTES_DOC)),
            Map.entry(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                    new Key(ConfigType.STRING, TopicConfig.MESSAGE_TIMESTAMP_TYPE_DOC)),
            Map.entry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, new Key(ConfigType.INT, TopicConfig.MIN_IN_SYNC_REPLICAS_DOC)),
            Map.entry(TopicConfig.RETENTION_BYTES_CONFIG, new Key(ConfigType.LONG, TopicConfig.RETENTION_BYTES_DOC)),
            Map.entry(TopicConfig.RETENTION_MS_CONFIG, new Key(ConfigType.LONG, TopicConfig.RETENTION_MS_DOC)),
            Map.entry(TopicConfig.SEGMENT_BYTES_CONFIG, new Key(ConfigType.INT, TopicConfig.SEGMENT_BYTES_DOC)),
            Map.entry(TopicConfig.SEGMENT_MS_CONFIG, new Key(ConfigType.LONG, TopicConfig.SEGMENT_MS_DOC)),
            Map.entry(TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_CONFIG,
                    new Key(ConfigType.BOOLEAN, TopicConfig.UNCLEAN_LEADER_ELECTION_ENABLE_DOC)));

    private KafkaConfigs() {
    }

    public static ConfigSource source(ConfigValue.Source source) {
        return switch (source) {
            case DYNAMIC_TOPIC -> ConfigSource.TOPIC_CONFIG;
            case DYNAMIC_BROKER -> ConfigSource.DYNAMIC_BROKER_CONFIG;
            case DYNAMIC_DEFAULT_BROKER -> ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
            case STATIC_BROKER -> ConfigSource.STATIC_BROKER_CONFIG;
            case DEFAULT -> ConfigSource.DEFAULT_CONFIG;
        };
    }

    /** One setting of a DescribeConfigs answer; synonyms and documentation only when asked for. */
    public static DescribeConfigsResourceResult describe(ConfigValue value, boolean topic, boolean synonyms,
                                                         boolean documentation) {
        DescribeConfigsResourceResult result = new DescribeConfigsResourceResult()
                .setName(value.name()).setValue(value.value()).setReadOnly(value.readOnly())
                .setConfigSource(source(value.source()).id()).setIsSensitive(false)
                .setConfigType(topic && TOPIC_KEYS.containsKey(value.name())
                        ? TOPIC_KEYS.get(value.name()).type().id() : ConfigType.UNKNOWN.id());
        if (synonyms) {
            for (ConfigValue.Synonym s : value.synonyms()) {
                result.synonyms().add(new DescribeConfigsSynonym().setName(s.name()).setValue(s.value())
                        .setSource(source(s.source()).id()));
            }
        }
        if (documentation) {
            Key key = topic ? TOPIC_KEYS.get(value.name()) : null;
            result.setDocumentation(key != null ? key.doc() : value.documentation());
        }
        return result;
    }
}
