package io.delpha.sdk.parquet;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.internal.TextTable;
import io.delpha.sdk.core.internal.Workers;
import io.delpha.sdk.parquet.internal.LocalFiles;
import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import org.apache.parquet.io.InputFile;
import org.jspecify.annotations.Nullable;

/**
 * The files of one batch read: each opened (its footer read, its columns mapped) when the read reaches it, and held to
 * the first file's schema before any of its rows is read. The first is opened at once, for the read's schema. Not
 * thread-safe: the readers open files one at a time.
 */
final class ScanFiles {

  private final List<String> names;
  private final IntFunction<InputFile> inputs;
  private final ReadOptions options;
  private final Runnable onClose;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ParquetBatchReader.@Nullable Footer first;

  private ScanFiles(List<String> names, IntFunction<InputFile> inputs, ReadOptions options, Runnable onClose) {
    this.names = names;
    this.inputs = inputs;
    this.options = options;
    this.onClose = onClose;
    try {
      this.first = names.isEmpty() ? null : read(0);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * @param files local Parquet files, each named by its path in errors
   * @param options the read's options
   * @return the files, the first opened
   */
  static ScanFiles of(List<Path> files, ReadOptions options) {
    List<Path> paths = List.copyOf(files);
    List<String> names = paths.stream().map(Path::toString).toList();
    return new ScanFiles(names, i -> {
      ParquetRows.checkMagic(paths.get(i), names.get(i));
      return LocalFiles.input(paths.get(i));
    }, options, () -> { });
  }

  /**
   * @param name what the file is, for messages
   * @param file the file, whose magic bytes were checked
   * @param options the read's options
   * @param onClose run once when the read closes (e.g. deleting a spooled copy)
   * @return the one file, opened
   */
  static ScanFiles of(String name, InputFile file, ReadOptions options, Runnable onClose) {
    return new ScanFiles(List.of(name), i -> file, options, onClose);
  }

  /** @return the first file's schema, or a schema of no columns when there are no files */
  RowSchema schema() {
    return first == null ? RowSchema.of() : first.schema();
  }

  /** @return how many files */
  int size() {
    return names.size();
  }

  /** @return the read's options */
  ReadOptions options() {
    return options;
  }

  /**
   * @param index a file's position
   * @return its footer, its schema the first file's
   * @throws DataFormatException naming the file, if it is not readable Parquet or its schema is not the first file's
   */
  ParquetBatchReader.Footer open(int index) {
    if (index == 0 && first != null) {
      return first;
    }
    ParquetBatchReader.Footer footer;
    try {
      footer = read(index);
    } catch (RuntimeException | Error e) {
      throw Workers.failure(e, "opening " + names.get(index));
    }
    RowSchema expected = schema();
    if (!footer.schema().equals(expected)) {
      throw new DataFormatException(names.get(index) + " does not have the schema of " + names.get(0) + ", the "
          + "first file of the read: " + difference(footer.schema(), expected) + " (file: " + footer.schema()
          + ", first file: " + expected + ")");
    }
    return footer;
  }

  private ParquetBatchReader.Footer read(int index) {
    return ParquetBatchReader.footer(names.get(index), inputs.apply(index), options);
  }

  private static String difference(RowSchema actual, RowSchema expected) {
    String problem = ParquetRows.schemaProblem(actual, expected);
    if (problem != null) {
      return problem;
    }
    for (int i = 0; i < actual.size(); i++) {
      if (!actual.column(i).equals(expected.column(i))) {
        return "column " + actual.column(i).name() + " is required where the first file's may hold nulls";
      }
    }
    return "the schemas differ";
  }

  /** @return the files, for messages: the one file's name, or how many and the first */
  String describe() {
    return names.size() == 1 ? names.get(0)
        : TextTable.count(names.size(), "file") + (names.isEmpty() ? "" : " (the first " + names.get(0) + ")");
  }

  /** Runs the read's {@code onClose}, once. */
  void close() {
    if (closed.compareAndSet(false, true)) {
      onClose.run();
    }
  }
}
