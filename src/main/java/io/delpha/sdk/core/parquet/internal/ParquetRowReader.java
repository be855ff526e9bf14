package io.delpha.sdk.core.parquet.internal;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.parquet.ColumnBatch;
import io.delpha.sdk.core.parquet.ReadOptions;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import java.util.NoSuchElementException;
import org.apache.parquet.io.InputFile;

/**
 * The row view of a {@link ParquetBatchReader}: each {@link Row} is made from one slot of the current
 * batch's vectors. Any decoding failure is a {@link DataFormatException} naming the source.
 */
public final class ParquetRowReader implements RowReader {

  private final String source;
  private final ParquetBatchReader batches;
  private ColumnBatch batch;
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
    this.batches = new ParquetBatchReader(source, file, options, onClose);
  }

  @Override
  public RowSchema schema() {
    return batches.schema();
  }

  @Override
  public boolean hasNext() {
    if (batch != null && index < batch.rowCount()) {
      return true;
    }
    batch = batches.next();
    index = 0;
    return batch != null;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + source);
    }
    try {
      return batch.row(index++);
    } catch (DataFormatException e) {
      throw new DataFormatException(source + ": " + ParquetBatchReader.describe(e), e);
    }
  }

  @Override
  public void close() {
    batch = null;
    batches.close();
  }

  @Override
  public String toString() {
    return "RowReader[" + source + "]";
  }
}
