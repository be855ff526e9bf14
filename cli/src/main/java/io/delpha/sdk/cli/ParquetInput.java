package io.delpha.sdk.cli;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.InsufficientMemoryException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ProgressListener;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.ObjectStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The Parquet file a {@code delpha parquet} command reads: a local file as it is, or an S3 object copied first to a
 * temporary file (the reader seeks to the footer at the end and to each column chunk; the object store reads whole
 * objects). The copy is refused before it starts when the temporary folder has not room for it, shows its progress
 * on standard error, and is deleted on {@link #close()} and when the process is stopped (Ctrl-C, SIGTERM).
 */
final class ParquetInput implements AutoCloseable {

  /** Room left on the temporary folder's disk after a copy. */
  private static final long SPARE_BYTES = 64L << 20;

  private final String name;
  private final Path file;
  private final Thread cleanup;

  private ParquetInput(String name, Path file, Thread cleanup) {
    this.name = name;
    this.file = file;
    this.cleanup = cleanup;
  }

  /**
   * @param location a file's path or {@code s3://BUCKET/KEY}
   * @param aws where S3 calls go
   * @return the input, copied to a local file if it is an S3 object
   */
  static ParquetInput open(String location, AwsClientOptions aws) {
    if (!location.startsWith("s3://")) {
      return new ParquetInput(location, Path.of(location), null);
    }
    String rest = location.substring("s3://".length());
    int slash = rest.indexOf('/');
    if (slash <= 0 || slash == rest.length() - 1) {
      throw Usage.error("'" + location + "': an S3 object is s3://BUCKET/KEY");
    }
    String key = rest.substring(slash + 1);
    try (ObjectStore store = aws.bucket(rest.substring(0, slash))) {
      long size = store.stat(key).orElseThrow(() -> new NotFoundException("no object " + location)).size();
      Path folder = Path.of(System.getProperty("java.io.tmpdir"));
      long free = Files.getFileStore(folder).getUsableSpace();
      if (size > free - SPARE_BYTES) {
        throw new DelphaException(location + " is " + ProgressPrinter.amount(size, "bytes") + ", and reading it needs a "
            + "local copy: " + folder + " has " + ProgressPrinter.amount(free, "bytes") + " free; give a folder with "
            + "more room in DELPHA_JAVA_OPTS=-Djava.io.tmpdir=DIR");
      }
      Path copy = Files.createTempFile(folder, "delpha-parquet-", ".parquet");
      Thread cleanup = new Thread(() -> deleteQuietly(copy), "delpha-parquet-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      ParquetInput input = new ParquetInput(location, copy, cleanup);
      try {
        download(store, key, location, size, copy);
        return input;
      } catch (RuntimeException e) {
        input.close();
        throw e;
      }
    } catch (IOException e) {
      throw new DelphaException("cannot make a temporary copy of " + location + ": " + e.getMessage(), e);
    }
  }

  private static void download(ObjectStore store, String key, String location, long size, Path copy) {
    ProgressPrinter progress = ProgressPrinter.forStderr();
    progress.onStart("download");
    long done = 0;
    try (InputStream in = store.get(key); OutputStream out = Files.newOutputStream(copy)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        if (done + n > size) {
          throw new ServiceUnavailableException(location + " grew while it was read (over its " + size + " bytes); "
              + "run again");
        }
        out.write(buffer, 0, n);
        done += n;
        progress.onProgress(new ProgressListener.Progress("download", done, size, "bytes"));
      }
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot download " + location + ": " + e.getMessage(), e);
    }
    if (done != size) {
      throw new ServiceUnavailableException(location + " ended after " + done + " of its " + size + " bytes; run again");
    }
    progress.onSuccess("download", ProgressPrinter.amount(size, "bytes") + " from " + location);
  }

  /** @return the file or URI as the user gave it */
  String name() {
    return name;
  }

  /**
   * Reads the local file; a typed error that names the temporary copy names the S3 object instead.
   *
   * @param work what to do with the file
   * @return what the work returns
   */
  <T> T read(Function<Path, T> work) {
    try {
      return work.apply(file);
    } catch (DelphaException e) {
      String local = file.toString();
      if (cleanup == null || e.getMessage() == null || !e.getMessage().contains(local)) {
        throw e;
      }
      String message = e.getMessage().replace(local, name);
      if (e instanceof InsufficientMemoryException m) {
        throw new InsufficientMemoryException(message, m.neededBytes(), m.availableBytes(), e);
      }
      throw e instanceof DataFormatException ? new DataFormatException(message, e) : new DelphaException(message, e);
    }
  }

  @Override
  public void close() {
    if (cleanup != null) {
      deleteQuietly(file);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanup);
      } catch (IllegalStateException stopping) {
        // the process is stopping: the hook deletes the copy, which is gone already
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a temporary file: the system's cleaning of its temporary folder removes what is left
    }
  }
}
