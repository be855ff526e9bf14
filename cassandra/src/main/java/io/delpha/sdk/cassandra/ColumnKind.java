package io.delpha.sdk.cassandra;

/** The role of a column in its table's primary key, or its absence. */
public enum ColumnKind {
  /** Part of the partition key. */
  PARTITION_KEY,
  /** A clustering column. */
  CLUSTERING,
  /** A static column (one value per partition). */
  STATIC,
  /** Any other column. */
  REGULAR
}
