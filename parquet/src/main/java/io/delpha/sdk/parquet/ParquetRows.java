package io.delpha.sdk.parquet;

import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.DelphaException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.internal.Capability;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.parquet.internal.ByteArrayInputFile;
import io.delpha.sdk.parquet.internal.FooterMetadata;
import io.delpha.sdk.parquet.internal.LocalFiles;
import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import io.delpha.sdk.core.internal.ParquetMagic;
import io.delpha.sdk.parquet.internal.ParquetRowWriter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.jspecify.annotations.Nullable;

/**
 * Entry points to read and write {@link Row}s as Parquet files, on local files and on any {@link
 * ObjectStore}.
 *
 * <pre>{@code
 * ParquetRows.write(store, "t/part-0.parquet", schema, rows);      // never overwrites: ConflictException
 * try (RowReader r = ParquetRows.read(store, "t/part-0.parquet")) { r.forEachRemaining(...); }
 * }</pre>
 *
 * <p>Files are plain Parquet (see {@link ColumnType} for the physical and logical types) that DuckDB,
 * Spark or pandas read. Writers hold at most one row group in memory ({@link
 * WriteOptions#rowGroupBytes()}); readers hold one row group. A file that is not Parquet, is corrupt or
 * truncated, or whose schema differs from the expected one is a {@link DataFormatException} naming the
 * file or object. So is a schema nesting more than 500 levels (a top-level column is level 1; real files nest a
 * few, shredded VARIANT columns up to about 160): it is refused from the footer, before the reader builds anything
 * that recurses per level, on every read path. No Hadoop is needed at run time.
 *
 * <p>A reader that decodes on a second thread (see {@link RowReader}) reports any failure there, an {@link Error}
 * included, from {@code hasNext()} as a {@link io.delpha.sdk.core.DelphaException} (the {@code Error} as its
 * cause); it never waits for a decoding thread that has ended.
 */
public final class ParquetRows {

  private ParquetRows() {}

  /**
   * Writes to a temporary file beside {@code file} and renames it into place on close (replacing a file
   * already there), so readers never see a partial file.
   *
   * @param file the file to create; it appears only when the writer is closed successfully
   * @param schema the rows' schema
   * @param options codec and row-group size
   * @return a writer
   */
  public static RowWriter writer(Path file, RowSchema schema, WriteOptions options) {
    Capability.require("ParquetRows", "parquet");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(options, "options");
    Path target = file.toAbsolutePath().normalize();
    Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.createDirectories(target.getParent());
    } catch (IOException e) {
      throw new DelphaException("cannot create the folder of " + target + ": " + e.getMessage(), e);
    }
    return new FileRowWriter(new ParquetRowWriter(target.toString(), LocalFiles.output(temp), schema, options,
        new ParquetRowWriter.Publisher() {
          @Override
          public void publish() {
            try {
              Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
              throw new DelphaException("cannot publish Parquet file " + target + ": " + e.getMessage(), e);
            }
          }

          @Override
          public void discard() {
            deleteQuietly(temp);
          }
        }));
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
   * @throws ConflictException if an object already exists at {@code key} (checked again on close)
   */
  public static RowWriter writer(ObjectStore store, String key, RowSchema schema, WriteOptions options) {
    Capability.require("ParquetRows", "parquet");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(options, "options");
    if (store.exists(key)) {
      throw new ConflictException("object " + key + " already exists in " + store.describe()
          + "; Parquet objects are written once");
    }
    Path spool;
    try {
      spool = Files.createTempFile("delpha-parquet-", ".parquet");
      Files.delete(spool);
    } catch (IOException e) {
      throw new DelphaException("cannot create a temporary file to spool " + key + ": " + e.getMessage(), e);
    }
    String destination = store.describe() + "/" + key;
    return new FileRowWriter(new ParquetRowWriter(destination, LocalFiles.output(spool), schema, options,
        new ParquetRowWriter.Publisher() {
          @Override
          public void publish() {
            try {
              store.putIfAbsent(key, spool);
            } finally {
              deleteQuietly(spool);
            }
          }

          @Override
          public void discard() {
            deleteQuietly(spool);
          }
        }));
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
    return write(store, key, schema, rows, WriteOptions.defaults());
  }

  /**
   * Writes every row to a new object.
   *
   * @param store the destination store
   * @param key the object's key; must not exist yet
   * @param schema the rows' schema
   * @param rows the rows
   * @param options codec and row-group size
   * @return the number of rows written
   */
  public static long write(ObjectStore store, String key, RowSchema schema, Iterable<Row> rows, WriteOptions options) {
    RowWriter writer = writer(store, key, schema, options);
    try {
      for (Row row : rows) {
        writer.write(row);
      }
    } catch (RuntimeException e) {
      writer.abort();
      throw e;
    }
    writer.close();
    return writer.rowCount();
  }

  /**
   * @param file a Parquet file
   * @return a streaming reader
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a readable Parquet file, or a column has no row-model type
   */
  public static RowReader read(Path file) {
    return read(file, ReadOptions.defaults());
  }

  /**
   * @param file a Parquet file
   * @param options columns to skip
   * @return a streaming reader
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a readable Parquet file, or a column not skipped has no
   *     row-model type
   */
  public static RowReader read(Path file, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    checkMagic(file, file.toString());
    return FileRowReader.open(file.toString(), LocalFiles.input(file), options, () -> { });
  }

  /**
   * Reads a file whose schema must be {@code expected}.
   *
   * @param file a Parquet file
   * @param expected the schema the caller needs
   * @return a streaming reader
   * @throws DataFormatException if the file's schema differs (column names, order, types, or a
   *     nullable column where a required one is expected)
   */
  public static RowReader read(Path file, RowSchema expected) {
    return requireSchema(read(file), expected, file.toString());
  }

  /**
   * Reads a file column by column, in batches.
   *
   * @param file a Parquet file
   * @return a batch reader
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a readable Parquet file, or a column has no row-model type
   */
  public static ColumnBatchReader readBatches(Path file) {
    return readBatches(file, ReadOptions.defaults());
  }

  /**
   * Reads a file column by column, in batches.
   *
   * @param file a Parquet file
   * @param options columns to skip, rows per batch, threads (see {@link #readBatches(List, ReadOptions)})
   * @return a batch reader
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a readable Parquet file, or a column not skipped has no
   *     row-model type
   */
  public static ColumnBatchReader readBatches(Path file, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    checkMagic(file, file.toString());
    return batchReader(file.toString(), LocalFiles.input(file), options, () -> { });
  }

  /**
   * Reads many files of one schema column by column, in batches, as one read: on the caller's thread by default, on
   * several threads with {@link ReadOptions#withThreads}.
   *
   * <pre>{@code
   * try (ColumnBatchReader r = ParquetRows.readBatches(files, ReadOptions.defaults().withThreads(4))) {
   *   for (ColumnBatch b = r.next(); b != null; b = r.next()) {
   *     long[] ids = b.column("id").longs();     // valid for 0 .. b.rowCount()-1 until the next call
   *   }
   * }
   * }</pre>
   *
   * <p>Schema: the first file's ({@link ColumnBatchReader#schema()}; no columns when there are no files). Each
   * other file is opened when the read reaches it: one whose schema differs (names, order, types or nullability of
   * the columns read) ends the read with a {@link DataFormatException} naming it, before any of its batches.
   *
   * <p>Order and threads: with {@code threads} 1 (the default), the batches are decoded on the caller's thread,
   * file after file in list order, each file's rows in file order, as {@link #readBatches(Path, ReadOptions)} reads
   * one; one file is open at a time. With more, the units of work are the files' row groups: up to {@code threads}
   * worker threads (a shared pool of daemon threads, {@code delpha-parquet-scan}) each decode a row group not yet
   * taken (files in list order, a file's row groups in file order), and {@link ColumnBatchReader#next()} returns
   * batches as they are ready: <b>the batches of one row group come in order, those of different row groups
   * interleave</b> (a batch holds rows of one row group only), so a row's place in the read is not its place in the
   * files. With one file, no more threads work than it has row groups: a file of one row group is decoded on one
   * worker, ahead of the caller.
   *
   * <p>Memory, with more than one thread: a batch is the worker's own vectors, handed over as they are (not copied)
   * and valid until the next call of {@code next()}. A worker hands its batches over {@code g} at a time, {@code g}
   * = 131,072 / ({@link ReadOptions#batchRows()} × columns) within 1 to 4 (4 for the default 4,096 rows of up to 8
   * columns), and decodes into {@code 2g} batches of its own (one when a column is a LIST, MAP, STRUCT or VARIANT),
   * into one only once the caller has moved past it: a worker holds at most {@code 2g} decoded batches at once, the
   * caller's included (two batches, or about 256 Ki values, whichever is more), and it holds one file open and reads
   * one row group's pages at a time.
   *
   * <p>Failures and close: anything that ends a worker's row group (corrupt data, a file of another schema, an
   * {@link Error}) ends the read: the caller's next {@code next()} throws it as a {@link DelphaException} naming the
   * file (a {@link DataFormatException} for bad data, as a one-thread read throws), after every worker has stopped
   * and every file is closed; {@code next()} returns {@code null} afterwards. A caller whose thread is interrupted gets
   * a {@link ServiceUnavailableException} from {@code next()}, the read closed and the interrupt status kept. {@code
   * close()} stops the workers, each after the batch it is decoding, and returns once they have ended and every file
   * is closed; a read never closed leaves its workers parked.
   *
   * @param files Parquet files of one schema, in the order a one-thread read reads them
   * @param options columns to skip, rows per batch, threads
   * @return a batch reader over every file
   * @throws NotFoundException if the first file does not exist (a later one: from {@code next()})
   * @throws DataFormatException if the first file is not a readable Parquet file, or a column not skipped has no
   *     row-model type
   */
  public static ColumnBatchReader readBatches(List<Path> files, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    Objects.requireNonNull(options, "options");
    ScanFiles scan = ScanFiles.of(files, options);
    return options.threads() == 1 ? new FilesBatchReader(scan) : new ParallelScan(scan, options.threads());
  }

  /**
   * Scans many files of one schema on every thread {@link ReadOptions#withThreads} allows, handing each batch to a
   * consumer of the thread that decoded it: what a scan that aggregates or filters uses to keep every core busy,
   * since nothing is handed from one thread to another. Each of up to {@code threads} threads (the caller's, and
   * workers of the shared daemon pool {@code delpha-parquet-scan}) asks {@code perThread} for its consumer once, then
   * takes row groups not yet taken (files in list order, a file's row groups in file order), decodes each into batches
   * of its own and gives them to its consumer in order.
   *
   * <pre>{@code
   * final class IdSum implements Consumer<ColumnBatch> {   // one per thread: its own state, no lock
   *   long sum;
   *   public void accept(ColumnBatch batch) {
   *     long[] ids = batch.column("id").longs();
   *     for (int i = 0; i < batch.rowCount(); i++) {
   *       sum += ids[i];
   *     }
   *   }
   * }
   * long total = ParquetRows.scanBatches(files, ReadOptions.defaults().withThreads(4), IdSum::new).stream()
   *     .mapToLong(s -> s.sum).sum();   // the consumers' results merged
   * }</pre>
   *
   * <p>Contract: a consumer is called from its own thread only, never concurrently with itself, so it needs no lock
   * for its own state; it sees whole row groups, each one's batches in order, and the batch it is given is valid
   * during the call only (its vectors are reused for the next). With {@code threads} 1 there is one consumer, on
   * the caller's thread, given every batch in file order. Schema: as {@link #readBatches(List, ReadOptions)}'s. Memory:
   * one batch per thread.
   *
   * <p>Failures: the first failure ends the scan: a file that is not readable Parquet or not of the schema
   * (a {@link DataFormatException} naming it, as {@code readBatches} throws), or a consumer's own exception or
   * error, which is thrown unchanged. The other threads stop after the batch at hand, every file is closed, and
   * then the failure is thrown. An interrupted caller (while it decodes its share or waits for the other threads'
   * shares) stops the scan the same way, with a {@link ServiceUnavailableException}, its interrupt status kept.
   *
   * @param files Parquet files of one schema
   * @param options columns to skip, rows per batch, threads
   * @param perThread makes one thread's consumer, on that thread
   * @param <C> the consumers' type
   * @return the consumers made, one per thread that took part, in no particular order
   * @throws NotFoundException if the first file does not exist (a later one, as it is reached)
   * @throws DataFormatException if a file is not a readable Parquet file or not of the first one's schema
   */
  public static <C extends Consumer<ColumnBatch>> List<C> scanBatches(List<Path> files, ReadOptions options,
      Supplier<? extends C> perThread) {
    Capability.require("ParquetRows", "parquet");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(perThread, "perThread");
    return new ParallelScan(ScanFiles.of(files, options), options.threads()).consume(perThread);
  }

  /**
   * The batch reader of one file: on the caller's thread ({@code threads} 1), else on workers ({@link
   * #readBatches(List, ReadOptions)}).
   */
  private static ColumnBatchReader batchReader(String source, InputFile file, ReadOptions options, Runnable onClose) {
    if (options.threads() == 1) {
      return new FileBatchReader(source, new ParquetBatchReader(source, file, options, onClose));
    }
    return new ParallelScan(ScanFiles.of(source, file, options, onClose), options.threads());
  }

  /**
   * Reads a local file column by column, in batches, naming it {@code name} in every error: for a local copy of
   * something else (a download, a spool file), whose errors should name what it is a copy of, not where it lies.
   *
   * @param file a Parquet file
   * @param name what the file is, for messages (in place of its path)
   * @param options columns to skip, rows per batch, threads (see {@link #readBatches(List, ReadOptions)})
   * @return a batch reader
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a readable Parquet file, or a column not skipped has no
   *     row-model type
   */
  public static ColumnBatchReader readBatches(Path file, String name, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    checkMagic(file, name);
    return batchReader(name, LocalFiles.input(file), options, () -> { });
  }

  /**
   * Reads a Parquet file held in memory column by column, in batches: the first {@code length} bytes of
   * {@code content}, read in place (neither copied nor changed). They must stay as they are until the reader is
   * closed; the caller may reuse the array after that (a download buffer, say).
   *
   * @param content the array holding the file
   * @param length how many of its first bytes the file is
   * @param name what the file is, for messages
   * @param options columns to skip, rows per batch, threads (see {@link #readBatches(List, ReadOptions)})
   * @return a batch reader
   * @throws IllegalArgumentException if {@code length} is outside {@code 0..content.length}
   * @throws DataFormatException if it is not a readable Parquet file (too short, no magic bytes, encrypted, a
   *     corrupt footer), or a column not skipped has no row-model type
   */
  public static ColumnBatchReader readBatches(byte[] content, int length, String name, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    InputFile input = ByteArrayInputFile.of(content, length);
    checkMagic(Arrays.copyOf(content, Math.min(length, ParquetMagic.LENGTH)), length, name);
    return batchReader(name, input, options, () -> { });
  }

  /**
   * Reads a Parquet file while it is still arriving in an array (a download whose footer was fetched first), column
   * by column, in batches: each page is decoded as soon as its bytes are in, a read of bytes not yet there waits for
   * them. A batch takes its rows from every column, and a row group's columns arrive one after another: with rows
   * per batch of at least a row group's rows ({@link ReadOptions#withBatchRows}), each column is decoded as it
   * arrives, not once the last one has.
   *
   * @param content the arriving file
   * @param name what the file is, for messages
   * @param options columns to skip, rows per batch, threads (see {@link #readBatches(List, ReadOptions)})
   * @return a batch reader; a read waiting for bytes that never come throws the download's failure ({@link
   *     ArrivingFile#failed})
   * @throws DataFormatException if it is not a readable Parquet file, or a column not skipped has no row-model type
   */
  public static ColumnBatchReader readBatches(ArrivingFile content, String name, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    InputFile input = content.input();
    byte[] start = new byte[Math.min(content.length(), ParquetMagic.LENGTH)];
    try (SeekableInputStream in = input.newStream()) {
      in.readFully(start);
    } catch (IOException e) {
      throw new DataFormatException(name + " is not a Parquet file: " + e.getMessage(), e);
    }
    checkMagic(start, content.length(), name);
    return batchReader(name, input, options, () -> { });
  }

  /**
   * Reads an object: a {@link LocalObjectStore}'s file directly, any other store's object through a
   * local temporary copy deleted on close (Parquet needs random access to its footer).
   *
   * @param store a store
   * @param key a Parquet object's key
   * @return a streaming reader
   * @throws NotFoundException if there is no such object
   * @throws DataFormatException if it is not a readable Parquet file, or a column has no row-model type
   */
  public static RowReader read(ObjectStore store, String key) {
    return read(store, key, ReadOptions.defaults());
  }

  /**
   * Reads an object, as {@link #read(ObjectStore, String)} does.
   *
   * @param store a store
   * @param key a Parquet object's key
   * @param options columns to skip
   * @return a streaming reader
   */
  public static RowReader read(ObjectStore store, String key, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    return open(store, key, (source, file, onClose) -> FileRowReader.open(source, file, options, onClose));
  }

  /**
   * Reads an object whose schema must be {@code expected}.
   *
   * @param store a store
   * @param key a Parquet object's key
   * @param expected the schema the caller needs
   * @return a streaming reader
   * @throws DataFormatException if the object's schema differs
   */
  public static RowReader read(ObjectStore store, String key, RowSchema expected) {
    return requireSchema(read(store, key), expected, store.describe() + "/" + key);
  }

  /**
   * Reads an object whose schema must be {@code expected}, with options (the keys of an encrypted object, say).
   *
   * @param store a store
   * @param key a Parquet object's key
   * @param expected the schema the caller needs
   * @param options how to read it (see {@link #read(ObjectStore, String, ReadOptions)})
   * @return a streaming reader
   * @throws DataFormatException if the object's schema differs
   */
  public static RowReader read(ObjectStore store, String key, RowSchema expected, ReadOptions options) {
    return requireSchema(read(store, key, options), expected, store.describe() + "/" + key);
  }

  /**
   * Reads an object column by column, in batches, as {@link #read(ObjectStore, String)} does.
   *
   * @param store a store
   * @param key a Parquet object's key
   * @param options columns to skip, rows per batch, threads (see {@link #readBatches(List, ReadOptions)})
   * @return a batch reader
   */
  public static ColumnBatchReader readBatches(ObjectStore store, String key, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    return open(store, key, (source, file, onClose) -> batchReader(source, file, options, onClose));
  }

  /**
   * Reads Parquet from a stream, through a local temporary copy deleted when the reader closes.
   *
   * @param content the Parquet bytes; read to the end, not closed
   * @param name what the content is, for messages
   * @return a streaming reader
   * @throws DataFormatException if it is not a readable Parquet file
   */
  public static RowReader read(InputStream content, String name) {
    Capability.require("ParquetRows", "parquet");
    return spoolAndOpen(content, name,
        (source, file, onClose) -> FileRowReader.open(source, file, ReadOptions.defaults(), onClose));
  }

  /** Makes a reader over a local file; {@code onClose} deletes what must go when the reader closes. */
  private interface Opener<T> {
    T open(String source, InputFile file, Runnable onClose);
  }

  private static <T> T open(ObjectStore store, String key, Opener<T> opener) {
    String source = store.describe() + "/" + key;
    Optional<Path> local = store.localFile(key);
    if (local.isPresent()) {
      Path file = local.get();
      checkMagic(file, source);
      return opener.open(source, LocalFiles.input(file), () -> { });
    }
    try (InputStream in = store.get(key)) {
      return spoolAndOpen(in, source, opener);
    } catch (IOException e) {
      throw new ServiceUnavailableException("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  private static <T> T spoolAndOpen(InputStream content, String name, Opener<T> opener) {
    Path spool = null;
    try {
      spool = Files.createTempFile("delpha-parquet-", ".parquet");
      Files.copy(content, spool, StandardCopyOption.REPLACE_EXISTING);
      checkMagic(spool, name);
      Path copy = spool;
      return opener.open(name, LocalFiles.input(copy), () -> deleteQuietly(copy));
    } catch (IOException e) {
      deleteQuietly(spool);
      throw new ServiceUnavailableException("cannot read " + name + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      deleteQuietly(spool);
      throw e;
    }
  }

  /**
   * Reads a file's footer only: its row groups, column chunks and their statistics (no data page is read).
   *
   * @param file a Parquet file
   * @return what its footer says
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a readable Parquet file
   */
  public static ParquetMetadata metadata(Path file) {
    Capability.require("ParquetRows", "parquet");
    checkMagic(file, file.toString());
    return FooterMetadata.read(file.toString(), LocalFiles.input(file));
  }

  /**
   * Reads a file's footer only, as {@link #metadata(Path)} does, an encrypted file's with the keys of {@link
   * ReadOptions#decryption()} (its other options do not apply): the footer decrypted or its signature verified, the
   * metadata of columns with keys of their own decrypted.
   *
   * @param file a Parquet file
   * @param options its keys, if it is encrypted
   * @return what its footer says
   * @throws NotFoundException if the file does not exist
   * @throws DataFormatException if it is not a readable Parquet file, or it is encrypted and the keys do not decrypt
   *     its footer or the metadata of a column with a key of its own
   */
  public static ParquetMetadata metadata(Path file, ReadOptions options) {
    Capability.require("ParquetRows", "parquet");
    Objects.requireNonNull(options, "options");
    checkMagic(file, file.toString());
    return FooterMetadata.read(file.toString(), LocalFiles.input(file), options.decryption());
  }

  /**
   * Reads an object's footer, as {@link #metadata(Path)} does: a {@link LocalObjectStore}'s file in place, any other
   * store's object through a local temporary copy, deleted before this returns (the footer is at the object's end).
   *
   * @param store a store
   * @param key a Parquet object's key
   * @return what its footer says
   * @throws NotFoundException if there is no such object
   * @throws DataFormatException if it is not a readable Parquet file
   */
  public static ParquetMetadata metadata(ObjectStore store, String key) {
    Capability.require("ParquetRows", "parquet");
    return open(store, key, (source, file, onClose) -> {
      try {
        return FooterMetadata.read(source, file);
      } finally {
        onClose.run();
      }
    });
  }

  /**
   * @param store a store
   * @param key a Parquet object's key
   * @return every row, in memory: for small objects
   */
  public static List<Row> readAll(ObjectStore store, String key) {
    try (RowReader reader = read(store, key)) {
      List<Row> rows = new ArrayList<>();
      reader.forEachRemaining(rows::add);
      return rows;
    }
  }

  /**
   * @param content the start of a file or object (at least 4 bytes)
   * @return whether it starts with the Parquet magic bytes {@code PAR1}
   */
  public static boolean startsWithMagic(InputStream content) {
    try {
      return ParquetMagic.plain(content.readNBytes(ParquetMagic.LENGTH), 0);
    } catch (IOException e) {
      throw new DelphaException("cannot read the start of the content: " + e.getMessage(), e);
    }
  }

  /**
   * @param content the start of a file or object (at least 4 bytes)
   * @return whether it starts with {@code PARE}, the magic bytes of a Parquet file whose footer is encrypted (read
   *     with {@link ReadOptions#decryption()} keys)
   */
  public static boolean startsWithEncryptedMagic(InputStream content) {
    try {
      return ParquetMagic.encrypted(content.readNBytes(ParquetMagic.LENGTH), 0);
    } catch (IOException e) {
      throw new DelphaException("cannot read the start of the content: " + e.getMessage(), e);
    }
  }

  static void checkMagic(Path file, String source) {
    try (InputStream in = Files.newInputStream(file)) {
      checkMagic(in.readNBytes(ParquetMagic.LENGTH), Files.size(file), source);
    } catch (NoSuchFileException e) {
      throw new NotFoundException("no file " + source);
    } catch (IOException e) {
      throw new DelphaException("cannot read " + source + ": " + e.getMessage(), e);
    }
  }

  /**
   * @param start the content's first bytes (up to four)
   * @param size the content's size
   * @throws DataFormatException if the content is too short for Parquet, or not Parquet (an encrypted file, whose
   *     magic is {@code PARE}, passes: the reader decrypts it with the read's keys, or refuses it without)
   */
  private static void checkMagic(byte[] start, long size, String source) {
    if (size < ParquetMagic.MIN_FILE_BYTES || !ParquetMagic.plain(start, 0) && !ParquetMagic.encrypted(start, 0)) {
      throw ByteArrayInputFile.notParquet(source, size);
    }
  }

  private static RowReader requireSchema(RowReader reader, RowSchema expected, String source) {
    RowSchema actual = reader.schema();
    String problem = schemaProblem(actual, expected);
    if (problem != null) {
      reader.close();
      throw new DataFormatException(source + " does not have the expected schema: " + problem
          + " (file: " + actual + ", expected: " + expected + ")");
    }
    return reader;
  }

  static @Nullable String schemaProblem(RowSchema actual, RowSchema expected) {
    if (actual.size() != expected.size()) {
      return "it has " + actual.size() + " columns, " + expected.size() + " expected";
    }
    for (int i = 0; i < actual.size(); i++) {
      Column a = actual.column(i);
      Column e = expected.column(i);
      if (!a.name().equals(e.name())) {
        return "column " + (i + 1) + " is '" + a.name() + "', '" + e.name() + "' expected";
      }
      if (!a.type().equals(e.type())) {
        return "column " + a.name() + " is " + a.type() + ", " + e.type() + " expected";
      }
      if (a.nullable() && !e.nullable()) {
        return "column " + a.name() + " may hold nulls but is expected to be required";
      }
    }
    return null;
  }

  private static void deleteQuietly(@Nullable Path file) {
    if (file != null) {
      try {
        Files.deleteIfExists(file);
      } catch (IOException ignored) {
        // a leftover temporary file holds no published data
      }
    }
  }

}
