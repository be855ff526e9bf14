package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.internal.BackgroundWork;
import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ColumnBatchReader} of a read on several threads ({@link ReadOptions#threads()} above 1): the row groups
 * of the files are the units of work. Up to {@code threads} workers (threads of the shared daemon pool {@code
 * delpha-parquet-scan}) each take the next row group no worker has taken (files in order, a file's row groups in
 * order; a file's footer is read and its schema checked when the first of its row groups is taken), decode it batch
 * by batch into vectors of their own, and hand the batches as they are, not copied, to the one consumer, who takes
 * them in the order they are ready. A worker keeps its reader of a file for the next row group it takes there, so a
 * file is opened once per worker that reads it.
 *
 * <p>Hand-over: a worker hands its batches over a few at a time ({@link #group} of them, as many as hold about
 * {@value #HANDOFF_VALUES} values, at most {@value #MAX_GROUP}), or fewer at the end of its row group or when it has
 * no free batch left. A consumer that waits is woken once per hand-over, and each wake-up costs a switch on its core
 * and one on the worker's it preempts: with batches of a few columns the consumer's work on one is far shorter than a
 * worker's decoding, so it waits for nearly every hand-over, and one batch at a time made those switches a visible
 * share of a narrow scan's CPU (docs/parquet.md, "Scanning on every core").
 *
 * <p>Order: the batches of one row group come in order; those of different row groups interleave.
 *
 * <p>Memory: each worker decodes into {@code 2 * group} batches of its own (one when a column is a LIST, MAP, STRUCT
 * or VARIANT, which are read into the reader's own vectors only), and into one only once the consumer has moved past
 * it: a worker holds at most {@code 2 * group} decoded batches at once (the consumer's among them), two batches or
 * about {@code 2 * }{@value #HANDOFF_VALUES} values, whichever is more, and it never waits for the consumer while it
 * has a free batch.
 *
 * <p>Failures: whatever ends a worker's row group, an exception or an {@link Error} (a corrupt page, a file of
 * another schema, ...), ends the read: the consumer's next call throws it as a {@link DelphaException} naming the file
 * (a {@link io.delpha.sdk.core.DataFormatException} for bad data; the {@code Error} as the cause of a {@code
 * DelphaException}, see {@link Workers}), every worker stops and every file is closed before it returns. A consumer
 * whose thread is interrupted, before or while it waits, gets a {@link ServiceUnavailableException}, the read closed
 * and its interrupt status kept. {@link #close()} stops the workers (each ends after the batch it is decoding) and
 * waits for them to end, so that afterwards no worker runs or waits for this read and every file is closed; a read
 * never closed leaves its workers parked, waiting for the consumer. A worker that dies without a word still ends the
 * consumer's wait ({@link Workers#take}). Not thread-safe (one consumer). {@link #consume} is the other use of the
 * same cursor over the row groups: a consumer per thread instead of hand-overs.
 */
final class ParallelScan implements ColumnBatchReader {

  /** The values a hand-over holds at least, if {@value #MAX_GROUP} batches hold as many. */
  static final int HANDOFF_VALUES = 1 << 17;
  /** The most batches handed over at once. */
  static final int MAX_GROUP = 4;

  /** The end of one worker's work, on {@link #ready}. */
  private static final Handoff DONE = new Handoff(new ColumnBatch[0], 0, null, null);

  /**
   * Batches for the consumer, the first {@code count} of {@code batches} in order (their worker's {@code free} takes a
   * permit back for each the consumer moves past), a worker's failure, or {@link #DONE}.
   */
  private record Handoff(ColumnBatch[] batches, int count, @Nullable Semaphore free, @Nullable DelphaException error) {}

  /** One row group of one file: a unit of work. */
  private record Unit(int file, ParquetBatchReader.Footer footer, int group) {}

  private final ScanFiles files;
  /** The read, for messages. */
  private final String what;
  private final int workerCount;
  /** Batches a worker hands over at once, at most. */
  private final int group;
  /**
   * Batches of its own per worker: twice {@link #group}, or one when a column is read into the reader's own vectors.
   */
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
  /** The hand-over being read, and the place in it of the batch handed out last. */
  private @Nullable Handoff current;
  private int currentIndex;
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
    boolean flat = files.size() > 0 && files.open(0).allFlat();
    long batchValues = (long) files.options().batchRows() * Math.max(1, files.schema().size());
    this.group = flat ? (int) Math.max(1, Math.min(MAX_GROUP, HANDOFF_VALUES / batchValues)) : 1;
    this.buffers = flat ? 2 * group : 1;
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
    if (closed) {
      return null;
    }
    if (Thread.currentThread().isInterrupted()) {
      throw interrupted(null);
    }
    Handoff at = current;
    if (at != null) {
      release(at);
      if (++currentIndex < at.count()) {
        return at.batches()[currentIndex];
      }
      current = null;
    }
    if (workers.isEmpty()) {
      start();
    }
    while (workersDone < workerCount) {
      Handoff next;
      try {
        next = Workers.take(ready, this::workersEnded, what);
      } catch (InterruptedException e) {
        throw interrupted(e);
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
      currentIndex = 0;
      return next.batches()[0];
    }
    close();
    return null;
  }

  /** Closes the read of an interrupted caller: its error, the interrupt status kept. */
  private ServiceUnavailableException interrupted(@Nullable InterruptedException e) {
    close();
    Thread.currentThread().interrupt();
    return new ServiceUnavailableException("interrupted while " + what + "; the read is closed", e);
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
  private void release(Handoff handoff) {
    held.decrementAndGet();
    if (handoff.free() != null) {
      handoff.free().release();
    }
  }

  /** For tests: the most decoded batches that were held at once, waiting for the consumer or being read by it. */
  int mostHeld() {
    return mostHeld.get();
  }

  /** For tests: the batches a worker hands over at once, at most. */
  int group() {
    return group;
  }

  /**
   * A worker: row group after row group, until none is left, the read fails or closes. Its reader of a file stays
   * open for its next row group there; it is closed when the worker moves to another file or ends.
   *
   * @param free permits for this worker's free batches
   */
  private void work(Semaphore free) {
    Worker worker = new Worker(free);
    try {
      for (Unit unit = nextUnit(); unit != null; unit = nextUnit()) {
        if (!worker.read(unit)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!stopped()) {
        // nobody interrupts a worker of a read going on: should anything, the read ends, its rows never lost unsaid
        failed = true;
        ready.add(new Handoff(DONE.batches(), 0, null, new DelphaException("reading " + worker.source + " was "
            + "interrupted on its worker thread; the read is stopped", e)));
      }
    } catch (RuntimeException | Error e) {
      failed = true;
      ready.add(new Handoff(DONE.batches(), 0, null, Workers.failure(e, "reading " + worker.source)));
    } finally {
      try {
        worker.close();
      } finally {
        ready.add(DONE);
      }
    }
  }

  /** One worker's reader, batches and batches decoded but not yet handed over. */
  private final class Worker {
    private final Semaphore free;
    private @Nullable ParquetBatchReader reader;
    private int readerFile = -1;
    private ColumnBatch[] batches = new ColumnBatch[0];
    private int nextBatch;
    private ColumnBatch[] pending = new ColumnBatch[group];
    private int pendingCount;
    /** The file being read, for messages. */
    String source = files.describe();

    Worker(Semaphore free) {
      this.free = free;
    }

    /**
     * Decodes a row group and hands its batches over.
     *
     * @return {@code false} if the read stopped meanwhile
     */
    boolean read(Unit unit) throws InterruptedException {
      source = unit.footer().source();
      ParquetBatchReader r = reader;
      if (r != null && unit.file() == readerFile) {
        r.restrictTo(unit.group(), unit.group() + 1);
      } else {
        close();
        r = new ParquetBatchReader(unit.footer(), unit.group(), unit.group() + 1);
        reader = r;
        readerFile = unit.file();
        batches = new ColumnBatch[buffers];
        for (int i = 0; i < buffers; i++) {
          batches[i] = new ColumnBatch(buffers == 1 ? r.batch() : r.newBatch());
        }
        nextBatch = 0;
      }
      while (true) {
        if (pendingCount > 0 && free.availablePermits() == 0) {
          hand(); // about to wait for the consumer, who must have them first
        }
        free.acquire();
        if (stopped()) {
          return false;
        }
        ColumnBatch target = batches[nextBatch];
        if (!r.readInto(target.storage())) {
          free.release();
          hand();
          return true;
        }
        nextBatch = (nextBatch + 1) % batches.length;
        mostHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
        pending[pendingCount++] = target;
        if (pendingCount == group) {
          hand();
        }
      }
    }

    /** Hands the batches decoded since the last hand-over, if any. */
    private void hand() {
      if (pendingCount > 0) {
        ready.add(new Handoff(pending, pendingCount, free, null));
        pending = new ColumnBatch[group];
        pendingCount = 0;
      }
    }

    void close() {
      ParquetBatchReader r = reader;
      reader = null;
      if (r != null) {
        r.close();
      }
    }
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
   * The scan with a consumer per thread ({@link ParquetRows#scanBatches}): the caller's thread and up to {@code
   * threads - 1} workers each take row groups from the one cursor, decode them into batches of their own and hand
   * each batch to their own consumer, made by {@code perThread} on that thread; nothing crosses threads but the cursor.
   * Ends the read (every file closed) before it returns or throws. Call once, instead of {@link #next()}.
   *
   * @return the consumers made, one per thread that took part
   */
  <C extends Consumer<ColumnBatch>> List<C> consume(Supplier<? extends C> perThread) {
    List<C> made = Collections.synchronizedList(new ArrayList<>());
    AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();
    try {
      for (int i = 1; i < workerCount; i++) {
        workers.add(BackgroundWork.SCANNER.submit(() -> consumeHere(perThread, made, failure, false)));
      }
      if (workerCount > 0) {
        consumeHere(perThread, made, failure, true);
      }
      awaitShares(failure);
    } finally {
      close();
    }
    Throwable t = failure.get();
    if (t instanceof ConsumerFailure f) {
      Throwable own = Objects.requireNonNull(f.getCause(), "a consumer's failure has its cause");
      if (own instanceof Error e) {
        throw e;
      }
      throw (RuntimeException) own;
    }
    if (t != null) {
      throw (RuntimeException) t;
    }
    return List.copyOf(made);
  }

  /**
   * Waits for the workers' shares of {@link #consume}, the caller's done. An interrupt meanwhile stops the scan as one
   * while the caller decodes does: the workers stop after the batch at hand, the scan fails with a {@link
   * ServiceUnavailableException}, and the caller's interrupt status is set again once they have ended.
   */
  private void awaitShares(AtomicReference<@Nullable Throwable> failure) {
    boolean interrupted = false;
    for (Future<?> worker : workers) {
      while (true) {
        try {
          worker.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          failed = true;
          failure.compareAndSet(null, new ServiceUnavailableException("interrupted while " + what
              + "; the scan is stopped", e));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
          break; // a worker's failure is in failure already
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A consumer's own exception or error, carried to the caller unchanged. */
  private static final class ConsumerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ConsumerFailure(Throwable cause) {
      super(cause);
    }
  }

  /** One thread's share of {@link #consume}: row group after row group until none is left or the scan stops. */
  private <C> void consumeHere(Supplier<? extends C> perThread, List<C> made,
      AtomicReference<@Nullable Throwable> failure, boolean caller) {
    ParquetBatchReader reader = null;
    int readerFile = -1;
    ColumnBatch batch = null;
    String source = files.describe();
    try {
      C consumer;
      try {
        consumer = Objects.requireNonNull(perThread.get(), "the consumer a thread is given");
      } catch (RuntimeException | Error e) {
        throw new ConsumerFailure(e);
      }
      made.add(consumer);
      @SuppressWarnings("unchecked")
      Consumer<ColumnBatch> sink = (Consumer<ColumnBatch>) consumer;
      for (Unit unit = nextUnit(); unit != null; unit = nextUnit()) {
        source = unit.footer().source();
        if (reader != null && unit.file() == readerFile) {
          reader.restrictTo(unit.group(), unit.group() + 1);
        } else {
          if (reader != null) {
            reader.close();
          }
          reader = new ParquetBatchReader(unit.footer(), unit.group(), unit.group() + 1);
          readerFile = unit.file();
          batch = new ColumnBatch(reader.batch());
        }
        ColumnBatch b = Objects.requireNonNull(batch, "made with the reader");
        while (!stopped() && reader.readInto(b.storage())) {
          try {
            sink.accept(b);
          } catch (RuntimeException | Error e) {
            throw new ConsumerFailure(e);
          }
          if (caller && Thread.currentThread().isInterrupted()) {
            throw new ServiceUnavailableException("interrupted while " + what + "; the scan is stopped");
          }
        }
      }
    } catch (ConsumerFailure e) {
      failed = true;
      failure.compareAndSet(null, e);
    } catch (RuntimeException | Error e) {
      failed = true;
      failure.compareAndSet(null,
          e instanceof ServiceUnavailableException ? e : Workers.failure(e, "reading " + source));
    } finally {
      if (reader != null) {
        reader.close();
      }
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
