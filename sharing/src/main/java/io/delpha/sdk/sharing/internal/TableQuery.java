package io.delpha.sdk.sharing.internal;

import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.sharing.TableMetadata;
import io.delpha.sdk.sharing.internal.QueryResponse.FileAction;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one table query answered, and how to fetch its files: the metadata (schema, partition columns, version),
 * the files with the values of their columns that are not in the data (partition values), a way to open a file
 * as batches (downloaded into memory or a spool file) and a way to download it whole to a local file. Both ways
 * refresh expired presigned URLs by re-sending the same query.
 *
 * @param metadata the table's metadata as the query answered it
 * @param physicalSchema the table's schema in its data files' names (differs from the metadata's under column
 *     mapping)
 * @param pages the data files, page by page as the read reaches them ({@link #files()} reads them all)
 * @param constants per file, the values of the table's columns that the file does not hold
 * @param opener downloads and opens one file
 * @param downloader downloads one file to a local path, returns the bytes written
 * @param name {@code share.schema.table}, for messages
 */
public record TableQuery(TableMetadata metadata, RowSchema physicalSchema, QueryPages pages,
    Function<FileAction, Map<String, Object>> constants, FileOpener opener,
    Downloader downloader, String name) {

  /**
   * @return every data file of the query, every page read: for a read that needs the whole list (a SQL cache's
   *     manifest); a streamed read takes {@link #pages()} instead
   */
  public List<FileAction> files() {
    return pages.all();
  }

  /** Whether a column of the table, at any depth, is a VARIANT. */
  private static boolean hasVariant(ColumnType t) {
    return t.equals(ColumnType.VARIANT) || t.children().stream().anyMatch(c -> hasVariant(c.type()));
  }

  /** Downloads one file of the query to a local path. */
  @FunctionalInterface
  public interface Downloader {
    /**
     * @param file a file of the query
     * @param target where it goes (written beside, then renamed into place)
     * @return the bytes written
     */
    long download(FileAction file, Path target);
  }

  /**
   * @param file a file of the query
   * @return whether the file's bytes are its rows in the table's names and types: no deletion vector, no column
   *     mapping, no VARIANT column (Delta writes one as a plain group, maybe shredded, which DuckDB would read as a
   *     struct); a file that is not is read through {@link #opener()}, never used as storage serves it. A column
   *     that type widening left narrower in an older file is widened by the view's cast.
   */
  public boolean readAsServed(FileAction file) {
    return file.deletionVector() == null && physicalSchema.equals(metadata.schema())
        && metadata.schema().columns().stream().noneMatch(c -> hasVariant(c.type()));
  }

  /** @return the table's schema */
  public RowSchema schema() {
    return metadata.schema();
  }
}
