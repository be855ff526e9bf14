package io.delpha.sdk.core.parquet;

/** Compression codecs a {@link RowWriter} can use. */
public enum Compression {
  /** Fast, modest ratio: the default. */
  SNAPPY,
  /** Better ratio, a little slower. */
  ZSTD,
  /** Widely readable, slower. */
  GZIP,
  /** No compression. */
  UNCOMPRESSED
}
