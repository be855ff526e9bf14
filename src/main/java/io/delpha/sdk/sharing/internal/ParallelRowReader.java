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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The rows of many data files, downloaded, decoded, mapped to the table's schema and filtered by a
 * bounded pool of workers, and handed to the one consumer in chunks. Decoding overlaps the transfer of
 * the next files and runs on as many cores as there are workers; the consumer only iterates.
 *
 * <p>Rows of one file stay in file order, but chunks of different files interleave: a table's rows have
 * no order in Delta Sharing. Bounds: at most {@code parallelism} files are on local disk (a worker
 * deletes its spool file when it has read it), each worker holds one row group and one chunk, and at
 * most {@code 2 x parallelism} chunks of {@value #CHUNK} rows wait for the consumer. The limit is
 * applied by the consumer. Not thread-safe (one consumer).
 */
public final class ParallelRowReader implements RowReader {

  /** Rows per chunk handed from a worker to the consumer. */
  static final int CHUNK = 1024;

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final RowSchema schema;
  private final int fileCount;
  private final Function<FileAction, RowReader> opener;
  private final Map<FileAction, Map<String, Object>> constants;
  private final Filter filter;
  private final Long limit;
  private final String table;
  private final ExecutorService pool;
  private final BlockingQueue<Chunk> ready;

  private int filesDone;
  private Row[] rows = new Row[0];
  private int rowsInChunk;
  private int position;
  private long emitted;
  private volatile boolean closed;

  /** Rows of one file, the end of a file ({@code last}), or a failure. */
  private record Chunk(Row[] rows, int count, boolean last, RuntimeException error) {}

  /**
   * @param schema the rows' schema
   * @param files the files to read
   * @param constants per file, values of columns that are not in the file (partition values, change data
   *     feed columns)
   * @param opener downloads and opens one file
   * @param parallelism concurrent downloads (and decoders)
   * @param filter rows to keep, may be {@code null}; must be safe to test from several threads
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
    this.ready = new ArrayBlockingQueue<>(2 * threads);
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
      pool.execute(() -> readFile(file));
    }
    pool.shutdown(); // no new tasks; the submitted ones still run
  }

  /** A worker's whole job for one file: download, decode, map, filter, hand over in chunks. */
  private void readFile(FileAction file) {
    if (closed || Thread.currentThread().isInterrupted()) {
      return;
    }
    String name = table + " file " + file.id();
    try (RowReader reader = opener.apply(file)) {
      FileMapping mapping = new FileMapping(reader.schema(), constants.getOrDefault(file, Map.of()), name);
      Row[] chunk = new Row[CHUNK];
      int n = 0;
      while (reader.hasNext()) {
        if (closed) {
          return;
        }
        Row row = mapping.map(reader.next());
        if (filter == null || filter.test(row)) {
          chunk[n++] = row;
          if (n == CHUNK) {
            if (!hand(new Chunk(chunk, n, false, null))) {
              return;
            }
            chunk = new Row[CHUNK];
            n = 0;
          }
        }
      }
      hand(new Chunk(chunk, n, true, null));
    } catch (RuntimeException e) {
      hand(new Chunk(null, 0, true, e));
    }
  }

  /** @return whether the chunk was handed over; {@code false} once the consumer closed */
  private boolean hand(Chunk chunk) {
    try {
      while (!closed) {
        if (ready.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
          if (closed) {
            ready.clear();
          }
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  @Override
  public RowSchema schema() {
    return schema;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      return false;
    }
    if (limit != null && emitted >= limit) {
      close();
      return false;
    }
    while (position == rowsInChunk) {
      if (!advance()) {
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
    Row row = rows[position];
    rows[position++] = null;
    emitted++;
    return row;
  }

  private boolean advance() {
    while (filesDone < fileCount) {
      Chunk next;
      try {
        next = ready.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new ServiceUnavailableException("interrupted while waiting for the files of " + table, e);
      }
      if (next.error != null) {
        close();
        throw next.error;
      }
      if (next.last) {
        filesDone++;
      }
      if (next.count > 0) {
        rows = next.rows;
        rowsInChunk = next.count;
        position = 0;
        return true;
      }
    }
    return false;
  }

  /** Maps the rows of one file to the table's schema: its columns by name, its constants, coerced. */
  private final class FileMapping {
    private final int[] fileIndex = new int[schema.size()];
    private final Object[] fileConstants = new Object[schema.size()];
    /** Whether the file's column has the table column's type, so its values pass unchanged. */
    private final boolean[] sameType = new boolean[schema.size()];
    private final String name;

    FileMapping(RowSchema fileSchema, Map<String, Object> fileConstantValues, String name) {
      this.name = name;
      for (int i = 0; i < schema.size(); i++) {
        Column c = schema.column(i);
        if (fileConstantValues.containsKey(c.name())) {
          fileIndex[i] = -1;
          fileConstants[i] = fileConstantValues.get(c.name());
        } else {
          fileIndex[i] = fileSchema.indexOf(c.name()).orElse(-1);
          if (fileIndex[i] < 0 && !c.nullable()) {
            throw new DataFormatException(name + " has no column " + c.name() + ", which is not nullable");
          }
          sameType[i] = fileIndex[i] >= 0 && fileSchema.column(fileIndex[i]).type().equals(c.type());
        }
      }
    }

    Row map(Row fileRow) {
      Object[] values = new Object[fileIndex.length];
      for (int i = 0; i < values.length; i++) {
        int f = fileIndex[i];
        values[i] = f < 0 ? fileConstants[i]
            : sameType[i] ? fileRow.get(f)
            : Values.coerce(schema.column(i), fileRow.get(f), name);
      }
      try {
        return Row.of(schema, values);
      } catch (InvalidInputException e) {
        throw new DataFormatException(name + " holds a row that does not fit the table's schema: "
            + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    rows = new Row[0];
    rowsInChunk = 0;
    position = 0;
    if (!closed) {
      closed = true;
      pool.shutdownNow();
    }
    ready.clear();
  }
}
