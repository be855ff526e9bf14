package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.TextTable;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.Filter;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of many data files in the table's schema, downloaded and decoded in a pipeline of two bounded pools
 * while the one consumer works on earlier batches. Downloaders fetch files ahead (in the read's {@link
 * DownloadSpace}, in memory or spooled) and queue them; decoders, one per core at most, decode the queued files. So
 * one file's download overlaps another's decode instead of every worker downloading, then decoding, in step with
 * the others (which left the cores idle during the downloads and the network idle during the decodes), and the
 * decode runs on every core. A downloaded file waits (is parked) until its downloader's next request is answered,
 * at most {@value #PARK_MILLIS} ms, or until that downloader has no next file: so the decode does not take the
 * cores at the moment the connection's next request has to go out (on two cores it did, and every connection lost
 * a few milliseconds between its files). A read with a limit hands its files over at once (its first rows matter
 * more than its pace). A file the opener hands out while it still arrives ({@link FileOpener#open(FileAction,
 * Runnable, java.util.function.Consumer)}: every file for batches; for the row view, only the last round, the files
 * claimed when fewer than the connections are left, since rows made of a whole row group's batch cost more than
 * the decode saves until nothing else is left to overlap) goes to the decoders at once, and is taken first: its
 * decoder follows its bytes, so there is a decoder per connection, and files downloaded whole are decoded by at most
 * one per core. A downloader whose next file is of the last round parks nothing: the last decodes would pile up
 * behind the parked files at the read's end. Nothing is copied on the way: a decoder hands the consumer the very
 * vectors its file reader decoded into (mapped by {@link TableBatches}) and decodes that file's next row group only
 * once the consumer has moved past the batch; each file reader reuses its buffers from batch to batch.
 *
 * <p>For the row view ({@link #nextRows()}), the decoders also make the rows (and apply the filter), at most {@value
 * #ROW_SLICE} at a time, so that this work too runs on every core rather than on the one consumer; a decoder then
 * need not wait for the consumer.
 *
 * <p>Batches of one file stay in file order; batches of different files interleave (a table's rows have no
 * order in Delta Sharing). Bounds: at most {@code parallelism} files downloading at once (connections), and at most
 * twice that many held at once, downloading, parked, waiting for a decoder or being decoded (a file's
 * array or spool file is given back when its decoder has read it), so a connection is free again once its file is
 * downloaded, not once it is decoded; one decoded
 * row group per decoder; for the row view at most {@code 2 * parallelism} batches' rows waiting for the consumer. A
 * filter is applied in the decoders (matching rows are compacted into a batch of the decoder's own); the limit is
 * applied by the consumer. Not thread-safe (one consumer).
 *
 * <p>Failures: whatever ends a worker's file, an exception or an {@link Error} (a {@link StackOverflowError}, an
 * {@link OutOfMemoryError}, ...), in its download or its decode, ends the read: the consumer's next call throws it
 * as a {@link DelphaException} (the {@code Error} as its cause, see {@link Workers}) and both pools are shut down,
 * their workers interrupted, and every downloaded file not yet decoded is given back (its spool file deleted). A
 * worker that dies without handing its failure over still ends the consumer's wait once every worker has ended.
 */
public final class ParallelBatchReader implements ColumnBatchReader {

  private static final Logger LOG = LoggerFactory.getLogger(ParallelBatchReader.class);
  private static final AtomicInteger POOLS = new AtomicInteger();
  /** How long a waiting worker sleeps before it looks again whether the read was closed. */
  private static final long POLL_MILLIS = 100;
  /** The longest a downloaded file stays parked when its downloader's next request goes unanswered. */
  static final long PARK_MILLIS = 50;
  /** The most rows made and handed to the row view's consumer at once. */
  static final int ROW_SLICE = 16_384;

  private final RowSchema schema;
  private final FileSource files;
  private final FileOpener opener;
  private final Function<FileAction, Map<String, Object>> constants;
  private final @Nullable Filter filter;
  private final @Nullable Long limit;
  private final boolean rows;
  private final String table;
  private final ExecutorService downloads;
  /** The connections: files downloading at once. */
  private final int slots;
  private final ExecutorService decoders;
  /**
   * Files held at once, {@link #filesHeld twice} the connections: a downloader takes a permit before it downloads
   * (and, while its last file is parked, gives that file to the decoders when it finds none), a decoder gives it
   * back when done.
   */
  private final Semaphore held;
  /** Files downloaded whole being decoded at once: at most one per core (see {@link #decoders}). */
  private final Semaphore wholeDecodes;
  /** Serialises the downloaders' calls of {@link FileSource#next()}. */
  private final Object sourceLock = new Object();
  /** How many files the source handed out; final once {@link #sourceDone}. */
  private volatile int claimed;
  /** Whether the source handed out its last file. */
  private volatile boolean sourceDone;
  /** Downloaders still running: once none is, nothing more comes to {@link #downloaded}. */
  private final AtomicInteger downloadersRunning = new AtomicInteger();
  /** Downloaded files waiting for a decoder; guarded by itself against {@link #close()}. */
  private final ArrayDeque<Downloaded> downloaded = new ArrayDeque<>();
  /**
   * Downloaded files parked until their downloader's next request is answered, oldest first; guarded by {@link
   * #downloaded}. A decoder with nothing else to do takes one once it has waited {@link #PARK_MILLIS}.
   */
  private final ArrayDeque<Parked> parked = new ArrayDeque<>();
  /** Whether downloaded files go to the decoders at once rather than parked (a read with a limit). */
  private final boolean atOnce;
  private final BlockingQueue<Handoff> ready;

  private int filesDone;
  private long emitted;
  private @Nullable Handoff current;
  private volatile boolean closed;

  /**
   * One batch handed to the consumer (its decoder waits on {@code released} before it reuses the vectors), the
   * rows made of one (theirs for good), the end of a file ({@code last}), or a failure.
   */
  private record Handoff(@Nullable ColumnBatch batch, Row @Nullable [] rows, boolean last,
      @Nullable DelphaException error, @Nullable Semaphore released) {}

  /** A downloaded file, opened (its reader holds the file's array or spool file), or why it could not be. */
  private record Downloaded(FileAction file, @Nullable ColumnBatchReader reader, @Nullable DelphaException error,
      boolean arriving) {

    Downloaded(FileAction file, @Nullable ColumnBatchReader reader, @Nullable DelphaException error) {
      this(file, reader, error, false);
    }
  }

  /** A file the source handed out, and whether fewer files than the connections are left after it. */
  private record Claimed(FileAction file, boolean lastRound) {}

  /** A parked file and when a decoder may take it anyway ({@link System#nanoTime()}). */
  private record Parked(Downloaded file, long until) {}

  /**
   * @param schema the table's schema
   * @param files the files to read
   * @param constants per file, values of columns that are not in the file (partition values, change data
   *     feed columns)
   * @param opener downloads and opens one file
   * @param parallelism files downloading at once (held: twice that many); files downloaded whole are decoded by as
   *     many decoders as the cores, at most one fewer than this (so that a download goes on while they decode), at
   *     least one; there is a decoder per connection besides, for files handed out while they arrive
   * @param filter rows to keep, may be {@code null}; must be safe to test from several threads
   * @param limit the most rows, may be {@code null}; for batches only
   * @param rows whether the consumer reads rows ({@link #nextRows()}) rather than batches
   * @param table the table, for messages
   */
  public ParallelBatchReader(RowSchema schema, List<FileAction> files, Map<FileAction, Map<String, Object>> constants,
      FileOpener opener, int parallelism, @Nullable Filter filter, @Nullable Long limit,
      boolean rows, String table) {
    this(schema, FileSource.of(files), f -> constants.getOrDefault(f, Map.of()), opener, parallelism, filter, limit,
        rows, table);
  }

  /**
   * A read of the files of a source, taken as the downloaders reach them (a paged query's pages are fetched as the
   * read goes, so only the files of the page being read are held, beside those downloading or decoding).
   *
   * @param schema the table's schema
   * @param files where the files come from; a failure to get the next ends the read with it
   * @param constants per file, values of columns that are not in the file
   * @param opener downloads and opens one file
   * @param parallelism files downloading at once (held: twice that many)
   * @param filter rows to keep, may be {@code null}
   * @param limit the most rows, may be {@code null}: for batches, counted here; for rows, only whether there is
   *     one (the consumer counts), and 0 starts nothing
   * @param rows whether the consumer reads rows rather than batches
   * @param table the table, for messages
   */
  public ParallelBatchReader(RowSchema schema, FileSource files, Function<FileAction, Map<String, Object>> constants,
      FileOpener opener, int parallelism, @Nullable Filter filter, @Nullable Long limit,
      boolean rows, String table) {
    this.schema = schema;
    this.files = files;
    this.opener = opener;
    this.constants = constants;
    this.filter = filter;
    this.limit = limit; // the row view never counts emitted rows here: a limit of 0 only stops it
    this.atOnce = limit != null;
    this.rows = rows;
    this.table = table;
    int slots = Math.max(1, Math.min(parallelism, Math.max(1, files.sizeHint())));
    this.slots = slots;
    // a decoder per connection, since a file handed out while it arrives holds its decoder until its last byte; files
    // downloaded whole are decoded by at most one per core (one fewer than the connections)
    int decoderCount = Math.max(slots, decoders(slots));
    this.wholeDecodes = new Semaphore(decoders(slots));
    // a download's connection is free once its file is downloaded: a file parked, waiting for a decoder or being
    // decoded holds its space, not a connection, so the downloads go on while files wait and decode; twice the
    // connections, so that each may park its last file while it downloads the next (one per connection more did no
    // better on two cores, one fewer than that lost what parking gains)
    this.held = new Semaphore(filesHeld(slots));
    this.ready = new ArrayBlockingQueue<>(2 * slots);
    int poolId = POOLS.incrementAndGet();
    this.downloads = Executors.newFixedThreadPool(slots, threads("delta-sharing-download-" + poolId + "-"));
    this.decoders = Executors.newFixedThreadPool(decoderCount,
        threads("delta-sharing-download-" + poolId + "-decoder-"));
    if (limit != null && limit == 0) {
      closed = true;
      downloads.shutdownNow();
      decoders.shutdownNow();
      return;
    }
    downloadersRunning.set(slots);
    for (int i = 0; i < slots; i++) {
      downloads.execute(this::download);
    }
    for (int i = 0; i < decoderCount; i++) {
      decoders.execute(this::decode);
    }
    downloads.shutdown(); // no new tasks; the submitted ones still run
    decoders.shutdown();
  }

  /** @return the decoders of a read of {@code slots} connections: one per core, at most one fewer, at least one */
  private static int decoders(int slots) {
    return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), slots - 1));
  }

  /**
   * @param parallelism the read's connections
   * @return the most files a read of that parallelism holds at once (downloading, parked, waiting or decoding):
   *     twice as many, at least the connections plus the decoders; the arrays worth keeping for reuse in its {@link
   *     DownloadSpace}
   */
  public static int filesHeld(int parallelism) {
    return 2 * Math.max(1, parallelism);
  }

  /** Daemon threads named {@code prefix} and a number (every one of a read's starts "delta-sharing-download-"). */
  private static ThreadFactory threads(String prefix) {
    AtomicInteger threadId = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + threadId.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * A downloader's job: take a permit, then the next file; download and open it; park it until the next file's
   * request is answered (or queue it at once, see {@link #atOnce}).
   */
  private void download() {
    Downloaded previous = null; // this downloader's last file, parked
    try {
      while (!closed) {
        if (previous == null || !held.tryAcquire()) {
          // no permit while the last file is parked: it goes to the decoders now, whose work frees permits
          unpark(previous);
          previous = null;
          if (!acquire(held)) {
            return;
          }
        }
        Claimed claimed;
        try {
          claimed = nextFile();
        } catch (RuntimeException | Error e) {
          held.release();
          hand(new Handoff(null, null, true, Workers.failure(e, "reading the files of " + table), null));
          return;
        }
        if (claimed == null) {
          held.release();
          unpark(previous);
          previous = null;
          hand(new Handoff(null, null, false, null, null)); // wakes the consumer: the count of files is known
          return;
        }
        FileAction file = claimed.file();
        Downloaded last = previous;
        previous = null;
        if (claimed.lastRound()) {
          // the last round's decodes would pile up behind the parked files at the read's end
          unpark(last);
        }
        Downloaded done;
        try {
          // a file handed out while it arrives goes to the decoders at once: its decode follows its bytes (the row
          // view reads files whole but for its last round: its rows, made of a whole row group's batch, cost more than
          // the decode saves while other files' decodes are left to overlap with the downloads)
          ColumnBatchReader whole = rows && !claimed.lastRound() ? opener.open(file, () -> unpark(last))
              : opener.open(file, () -> unpark(last), early -> {
                unpark(last);
                queue(new Downloaded(file, early, null, true), false);
              });
          done = whole == null ? null : new Downloaded(file, whole, null);
        } catch (RuntimeException | Error e) {
          done = new Downloaded(file, null, Workers.failure(e, "reading " + table + " " + file.label()));
        } finally {
          unpark(last);
          files.done(file);
        }
        if (done == null) {
          continue; // handed out while it arrived, and now downloaded
        }
        boolean park = !atOnce && done.error() == null;
        if (!queue(done, park) || done.error() != null) {
          return;
        }
        if (park) {
          previous = done;
        }
      }
    } finally {
      unpark(previous);
      downloadersRunning.decrementAndGet();
      synchronized (downloaded) {
        downloaded.notifyAll();
      }
    }
  }

  /** @return the source's next file, {@code null} after its last; counted in {@link #claimed} */
  private @Nullable Claimed nextFile() {
    synchronized (sourceLock) {
      if (sourceDone) {
        return null;
      }
      FileAction f = files.next();
      if (f == null) {
        sourceDone = true;
        return null;
      }
      claimed++;
      return new Claimed(f, files.left() < slots);
    }
  }

  /** Hands a parked file to the decoders, if it is still parked; nothing for {@code null}. */
  private void unpark(@Nullable Downloaded file) {
    if (file == null) {
      return;
    }
    synchronized (downloaded) {
      if (parked.removeIf(p -> p.file() == file)) {
        downloaded.add(file);
        downloaded.notifyAll();
      }
    }
  }

  /**
   * Queues a downloaded file for a decoder, or parks it until {@link #unpark} or {@link #PARK_MILLIS}.
   *
   * @return whether it was queued or parked; {@code false} once the consumer closed (the file is closed)
   */
  private boolean queue(Downloaded file, boolean park) {
    synchronized (downloaded) {
      if (!closed) {
        if (park) {
          parked.add(new Parked(file, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PARK_MILLIS)));
        } else {
          downloaded.add(file);
        }
        downloaded.notifyAll(); // for a parked file, a decoder with nothing to do waits for its time
        return true;
      }
    }
    closeQuietly(file.reader());
    return false;
  }

  /** A decoder's job: the next downloaded file, read through, given back, until every file is taken. */
  private void decode() {
    while (!closed) {
      Downloaded file = nextDownloaded();
      if (file == null) {
        return;
      }
      boolean whole = !file.arriving();
      try {
        if (whole && !acquire(wholeDecodes)) {
          closeQuietly(file.reader());
          return;
        }
        try {
          readFile(file);
        } finally {
          if (whole) {
            wholeDecodes.release();
          }
        }
      } finally {
        held.release();
      }
    }
  }

  /**
   * @return the next downloaded file, now this decoder's to close; {@code null} once the consumer closed or the
   *     downloaders all ended with nothing queued (one died: the consumer learns it from {@link Workers#take})
   */
  private @Nullable Downloaded nextDownloaded() {
    synchronized (downloaded) {
      try {
        while (!closed) {
          Downloaded next = null;
          for (Iterator<Downloaded> it = downloaded.iterator(); it.hasNext(); ) {
            Downloaded d = it.next();
            if (d.arriving()) { // first: its decode keeps pace with its bytes, which go on arriving
              it.remove();
              next = d;
              break;
            }
          }
          if (next == null) {
            next = downloaded.poll();
          }
          if (next != null) {
            return next;
          }
          Parked oldest = parked.peek();
          long wait = POLL_MILLIS;
          if (oldest != null) {
            long left = oldest.until() - System.nanoTime();
            if (left <= 0) {
              parked.poll();
              return oldest.file();
            }
            wait = Math.max(1, Math.min(wait, TimeUnit.NANOSECONDS.toMillis(left)));
          } else if (downloadersRunning.get() == 0) {
            return null;
          }
          downloaded.wait(wait);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }
  }

  /** A decoder's work on one file: decode, map, filter, hand over batch by batch; closes the file's reader. */
  private void readFile(Downloaded file) {
    DelphaException failed = file.error();
    ColumnBatchReader reader = file.reader();
    if (failed != null || reader == null) {
      hand(new Handoff(null, null, true, failed != null ? failed
          : new DelphaException("reading " + table + " " + file.file().label() + " failed: no reader"), null));
      return;
    }
    String name = table + " " + file.file().label();
    Semaphore released = new Semaphore(0);
    TableBatches mapped;
    try {
      Map<String, Object> values;
      try {
        values = constants.apply(file.file());
      } catch (RuntimeException | Error e) {
        closeQuietly(reader);
        throw e;
      }
      mapped = new TableBatches(schema, reader, values, name); // which closes the reader if it throws
    } catch (RuntimeException | Error e) {
      hand(new Handoff(null, null, true, Workers.failure(e, "reading " + name), null));
      return;
    }
    try (TableBatches batches = mapped) {
      ColumnBatch.Appender compacted = filter == null || rows ? null : ColumnBatch.appender(schema);
      for (ColumnBatch batch = batches.next(); batch != null; batch = batches.next()) {
        if (closed) {
          return;
        }
        if (rows) {
          int n = batch.rowCount();
          for (int from = 0; from < n; from += ROW_SLICE) {
            Row[] made = rowsOf(batch, from, Math.min(n, from + ROW_SLICE));
            if (made.length > 0 && !hand(new Handoff(null, made, false, null, null))) {
              return;
            }
          }
          continue;
        }
        ColumnBatch out = batch;
        if (compacted != null) {
          compacted.clear();
          Filter keep = Objects.requireNonNull(filter, "rows are compacted only under a filter");
          for (Row row : batch.rows()) {
            if (keep.test(row)) {
              compacted.appendRow(row);
            }
          }
          out = compacted.batch();
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

  /**
   * @return the rows of the batch that pass the filter, in order: made column by column ({@link ColumnBatch#rows()},
   *     primitives kept as such), not value by value
   */
  private Row[] rowsOf(ColumnBatch batch, int from, int to) {
    Row[] made = batch.rows(from, to);
    if (filter == null) {
      return made;
    }
    int kept = 0;
    for (Row row : made) {
      if (filter.test(row)) {
        made[kept++] = row;
      }
    }
    return kept == made.length ? made : Arrays.copyOf(made, kept);
  }

  /** @return whether a permit was taken; {@code false} once the consumer closed */
  private boolean acquire(Semaphore permits) {
    try {
      while (!closed) {
        if (permits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
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
      batch.truncate((int) (limit - emitted));
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
    while (!(sourceDone && filesDone == claimed)) {
      Handoff next;
      try {
        next = Workers.take(ready, () -> downloads.isTerminated() && decoders.isTerminated(), "reading " + table);
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
      if (next.batch() == null && next.rows() == null) {
        continue; // a downloader found the source's end: look again whether every file is done
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

  /**
   * Ends the read: both pools are shut down, their workers interrupted, and the downloaded files no decoder took
   * are given back at once (arrays to the read's space, spool files deleted); a file a worker holds is given back
   * by that worker as it stops.
   */
  @Override
  public void close() {
    release();
    List<Downloaded> left = new ArrayList<>();
    synchronized (downloaded) {
      closed = true;
      left.addAll(downloaded);
      parked.forEach(p -> left.add(p.file()));
      downloaded.clear();
      parked.clear();
      downloaded.notifyAll();
    }
    downloads.shutdownNow();
    decoders.shutdownNow();
    files.close();
    for (Downloaded file : left) {
      closeQuietly(file.reader());
    }
    ready.clear();
  }

  private static void closeQuietly(@Nullable ColumnBatchReader reader) {
    if (reader != null) {
      try {
        reader.close();
      } catch (RuntimeException e) {
        LOG.debug("closing a downloaded file after the read closed failed: {}", e.getClass().getName());
      }
    }
  }

  @Override
  public String toString() {
    return "ColumnBatchReader[" + table + ", " + TextTable.count(claimed, "file") + (sourceDone ? "" : " so far") + "]";
  }
}
