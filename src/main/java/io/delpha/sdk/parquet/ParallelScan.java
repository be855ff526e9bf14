package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.internal.BackgroundWork;
import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ColumnBatchReader} of a read on several threads ({@link ReadOptions#threads()} above 1): the row groups
 * of the files are the units of work. Up to {@code threads} workers (threads of the shared daemon pool {@code
 * delpha-parquet-scan}) each take the next row group no worker has taken (files in order, a file's row groups in
 * order; a file's footer is read and its schema checked when the first of its row groups is taken), decode it batch
 * by batch into vectors of their own, and hand each batch as it is, not copied, to the one consumer, who takes the
 * batches in the order they are ready. A worker keeps its reader of a file for the next row group it takes there, so
 * a file is opened once per worker that reads it.
 *
 * <p>Order: the batches of one row group come in order; those of different row groups interleave.
 *
 * <p>Memory: each worker decodes into two batches of its own (one when a column is a LIST, MAP, STRUCT or VARIANT,
 * which are read into the reader's own vectors only) and decodes into one only once the consumer has moved past it:
 * at most {@code 2 * threads} decoded batches are held at once, the consumer's among them, and a worker never waits
 * for the consumer while its other batch is free.
 *
 * <p>Failures: whatever ends a worker's row group, an exception or an {@link Error} (a corrupt page, a file of
 * another schema, ...), ends the read: the consumer's next call throws it as a {@link DelphaException} naming the file
 * (a {@link io.delpha.sdk.core.DataFormatException} for bad data; the {@code Error} as the cause of a {@code
 * DelphaException}, see {@link Workers}), every worker stops and every file is closed before it returns. A consumer
 * interrupted while it waits gets a {@link ServiceUnavailableException}, the read closed and its interrupt status
 * kept. {@link #close()} stops the workers (each ends after the batch it is decoding) and waits for them to end, so
 * that afterwards no worker runs or waits for this read and every file is closed; a read never closed leaves its
 * workers parked, waiting for the consumer. A worker that dies without a word still ends the consumer's wait ({@link
 * Workers#take}). Not thread-safe (one consumer).
 */
final class ParallelScan implements ColumnBatchReader {

  /** The end of one worker's work, on {@link #ready}. */
  private static final Handoff DONE = new Handoff(null, null, null);

  /**
   * A batch for the consumer (its worker's {@code free} takes its permit back once the consumer moves past it), a
   * worker's failure, or {@link #DONE}.
   */
  private record Handoff(@Nullable ColumnBatch batch, @Nullable Semaphore free, @Nullable DelphaException error) {}

  /** One row group of one file: a unit of work. */
  private record Unit(int file, ParquetBatchReader.Footer footer, int group) {}

  private final ScanFiles files;
  /** The read, for messages. */
  private final String what;
  private final int workerCount;
  /** Batches of its own per worker: two, or one when a column is read into the reader's own vectors only. */
  private final int buffers;
  /** What the workers hand over: at most {@link #buffers} batches per worker, plus its failure and its end. */
  private final BlockingQueue<Handoff> ready = new LinkedBlockingQueue<>();
  private final List<Future<?>> workers = new ArrayList<>();
  /** Per worker, permits for its free batches. */
  private final List<Semaphore> frees = new ArrayList<>();

  /** Guards the cursor over the row groups: {@link #openIndex}, {@link #openFile}, {@link #nextGroup}. */
  private final Object cursor = new Object();
  private int openIndex = -1;
  private ParquetBatchReader.@Nullable Footer openFile;
  private int nextGroup;

  /** Set by {@link #close()}: the workers stop. */
  private volatile boolean closed;
  /** Set by a worker that failed: the others stop taking work. */
  private volatile boolean failed;
  private int workersDone;
  /** The batch handed out last, whose worker waits for it back. */
  private @Nullable Handoff current;
  /** Decoded batches handed over and not yet moved past by the consumer; the most there were at once (for tests). */
  private final AtomicInteger held = new AtomicInteger();
  private final AtomicInteger mostHeld = new AtomicInteger();

  /**
   * @param files the files, the first opened
   * @param threads the most workers; no more than the one file's row groups, when there is one file
   */
  ParallelScan(ScanFiles files, int threads) {
    this.files = files;
    this.what = "reading " + files.describe();
    this.workerCount = files.size() == 0 ? 0
        : files.size() == 1 ? Math.max(1, Math.min(threads, files.open(0).rowGroupCount())) : threads;
    this.buffers = files.size() > 0 && files.open(0).allFlat() ? 2 : 1;
  }

  @Override
  public RowSchema schema() {
    return files.schema();
  }

  /**
   * The next batch of any row group. It stays valid until the next call of this method or {@link #close()}; its
   * vectors are then reused by the worker that decoded them.
   *
   * @return the next batch (at least one row), or {@code null} after the last (or once closed, or after a failure)
   */
  @Override
  public @Nullable ColumnBatch next() {
    release();
    if (closed) {
      return null;
    }
    if (workers.isEmpty()) {
      start();
    }
    while (workersDone < workerCount) {
      Handoff next;
      try {
        next = Workers.take(ready, this::workersEnded, what);
      } catch (InterruptedException e) {
        close();
        Thread.currentThread().interrupt();
        throw new ServiceUnavailableException("interrupted while " + what + "; the read is closed", e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
      DelphaException error = next.error();
      if (error != null) {
        close();
        throw error;
      }
      if (next == DONE) {
        workersDone++;
        continue;
      }
      current = next;
      return next.batch();
    }
    close();
    return null;
  }

  private void start() {
    for (int i = 0; i < workerCount; i++) {
      Semaphore free = new Semaphore(buffers);
      frees.add(free);
      workers.add(BackgroundWork.SCANNER.submit(() -> work(free)));
    }
  }

  private boolean workersEnded() {
    return workers.stream().allMatch(Future::isDone);
  }

  /** Lets the worker of the batch handed out last decode into it again. */
  private void release() {
    Handoff previous = current;
    current = null;
    if (previous != null && previous.free() != null) {
      held.decrementAndGet();
      previous.free().release();
    }
  }

  /** For tests: the most decoded batches that were held at once, waiting for the consumer or being read by it. */
  int mostHeld() {
    return mostHeld.get();
  }

  /**
   * A worker: row group after row group, until none is left, the read fails or closes. Its reader of a file stays
   * open for its next row group there; it is closed when the worker moves to another file or ends.
   *
   * @param free permits for this worker's free batches
   */
  private void work(Semaphore free) {
    ParquetBatchReader reader = null;
    int readerFile = -1;
    ColumnBatch[] batches = new ColumnBatch[0];
    int nextBatch = 0;
    String source = files.describe();
    try {
      for (Unit unit = nextUnit(); unit != null; unit = nextUnit()) {
        source = unit.footer().source();
        if (reader != null && unit.file() == readerFile) {
          reader.restrictTo(unit.group(), unit.group() + 1);
        } else {
          if (reader != null) {
            reader.close();
            reader = null;
          }
          reader = new ParquetBatchReader(unit.footer(), unit.group(), unit.group() + 1);
          readerFile = unit.file();
          batches = batchesOf(reader);
          nextBatch = 0;
        }
        while (true) {
          free.acquire();
          if (stopped()) {
            return;
          }
          ColumnBatch target = batches[nextBatch];
          if (!reader.readInto(target.storage())) {
            free.release();
            break;
          }
          nextBatch = (nextBatch + 1) % batches.length;
          mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
          ready.add(new Handoff(target, free, null));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!stopped()) {
        // nobody interrupts a worker of a read going on: should anything, the read ends, its rows never lost unsaid
        failed = true;
        ready.add(new Handoff(null, null, new DelphaException("reading " + source + " was interrupted on its worker "
            + "thread; the read is stopped", e)));
      }
    } catch (RuntimeException | Error e) {
      failed = true;
      ready.add(new Handoff(null, null, Workers.failure(e, "reading " + source)));
    } finally {
      try {
        if (reader != null) {
          reader.close();
        }
      } finally {
        ready.add(DONE);
      }
    }
  }

  /**
   * A worker's batches for a reader: the consumer reads one while the worker decodes into the other; one, the
   * reader's own, when its columns are read into its own vectors only (LIST, MAP, STRUCT, VARIANT).
   */
  private ColumnBatch[] batchesOf(ParquetBatchReader reader) {
    if (buffers == 1) {
      return new ColumnBatch[] {new ColumnBatch(reader.batch())};
    }
    return new ColumnBatch[] {new ColumnBatch(reader.newBatch()), new ColumnBatch(reader.newBatch())};
  }

  private boolean stopped() {
    return closed || failed;
  }

  /**
   * @return the next row group no worker has taken (the next file opened when its row groups are all taken), or
   *     {@code null} when none is left or the read stopped
   * @throws io.delpha.sdk.core.DataFormatException if the next file is not readable Parquet or not of the read's
   *     schema
   */
  private @Nullable Unit nextUnit() {
    synchronized (cursor) {
      while (!stopped()) {
        ParquetBatchReader.Footer file = openFile;
        if (file != null && nextGroup < file.rowGroupCount()) {
          return new Unit(openIndex, file, nextGroup++);
        }
        if (openIndex + 1 == files.size()) {
          return null;
        }
        openIndex++;
        openFile = null;
        nextGroup = 0;
        try {
          openFile = files.open(openIndex);
        } catch (RuntimeException | Error e) {
          failed = true; // before the cursor is free: no other worker takes a row group of a later file
          throw e;
        }
      }
      return null;
    }
  }

  /**
   * Ends the read: the workers stop (each after the batch it is decoding; one waiting for the consumer is woken) and
   * this waits for them to end, each closing its file; then the read's own resources go. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    current = null;
    for (Semaphore free : frees) {
      free.release(buffers + 1);
    }
    for (Future<?> worker : workers) {
      BackgroundWork.awaitEnd(worker);
    }
    ready.clear();
    files.close();
  }

  @Override
  public String toString() {
    return "ColumnBatchReader[" + files.describe() + ", " + workerCount + " threads]";
  }
}
