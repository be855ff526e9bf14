package io.delpha.sdk.parquet.internal;

import java.nio.file.Path;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * Parquet's local files, made here rather than in {@code ParquetRows}: a public class that hands a {@code
 * LocalInputFile} where an {@code InputFile} is expected makes the JVM load Parquet when it links that class, before
 * it could say that the optional Parquet stack is missing ({@link io.delpha.sdk.core.internal.Capability}).
 */
public final class LocalFiles {

  private LocalFiles() {}

  /**
   * @param file a local file
   * @return Parquet's view of it, for reading
   */
  public static InputFile input(Path file) {
    return new LocalInputFile(file);
  }

  /**
   * @param file a local file to create
   * @return Parquet's view of it, for writing
   */
  public static OutputFile output(Path file) {
    return new LocalOutputFile(file);
  }
}
