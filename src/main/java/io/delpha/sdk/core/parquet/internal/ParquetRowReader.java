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
  }

  @Override
  public RowSchema schema() {
    return batches.schema();
  }

  @Override
  public boolean hasNext() {
    while (index == rows.length) {
      ColumnBatch batch = batches.next();
      if (batch == null) {
        return false;
      }
      try {
        rows = batch.rows();
      } catch (DataFormatException e) {
        throw new DataFormatException(source + ": " + ParquetBatchReader.describe(e), e);
      }
      index = 0;
    }
    return true;
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
    rows = new Row[0];
    index = 0;
    batches.close();
  }

  @Override
  public String toString() {
    return "RowReader[" + source + "]";
  }
}
