package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.Objects;

/**
 * How a {@link RowWriter} writes: codec and row-group size (the memory a writer holds at most).
 *
 * @param compression the codec
 * @param rowGroupBytes the target row-group size in bytes
 */
public record WriteOptions(Compression compression, long rowGroupBytes) {

  /** Validates the options. */
  public WriteOptions {
    Objects.requireNonNull(compression, "compression");
    if (rowGroupBytes < 64 * 1024) {
      throw new InvalidInputException("rowGroupBytes must be at least 64 KiB, was " + rowGroupBytes);
    }
  }

  /**
   * @return SNAPPY, 32 MiB row groups
   */
  public static WriteOptions defaults() {
    return new WriteOptions(Compression.SNAPPY, 32L * 1024 * 1024);
  }

  /**
   * @param compression a codec
   * @return these options with that codec
   */
  public WriteOptions withCompression(Compression compression) {
    return new WriteOptions(compression, rowGroupBytes);
  }

  /**
   * @param bytes a row-group size
   * @return these options with that row-group size
   */
  public WriteOptions withRowGroupBytes(long bytes) {
    return new WriteOptions(compression, bytes);
  }
}
