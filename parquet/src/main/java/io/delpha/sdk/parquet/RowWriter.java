package io.delpha.sdk.parquet;

/**
 * Writes rows of one {@link RowSchema} to a Parquet destination, buffering at most one row group in
 * memory. The destination is complete only after {@link #close()}; a writer that fails or is {@link
 * #abort() aborted} leaves nothing under the final name or key. Not thread-safe.
 *
 * <pre>{@code
 * try (RowWriter w = ParquetRows.writer(store, "t/part-0.parquet", schema, WriteOptions.defaults())) {
 *   for (Row r : rows) w.write(r);
 * }
 * }</pre>
 */
public interface RowWriter extends AutoCloseable {

  /**
   * @param row a row of the writer's schema
   * @throws io.delpha.sdk.core.InvalidInputException if the row's schema differs from the writer's
   */
  void write(Row row);

  /**
   * Writes a batch of rows held column by column: the fast path. A batch from {@link
   * ColumnBatch#appender(RowSchema)} is written as it is; any other (one read from another file, say) row by
   * row. The batch can be cleared and reused afterwards.
   *
   * @param batch rows of the writer's schema
   * @throws io.delpha.sdk.core.InvalidInputException if the batch's schema differs from the writer's, or a
   *     value cannot be written exactly
   */
  default void write(ColumnBatch batch) {
    for (int i = 0; i < batch.rowCount(); i++) {
      write(batch.row(i));
    }
  }

  /**
   * @return rows written so far
   */
  long rowCount();

  /** Discards everything written: nothing appears at the destination. */
  void abort();

  /** Finishes the file and publishes it at the destination. */
  @Override
  void close();
}
