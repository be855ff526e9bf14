/**
 * The row model and the Parquet codec. The Parquet and Hadoop jars have no usable module name (their packages are
 * split across jars): they stay on the class path, and the capability check makes this module read it.
 */
module io.delpha.sdk.parquet {
  requires transitive io.delpha.sdk.core;

  exports io.delpha.sdk.parquet;
  // the row model's kinds and codec, for the capabilities that map rows to their engines (docs/architecture.md)
  exports io.delpha.sdk.parquet.internal to io.delpha.sdk.aws, io.delpha.sdk.sharing, io.delpha.sdk.usage, io.delpha.sdk.totesys;
  exports io.delpha.sdk.parquet.internal.engines to io.delpha.sdk.aws, io.delpha.sdk.sharing, io.delpha.sdk.usage, io.delpha.sdk.totesys;

  provides io.delpha.sdk.core.internal.StackReader with io.delpha.sdk.parquet.internal.ParquetStack;
}
