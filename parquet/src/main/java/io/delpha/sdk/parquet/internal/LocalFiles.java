package io.delpha.sdk.parquet.internal;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
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
   * @return Parquet's view of it, for writing, through a buffer of {@value #WRITE_BUFFER} bytes
   */
  public static OutputFile output(Path file) {
    return new BufferedOutputFile(file);
  }

  /**
   * The write buffer of a local file. parquet-hadoop copies a column chunk's pages to the file in 8 KiB pieces (a
   * {@code Channels.newChannel} over the stream), and parquet-common's {@code LocalOutputFile} buffers 4 KiB: each
   * piece was a system call of its own, about 2,000 for a 16 MB file, on the thread that flushes a row group.
   */
  static final int WRITE_BUFFER = 256 * 1024;

  /** A local file written through a {@value #WRITE_BUFFER}-byte buffer; otherwise as {@code LocalOutputFile}. */
  private static final class BufferedOutputFile implements OutputFile {
    private final Path path;

    BufferedOutputFile(Path path) {
      this.path = path;
    }

    @Override
    public PositionOutputStream create(long blockSizeHint) throws IOException {
      return new Stream(Files.newOutputStream(path, StandardOpenOption.CREATE_NEW));
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
      return new Stream(Files.newOutputStream(path, new OpenOption[] {StandardOpenOption.CREATE,
          StandardOpenOption.TRUNCATE_EXISTING}));
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return -1;
    }

    @Override
    public String getPath() {
      return path.toString();
    }

    @Override
    public String toString() {
      return path.toString();
    }
  }

  /** A buffered stream that counts what it was given. */
  private static final class Stream extends PositionOutputStream {
    private final OutputStream out;
    private long position;

    Stream(OutputStream file) {
      this.out = new BufferedOutputStream(file, WRITE_BUFFER);
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      position += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
