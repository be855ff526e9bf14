package io.delpha.sdk.parquet;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads rows one at a time from a Parquet source, row group by row group, so a file larger than memory
 * streams through. Not thread-safe. Close it (try-with-resources) to release the file.
 *
 * <pre>{@code
 * try (RowReader reader = ParquetRows.read(store, "sales_order/2024/11/15/101500000000.parquet")) {
 *   RowSchema schema = reader.schema();
 *   while (reader.hasNext()) { Row r = reader.next(); ... }
 * }
 * }</pre>
 */
public interface RowReader extends Iterator<Row>, AutoCloseable {

  /**
   * @return the schema of the rows, read from the file's footer
   */
  RowSchema schema();

  /**
   * @return the remaining rows as a sequential stream; closing the stream closes this reader
   */
  default Stream<Row> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(this::close);
  }

  /** Releases the underlying file or stream. */
  @Override
  void close();
}
