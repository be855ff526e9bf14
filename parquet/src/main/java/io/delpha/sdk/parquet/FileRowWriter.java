package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.parquet.internal.ParquetRowWriter;

/**
 * The {@link RowWriter} of a Parquet file: appends each row to the {@link ParquetRowWriter}'s buffer (converted and
 * checked as {@link ColumnBatch.Appender#appendRow} does), and hands it a caller's batch as it is where it can.
 */
final class FileRowWriter implements RowWriter {

  private final ParquetRowWriter writer;
  private final RowSchema schema;

  FileRowWriter(ParquetRowWriter writer) {
    this.writer = writer;
    this.schema = writer.schema();
  }

  @Override
  public void write(Row row) {
    if (!schema.equals(row.schema())) {
      writer.buffer(); // a closed writer says so first
      throw new InvalidInputException("row of schema " + row.schema() + " cannot be written to "
          + writer.destination() + ", whose schema is " + schema);
    }
    ColumnBatch.Appender.appendRow(writer.buffer(), row);
    writer.rowAppended();
  }

  @Override
  public void write(ColumnBatch batch) {
    if (!writer.write(batch.storage())) {
      for (int i = 0; i < batch.rowCount(); i++) {
        write(batch.row(i));
      }
    }
  }

  @Override
  public long rowCount() {
    return writer.rowCount();
  }

  @Override
  public void abort() {
    writer.abort();
  }

  @Override
  public void close() {
    writer.close();
  }

  @Override
  public String toString() {
    return "RowWriter[" + writer.destination() + ", " + writer.rowCount() + " rows]";
  }
}
