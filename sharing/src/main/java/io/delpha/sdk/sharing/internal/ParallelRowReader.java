package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The row view of {@link ParallelBatchReader}: the rows of many data files, downloaded ahead, decoded, made into
 * rows and filtered by its decoders, handed out here one by one. Rows of one file stay in file order, files
 * interleave. The limit counts rows that pass the filter. Not thread-safe (one consumer).
 */
public final class ParallelRowReader implements RowReader {

  private final ParallelBatchReader batches;
  private final @Nullable Long limit;
  private final String table;

  private Row @Nullable [] chunk;
  private int position;
  private long emitted;
  private boolean done;

  /**
   * @param schema the rows' schema
   * @param files the files to read
   * @param constants per file, values of columns that are not in the file
   * @param opener downloads and opens one file
   * @param parallelism files downloading at once (held: twice that many)
   * @param filter rows to keep, may be {@code null}; tested by the workers
   * @param limit the most rows, may be {@code null}
   * @param table the table, for messages
   */
  public ParallelRowReader(RowSchema schema, List<FileAction> files, Map<FileAction, Map<String, Object>> constants,
      FileOpener opener, int parallelism, @Nullable Filter filter, @Nullable Long limit,
      String table) {
    this(schema, FileSource.of(files), f -> constants.getOrDefault(f, Map.of()), opener, parallelism, filter, limit,
        table);
  }

  /**
   * A read of the files of a source, taken as the read reaches them.
   *
   * @param schema the rows' schema
   * @param files where the files come from
   * @param constants per file, values of columns that are not in the file
   * @param opener downloads and opens one file
   * @param parallelism files downloading at once (held: twice that many)
   * @param filter rows to keep, may be {@code null}
   * @param limit the most rows, may be {@code null}
   * @param table the table, for messages
   */
  public ParallelRowReader(RowSchema schema, FileSource files, Function<FileAction, Map<String, Object>> constants,
      FileOpener opener, int parallelism, @Nullable Filter filter, @Nullable Long limit,
      String table) {
    // a limit of 0 starts no download; any other is counted here, on rows that passed the filter
    this.batches = new ParallelBatchReader(schema, files, constants, opener, parallelism, filter, limit, true, table);
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
    if (done) {
      return false;
    }
    if (limit != null && emitted >= limit) {
      close();
      return false;
    }
    if (chunk == null || position == chunk.length) {
      chunk = batches.nextRows();
      position = 0;
      if (chunk == null) {
        close();
        return false;
      }
    }
    return true;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + table);
    }
    emitted++;
    return Objects.requireNonNull(chunk, "hasNext() holds a chunk")[position++];
  }

  @Override
  public void close() {
    done = true;
    chunk = null;
    batches.close();
  }

  @Override
  public String toString() {
    return "RowReader[" + table + "]";
  }
}
