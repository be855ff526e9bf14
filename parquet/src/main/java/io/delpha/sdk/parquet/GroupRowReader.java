package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.internal.BackgroundWork;
import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import org.jspecify.annotations.Nullable;

/**
 * The {@link RowReader} of a Parquet file with a VARIANT column and several row groups: two threads (of the shared
 * pool of daemon threads {@code delpha-parquet-reader}) decode row groups at once, each through a reader of its own
 * over the file's footer, read once: the first the row groups 0, 2, 4, ..., the second 1, 3, 5, ...; the caller's
 * thread hands out their rows in the file's order. A VARIANT's rebuild is most of such a file's decoding, and the
 * one thread of {@link FileRowReader} left a core idle while it decoded a batch's leaves.
 *
 * <p>Bounds: each thread decodes ahead of the caller while the batches it holds decoded take under a sixteenth of the
 * heap's maximum (their vectors' arrays), and always one: so the second thread can decode its row group while the
 * caller takes the first's rows, and the two hold at most an eighth of the heap's maximum and two batches more.
 * {@link #close()} stops both threads before it closes the file; a reader never closed leaves them parked. Whatever
 * ends a thread, an exception or an {@link Error}, reaches the caller's {@code hasNext()} as a {@link
 * DelphaException} (the {@code Error} as its cause) when the caller reaches that thread's row group: the rows before
 * it are handed out first, as a reader on one thread would.
 */
final class GroupRowReader implements RowReader {

  /** The end of a row group, on a thread's queue. */
  private static final Object END_OF_GROUP = new Object();
  /** The threads that decode row groups. */
  private static final int THREADS = 2;

  private final String source;
  private final int groups;
  private final Decoder[] decoders;
  /**
   * The bytes of batches one thread may hold decoded ahead of the caller, beyond one batch: a sixteenth of the heap's
   * maximum.
   */
  private final long budget;
  private volatile boolean closed;
  /** Set by the caller at the end or on a failure. */
  private boolean ended;
  /** The row group whose rows are being handed out. */
  private int group;
  /** The block of rows being handed out, {@code null} before the first. */
  private @Nullable RowBlock block;
  private int count;
  private int index;

  /** One decoded batch's block of rows and the bytes its batch held. */
  private record Decoded(RowBlock block, long bytes) {}

  /**
   * One thread's reader, the batch it decodes into, and the blocks it made that wait for the caller: it decodes one
   * more while those hold under {@link #budget} bytes, or none wait.
   */
  private final class Decoder {
    private final ParquetBatchReader reader;
    private final ColumnBatch batch;
    private final int first;
    private final BlockingQueue<Object> decoded = new LinkedBlockingQueue<>();
    /** Guards {@link #waiting} and {@link #waitingBytes}; the decoding thread waits on it for room. */
    private final Object room = new Object();
    private int waiting;
    private long waitingBytes;
    /** The most bytes that waited at once, and the largest batch (for tests). */
    private long mostWaitingBytes;
    private long largestBatch;
    private @Nullable Future<?> running;

    Decoder(ParquetBatchReader reader, int first) {
      this.reader = reader;
      this.batch = new ColumnBatch(reader.batch());
      this.first = first;
    }

    /** Decodes this thread's row groups in turn into blocks, until the end, a failure, or {@link #close()}. */
    private void decode() {
      try {
        for (int g = first; g < groups && !closed; g += THREADS) {
          reader.restrictTo(g, g + 1);
          while (true) {
            synchronized (room) {
              while (!closed && !hasRoom()) {
                room.wait();
              }
            }
            if (closed) {
              return;
            }
            if (!reader.readInto(batch.storage())) {
              break;
            }
            long bytes = FileRowReader.heldBytes(batch);
            RowBlock made = FileRowReader.blockOf(reader, source, batch);
            synchronized (room) {
              waiting++;
              waitingBytes += bytes;
              mostWaitingBytes = Math.max(mostWaitingBytes, waitingBytes);
              largestBatch = Math.max(largestBatch, bytes);
            }
            decoded.add(new Decoded(made, bytes));
          }
          decoded.add(END_OF_GROUP);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException | Error e) {
        decoded.add(e);
      }
    }

    /** Under {@link #room}: whether one more batch may be decoded ahead of the caller. */
    private boolean hasRoom() {
      return waiting == 0 || waitingBytes < budget;
    }

    /** The caller took a block: its room is free again. */
    void taken(Decoded d) {
      synchronized (room) {
        waiting--;
        waitingBytes -= d.bytes();
        room.notifyAll();
      }
    }

    /** Stops the thread (it ends after the batch it is decoding, if any) and waits for it. */
    void stop() {
      synchronized (room) {
        room.notifyAll();
      }
      Future<?> r = running;
      if (r != null) {
        BackgroundWork.awaitEnd(r);
      }
      decoded.clear();
    }
  }

  /**
   * @param source the file or object, for messages
   * @param first the reader of the file's row groups, opened; its {@code onClose} runs when this reader closes
   * @param second a reader over the same footer
   */
  GroupRowReader(String source, ParquetBatchReader first, ParquetBatchReader second) {
    this(source, first, second, Runtime.getRuntime().maxMemory() / 16);
  }

  /**
   * @param source the file or object, for messages
   * @param first the reader of the file's row groups, opened; its {@code onClose} runs when this reader closes
   * @param second a reader over the same footer
   * @param budget the bytes of batches a thread may hold decoded ahead of the caller, beyond one batch
   */
  GroupRowReader(String source, ParquetBatchReader first, ParquetBatchReader second, long budget) {
    this.source = source;
    this.groups = first.footer().rowGroupCount();
    this.budget = budget;
    this.decoders = new Decoder[] {new Decoder(first, 0), new Decoder(second, 1)};
  }

  /**
   * Whether a file is read by this reader: a VARIANT column (and no LIST, MAP or STRUCT), at least two row groups,
   * more rows than a batch, and a second core.
   */
  static boolean suits(ParquetBatchReader reader, int batchRows) {
    return reader.flatRows() && !reader.allFlat() && reader.footer().rowGroupCount() >= THREADS
        && reader.totalRows() > batchRows && Runtime.getRuntime().availableProcessors() >= THREADS;
  }

  /**
   * For tests: per thread, the most bytes of batches that waited for the caller at once, less its largest batch
   * (under {@link #budget}).
   */
  long[] mostWaitingBeyondOneBatch() {
    long[] most = new long[decoders.length];
    for (int i = 0; i < most.length; i++) {
      synchronized (decoders[i].room) {
        most[i] = decoders[i].mostWaitingBytes - decoders[i].largestBatch;
      }
    }
    return most;
  }

  @Override
  public RowSchema schema() {
    return decoders[0].reader.schema();
  }

  @Override
  public boolean hasNext() {
    return index < count || advance();
  }

  /** Takes the next block of rows, if any: whether there is a row. */
  private boolean advance() {
    while (index == count) {
      block = null; // the rows handed out keep their block as long as the caller keeps them
      if (ended || closed) {
        return false;
      }
      if (group == groups) {
        ended = true;
        return false;
      }
      Decoder d = decoders[group % THREADS];
      if (decoders[0].running == null) {
        for (Decoder each : decoders) {
          each.running = BackgroundWork.DECODER.submit(each::decode);
        }
      }
      Object next;
      try {
        Future<?> running = Objects.requireNonNull(d.running, "started above");
        next = d.decoded.poll();
        if (next == null) {
          next = Workers.take(d.decoded, running::isDone, "reading " + source);
        }
      } catch (DelphaException e) {
        ended = true;
        throw e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DelphaException("interrupted while reading " + source, e);
      }
      if (next == END_OF_GROUP) {
        group++;
        continue;
      }
      if (next instanceof Throwable e) {
        ended = true;
        throw Workers.failure(e, "reading " + source);
      }
      Decoded decoded = (Decoded) next;
      d.taken(decoded);
      block = decoded.block();
      count = decoded.block().size;
      index = 0;
    }
    return true;
  }

  @Override
  public Row next() {
    RowBlock b = block;
    if (index >= count || b == null) {
      if (!advance()) {
        throw new NoSuchElementException("no more rows in " + source);
      }
      b = Objects.requireNonNull(block, "advance() found a block");
    }
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
    try {
      for (Decoder d : decoders) {
        d.stop(); // closed is set: the thread, waiting for room or not, ends after its batch
      }
    } finally {
      // the second's first: the first's onClose may delete the file under both
      decoders[1].reader.close();
      decoders[0].reader.close();
    }
  }

  @Override
  public String toString() {
    return "RowReader[" + source + "]";
  }
}
