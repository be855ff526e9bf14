package io.delpha.sdk.core.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.parquet.ColumnBatch;
import io.delpha.sdk.core.parquet.ColumnVector;
import io.delpha.sdk.core.parquet.ReadOptions;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import org.apache.parquet.io.InputFile;

/**
 * The row view of a {@link ParquetBatchReader}: each batch becomes rows through {@link ColumnBatch#rows()}.
 * Any decoding failure is a {@link DataFormatException} naming the source.
 *
 * <p>Threads: when every column is flat, a second thread (from a shared pool of daemon threads, {@code
 * delpha-parquet-reader}) decodes the next batches into other sets of vectors while the caller's thread turns
 * the previous one into rows and hands them out: four batches (two once batches hold over 16 MiB), each
 * either being decoded, waiting, or being made into rows. Files with LIST, MAP or STRUCT columns are decoded on the caller's thread. {@link #close()}
 * stops the decoding thread before it closes the file; a reader never closed leaves that thread parked.
 */
public final class ParquetRowReader implements RowReader {

  /** The end of the file, on the queue of decoded batches; on the queue of free ones, the reader's close. */
  private static final Object END = new Object();
  /**
   * Batches in flight between the two threads: enough that a pause on either (a collection, a new row group)
   * does not stall the other; measured on the benchmark's file, 2 gave 5.1 M rows/s and 4 gave 6.9 M.
   */
  private static final int BATCHES_AHEAD = 4;
  /** A batch holding more is not taken back for another, down to two batches (values of megabytes each). */
  private static final long LARGE_BATCH_BYTES = 16L << 20;

  private final String source;
  private final ParquetBatchReader batches;
  /** Batches the decoding thread may fill; {@code null} when decoding runs on the caller's thread. */
  private final BlockingQueue<Object> free;
  /** Decoded batches, then {@link #END} or the decoding failure. */
  private final BlockingQueue<Object> decoded;
  private Future<?> decoding;
  private volatile boolean closed;
  private boolean ended;
  /** Batches circulating between the threads. */
  private int inRotation = BATCHES_AHEAD;
  private Row[] rows = new Row[0];
  private int index;

  /**
   * @param source the file or object, for messages
   * @param file the Parquet input
   * @param options columns to skip, batch size
   * @param onClose run once when the reader closes (e.g. deleting a spooled copy)
   * @throws DataFormatException if the input is not a readable Parquet file
   */
  public ParquetRowReader(String source, InputFile file, ReadOptions options, Runnable onClose) {
    this.source = source;
    this.batches = new ParquetBatchReader(source, file, options, onClose, true);
    if (batches.allFlat()) {
      free = new ArrayBlockingQueue<>(BATCHES_AHEAD + 1);
      decoded = new ArrayBlockingQueue<>(BATCHES_AHEAD + 1);
      for (int i = 0; i < BATCHES_AHEAD; i++) {
        free.add(batches.newBatch());
      }
    } else {
      free = null;
      decoded = null;
    }
  }

  /** The decoding thread: fills free batches until the end, a failure, or {@link #close()}. */
  private void decode() {
    try {
      while (true) {
        Object next = free.take();
        if (next == END || closed) {
          return;
        }
        ColumnBatch batch = (ColumnBatch) next;
        if (!batches.readInto(batch)) {
          decoded.add(END);
          return;
        }
        decoded.add(batch);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      decoded.add(e);
    }
  }

  @Override
  public RowSchema schema() {
    return batches.schema();
  }

  @Override
  public boolean hasNext() {
    while (index == rows.length) {
      if (ended || closed) {
        return false;
      }
      ColumnBatch batch = free == null ? batches.next() : takeDecoded();
      if (batch == null) {
        ended = true;
        return false;
      }
      try {
        rows = batch.rows();
      } catch (DataFormatException e) {
        throw new DataFormatException(source + ": " + ParquetBatchReader.describe(e), e);
      } finally {
        if (free != null) {
          // the rows hold their own values: the vectors can take a later batch
          if (inRotation > 2 && heldBytes(batch) > LARGE_BATCH_BYTES) {
            inRotation--;
          } else {
            free.add(batch);
          }
        }
      }
      index = 0;
    }
    return true;
  }

  /** For tests: the batches circulating between the threads. */
  int batchesInRotation() {
    return inRotation;
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

  private ColumnBatch takeDecoded() {
    if (decoding == null) {
      decoding = BackgroundWork.DECODER.submit(this::decode);
    }
    Object next;
    try {
      next = decoded.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DelphaException("interrupted while reading " + source, e);
    }
    if (next == END) {
      return null;
    }
    if (next instanceof RuntimeException e) {
      ended = true;
      throw e;
    }
    if (next instanceof Error e) {
      ended = true;
      throw e;
    }
    return (ColumnBatch) next;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + source);
    }
    Row row = rows[index];
    rows[index++] = null;
    return row;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    rows = new Row[0];
    index = 0;
    if (decoding != null) {
      // the decoding thread ends after the batch it is decoding, if any: wait, then close the file under it
      free.add(END);
      BackgroundWork.awaitEnd(decoding);
    }
    batches.close();
  }

  @Override
  public String toString() {
    return "RowReader[" + source + "]";
  }
}
