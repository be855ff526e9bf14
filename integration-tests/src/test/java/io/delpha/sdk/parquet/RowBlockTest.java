package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Rows made by {@link ColumnBatch#rows()} (and so by every Parquet row reader) share one copy of their batch's
 * values and make a boxed or {@code java.time} value when asked: they must be indistinguishable from rows made
 * by {@link Row#of}, whatever happens to the batch afterwards, and whichever thread reads them.
 */
@DisplayName("Rows read from a batch: values made on demand, the same rows as Row.of makes")
class RowBlockTest {

  /** One column of every kind held in primitives, plus columns held as objects. */
  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("n", ColumnType.INT)
      .nullable("x", ColumnType.DOUBLE)
      .nullable("flag", ColumnType.BOOLEAN)
      .nullable("day", ColumnType.DATE)
      .nullable("small", ColumnType.decimal(9, 3))
      .nullable("price", ColumnType.decimal(18, 2))
      .nullable("big", ColumnType.decimal(30, 4))
      .nullable("at", ColumnType.TIMESTAMP)
      .nullable("clock", ColumnType.TIME)
      .nullable("name", ColumnType.STRING)
      .nullable("raw", ColumnType.BYTES)
      .nullable("tags", ColumnType.list(ColumnType.STRING, true))
      .build();

  @TempDir Path tmp;

  static Row row(long i) {
    boolean nulls = i % 7 == 3;
    return Row.of(SCHEMA, i,
        nulls ? null : (int) (i * 31 - 1000),
        nulls ? null : i % 11 == 0 ? Double.NaN : i / 8.0 - 3,
        nulls ? null : i % 2 == 0,
        nulls ? null : LocalDate.ofEpochDay(-800_000 + i * 997),
        nulls ? null : BigDecimal.valueOf(i * 12_345 - 99_999, 3),
        nulls ? null : BigDecimal.valueOf(-i * 1_000_003_001L, 2),
        nulls ? null : new BigDecimal("12345678901234567890123456." + String.format("%04d", i % 10_000)),
        nulls ? null : Instant.ofEpochSecond(-2_000_000_000L + i * 86_413L, (i % 1000) * 1000),
        nulls ? null : LocalTime.ofNanoOfDay((i * 1_000_003L % 86_400_000_000L) * 1000),
        nulls ? null : "name-" + i % 13 + (i % 5 == 0 ? "é" : ""),
        nulls ? null : new byte[] {(byte) i, 1, 2},
        nulls ? null : List.of("t" + i, "u"));
  }

  static ColumnBatch batch(int from, int to) {
    return appender(from, to).batch();
  }

  static ColumnBatch.Appender appender(int from, int to) {
    ColumnBatch.Appender b = ColumnBatch.appender(SCHEMA);
    for (int i = from; i < to; i++) {
      b.appendRow(row(i));
    }
    return b;
  }

  @Test
  @DisplayName("every value, null and hash as Row.of's rows; rows stay right after the batch is cleared and refilled")
  void sameAsRowOf() {
    ColumnBatch.Appender b = appender(0, 500);
    Row[] rows = b.batch().rows();
    b.clear();
    for (int i = 0; i < 300; i++) {
      b.appendRow(row(10_000 + i));
    }
    assertThat(b.batch().rows()).hasSize(300);
    for (int i = 0; i < rows.length; i++) {
      Row expected = row(i);
      Row got = rows[i];
      assertThat(got).isEqualTo(expected);
      assertThat(expected).isEqualTo(got);
      assertThat(got.hashCode()).isEqualTo(expected.hashCode());
      assertThat(got.toString()).isEqualTo(expected.toString());
      assertThat(Arrays.deepEquals(got.values().toArray(), expected.values().toArray())).as("values of row %d", i).isTrue();
      assertThat(got.toMap().keySet()).containsExactlyElementsOf(SCHEMA.names());
      for (int c = 0; c < SCHEMA.size(); c++) {
        assertThat(got.isNull(c)).isEqualTo(expected.get(c) == null);
        assertThat(got.isNull(SCHEMA.column(c).name())).isEqualTo(expected.get(c) == null);
      }
    }
    // typed getters, and a value made anew by each call: equal, each its own
    Row r = rows[8];
    assertThat(r.getLong("id")).isEqualTo(8L);
    assertThat(r.getInt("n")).isEqualTo(8 * 31 - 1000);
    assertThat(r.getDouble("x")).isEqualTo(8 / 8.0 - 3);
    assertThat(r.getBoolean("flag")).isTrue();
    assertThat(r.getDate("day")).isEqualTo(LocalDate.ofEpochDay(-800_000 + 8 * 997));
    assertThat(r.getDecimal("small")).isEqualTo(new BigDecimal("-1.239"));
    assertThat(r.getDecimal("small").scale()).isEqualTo(3);
    assertThat(r.getDecimal("price")).isEqualTo(BigDecimal.valueOf(-8 * 1_000_003_001L, 2));
    assertThat(r.getTimestamp("at")).isEqualTo(Instant.ofEpochSecond(-2_000_000_000L + 8 * 86_413L, 8_000));
    assertThat(r.getBytes("raw")).containsExactly(8, 1, 2);
    assertThat(r.getDecimal("price")).isNotSameAs(r.getDecimal("price"));
    byte[] raw = r.getBytes("raw");
    raw[0] = 99;
    assertThat(r.getBytes("raw")).containsExactly(8, 1, 2);
    assertThat((Double) rows[11].get("x")).isNaN();
    assertThat(rows[3].get("at")).isNull();
    assertThat(rows[3].getDecimal("price")).isNull();
  }

  @Test
  @DisplayName("primitive getters by name and by index read what get() reads, on batch rows and Row.of rows alike; "
      + "a null or a column of another kind is a typed error")
  void primitiveGetters() {
    Row[] rows = batch(0, 200).rows();
    for (int i = 0; i < rows.length; i++) {
      for (Row r : new Row[] {rows[i], row(i)}) {
        assertThat(r.getLong("id")).isEqualTo(r.getLong(0)).isEqualTo((Long) r.get("id"));
        for (String c : List.of("n", "x", "flag")) {
          int index = SCHEMA.requireIndex(c);
          Object boxed = r.get(c);
          if (boxed == null) {
            assertThat(r.isNull(c)).isTrue();
            assertThatThrownBy(() -> primitive(r, c)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining(c).hasMessageContaining("null");
            assertThatThrownBy(() -> primitive(r, index)).isInstanceOf(InvalidInputException.class);
          } else {
            assertThat(primitive(r, c)).isEqualTo(boxed).isEqualTo(primitive(r, index));
          }
        }
        if (!r.isNull("n")) {
          assertThat(r.getLong("n")).as("an INT column read as long is widened").isEqualTo((long) (Integer) r.get("n"));
        }
        assertThat(r.getString(SCHEMA.requireIndex("name"))).isEqualTo(r.get("name"));
        assertThat(r.getDecimal(SCHEMA.requireIndex("price"))).isEqualTo(r.get("price"));
      }
    }
    Row r = rows[1];
    assertThatThrownBy(() -> r.getLong("name")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("name").hasMessageContaining("STRING");
    assertThatThrownBy(() -> r.getInt("id")).isInstanceOf(InvalidInputException.class).hasMessageContaining("LONG");
    assertThatThrownBy(() -> r.getString("id")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> r.getDouble("flag")).isInstanceOf(InvalidInputException.class);
  }

  private static Object primitive(Row r, String column) {
    return switch (column) {
      case "n" -> r.getInt(column);
      case "x" -> r.getDouble(column);
      default -> r.getBoolean(column);
    };
  }

  private static Object primitive(Row r, int index) {
    return switch (SCHEMA.column(index).name()) {
      case "n" -> r.getInt(index);
      case "x" -> r.getDouble(index);
      default -> r.getBoolean(index);
    };
  }

  @Test
  @DisplayName("a position outside the schema is an IndexOutOfBoundsException, as for Row.of's rows")
  void outOfRange() {
    Row r = batch(0, 1).rows()[0];
    assertThatThrownBy(() -> r.get(SCHEMA.size())).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> r.isNull(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> row(0).get(SCHEMA.size())).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> r.get("nope")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("rows handed to other threads read the same values (the block is immutable once made)")
  void sharedAcrossThreads() {
    Row[] rows = batch(0, 4096).rows();
    List<CompletableFuture<Long>> sums = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      sums.add(CompletableFuture.supplyAsync(() -> {
        long sum = 0;
        for (Row r : rows) {
          sum += r.getLong("id") + (r.isNull("price") ? 0 : r.getDecimal("price").unscaledValue().longValueExact())
              + (r.isNull("at") ? 0 : r.getTimestamp("at").toEpochMilli());
        }
        return sum;
      }));
    }
    long expected = 0;
    for (int i = 0; i < 4096; i++) {
      Row r = row(i);
      expected += i + (r.isNull("price") ? 0 : r.getDecimal("price").unscaledValue().longValueExact())
          + (r.isNull("at") ? 0 : r.getTimestamp("at").toEpochMilli());
    }
    for (CompletableFuture<Long> s : sums) {
      assertThat(s.join()).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("rows read from a file (a second thread decoding ahead, several batches in flight) equal the rows written, "
      + "as keys of a set too")
  void throughAFile() {
    Path file = tmp.resolve("block.parquet");
    int n = 30_000;
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults())) {
      for (int i = 0; i < n; i++) {
        w.write(row(i));
      }
    }
    Set<Row> seen = new HashSet<>();
    int i = 0;
    try (RowReader r = ParquetRows.read(file)) {
      while (r.hasNext()) {
        Row got = r.next();
        assertThat(got).isEqualTo(row(i));
        seen.add(got);
        i++;
      }
    }
    assertThat(i).isEqualTo(n);
    assertThat(seen).hasSize(n).contains(row(0), row(n - 1));
  }

  @Test
  @DisplayName("dictionary-encoded columns of every kind held in primitives, with nulls: rows of the row reader and of "
      + "batches read what was written, by get() and by the primitive getters, after the reader moved on")
  void dictionaryPagesThroughRows() {
    RowSchema schema = RowSchema.builder()
        .required("id", ColumnType.LONG)
        .nullable("k", ColumnType.LONG)
        .nullable("n", ColumnType.INT)
        .nullable("x", ColumnType.DOUBLE)
        .nullable("day", ColumnType.DATE)
        .nullable("price", ColumnType.decimal(18, 2))
        .nullable("at", ColumnType.TIMESTAMP)
        .nullable("name", ColumnType.STRING)
        .build();
    int n = 20_000;
    List<Row> written = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean nul = i % 9 == 4;
      // few distinct values (the writer keeps every page of these columns in its dictionary), another set per
      // stretch of rows, so that the row groups' dictionaries differ
      int d = i % 37 + 40 * (i / 7_000);
      written.add(Row.of(schema, (long) i, nul ? null : 1_000_000_000_000L * d, nul ? null : d - 18,
          nul ? null : d / 4.0, nul ? null : LocalDate.ofEpochDay(19_000 + d), nul ? null : BigDecimal.valueOf(d * 101, 2),
          nul ? null : Instant.ofEpochSecond(1_700_000_000L + d, d * 1000), nul ? null : "v" + d));
    }
    Path file = tmp.resolve("dictionary.parquet");
    // small row groups: each chunk its own dictionary, which the vectors filled in turn must not mix
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withRowGroupBytes(64 * 1024))) {
      written.forEach(w::write);
    }
    List<ParquetMetadata.RowGroup> groups = ParquetRows.metadata(file).rowGroups();
    assertThat(groups).hasSizeGreaterThan(2);
    for (ParquetMetadata.ColumnChunk chunk : groups.get(1).columns()) {
      if (!chunk.column().path().equals(List.of("id"))) {
        assertThat(chunk.encodings()).as("%s", chunk.column().path()).anyMatch(e -> e.contains("DICTIONARY"));
      }
    }
    for (List<Row> rows : readBothWays(file)) {
      assertThat(rows).hasSize(n);
      for (int i = 0; i < n; i++) {
        Row got = rows.get(i);
        Row expected = written.get(i);
        assertThat(got).isEqualTo(expected);
        if (expected.isNull("k")) {
          assertThat(got.isNull("k")).isTrue();
          assertThatThrownBy(() -> got.getLong("k")).isInstanceOf(InvalidInputException.class);
        } else {
          assertThat(got.getLong("k")).isEqualTo((Long) expected.get("k"));
          assertThat(got.getInt("n")).isEqualTo((Integer) expected.get("n"));
          assertThat(got.getDouble("x")).isEqualTo((Double) expected.get("x"));
          assertThat(got.getDate("day")).isEqualTo(expected.get("day"));
          assertThat(got.getDecimal("price")).isEqualTo(expected.get("price"));
          assertThat(got.getTimestamp("at")).isEqualTo(expected.get("at"));
          assertThat(got.getString("name")).isEqualTo(expected.get("name"));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Compression.class)
  @DisplayName("a chunk of many pages of different sizes (the reader reuses one array for its pages): every value read "
      + "by rows and by batches as written, and as DuckDB reads the file")
  void pagesOfDifferentSizes(Compression compression) throws Exception {
    RowSchema schema = RowSchema.builder()
        .required("id", ColumnType.LONG)
        .nullable("s", ColumnType.STRING)
        .nullable("k", ColumnType.LONG)
        .build();
    int n = 130_000; // 7 pages of at most 20,000 rows per column: long strings first, then short ones, nulls in some
    List<Row> written = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String s = i % 3 == 0 && i > 90_000 ? null : (i < 45_000 ? "long-" + "x".repeat(40 + i % 17) : "s") + i;
      written.add(Row.of(schema, (long) i, s, i >= 60_000 && i < 80_000 ? null : (long) i * 7));
    }
    Path file = tmp.resolve("pages-" + compression + ".parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withCompression(compression))) {
      written.forEach(w::write);
    }
    for (List<Row> rows : readBothWays(file)) {
      assertThat(rows).containsExactlyElementsOf(written);
    }
    long lengths = 0;
    long ks = 0;
    for (Row r : written) {
      lengths += r.isNull("s") ? 0 : r.getString("s").length();
      ks += r.isNull("k") ? 0 : r.getLong("k");
    }
    try (Connection c = ParquetFidelityTest.duckdb(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*), sum(length(s)), sum(k), count(s), count(k) FROM read_parquet('"
            + file + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(n);
      assertThat(rs.getLong(2)).isEqualTo(lengths);
      assertThat(rs.getLong(3)).isEqualTo(ks);
      assertThat(rs.getLong(4)).isEqualTo(written.stream().filter(r -> !r.isNull("s")).count());
      assertThat(rs.getLong(5)).isEqualTo(n - 20_000);
    }
  }

  /** The file's rows as the row reader hands them out, and as the rows of each batch of the batch reader. */
  private static List<List<Row>> readBothWays(Path file) {
    List<Row> fromReader = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file)) {
      r.forEachRemaining(fromReader::add);
    }
    List<Row> fromBatches = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        fromBatches.addAll(Arrays.asList(b.rows())); // the reader refills the batch's vectors next
      }
    }
    return List.of(fromReader, fromBatches);
  }

  @Test
  @DisplayName("the writer's decimal checks: too many integer digits is refused whole, at the bound and past a long; "
      + "DuckDB reads exactly the values kept")
  void decimalBounds() throws Exception {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).nullable("p", ColumnType.decimal(18, 2)).build();
    ColumnBatch.Appender b = ColumnBatch.appender(schema);
    b.appendRow(Row.of(schema, 1L, new BigDecimal("9999999999999999.99")));
    b.appendRow(Row.of(schema, 2L, new BigDecimal("-9999999999999999.99")));
    assertThatThrownBy(() -> b.appendRow(Row.of(schema, 3L, new BigDecimal("10000000000000000.00"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("integer digits").hasMessageContaining("decimal(18,2)");
    assertThatThrownBy(() -> b.appendRow(Row.of(schema, 4L, new BigDecimal("-123456789012345678901234567890.00"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("integer digits");
    assertThat(b.rowCount()).isEqualTo(2);
    assertThat(b.batch().rows()[1].getDecimal("p")).isEqualTo(new BigDecimal("-9999999999999999.99"));
    assertThat(b.batch().column("p").longs()[0]).isEqualTo(999_999_999_999_999_999L);
    Path file = tmp.resolve("bounds.parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      w.write(b.batch());
      assertThatThrownBy(() -> w.write(Row.of(schema, 5L, new BigDecimal("99999999999999999.00"))))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("integer digits");
      w.write(Row.of(schema, 6L, new BigDecimal("0.01")));
    }
    try (Connection c = ParquetFidelityTest.duckdb(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT list(id ORDER BY id)::VARCHAR, list(p::VARCHAR ORDER BY id)::VARCHAR FROM read_parquet('"
            + file + "')")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("[1, 2, 6]");
      assertThat(rs.getString(2)).isEqualTo("[9999999999999999.99, -9999999999999999.99, 0.01]");
    }
  }
}
