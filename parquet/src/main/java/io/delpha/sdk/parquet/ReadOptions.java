package io.delpha.sdk.parquet;

import io.delpha.sdk.core.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a Parquet source is read: columns to leave out, columns to read as VARIANT, VARIANT columns to read one path
 * of, the number of rows per
 * {@link ColumnBatch}, and the threads a batch reader decodes on.
 *
 * <p>A column whose Parquet type has no row-model type (see {@link ColumnType}) makes reading fail with a
 * {@link io.delpha.sdk.core.DataFormatException} naming it, unless it is skipped by name or all such columns
 * are skipped with {@link #skippingUnsupported()}. A skipped column is not read at all.
 *
 * <pre>{@code
 * ParquetRows.read(file, ReadOptions.defaults().skipping("payload"));
 * ParquetRows.read(file, ReadOptions.defaults().readingVariantPath("event", "user", "id")); // event: its user.id
 * }</pre>
 *
 * @param skipped top-level column names to leave out (a name the file lacks is an error)
 * @param skipUnsupported whether to leave out every column the row model cannot hold
 * @param batchRows rows per batch, at most
 * @param variants top-level columns to read as VARIANT although their group carries no VARIANT annotation (Delta
 *     tables and Spark 4.0 write a VARIANT as a plain group of a binary {@code value} and {@code metadata}, shredded
 *     or not, and keep the type in the table's schema); a name the file lacks is ignored (a file may predate the
 *     column), a named column that is not such a group is a {@link io.delpha.sdk.core.DataFormatException}
 * @param threads how many threads a {@link ColumnBatchReader} of {@link ParquetRows}{@code .readBatches} decodes
 *     on, 1 to {@value #MAX_THREADS}: 1 (the default) decodes on the caller's thread, in file order; more decode
 *     several row groups at once, each on a worker thread, their batches interleaved (see {@link
 *     ParquetRows#readBatches(java.util.List, ReadOptions)}). The row readers ({@link RowReader}) do not use it.
 * @param decryption the keys of files encrypted with Parquet modular encryption, or {@code null}: then an encrypted
 *     file is refused with a {@link io.delpha.sdk.core.DataFormatException} saying so (see {@link FileDecryption})
 * @param variantPaths top-level VARIANT columns each read as one value of its variants, at a path of object field
 *     names (see {@link #readingVariantPath}); a name the file lacks is ignored, a named column that is not a
 *     VARIANT is a {@link io.delpha.sdk.core.DataFormatException}
 */
public record ReadOptions(Set<String> skipped, boolean skipUnsupported, int batchRows, Set<String> variants,
    int threads, @Nullable FileDecryption decryption, Map<String, List<String>> variantPaths) {

  /** Rows per batch by default: large enough to amortise per-batch work, small enough to stay in cache. */
  public static final int DEFAULT_BATCH_ROWS = 4096;

  /** The most threads a read may decode on. */
  public static final int MAX_THREADS = 256;

  /** Validates and copies. */
  public ReadOptions {
    skipped = Set.copyOf(new LinkedHashSet<>(skipped));
    variants = Set.copyOf(new LinkedHashSet<>(variants));
    Map<String, List<String>> paths = new LinkedHashMap<>();
    variantPaths.forEach((column, path) -> {
      if (path.isEmpty()) {
        throw new InvalidInputException("the path read of VARIANT column " + column + " names no field");
      }
      paths.put(column, List.copyOf(path));
    });
    variantPaths = Map.copyOf(paths);
    if (batchRows < 1) {
      throw new InvalidInputException("batchRows must be positive, was " + batchRows);
    }
    if (threads < 1 || threads > MAX_THREADS) {
      throw new InvalidInputException("threads must be 1 to " + MAX_THREADS + ", was " + threads);
    }
  }

  /**
   * Options reading every VARIANT column whole.
   *
   * @param skipped top-level column names to leave out
   * @param skipUnsupported whether to leave out every column the row model cannot hold
   * @param batchRows rows per batch, at most
   * @param variants top-level columns to read as VARIANT (see {@link #variants})
   * @param threads threads to decode on (see {@link #threads})
   * @param decryption the keys of encrypted files, or {@code null} (see {@link #decryption})
   */
  public ReadOptions(Set<String> skipped, boolean skipUnsupported, int batchRows, Set<String> variants, int threads,
      @Nullable FileDecryption decryption) {
    this(skipped, skipUnsupported, batchRows, variants, threads, decryption, Map.of());
  }

  /**
   * Options reading no encrypted file.
   *
   * @param skipped top-level column names to leave out
   * @param skipUnsupported whether to leave out every column the row model cannot hold
   * @param batchRows rows per batch, at most
   * @param variants top-level columns to read as VARIANT (see {@link #variants})
   * @param threads threads to decode on (see {@link #threads})
   */
  public ReadOptions(Set<String> skipped, boolean skipUnsupported, int batchRows, Set<String> variants, int threads) {
    this(skipped, skipUnsupported, batchRows, variants, threads, null);
  }

  /**
   * Options decoding on the caller's thread.
   *
   * @param skipped top-level column names to leave out
   * @param skipUnsupported whether to leave out every column the row model cannot hold
   * @param batchRows rows per batch, at most
   * @param variants top-level columns to read as VARIANT (see {@link #variants})
   */
  public ReadOptions(Set<String> skipped, boolean skipUnsupported, int batchRows, Set<String> variants) {
    this(skipped, skipUnsupported, batchRows, variants, 1);
  }

  /**
   * Options without VARIANT columns named.
   *
   * @param skipped top-level column names to leave out
   * @param skipUnsupported whether to leave out every column the row model cannot hold
   * @param batchRows rows per batch, at most
   */
  public ReadOptions(Set<String> skipped, boolean skipUnsupported, int batchRows) {
    this(skipped, skipUnsupported, batchRows, Set.of(), 1);
  }

  /**
   * @return every column, {@value #DEFAULT_BATCH_ROWS} rows per batch, decoded on the caller's thread
   */
  public static ReadOptions defaults() {
    return new ReadOptions(Set.of(), false, DEFAULT_BATCH_ROWS, Set.of(), 1, null, Map.of());
  }

  /**
   * @param columns top-level columns to leave out
   * @return these options also skipping them
   */
  public ReadOptions skipping(String... columns) {
    Set<String> all = new LinkedHashSet<>(skipped);
    all.addAll(Set.of(columns));
    return new ReadOptions(all, skipUnsupported, batchRows, variants, threads, decryption, variantPaths);
  }

  /**
   * @return these options leaving out every column whose type the row model cannot hold
   */
  public ReadOptions skippingUnsupported() {
    return new ReadOptions(skipped, true, batchRows, variants, threads, decryption, variantPaths);
  }

  /**
   * @param rows rows per batch, at most
   * @return these options with that batch size
   */
  public ReadOptions withBatchRows(int rows) {
    return new ReadOptions(skipped, skipUnsupported, rows, variants, threads, decryption, variantPaths);
  }

  /**
   * @param columns top-level columns to read as VARIANT when their group is not annotated (see {@link #variants})
   * @return these options reading them so
   */
  public ReadOptions readingAsVariant(String... columns) {
    Set<String> all = new LinkedHashSet<>(variants);
    all.addAll(Set.of(columns));
    return new ReadOptions(skipped, skipUnsupported, batchRows, all, threads, decryption, variantPaths);
  }

  /**
   * @param count threads to decode on, 1 to {@value #MAX_THREADS} (see {@link #threads}); more than the machine's
   *     cores gains nothing
   * @return these options decoding on that many threads
   */
  public ReadOptions withThreads(int count) {
    return new ReadOptions(skipped, skipUnsupported, batchRows, variants, count, decryption, variantPaths);
  }

  /**
   * @param keys the keys of the encrypted files read (see {@link FileDecryption}); plaintext files read as before
   * @return these options decrypting with them
   */
  public ReadOptions withDecryption(FileDecryption keys) {
    return new ReadOptions(skipped, skipUnsupported, batchRows, variants, threads,
        java.util.Objects.requireNonNull(keys, "keys"), variantPaths);
  }

  /**
   * Reads a VARIANT column as one value of each row's variant: the field {@code path[0]} of its top-level object, that
   * value's field {@code path[1]}, and so on, as {@code v.get(path[0]).get(path[1])...} would give it, without making
   * the rest of the variant. The column keeps its name and its type, VARIANT, and may hold nulls: a row reads null
   * where its variant is null, or has no such field, or is not an object at some step of the path. Of a shredded
   * column (VariantShredding.md) only the Parquet columns on the path are read: the metadata, the {@code value} of
   * each object along the path, and what is shredded under the path's last field; the value is rebuilt from them
   * alone. Of an unshredded one, the value is found in each variant's bytes and copied.
   *
   * <pre>{@code
   * try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().readingVariantPath("event", "user", "id"))) {
   *   Variant id = r.next().getVariant("event");   // event.user.id, or null
   * }
   * }</pre>
   *
   * <p>A later path for the same column replaces the earlier one. Checks on the data follow the path: a field both
   * shredded and in an object's value is refused where the path meets it, not elsewhere in the variant.
   *
   * @param column a top-level VARIANT column (or one named by {@link #readingAsVariant}); a name the file lacks is
   *     ignored
   * @param path object field names, at least one
   * @return these options reading the column so
   * @throws InvalidInputException if the path names no field
   */
  public ReadOptions readingVariantPath(String column, String... path) {
    Map<String, List<String>> all = new LinkedHashMap<>(variantPaths);
    all.put(column, List.of(path));
    return new ReadOptions(skipped, skipUnsupported, batchRows, variants, threads, decryption, all);
  }
}
