package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InsufficientMemoryException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.internal.BackgroundWork;
import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.parquet.io.InputFile;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RowReader} of a Parquet file: the row view of a {@link ParquetBatchReader}, each batch's values a {@link
 * RowBlock} its rows share.
 * Any decoding failure is a {@link DataFormatException} naming the source.
 *
 * <p>Threads: when every column is flat or a VARIANT, a second thread (from a shared pool of daemon threads, {@code
 * delpha-parquet-reader}) decodes the next batches into blocks of values while the caller's thread hands out the
 * rows of earlier ones (each {@code Row} made as {@link #next()} asks for it, sharing its batch's block): up to four
 * batches wait for the caller (two once batches hold over 16 MiB).
 * A VARIANT column is decoded and rebuilt ahead in the reader's own vectors (one value a row, as a flat column is).
 * Files with LIST, MAP or STRUCT columns, and files of one batch of rows or fewer, are decoded on the caller's
 * thread. A file with a VARIANT column and several row groups is read by a {@link GroupRowReader} instead ({@link
 * #open}). {@link #close()} stops the decoding
 * thread before it closes the file; a reader never closed leaves that thread parked. Whatever ends the decoding
 * thread, an exception or an {@link Error}, reaches the caller's {@code hasNext()} as a {@link DelphaException}
 * (the {@code Error} as its cause), and the decoding thread has ended by then.
 */
final class FileRowReader implements RowReader {

  /** The end of the file, on the queue of decoded rows. */
  private static final Object END = new Object();
  /**
   * Batches of rows that may wait for the caller: enough that a pause on either thread (a collection, a new
   * row group) does not stall the other; on the benchmark's file, 2 gave 5.1 M rows/s and 4 gave 6.9 M.
   */
  private static final int BATCHES_AHEAD = 4;
  /** A batch holding more counts as two of {@link #BATCHES_AHEAD} (values of megabytes each). */
  private static final long LARGE_BATCH_BYTES = 16L << 20;

  /** The values of one batch's rows, and how many permits they hold. */
  private record Decoded(RowBlock block, int permits) {}

  private final String source;
  private final ParquetBatchReader batches;
  /** Rows of decoded batches, then {@link #END} or the decoding failure; {@code null} when decoding runs here. */
  private final @Nullable BlockingQueue<Object> decoded;
  /** Permits for batches of rows waiting in {@link #decoded}. */
  private final Semaphore ahead = new Semaphore(BATCHES_AHEAD);
  private @Nullable Future<?> decoding;
  private volatile boolean closed;
  /** Set by the caller at the end or on a failure; the decoding thread then stops. */
  private volatile boolean ended;
  /**
   * Held by whichever thread decodes the next batch into {@link #batch} and makes its block: the decoding thread,
   * which also queues the block under it, or the caller when no block waits (so blocks keep the file's order).
   */
  private final ReentrantLock decodeLock = new ReentrantLock();
  /** The vectors batches are decoded into, under {@link #decodeLock} (a block copies what it keeps). */
  private final @Nullable ColumnBatch batch;
  /** The reader's own batch, read into on the caller's thread when nothing decodes ahead. */
  private final ColumnBatch own;
  /** The largest number of batches of rows that waited at once (for tests). */
  private volatile int mostWaiting;
  /** The block of rows being handed out, {@code null} before the first. */
  private @Nullable RowBlock block;
  /** Its number of rows, and the next one's position. */
  private int count;
  private int index;

  /**
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param options columns to skip, batch size
   * @param onClose run once when the reader closes (e.g. deleting a spooled copy)
   * @throws DataFormatException if the input is not a readable Parquet file
   */
  FileRowReader(String source, InputFile file, ReadOptions options, Runnable onClose) {
    this(source, new ParquetBatchReader(source, file, options, onClose, true), options);
  }

  /**
   * @param source the file or object, for messages
   * @param batches the file's reader, for a row view; closed when this reader closes
   * @param options the batch size
   */
  private FileRowReader(String source, ParquetBatchReader batches, ReadOptions options) {
    this.source = source;
    this.batches = batches;
    // a file of one batch or less is decoded on the caller's thread: handing it to the decoding thread costs more
    // than it saves (no batch to decode while the caller reads the one before)
    decoded = batches.flatRows() && batches.totalRows() > options.batchRows() ? new LinkedBlockingQueue<>() : null;
    own = new ColumnBatch(batches.batch());
    // a VARIANT column is rebuilt in the reader's own vectors: decoded ahead into them (the caller, taking blocks
    // from the queue, never reads into them itself)
    batch = decoded == null ? null : batches.allFlat() ? new ColumnBatch(batches.newBatch()) : own;
  }

  /**
   * Opens the row reader of a Parquet file: a {@link GroupRowReader} where it {@linkplain GroupRowReader#suits suits}
   * the file, else a {@code FileRowReader}.
   *
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param options columns to skip, batch size
   * @param onClose run once when the reader closes (e.g. deleting a spooled copy)
   * @return the reader
   * @throws DataFormatException if the input is not a readable Parquet file
   */
  static RowReader open(String source, InputFile file, ReadOptions options, Runnable onClose) {
    ParquetBatchReader batches = new ParquetBatchReader(source, file, options, onClose, true);
    if (!GroupRowReader.suits(batches, options.batchRows())) {
      return new FileRowReader(source, batches, options);
    }
    ParquetBatchReader second;
    try {
      second = new ParquetBatchReader(batches.footer(), 0, 0, true);
    } catch (RuntimeException | Error e) {
      batches.close();
      throw e;
    }
    return new GroupRowReader(source, batches, second);
  }

  /**
   * The decoding thread: decodes batches into blocks until the end, a failure, or {@link #close()}. It takes a
   * permit before the lock (a second one, for a large batch, under it: the batches waiting hold the others, so the
   * caller, which cannot take the lock meanwhile, takes one of them and frees its permits).
   */
  private void decode() {
    BlockingQueue<Object> decoded = Objects.requireNonNull(this.decoded, "only a reader with a queue decodes ahead");
    ColumnBatch batch = Objects.requireNonNull(this.batch, "a reader with a queue has a batch");
    try {
      while (!closed && !ended) {
        ahead.acquire();
        decodeLock.lock();
        try {
          if (closed || ended) {
            return;
          }
          if (!batches.readInto(batch.storage())) {
            decoded.add(END);
            return;
          }
          int permits = heldBytes(batch) > LARGE_BATCH_BYTES ? 2 : 1;
          RowBlock made = blockOf(batch);
          if (permits == 2) {
            ahead.acquire();
          }
          decoded.add(new Decoded(made, permits));
          mostWaiting = Math.max(mostWaiting, decoded.size());
        } finally {
          decodeLock.unlock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      decoded.add(e);
    }
  }

  /**
   * The next block when none waits and the decoding thread is not decoding: the caller decodes it itself rather
   * than wait for the decoding thread (which, when no core is free, may not run for a while).
   *
   * @return the block, or {@code null} if the caller should wait for the queue (the decoding thread holds the lock,
   *     a block arrived meanwhile, or the decoding thread has ended and its last word is in the queue)
   */
  private @Nullable Object decodeHere(BlockingQueue<Object> decoded) {
    if (!decodeLock.tryLock()) {
      return null;
    }
    try {
      Future<?> running = Objects.requireNonNull(decoding, "started before");
      if (!decoded.isEmpty() || running.isDone()) {
        return null;
      }
      ColumnBatch batch = Objects.requireNonNull(this.batch, "a reader with a queue has a batch");
      try {
        if (!batches.readInto(batch.storage())) {
          endHere();
          return END;
        }
        return blockOf(batch);
      } catch (RuntimeException | Error e) {
        endHere();
        throw Workers.failure(e, "reading " + source);
      }
    } finally {
      decodeLock.unlock();
    }
  }

  private RowBlock blockOf(ColumnBatch batch) {
    return blockOf(batches, source, batch);
  }

  /**
   * @return the block of a batch's values, a failure to make it named after the source
   * @param batches the reader that decoded the batch
   * @param source the file or object, for messages
   * @param batch the batch
   */
  static RowBlock blockOf(ParquetBatchReader batches, String source, ColumnBatch batch) {
    try {
      return batch.block();
    } catch (DataFormatException e) {
      throw new DataFormatException(source + ": " + ParquetBatchReader.describe(e), e);
    } catch (InsufficientMemoryException e) {
      throw batches.outOfHeap(e, null, null);
    }
  }

  @Override
  public RowSchema schema() {
    return batches.schema();
  }

  @Override
  public boolean hasNext() {
    // the row at hand or the next block: the caller's loop inlines this test alone (its JIT compiles that loop while
    // the first files are read, so every byte inlined there is compile time), advance() stays a call
    return index < count || advance();
  }

  /** Takes the next block of rows, if any: whether there is a row. */
  private boolean advance() {
    while (index == count) {
      // the rows handed out keep their block as long as the caller keeps them: the reader lets go of it before it
      // decodes the next (a block of values of a GiB each must not live twice)
      block = null;
      if (ended || closed) {
        return false;
      }
      RowBlock next;
      if (decoded == null) {
        next = batches.next() == null ? null : blockOf(own);
      } else {
        next = takeDecoded();
      }
      if (next == null) {
        ended = true;
        return false;
      }
      block = next;
      count = next.size;
      index = 0;
    }
    return true;
  }

  /** For tests: the largest number of batches of rows that waited for the caller at once. */
  int mostWaiting() {
    return mostWaiting;
  }

  /** The bytes a batch of flat columns holds in its vectors' arrays. */
  static long heldBytes(ColumnBatch batch) {
    long bytes = 0;
    for (int c = 0; c < batch.schema().size(); c++) {
      ColumnVector v = batch.column(c);
      bytes += switch (v.physical()) {
        case BINARY -> v.data().length + 4L * v.offsets().length;
        case BOOLEAN -> v.booleans().length;
        case DOUBLE -> 8L * v.doubles().length;
        case INT64, UINT64 -> 8L * v.longs().length;
        case INT96 -> 12L * v.longs().length;
        default -> 4L * v.ints().length;
      };
    }
    return bytes;
  }

  /** The end, or a failure, met by the caller's own decoding: the decoding thread, if waiting for a permit, ends. */
  private void endHere() {
    ended = true;
    ahead.release(BATCHES_AHEAD * 2);
  }

  private @Nullable RowBlock takeDecoded() {
    if (decoding == null) {
      decoding = BackgroundWork.DECODER.submit(this::decode);
    }
    BlockingQueue<Object> decoded = Objects.requireNonNull(this.decoded, "only a reader with a queue decodes ahead");
    Object next = decoded.poll();
    if (next == null) {
      Object here = decodeHere(decoded);
      if (here == END) {
        return null;
      }
      if (here != null) {
        return (RowBlock) here;
      }
    }
    try {
      Future<?> running = Objects.requireNonNull(decoding, "started above");
      if (next == null) {
        next = Workers.take(decoded, running::isDone, "reading " + source);
      }
    } catch (DelphaException e) {
      ended = true;
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DelphaException("interrupted while reading " + source, e);
    }
    if (next == END) {
      return null;
    }
    if (next instanceof Throwable e) {
      ended = true;
      throw Workers.failure(e, "reading " + source);
    }
    Decoded d = (Decoded) next;
    ahead.release(d.permits());
    return d.block();
  }

  @Override
  public Row next() {
    RowBlock b = block;
    if (index >= count || b == null) {
      return nextOfNextBlock();
    }
    return Row.inBlock(b.schema, b, index++);
  }

  /** {@link #next()} at the end of a block: apart, so that the caller's loop does not inline it. */
  private Row nextOfNextBlock() {
    if (!advance()) {
      throw new NoSuchElementException("no more rows in " + source);
    }
    RowBlock b = Objects.requireNonNull(block, "advance() found a block");
    return Row.inBlock(b.schema, b, index++);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    block = null;
    count = 0;
    index = 0;
    if (decoding != null) {
      // the decoding thread ends after the batch it is decoding, if any; permits enough that it never waits for
      // the caller again: wait for it, then close the file under it
      ahead.release(BATCHES_AHEAD * 2);
      BackgroundWork.awaitEnd(decoding);
      Objects.requireNonNull(decoded, "a reader decoding ahead has a queue").clear();
    }
    batches.close();
  }

  @Override
  public String toString() {
    return "RowReader[" + source + "]";
  }
}
