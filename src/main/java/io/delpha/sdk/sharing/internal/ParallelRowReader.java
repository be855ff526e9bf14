package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.parquet.Column;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The rows of many data files, downloaded by a bounded pool and read in the order downloads finish.
 * At most {@code parallelism} downloads run and at most {@code parallelism} downloaded files wait to be
 * read, so memory holds one row group at a time and local disk at most {@code 2 x parallelism + 1}
 * files, however large the table. The filter and limit are applied here. Not thread-safe (one consumer).
 */
public final class ParallelRowReader implements RowReader {

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final RowSchema schema;
  private final int fileCount;
  private final Function<FileAction, RowReader> opener;
  private final Map<FileAction, Map<String, Object>> constants;
  private final Filter filter;
  private final Long limit;
  private final String table;
  private final ExecutorService pool;
  private final BlockingQueue<Ready> ready;

  private int filesTaken;
  private RowReader current;
  private int[] fileIndex;
  private Object[] fileConstants;
  private String currentName;
  private Row buffered;
  private long emitted;
  private volatile boolean closed;

  private record Ready(FileAction file, RowReader reader, RuntimeException error) {}

  /**
   * @param schema the rows' schema
   * @param files the files to read
   * @param constants per file, values of columns that are not in the file (partition values, change data
   *     feed columns)
   * @param opener downloads and opens one file
   * @param parallelism concurrent downloads
   * @param filter rows to keep, may be {@code null}
   * @param limit the most rows, may be {@code null}
   * @param table the table, for messages
   */
  public ParallelRowReader(RowSchema schema, List<FileAction> files, Map<FileAction, Map<String, Object>> constants,
      Function<FileAction, RowReader> opener, int parallelism, Filter filter, Long limit, String table) {
    this.schema = schema;
    this.fileCount = files.size();
    this.opener = opener;
    this.constants = constants;
    this.filter = filter;
    this.limit = limit;
    this.table = table;
    int threads = Math.max(1, Math.min(parallelism, Math.max(1, files.size())));
    this.ready = new ArrayBlockingQueue<>(threads);
    int poolId = POOLS.incrementAndGet();
    AtomicInteger threadId = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, "delta-sharing-download-" + poolId + "-" + threadId.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    this.pool = Executors.newFixedThreadPool(threads, factory);
    if (limit != null && limit == 0) {
      closed = true;
      pool.shutdownNow();
      return;
    }
    for (FileAction file : files) {
      pool.execute(() -> download(file));
    }
    pool.shutdown(); // no new tasks; the submitted ones still run
  }

  private void download(FileAction file) {
    if (Thread.currentThread().isInterrupted()) {
      return;
    }
    Ready result;
    try {
      result = new Ready(file, opener.apply(file), null);
    } catch (RuntimeException e) {
      result = new Ready(file, null, e);
    }
    try {
      if (!closed) {
        ready.put(result);
      } else if (result.reader != null) {
        result.reader.close();
      }
    } catch (InterruptedException e) {
      if (result.reader != null) {
        result.reader.close(); // the consumer closed: free the spool file
      }
      Thread.currentThread().interrupt();
    }
    if (closed) {
      drain(); // the consumer closed while this file was queued
    }
  }

  private void drain() {
    Ready r;
    while ((r = ready.poll()) != null) {
      if (r.reader != null) {
        r.reader.close();
      }
    }
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public boolean hasNext() {
    while (buffered == null && !closed) {
      if (limit != null && emitted >= limit) {
        close();
        return false;
      }
      if (current != null && current.hasNext()) {
        Row row = map(current.next());
        if (filter == null || filter.test(row)) {
          buffered = row;
        }
      } else if (!advance()) {
        close();
      }
    }
    return buffered != null;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + table);
    }
    Row row = buffered;
    buffered = null;
    emitted++;
    return row;
  }

  private boolean advance() {
    if (current != null) {
      current.close();
      current = null;
    }
    if (filesTaken == fileCount) {
      return false;
    }
    Ready next;
    try {
      next = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new ServiceUnavailableException("interrupted while waiting for the files of " + table, e);
    }
    filesTaken++;
    if (next.error != null) {
      close();
      throw next.error;
    }
    current = next.reader;
    currentName = table + " file " + next.file.id();
    bind(current.schema(), constants.getOrDefault(next.file, Map.of()));
    return true;
  }

  /** Maps each column of the rows to a column of the file or to a constant of the file. */
  private void bind(RowSchema fileSchema, Map<String, Object> fileConstantValues) {
    fileIndex = new int[schema.size()];
    fileConstants = new Object[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      Column c = schema.column(i);
      if (fileConstantValues.containsKey(c.name())) {
        fileIndex[i] = -1;
        fileConstants[i] = fileConstantValues.get(c.name());
      } else {
        fileIndex[i] = fileSchema.indexOf(c.name()).orElse(-1);
        if (fileIndex[i] < 0 && !c.nullable()) {
          close();
          throw new DataFormatException(currentName + " has no column " + c.name() + ", which is not nullable");
        }
      }
    }
  }

  private Row map(Row fileRow) {
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = fileIndex[i] >= 0
          ? Values.coerce(schema.column(i), fileRow.get(fileIndex[i]), currentName)
          : fileConstants[i];
    }
    try {
      return Row.of(schema, values);
    } catch (InvalidInputException e) {
      close();
      throw new DataFormatException(currentName + " holds a row that does not fit the table's schema: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    if (current != null) {
      current.close();
      current = null;
    }
    if (!closed) {
      closed = true;
      pool.shutdownNow();
    }
    drain();
  }
}
