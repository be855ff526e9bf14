package io.delpha.sdk.parquet;

import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ColumnBatchReader} of many files on the caller's thread: each file's batches in turn, in file order,
 * as {@link FileBatchReader} reads one; one file open at a time. A failure ends the read (the file open is closed,
 * and {@link #next()} says no more batches afterwards).
 */
final class FilesBatchReader implements ColumnBatchReader {

  private final ScanFiles files;
  private int nextFile;
  private @Nullable ParquetBatchReader reader;
  private @Nullable ColumnBatch batch;
  private boolean closed;

  FilesBatchReader(ScanFiles files) {
    this.files = files;
  }

  @Override
  public RowSchema schema() {
    return files.schema();
  }

  @Override
  public @Nullable ColumnBatch next() {
    try {
      while (!closed) {
        ParquetBatchReader current = reader;
        if (current == null) {
          if (nextFile == files.size()) {
            return null;
          }
          ParquetBatchReader.Footer footer = files.open(nextFile++);
          current = new ParquetBatchReader(footer, 0, footer.rowGroupCount());
          reader = current;
          batch = new ColumnBatch(current.batch());
        }
        if (current.next() != null) {
          return batch;
        }
        current.close();
        reader = null;
      }
      return null;
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      ParquetBatchReader current = reader;
      reader = null;
      batch = null;
      try {
        if (current != null) {
          current.close();
        }
      } finally {
        files.close();
      }
    }
  }

  @Override
  public String toString() {
    return "ColumnBatchReader[" + files.describe() + "]";
  }
}
