package io.sluice.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LogConfigTest {
    @Test
    void defaultsMatchKafka() {
        LogConfig c = LogConfig.defaultConfig();
        assertEquals(1 << 30, c.segmentBytes());
        assertEquals(7L * 24 * 3600 * 1000, c.segmentMs());
        assertEquals(7L * 24 * 3600 * 1000, c.retentionMs());
        assertEquals(-1, c.retentionBytes());
        assertEquals(1048588, c.maxMessageBytes());
        assertEquals(4096, c.indexIntervalBytes());
        assertEquals(LogConfig.FlushPolicy.ALWAYS, c.flushPolicy());
        assertEquals(1000, c.flushMs());
        assertEquals(LogConfig.defaultValues(), LogConfig.fromMap(c.toMap()).toMap());
    }

    @Test
    void overridesAreApplied() {
        LogConfig c = LogConfig.fromMap(Map.of("segment.bytes", "1000", "log.flush.policy", "interval", "flush.ms", "50"));
        assertEquals(1000, c.segmentBytes());
        assertEquals(LogConfig.FlushPolicy.INTERVAL, c.flushPolicy());
        assertEquals(50, c.flushMs());
        assertEquals(77, c.with(Map.of("retention.bytes", "77")).retentionBytes());
    }

    @Test
    void unknownKeyIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.fromMap(Map.of("segment.byte", "1")));
        assertTrue(e.getMessage().contains("segment.byte") && e.getMessage().contains("segment.bytes"), e.getMessage());
    }

    @Test
    void badValuesNameKeyValueAndRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LogConfig.fromMap(Map.of("segment.bytes", "3000000000")));
        assertTrue(e.getMessage().contains("segment.bytes") && e.getMessage().contains("3000000000")
                && e.getMessage().contains("2147483647"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of("retention.ms", "soon")));
        assertTrue(e.getMessage().contains("'soon'") && e.getMessage().contains("retention.ms"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of("log.flush.policy", "never")));
        assertTrue(e.getMessage().contains("'never'") && e.getMessage().contains("'always' or 'interval'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of("retention.bytes", "-2")));
        assertThrows(IllegalArgumentException.class, () -> LogConfig.fromMap(Map.of("flush.ms", "0")));
    }
}
