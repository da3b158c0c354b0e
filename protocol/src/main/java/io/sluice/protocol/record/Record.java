package io.sluice.protocol.record;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * One record, materialised. {@code key} and {@code value} are read-only buffers ({@code null} when
 * absent) that may be slices of the batch they came from.
 */
public record Record(long offset, long timestamp, ByteBuffer key, ByteBuffer value, List<Header> headers) {
}
