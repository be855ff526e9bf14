package io.delpha.sdk.parquet;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a Parquet file's footer says about its data, read without reading the data: its row groups and, in each,
 * every column chunk's codec, encodings, sizes, counts and statistics (DuckDB's {@code parquet_metadata()},
 * parquet-cli's {@code meta}).
 *
 * <pre>{@code
 * ParquetMetadata m = ParquetRows.metadata(Path.of("orders.parquet"));
 * for (ParquetMetadata.RowGroup g : m.rowGroups()) {
 *   for (ParquetMetadata.ColumnChunk c : g.columns()) {
 *     System.out.println(c.column().dottedPath() + " " + c.codec() + " nulls=" + c.nullCount() + " min=" + c.min());
 *   }
 * }
 * }</pre>
 *
 * @param fileBytes the file's size
 * @param rowCount the rows of every row group
 * @param createdBy the writer the footer names ({@code created_by}), or {@code null} if it names none
 * @param columns the schema's leaf columns, in schema order (a nested column has one per leaf), whether the row model
 *     has a type for them or not
 * @param rowGroups the row groups, in file order
 */
public record ParquetMetadata(long fileBytes, long rowCount, @Nullable String createdBy, List<LeafColumn> columns,
    List<RowGroup> rowGroups) {

  /** Copies the lists. */
  public ParquetMetadata {
    columns = List.copyOf(columns);
    rowGroups = List.copyOf(rowGroups);
  }

  /**
   * A leaf column of the file's Parquet schema.
   *
   * @param path its path, e.g. {@code [tags, list, element]}; the first name is the top-level column's
   * @param physicalType the Parquet physical type, e.g. {@code INT64} or {@code FIXED_LEN_BYTE_ARRAY(16)}
   * @param logicalType the Parquet logical type, e.g. {@code DECIMAL(18,2)} or {@code TIMESTAMP(MICROS,true)}, or
   *     {@code null}
   */
  public record LeafColumn(List<String> path, String physicalType, @Nullable String logicalType) {

    /** Copies the path. */
    public LeafColumn {
      path = List.copyOf(path);
    }

    /** @return the path joined with dots, e.g. {@code tags.list.element} */
    public String dottedPath() {
      return String.join(".", path);
    }
  }

  /**
   * One row group.
   *
   * @param rowCount its rows
   * @param compressedBytes its column chunks' bytes in the file (the sum of {@link ColumnChunk#compressedBytes()})
   * @param uncompressedBytes its column chunks' bytes once decompressed (the sum of {@link
   *     ColumnChunk#uncompressedBytes()})
   * @param columns its column chunks: one per leaf column, in the order of {@link ParquetMetadata#columns()}
   */
  public record RowGroup(long rowCount, long compressedBytes, long uncompressedBytes, List<ColumnChunk> columns) {

    /** Copies the list. */
    public RowGroup {
      columns = List.copyOf(columns);
    }
  }

  /**
   * One leaf column's chunk of a row group.
   *
   * <p>{@code min} and {@code max} are the footer's statistics as row-model values (the types {@link Row#get} returns
   * for the leaf: {@code Long}, {@code BigDecimal}, {@code Instant}, {@code String}, {@code byte[]}, ...): the
   * chunk's bounds in the type's order, {@code null} when the footer has none or none a reader may trust (INT96, the
   * legacy statistics of strings and unsigned integers, a column order other than the type's). A writer may have
   * truncated the bounds of long strings or bytes (then {@code min} is a prefix, {@code max} a bound above).
   *
   * @param column the leaf column whose values the chunk holds
   * @param codec the compression codec, as Parquet names it ({@code SNAPPY}, {@code ZSTD}, {@code UNCOMPRESSED}, ...)
   * @param encodings the encodings the chunk's pages use, as Parquet names them ({@code PLAIN}, {@code RLE_DICTIONARY},
   *     ...)
   * @param valueCount its values, nulls and the levels of nested columns included
   * @param compressedBytes its bytes in the file, page headers included
   * @param uncompressedBytes its bytes once decompressed, page headers included
   * @param nullCount its nulls, or {@code null} if the footer does not say
   * @param distinctCount its distinct values, or {@code null} if the footer does not say (most writers do not)
   * @param min the smallest value, or {@code null}
   * @param max the largest value, or {@code null}
   */
  public record ColumnChunk(LeafColumn column, String codec, List<String> encodings, long valueCount, long compressedBytes, long uncompressedBytes, @Nullable Long nullCount,
      @Nullable Long distinctCount, @Nullable Object min, @Nullable Object max) {

    /** Copies the list. */
    public ColumnChunk {
      encodings = List.copyOf(encodings);
    }
  }
}
