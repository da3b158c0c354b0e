package io.sluice.client.consumer;

/** Where a partition without a valid position starts: {@code auto.offset.reset}. */
public enum OffsetResetStrategy {
    /** The log start offset. */
    EARLIEST,
    /** The high watermark: only records produced from now on. */
    LATEST,
    /** No automatic choice: poll fails until the application seeks. */
    NONE
}
