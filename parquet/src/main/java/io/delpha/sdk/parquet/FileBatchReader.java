package io.delpha.sdk.parquet;

import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import org.jspecify.annotations.Nullable;

/** The {@link ColumnBatchReader} of a Parquet file: the one {@link ColumnBatch} over a {@link ParquetBatchReader}'s own batch. */
final class FileBatchReader implements ColumnBatchReader {

  private final ParquetBatchReader reader;
  private final ColumnBatch batch;
  private final String source;

  FileBatchReader(String source, ParquetBatchReader reader) {
    this.source = source;
    this.reader = reader;
    this.batch = new ColumnBatch(reader.batch());
  }

  @Override
  public RowSchema schema() {
    return reader.schema();
  }

  @Override
  public @Nullable ColumnBatch next() {
    return reader.next() == null ? null : batch;
  }

  @Override
  public void close() {
    reader.close();
  }

  @Override
  public String toString() {
    return "ColumnBatchReader[" + source + "]";
  }
}
