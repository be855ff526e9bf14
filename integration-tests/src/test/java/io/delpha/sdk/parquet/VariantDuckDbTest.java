package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DuckDB, an independent reader and writer of Parquet's VARIANT, as the oracle of ours: DuckDB reads our VARIANTs at
 * the top level and inside LIST, MAP and STRUCT as we do; DuckDB writes VARIANT columns shredded (its default: a
 * {@code typed_value} chosen from the data, partly shredded where values differ, or the shredding asked for), and we
 * read them as DuckDB does. Values are compared as {@link DuckDbVariants} shows a variant (exact numbers at the top
 * level; decimals as doubles inside nested values, as DuckDB's {@code to_json} writes them).
 *
 * <p>DuckDB 2.0 writes no VARIANT inside a nested type ("ColumnWriter of type 'VARIANT' requires a transform, but is
 * not a root column"): {@link #duckDbNestedVariants} holds that, and compares what it writes once it does.
 */
@DisplayName("VARIANT and DuckDB: each reads the other's files the same, shredded or not, nested or not")
class VariantDuckDbTest {

  /** Every kind of value a DuckDB VARIANT holds that Parquet's has, in objects and arrays, shaped by the row. */
  private static final String VALUES = """
      SELECT i,
        CASE i % 16
          WHEN 0 THEN {'a': i, 'b': 'x' || i, 'c': [i, i + 1]}::VARIANT
          WHEN 1 THEN {'a': 'a string', 'd': {'e': i / 3, 'f': [true, false]}}::VARIANT
          WHEN 2 THEN [i::VARIANT, 'y'::VARIANT, NULL::VARIANT, [1.5::DECIMAL(3, 1)]::VARIANT]::VARIANT
          WHEN 3 THEN (i * 1.25)::DECIMAL(18, 3)::VARIANT
          WHEN 4 THEN (TIMESTAMP '2024-01-01 10:00:00' + INTERVAL (i) MICROSECOND)::VARIANT
          WHEN 5 THEN NULL
          WHEN 6 THEN 'null'::JSON::VARIANT
          WHEN 7 THEN json('{"k": [1, 2.5, "z", null, true, {"q": -0.0}]}')::VARIANT
          WHEN 8 THEN (i % 3 = 0)::VARIANT
          WHEN 9 THEN ('\\xAA\\x00\\x22'::BLOB)::VARIANT
          WHEN 10 THEN (DATE '2024-02-29' + i::INTEGER)::VARIANT
          WHEN 11 THEN (TIMESTAMPTZ '2024-01-01 00:00:00.5+00' + INTERVAL (i) SECOND)::VARIANT
          WHEN 12 THEN (TIME '10:11:12.000123')::VARIANT
          WHEN 13 THEN (i / 7)::FLOAT::VARIANT
          WHEN 14 THEN ('12345678901234567890123456.' || i)::DECIMAL(38, 10)::VARIANT
          ELSE (TIMESTAMP_NS '2024-01-01 10:00:00.123456789')::VARIANT
        END AS mixed,
        (i * 7)::VARIANT AS number,
        {'id': i, 'name': 'n' || (i % 5), 'tags': ['t' || (i % 3)]}::VARIANT AS object,
        CASE WHEN i % 5 = 0 THEN 'text'::VARIANT ELSE {'id': i, 'ratio': i / 4}::VARIANT END AS partly,
        [(i % 4)::TINYINT, (i % 100 * 300)::SMALLINT]::VARIANT AS arr,
        uuid()::VARIANT AS id
      FROM range(1200) t(i)""";

  @Test
  @DisplayName("DuckDB writes VARIANT columns shredded (a typed_value per column) and we read them as DuckDB does, by "
      + "rows and by batches; also shredded as asked, partly, and unshredded")
  void duckDbWrittenVariants(@TempDir Path tmp) throws Exception {
    try (Connection duck = ParquetFidelityTest.duckdb(); Statement s = duck.createStatement()) {
      s.execute("SET TimeZone = 'UTC'");
      s.execute("CREATE TABLE t AS " + VALUES);
      Path shredded = tmp.resolve("duckdb-shredded.parquet");
      s.execute("COPY t TO '" + shredded + "' (FORMAT parquet, ROW_GROUP_SIZE 500)");
      List<String> leaves = ParquetRows.metadata(shredded).columns().stream()
          .map(ParquetMetadata.LeafColumn::dottedPath).toList();
      assertThat(leaves).as("DuckDB shreds by default").contains("number.typed_value",
          "object.typed_value.id.typed_value", "arr.typed_value.list.element.typed_value",
          "partly.typed_value.id.typed_value");
      ParquetCorpusTest.assertEveryViewSameAsDuckDb(shredded, ParquetCorpusTest.duckDbReading(duck, shredded));

      Path asked = tmp.resolve("duckdb-asked.parquet");
      s.execute("COPY t TO '" + asked + "' (FORMAT parquet, SHREDDING {mixed: 'STRUCT(a BIGINT, b VARCHAR, "
          + "c BIGINT[])', number: 'VARCHAR', object: 'STRUCT(id INTEGER, tags VARCHAR[])', "
          + "partly: 'STRUCT(id BIGINT)', arr: 'DOUBLE[]', id: 'UUID'})");
      assertThat(ParquetRows.metadata(asked).columns().stream().map(ParquetMetadata.LeafColumn::dottedPath))
          .contains("mixed.typed_value.c.typed_value.list.element.typed_value", "number.typed_value");
      ParquetCorpusTest.assertEveryViewSameAsDuckDb(asked, ParquetCorpusTest.duckDbReading(duck, asked));

      Path plain = tmp.resolve("duckdb-unshredded.parquet");
      s.execute("COPY t TO '" + plain + "' (FORMAT parquet, SHREDDING {mixed: 'VARIANT', number: 'VARIANT', "
          + "object: 'VARIANT', partly: 'VARIANT', arr: 'VARIANT', id: 'VARIANT'})");
      assertThat(ParquetRows.metadata(plain).columns().stream().map(ParquetMetadata.LeafColumn::dottedPath))
          .noneMatch(p -> p.contains("typed_value"));
      ParquetCorpusTest.assertEveryViewSameAsDuckDb(plain, ParquetCorpusTest.duckDbReading(duck, plain));

      assertThat(ParquetCorpusTest.readAll(shredded)).as("the same values, shredded or not")
          .isEqualTo(ParquetCorpusTest.readAll(plain)).isEqualTo(ParquetCorpusTest.readAll(asked));
    }
  }

  @Test
  @DisplayName("DuckDB reads our VARIANTs in lists, maps and structs, four deep, as we read them")
  void duckDbReadsOurNestedVariants(@TempDir Path tmp) throws Exception {
    Path file = VariantNestedTest.write(tmp.resolve("ours-nested.parquet"), VariantNestedTest.rows(59_200L, 400),
        WriteOptions.defaults());
    try (Connection duck = ParquetFidelityTest.duckdb()) {
      ParquetCorpusTest.assertEveryViewSameAsDuckDb(file, ParquetCorpusTest.duckDbReading(duck, file));
    }
  }

  @Test
  @DisplayName("DuckDB rewrites our top-level VARIANTs shredded, and we read its file back as the rows we wrote "
      + "(values DuckDB writes: no TIMESTAMP_NANOS_TZ; a variant null becomes a null, as DuckDB holds it)")
  void ourVariantsThroughDuckDb(@TempDir Path tmp) throws Exception {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.INT).nullable("top", ColumnType.VARIANT).build();
    List<Row> rows = VariantNestedTest.rows(59_300L, 600).stream()
        .filter(r -> r.get("top") == null || DuckDbVariants.duckDbWrites(r.getVariant("top")))
        .map(r -> Row.of(schema, r.get("id"), r.get("top"))).toList();
    assertThat(rows).hasSizeGreaterThan(500);
    // DuckDB holds a top-level variant null as its NULL, and writes it so
    List<Row> expected = rows.stream().map(r -> r.get("top") instanceof Variant v && v.isNull()
        ? Row.of(schema, r.get("id"), null) : r).toList();
    Path ours = tmp.resolve("ours.parquet");
    try (RowWriter w = ParquetRows.writer(ours, schema, WriteOptions.defaults())) {
      rows.forEach(w::write);
    }
    Path theirs = tmp.resolve("duckdb.parquet");
    try (Connection duck = ParquetFidelityTest.duckdb(); Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT * FROM read_parquet('" + ours + "')) TO '" + theirs + "' (FORMAT parquet)");
    }
    assertThat(ParquetRows.metadata(theirs).columns().stream().map(ParquetMetadata.LeafColumn::dottedPath))
        .anyMatch(p -> p.startsWith("top.typed_value"));
    assertThat(ParquetCorpusTest.readAll(theirs)).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("DuckDB 2.0 writes no VARIANT inside a LIST, MAP or STRUCT; once it does, we read what it writes as it "
      + "does")
  void duckDbNestedVariants(@TempDir Path tmp) throws Exception {
    String[] columns = {"[i::VARIANT, {'a': i}::VARIANT] AS l", "{'s': (i * 1.5)::VARIANT, 'n': i} AS st",
        "MAP {'k': [i]::VARIANT} AS m"};
    try (Connection duck = ParquetFidelityTest.duckdb()) {
      for (String column : columns) {
        Path file = tmp.resolve("duckdb-nested-" + column.substring(column.lastIndexOf(' ') + 1) + ".parquet");
        try (Statement s = duck.createStatement()) {
          s.execute("COPY (SELECT i, " + column + " FROM range(50) t(i)) TO '" + file + "' (FORMAT parquet)");
        } catch (SQLException e) {
          assertThat((Throwable) e).hasMessageContaining("VARIANT").hasMessageContaining("not a root column");
          continue;
        }
        ParquetCorpusTest.assertEveryViewSameAsDuckDb(file, ParquetCorpusTest.duckDbReading(duck, file));
      }
    }
  }
}
