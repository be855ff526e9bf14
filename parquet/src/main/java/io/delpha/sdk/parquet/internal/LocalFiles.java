package io.delpha.sdk.parquet.internal;

import java.nio.file.Path;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.jspecify.annotations.Nullable;

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
    return new PathInputFile(file);
  }

  /**
   * @param file a Parquet input
   * @return the local file it reads, if it is one of {@link #input}: where files beside it are found (an encrypted
   *     file's external key material)
   */
  static @Nullable Path pathOf(InputFile file) {
    return file instanceof PathInputFile p ? p.path : null;
  }

  /** A local file that knows its path. */
  private static final class PathInputFile extends LocalInputFile {
    private final Path path;

    PathInputFile(Path path) {
      super(path);
      this.path = path;
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  /**
   * @param file a local file to create
   * @return Parquet's view of it, for writing
   */
  public static OutputFile output(Path file) {
    return new LocalOutputFile(file);
  }
}
