package io.sluice.protocol.record;

/** A batch or record whose bytes do not follow the RecordBatch v2 layout (or fail their CRC). */
public class CorruptRecordException extends RuntimeException {
    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
