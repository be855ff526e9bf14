package io.delpha.sdk.core.parquet;

import io.delpha.sdk.core.storage.ObjectStore;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Entry points to read and write {@link Row}s as Parquet files, on local files and on any {@link
 * ObjectStore}.
 *
 * <pre>{@code
 * ParquetRows.write(store, "t/part-0.parquet", schema, rows);      // never overwrites: ConflictException
 * try (RowReader r = ParquetRows.read(store, "t/part-0.parquet")) { r.forEachRemaining(...); }
 * }</pre>
 */
public final class ParquetRows {

  private ParquetRows() {}

  /**
   * @param file the file to create; it appears only when the writer is closed successfully
   * @param schema the rows' schema
   * @param options codec and row-group size
   * @return a writer
   */
  public static RowWriter writer(Path file, RowSchema schema, WriteOptions options) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * A writer that spools to a local temporary file and publishes it to the store with {@link
   * ObjectStore#putIfAbsent(String, Path)} on close.
   *
   * @param store the destination store
   * @param key the object's key; must not exist yet
   * @param schema the rows' schema
   * @param options codec and row-group size
   * @return a writer
   */
  public static RowWriter writer(ObjectStore store, String key, RowSchema schema, WriteOptions options) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * Writes every row to a new object with default options.
   *
   * @param store the destination store
   * @param key the object's key; must not exist yet
   * @param schema the rows' schema
   * @param rows the rows
   * @return the number of rows written
   */
  public static long write(ObjectStore store, String key, RowSchema schema, Iterable<Row> rows) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * @param file a Parquet file
   * @return a streaming reader
   */
  public static RowReader read(Path file) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * @param store a store
   * @param key a Parquet object's key
   * @return a streaming reader
   */
  public static RowReader read(ObjectStore store, String key) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * @param store a store
   * @param key a Parquet object's key
   * @return every row, in memory: for small objects
   */
  public static List<Row> readAll(ObjectStore store, String key) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /**
   * @param content the start of a file or object (at least 4 bytes)
   * @return whether it starts with the Parquet magic bytes {@code PAR1}
   */
  public static boolean startsWithMagic(InputStream content) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
