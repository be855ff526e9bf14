package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.NotFoundException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ParquetRows#metadata}: every column chunk's counts, sizes and codec as DuckDB's {@code parquet_metadata()}
 * reads them, and its min and max equal to the smallest and largest values the reader reads from its row group.
 */
class ParquetMetadataTest {

  private static final Path RESOURCES = Path.of("integration-tests/src/test/resources").toAbsolutePath();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"parquet-cli/duckdb_types.parquet", "parquet-cli/pyarrow_types.parquet",
      "parquet/nested_maps.snappy.parquet", "parquet/nullable.impala.parquet",
      "parquet-corpus/data/alltypes_tiny_pages.parquet", "parquet-corpus/data/data_index_bloom_encoding_stats.parquet",
      "parquet-corpus/data/binary_truncated_min_max.parquet"})
  @DisplayName("the footer as DuckDB reads it, and bounds that hold the row group's values")
  void footerAsDuckDbReadsIt(String name) throws Exception {
    Path file = RESOURCES.resolve(name);
    ParquetMetadata meta = ParquetRows.metadata(file);
    assertThat(meta.fileBytes()).isEqualTo(Files.size(file));
    assertThat(meta.rowCount()).isEqualTo(meta.rowGroups().stream().mapToLong(ParquetMetadata.RowGroup::rowCount).sum());

    int chunks = 0;
    try (Connection c = ParquetFidelityTest.duckdb(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT row_group_id, row_group_num_rows, path_in_schema, type, compression, "
            + "num_values, total_compressed_size, total_uncompressed_size, stats_null_count, column_id FROM "
            + "parquet_metadata('" + file + "') ORDER BY row_group_id, column_id")) {
      while (rs.next()) {
        ParquetMetadata.RowGroup group = meta.rowGroups().get(rs.getInt(1));
        assertThat(group.rowCount()).isEqualTo(rs.getLong(2));
        ParquetMetadata.ColumnChunk chunk = group.columns().get(rs.getInt(10));
        String where = name + " row group " + rs.getInt(1) + " " + chunk.column().dottedPath();
        assertThat(chunk.column().path()).as(where).isEqualTo(List.of(rs.getString(3).split(", ")));
        assertThat(chunk.column().physicalType()).as(where).startsWith(rs.getString(4));
        assertThat(chunk.codec()).as(where).isEqualTo(rs.getString(5));
        assertThat(chunk.valueCount()).as(where).isEqualTo(rs.getLong(6));
        assertThat(chunk.compressedBytes()).as(where).isEqualTo(rs.getLong(7));
        assertThat(chunk.uncompressedBytes()).as(where).isEqualTo(rs.getLong(8));
        long nulls = rs.getLong(9);
        assertThat(chunk.nullCount()).as(where).isEqualTo(rs.wasNull() ? null : nulls);
        chunks++;
      }
    }
    assertThat(chunks).isEqualTo(meta.rowGroups().stream().mapToInt(g -> g.columns().size()).sum());
    assertThat(meta.rowGroups()).allSatisfy(g -> assertThat(g.columns()).hasSameSizeAs(meta.columns()));

    List<Row> rows = new ArrayList<>();
    RowSchema schema;
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().skippingUnsupported())) {
      schema = r.schema();
      r.forEachRemaining(row -> rows.add(Row.of(row.schema(), row.values())));
    }
    int bounded = 0;
    int start = 0;
    for (ParquetMetadata.RowGroup group : meta.rowGroups()) {
      List<Row> groupRows = rows.subList(start, start + (int) group.rowCount());
      start += (int) group.rowCount();
      for (ParquetMetadata.ColumnChunk chunk : group.columns()) {
        String column = chunk.column().path().get(0);
        if (chunk.column().path().size() != 1 || schema.indexOf(column).isEmpty() || chunk.min() == null) {
          continue;
        }
        List<Object> values = groupRows.stream().map(r -> r.get(column)).filter(v -> v != null).toList();
        if (values.isEmpty() || values.stream().anyMatch(v -> v instanceof Double d && d.isNaN())) {
          continue;
        }
        Object min = values.stream().reduce((a, b) -> compare(a, b) <= 0 ? a : b).orElseThrow();
        Object max = values.stream().reduce((a, b) -> compare(a, b) >= 0 ? a : b).orElseThrow();
        String where = name + " " + column;
        if (name.contains("truncated")) {
          // the writer cut the bounds of long values: the min a prefix at or below, the max a value at or above
          assertThat(compare(chunk.min(), min)).as(where).isLessThanOrEqualTo(0);
          assertThat(compare(chunk.max(), max)).as(where).isGreaterThanOrEqualTo(0);
        } else {
          assertThat(compare(chunk.min(), min)).as("%s min %s, values from %s", where, chunk.min(), min).isZero();
          assertThat(compare(chunk.max(), max)).as("%s max %s, values to %s", where, chunk.max(), max).isZero();
        }
        bounded++;
      }
    }
    assertThat(bounded).as("chunks whose bounds were checked").isPositive();
  }

  /** Values in their Parquet order: strings and bytes as unsigned bytes, everything else as Java orders it. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compare(Object a, Object b) {
    if (a instanceof String s && b instanceof String t) {
      return Arrays.compareUnsigned(s.getBytes(StandardCharsets.UTF_8), t.getBytes(StandardCharsets.UTF_8));
    }
    if (a instanceof byte[] x && b instanceof byte[] y) {
      return Arrays.compareUnsigned(x, y);
    }
    return ((Comparable) a).compareTo(b);
  }

  @Test
  @DisplayName("legacy min/max of strings (parquet-mr before 1.10, signed order) are not given as bounds")
  void legacyStringBoundsAreLeftOut() {
    ParquetMetadata meta = ParquetRows.metadata(RESOURCES.resolve("parquet/nullable.impala.parquet"));
    assertThat(meta.createdBy()).startsWith("parquet-mr version 1.8.0");
    List<ParquetMetadata.ColumnChunk> strings = meta.rowGroups().get(0).columns().stream()
        .filter(c -> c.column().physicalType().equals("BYTE_ARRAY")).toList();
    assertThat(strings).isNotEmpty().allSatisfy(c -> assertThat(c.min()).isNull());
  }

  @Test
  @DisplayName("an object of a store; what is not Parquet or is missing: the reader's typed errors")
  void storesAndErrors(@TempDir Path dir) throws Exception {
    Files.copy(RESOURCES.resolve("parquet-cli/pyarrow_types.parquet"), dir.resolve("p.parquet"));
    Files.writeString(dir.resolve("text.parquet"), "not parquet at all");
    try (LocalObjectStore store = LocalObjectStore.at(dir)) {
      assertThat(ParquetRows.metadata(store, "p.parquet").rowCount()).isEqualTo(900);
      assertThatThrownBy(() -> ParquetRows.metadata(store, "text.parquet")).isInstanceOf(DataFormatException.class)
          .hasMessageContaining("text.parquet is not a Parquet file");
      assertThatThrownBy(() -> ParquetRows.metadata(store, "none.parquet")).isInstanceOf(NotFoundException.class);
    }
    byte[] whole = Files.readAllBytes(RESOURCES.resolve("parquet-cli/pyarrow_types.parquet"));
    Path cut = dir.resolve("cut.parquet");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
    assertThatThrownBy(() -> ParquetRows.metadata(cut)).isInstanceOf(DataFormatException.class)
        .hasMessage(cut + " is not a readable Parquet file (corrupt or truncated footer): no PAR1 magic at the end of "
            + "the file");
  }
}
