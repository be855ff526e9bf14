package io.delpha.sdk.parquet;

import org.jspecify.annotations.Nullable;
/**
 * Reads a Parquet source as batches of column vectors, row group by row group: the fast way to read for
 * code that can work on columns (sums, copies into another columnar store, filters). The row view {@link
 * RowReader} is built on it. Not thread-safe. Close it (try-with-resources) to release the file.
 *
 * <p>Batches come in file order; a read on several threads ({@link ReadOptions#withThreads}) hands out each row
 * group's batches in order, row groups interleaved (see {@link ParquetRows#readBatches(java.util.List,
 * ReadOptions)}).
 *
 * <pre>{@code
 * try (ColumnBatchReader reader = ParquetRows.readBatches(file)) {
 *   for (ColumnBatch batch = reader.next(); batch != null; batch = reader.next()) {
 *     ColumnVector ids = batch.column("id");
 *     long[] values = ids.longs();
 *     for (int i = 0; i < batch.rowCount(); i++) sum += values[i];
 *   }
 * }
 * }</pre>
 */
public interface ColumnBatchReader extends AutoCloseable {

  /**
   * @return the schema of the batches (the file's columns, less those skipped on request)
   */
  RowSchema schema();

  /**
   * Reads the next rows. The batch and its vectors are the reader's own and are overwritten by the next
   * call: copy what must outlive it.
   *
   * @return the next batch (at least one row), or {@code null} after the last row
   * @throws io.delpha.sdk.core.DataFormatException if the data is corrupt or truncated
   */
  @Nullable ColumnBatch next();

  /** Releases the underlying file or stream. */
  @Override
  void close();
}
