package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link RowWriter} writes: codec, row-group size (the memory a writer holds at most), and encryption.
 *
 * @param compression the codec
 * @param rowGroupBytes the target row-group size in bytes
 * @param encryption how the file is encrypted (Parquet modular encryption, see {@link FileEncryption}), or {@code
 *     null}: in clear
 */
public record WriteOptions(Compression compression, long rowGroupBytes, @Nullable FileEncryption encryption) {

  /** Validates the options. */
  public WriteOptions {
    Objects.requireNonNull(compression, "compression");
    if (rowGroupBytes < 64 * 1024) {
      throw new InvalidInputException("rowGroupBytes must be at least 64 KiB, was " + rowGroupBytes);
    }
  }

  /**
   * Options writing in clear.
   *
   * @param compression the codec
   * @param rowGroupBytes the target row-group size in bytes
   */
  public WriteOptions(Compression compression, long rowGroupBytes) {
    this(compression, rowGroupBytes, null);
  }

  /**
   * @return SNAPPY, 32 MiB row groups, in clear
   */
  public static WriteOptions defaults() {
    return new WriteOptions(Compression.SNAPPY, 32L * 1024 * 1024);
  }

  /**
   * @param compression a codec
   * @return these options with that codec
   */
  public WriteOptions withCompression(Compression compression) {
    return new WriteOptions(compression, rowGroupBytes, encryption);
  }

  /**
   * @param bytes a row-group size
   * @return these options with that row-group size
   */
  public WriteOptions withRowGroupBytes(long bytes) {
    return new WriteOptions(compression, bytes, encryption);
  }

  /**
   * @param encryption how to encrypt the files written, or {@code null} to write them in clear
   * @return these options with that encryption
   */
  public WriteOptions withEncryption(@Nullable FileEncryption encryption) {
    return new WriteOptions(compression, rowGroupBytes, encryption);
  }
}
