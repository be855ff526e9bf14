package io.delpha.sdk.parquet;

/** Compression codecs a {@link RowWriter} can use. */
public enum Compression {
  /** Fast, modest ratio: the default. */
  SNAPPY,
  /** Better ratio, a little slower. */
  ZSTD,
  /** Widely readable, slower. */
  GZIP,
  /**
   * LZ4 blocks without framing (Parquet's {@code LZ4_RAW}): the fastest to decompress; read by parquet-mr 1.13+,
   * Spark 3.4+, pyarrow 7+, DuckDB and arrow-rs, not by older readers.
   */
  LZ4_RAW,
  /** No compression. */
  UNCOMPRESSED
}
