package io.sluice.ecosystem;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * A source connector for {@link KafkaConnectDistributedIT}: one task writing the numbers 0, 1, 2, ...
 * to {@code topic}, each record's source offset being its number, so that a restarted task resumes
 * where Connect's offset store says it stopped. Instantiated by the Connect worker; not shared between
 * threads by it.
 */
public final class NumberedSourceConnector extends SourceConnector {
    static final String TOPIC = "topic";
    static final ConfigDef CONFIG = new ConfigDef()
            .define(TOPIC, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "the topic to write numbers to");

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return NumberedSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return List.of(props);
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return "1";
    }
}
