package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnVector;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The batches of many data files in the table's schema, downloaded and decoded by a bounded pool of workers
 * while the one consumer works on earlier batches. Nothing is copied on the way: a worker hands the consumer
 * the very vectors its file reader decoded into (mapped by {@link TableBatches}) and decodes that file's next
 * row group only once the consumer has moved past the batch. So decoding overlaps the transfer of the next
 * files and runs on as many cores as there are workers, and each worker reuses its buffers from batch to batch.
 *
 * <p>For the row view ({@link #nextRows()}), the workers also make the rows (and apply the filter), so that this
 * work too runs on every core rather than on the one consumer; a worker then need not wait for the consumer.
 *
 * <p>Batches of one file stay in file order; batches of different files interleave (a table's rows have no
 * order in Delta Sharing). Bounds: at most {@code parallelism} files downloaded (in the read's {@link
 * DownloadSpace}, in memory or spooled; a worker gives its file back when it has read it), one decoded row group
 * per worker, and for the row view at most {@code 2 * parallelism} batches' rows waiting for the consumer. A
 * filter is applied in the workers (matching rows are compacted into a batch of the worker's own); the limit is
 * applied by the consumer. Not thread-safe (one consumer).
 *
 * <p>Failures: whatever ends a worker's file, an exception or an {@link Error} (a {@link StackOverflowError}, an
 * {@link OutOfMemoryError}, ...), ends the read: the consumer's next call throws it as a {@link DelphaException}
 * (the {@code Error} as its cause, see {@link Workers}) and the pool is shut down, its workers interrupted. A worker
 * that dies without handing its failure over still ends the consumer's wait once every worker has ended.
 */
public final class ParallelBatchReader implements ColumnBatchReader {

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final RowSchema schema;
  private final int fileCount;
  private final Function<FileAction, ColumnBatchReader> opener;
  private final Map<FileAction, Map<String, Object>> constants;
  private final @Nullable Filter filter;
  private final @Nullable Long limit;
  private final boolean rows;
  private final String table;
  private final ExecutorService pool;
  private final BlockingQueue<Handoff> ready;

  private int filesDone;
  private long emitted;
  private @Nullable Handoff current;
  private volatile boolean closed;

  /**
   * One batch handed to the consumer (its worker waits on {@code released} before it reuses the vectors), the
   * rows made of one (theirs for good), the end of a file ({@code last}), or a failure.
   */
  private record Handoff(@Nullable ColumnBatch batch, Row @Nullable [] rows, boolean last,
      @Nullable DelphaException error, @Nullable Semaphore released) {}

  /**
   * @param schema the table's schema
   * @param files the files to read
   * @param constants per file, values of columns that are not in the file (partition values, change data
   *     feed columns)
   * @param opener downloads and opens one file
   * @param parallelism concurrent downloads (and decoders)
   * @param filter rows to keep, may be {@code null}; must be safe to test from several threads
   * @param limit the most rows, may be {@code null}; for batches only
   * @param rows whether the consumer reads rows ({@link #nextRows()}) rather than batches
   * @param table the table, for messages
   */
  public ParallelBatchReader(RowSchema schema, List<FileAction> files, Map<FileAction, Map<String, Object>> constants,
      Function<FileAction, ColumnBatchReader> opener, int parallelism, @Nullable Filter filter, @Nullable Long limit,
      boolean rows, String table) {
    this.schema = schema;
    this.fileCount = files.size();
    this.opener = opener;
    this.constants = constants;
    this.filter = filter;
    this.limit = limit;
    this.rows = rows;
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

  /** A worker's whole job for one file: download, decode, map, filter, hand over batch by batch. */
  private void readFile(FileAction file) {
    if (closed || Thread.currentThread().isInterrupted()) {
      return;
    }
    String name = table + " file " + file.id();
    Semaphore released = new Semaphore(0);
    try (TableBatches batches = new TableBatches(schema, opener.apply(file), constants.getOrDefault(file, Map.of()),
        name)) {
      ColumnBatch compacted = filter == null || rows ? null : ColumnBatch.allocate(schema);
      for (ColumnBatch batch = batches.next(); batch != null; batch = batches.next()) {
        if (closed) {
          return;
        }
        if (rows) {
          Row[] made = rowsOf(batch);
          if (made.length > 0 && !hand(new Handoff(null, made, false, null, null))) {
            return;
          }
          continue;
        }
        ColumnBatch out = batch;
        if (compacted != null) {
          compacted.clear();
          for (int i = 0; i < batch.rowCount(); i++) {
            Row row = batch.row(i);
            if (Objects.requireNonNull(filter, "rows are compacted only under a filter").test(row)) {
              compacted.appendRow(row);
            }
          }
          out = compacted;
        }
        if (out.rowCount() > 0) {
          if (!hand(new Handoff(out, null, false, null, released)) || !awaitRelease(released)) {
            return;
          }
        }
      }
      hand(new Handoff(null, null, true, null, null));
    } catch (RuntimeException | Error e) {
      hand(new Handoff(null, null, true, Workers.failure(e, "reading " + name), null));
    }
  }

  /** @return the rows of the batch that pass the filter, in order */
  private Row[] rowsOf(ColumnBatch batch) {
    int n = batch.rowCount();
    Row[] made = new Row[n];
    int kept = 0;
    for (int i = 0; i < n; i++) {
      Row row = batch.row(i);
      if (filter == null || filter.test(row)) {
        made[kept++] = row;
      }
    }
    return kept == n ? made : Arrays.copyOf(made, kept);
  }

  /** @return whether the chunk was handed over; {@code false} once the consumer closed */
  private boolean hand(Handoff handoff) {
    try {
      while (!closed) {
        if (ready.offer(handoff, 100, TimeUnit.MILLISECONDS)) {
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

  /** @return whether the consumer moved past the batch; {@code false} once it closed */
  private boolean awaitRelease(Semaphore released) {
    try {
      while (!closed) {
        if (released.tryAcquire(100, TimeUnit.MILLISECONDS)) {
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

  /**
   * The next batch of any file. It stays valid until the next call of this method or {@link #close()}; its
   * vectors are then reused by the worker that decoded them.
   *
   * @return the next batch (at least one row), or {@code null} after the last
   * @throws io.delpha.sdk.core.DataFormatException if a file is not readable Parquet or does not fit the schema
   * @throws ServiceUnavailableException if a file cannot be downloaded
   */
  @Override
  public @Nullable ColumnBatch next() {
    if (rows) {
      throw new IllegalStateException("a reader made for rows hands out rows: nextRows()");
    }
    Handoff next = take();
    if (next == null) {
      return null;
    }
    ColumnBatch batch = Objects.requireNonNull(next.batch(), "a reader made for batches hands out batches");
    if (limit != null && emitted + batch.rowCount() > limit) {
      int keep = (int) (limit - emitted);
      for (int c = 0; c < batch.schema().size(); c++) {
        ColumnVector v = batch.column(c);
        v.truncate(keep);
      }
      batch.setRowCount(keep);
    }
    emitted += batch.rowCount();
    return batch;
  }

  /**
   * For a reader made for rows: the next rows of any file that pass the filter, made by the workers.
   *
   * @return the next rows (at least one), the caller's for good, or {@code null} after the last
   * @throws io.delpha.sdk.core.DataFormatException if a file is not readable Parquet or does not fit the schema
   * @throws ServiceUnavailableException if a file cannot be downloaded
   */
  public Row @Nullable [] nextRows() {
    if (!rows) {
      throw new IllegalStateException("a reader made for batches hands out batches: next()");
    }
    Handoff next = take();
    return next == null ? null : next.rows();
  }

  /** @return the next batch or rows handed over, or {@code null} once every file is done or the limit is reached */
  private @Nullable Handoff take() {
    release();
    if (closed) {
      return null;
    }
    if (limit != null && emitted >= limit) {
      close();
      return null;
    }
    while (filesDone < fileCount) {
      Handoff next;
      try {
        next = Workers.take(ready, pool::isTerminated, "reading " + table);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new ServiceUnavailableException("interrupted while waiting for the files of " + table, e);
      } catch (DelphaException e) {
        close();
        throw e;
      }
      if (next.error() != null) {
        close();
        throw next.error();
      }
      if (next.last()) {
        filesDone++;
        continue;
      }
      current = next;
      return next;
    }
    close();
    return null;
  }

  /** Lets the worker of the batch handed out last reuse its vectors. */
  private void release() {
    Handoff previous = current;
    current = null;
    if (previous != null && previous.released() != null) {
      previous.released().release();
    }
  }

  @Override
  public void close() {
    release();
    if (!closed) {
      closed = true;
      pool.shutdownNow();
    }
    ready.clear();
  }
}
