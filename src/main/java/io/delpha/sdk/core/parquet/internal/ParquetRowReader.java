package io.delpha.sdk.core.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.parquet.ColumnBatch;
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
 * delpha-parquet-reader}) decodes the next batch into a second set of vectors while the caller's thread turns
 * the previous one into rows and hands them out: two batches, each either being decoded, waiting, or being
 * made into rows. Files with LIST, MAP or STRUCT columns are decoded on the caller's thread. {@link #close()}
 * stops the decoding thread before it closes the file; a reader never closed leaves that thread parked.
 */
public final class ParquetRowReader implements RowReader {

  /** The end of the file, on the queue of decoded batches; on the queue of free ones, the reader's close. */
  private static final Object END = new Object();

  private final String source;
  private final ParquetBatchReader batches;
  /** Batches the decoding thread may fill; {@code null} when decoding runs on the caller's thread. */
  private final BlockingQueue<Object> free;
  /** Decoded batches, then {@link #END} or the decoding failure. */
  private final BlockingQueue<Object> decoded;
  private Future<?> decoding;
  private volatile boolean closed;
  private boolean ended;
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
      free = new ArrayBlockingQueue<>(3);
      decoded = new ArrayBlockingQueue<>(3);
      free.add(batches.newBatch());
      free.add(batches.newBatch());
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
          // the rows hold their own values: the vectors can take the batch after next
          free.add(batch);
        }
      }
      index = 0;
    }
    return true;
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
