package io.sluice.ecosystem;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/**
 * The task of {@link NumberedSourceConnector}: starts after the last number in Connect's offset store
 * (at 0 when there is none) and returns a few numbers per poll, paced so a test sees thousands, not
 * millions. Called by one worker thread at a time, as Connect does.
 */
public final class NumberedSourceTask extends SourceTask {
    static final Map<String, String> SOURCE_PARTITION = Map.of("source", "numbers");
    static final String OFFSET_FIELD = "n";
    private static final int PER_POLL = 10;

    private String topic;
    private long next;

    @Override
    public void start(Map<String, String> props) {
        topic = props.get(NumberedSourceConnector.TOPIC);
        Map<String, Object> offset = context.offsetStorageReader().offset(SOURCE_PARTITION);
        next = offset == null ? 0 : ((Number) offset.get(OFFSET_FIELD)).longValue() + 1;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        Thread.sleep(20);
        List<SourceRecord> records = new ArrayList<>(PER_POLL);
        for (int i = 0; i < PER_POLL; i++, next++) {
            records.add(new SourceRecord(SOURCE_PARTITION, Map.of(OFFSET_FIELD, next), topic, 0,
                    Schema.STRING_SCHEMA, Long.toString(next), Schema.STRING_SCHEMA, Long.toString(next)));
        }
        return records;
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return "1";
    }
}
