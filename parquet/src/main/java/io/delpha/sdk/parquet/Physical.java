package io.delpha.sdk.parquet;

/**
 * How a {@link ColumnVector} holds its values: which of its arrays it fills, and how (the table of {@link
 * ColumnVector}). A descriptor, like {@link ColumnType}: the library's readers choose one per column from the file's
 * Parquet type, its writer one per {@link ColumnType}. It was nested in {@link ColumnVector}, where its old name is kept
 * as a deprecated alias ({@link ColumnVector.Physical}, which it implements).
 */
@SuppressWarnings("deprecation") // implements its own deprecated alias, so that code naming the old type compiles
public enum Physical implements ColumnVector.Physical {
  BOOLEAN, INT32, UINT32, INT64, UINT64, INT96, DOUBLE, BINARY, LIST, MAP, STRUCT
}
