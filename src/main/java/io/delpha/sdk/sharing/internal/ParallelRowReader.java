package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.parquet.ColumnBatch;
import io.delpha.sdk.core.parquet.ColumnBatchReader;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The row view of {@link ParallelBatchReader}: the rows of many data files, downloaded and decoded by its
 * workers, materialised here batch by batch and filtered. Rows of one file stay in file order, files
 * interleave. The filter runs here, on rows the view builds anyway; the limit counts rows that pass it.
 * Not thread-safe (one consumer).
 */
public final class ParallelRowReader implements RowReader {

  private final ParallelBatchReader batches;
  private final @Nullable Filter filter;
  private final @Nullable Long limit;
  private final String table;

  private @Nullable ColumnBatch batch;
  private int position;
  private @Nullable Row next;
  private long emitted;
  private boolean done;

  /**
   * @param schema the rows' schema
   * @param files the files to read
   * @param constants per file, values of columns that are not in the file
   * @param opener downloads and opens one file
   * @param parallelism concurrent downloads (and decoders)
   * @param filter rows to keep, may be {@code null}
   * @param limit the most rows, may be {@code null}
   * @param table the table, for messages
   */
  public ParallelRowReader(RowSchema schema, List<FileAction> files, Map<FileAction, Map<String, Object>> constants,
      Function<FileAction, ColumnBatchReader> opener, int parallelism, @Nullable Filter filter, @Nullable Long limit,
      String table) {
    // with a filter, the limit is counted here, after it; without one the batch reader stops early
    this.batches = new ParallelBatchReader(schema, files, constants, opener, parallelism, null,
        filter == null ? limit : null, table);
    this.filter = filter;
    this.limit = limit;
    this.table = table;
    this.done = limit != null && limit == 0;
  }

  @Override
  public RowSchema schema() {
    return batches.schema();
  }

  @Override
  public boolean hasNext() {
    while (next == null && !done) {
      if (limit != null && emitted >= limit) {
        close();
        return false;
      }
      if (batch == null || position == batch.rowCount()) {
        batch = batches.next();
        position = 0;
        if (batch == null) {
          close();
          return false;
        }
      }
      Row row = batch.row(position++);
      if (filter == null || filter.test(row)) {
        next = row;
      }
    }
    return next != null;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + table);
    }
    Row row = next;
    next = null;
    emitted++;
    return row;
  }

  @Override
  public void close() {
    done = true;
    next = null;
    batch = null;
    batches.close();
  }
}
