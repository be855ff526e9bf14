package io.delpha.sdk.totesys.internal;

import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.WriteOptions;
import org.jspecify.annotations.Nullable;

/**
 * How every stage writes and reads the lake's Parquet objects: in clear, or encrypted with the host's keys
 * ({@code TotesysPipelineBuilder.lakeEncryption}), read back with the decryption of the same keys.
 *
 * @param write the options of every object written (both zones)
 * @param read the options of every object read
 */
public record LakeFiles(WriteOptions write, ReadOptions read) {

  /**
   * @param encryption the lake's encryption, or {@code null} for objects in clear
   * @return the options that write and read such objects
   */
  public static LakeFiles of(@Nullable FileEncryption encryption) {
    return encryption == null ? new LakeFiles(WriteOptions.defaults(), ReadOptions.defaults())
        : new LakeFiles(WriteOptions.defaults().withEncryption(encryption),
            ReadOptions.defaults().withDecryption(encryption.decryption()));
  }
}
