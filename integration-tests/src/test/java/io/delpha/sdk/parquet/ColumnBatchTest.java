package io.delpha.sdk.parquet;

import static io.delpha.sdk.parquet.ParquetFidelityTest.assertSameJson;
import static io.delpha.sdk.parquet.ParquetFidelityTest.duckdb;
import static io.delpha.sdk.parquet.ParquetFidelityTest.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.InvalidInputException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("ColumnBatch, nested columns and the columnar writer")
class ColumnBatchTest {

  static final RowSchema GEO = RowSchema.builder().required("lat", ColumnType.DOUBLE).required("lon", ColumnType.DOUBLE).build();
  static final RowSchema ADDRESS = RowSchema.builder()
      .nullable("street", ColumnType.STRING)
      .required("zip", ColumnType.INT)
      .nullable("geo", ColumnType.struct(GEO))
      .build();
  static final RowSchema EVENT = RowSchema.builder()
      .required("at", ColumnType.LOCAL_TIMESTAMP)
      .nullable("amount", ColumnType.decimal(10, 2))
      .build();
  static final RowSchema NESTED = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("tags", ColumnType.list(ColumnType.STRING, true))
      .nullable("attrs", ColumnType.map(ColumnType.STRING, ColumnType.list(ColumnType.INT, true), true))
      .nullable("address", ColumnType.struct(ADDRESS))
      .required("events", ColumnType.list(ColumnType.struct(EVENT), false))
      .nullable("seen", ColumnType.LOCAL_TIMESTAMP)
      .build();

  @TempDir Path tmp;

  static Map<String, List<Integer>> attrs(Object... keyValues) {
    Map<String, List<Integer>> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      @SuppressWarnings("unchecked")
      List<Integer> v = (List<Integer>) keyValues[i + 1];
      m.put((String) keyValues[i], v);
    }
    return m;
  }

  static Row event(String at, String amount) {
    return Row.of(EVENT, LocalDateTime.parse(at), amount == null ? null : new BigDecimal(amount));
  }

  static List<Row> nestedRows() {
    List<Row> rows = new ArrayList<>();
    rows.add(Row.of(NESTED, 1L, List.of("a", "b"), attrs("x", List.of(1, 2), "y", Arrays.asList(null, 3)),
        Row.of(ADDRESS, "1 Main St", 75001, Row.of(GEO, 48.85, 2.35)),
        List.of(event("2024-01-02T03:04:05.123456", "12.50"), event("1969-12-31T23:59:59.999999", null)),
        LocalDateTime.parse("2024-06-01T00:00:00")));
    rows.add(Row.of(NESTED, 2L, null, null, null, List.of(), null));
    rows.add(Row.of(NESTED, 3L, List.of(), attrs(), Row.of(ADDRESS, null, 0, null), List.of(event("2000-01-01T00:00:00", "-0.01")),
        null));
    rows.add(Row.of(NESTED, 4L, Arrays.asList(null, "é", null), attrs("z", null, "w", List.of()),
        Row.of(ADDRESS, "", -1, Row.of(GEO, -0.0, Double.NaN)), List.of(), LocalDateTime.parse("1900-01-01T12:00:00.000001")));
    for (long i = 5; i < 30; i++) {
      rows.add(Row.of(NESTED, i, List.of("t" + i % 3), attrs("k" + i, List.of((int) i)), null,
          List.of(event("2024-01-01T00:00:00", i + ".00")), null));
    }
    return rows;
  }

  /** As DuckDB's to_json shapes it, with timestamps as epoch microseconds. */
  static JsonNode json(Object v) {
    if (v instanceof LocalDateTime t) {
      return JsonNodeFactory.instance.numberNode(t.toEpochSecond(ZoneOffset.UTC) * 1_000_000 + t.getNano() / 1000);
    }
    if (v instanceof Row row) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      for (int i = 0; i < row.schema().size(); i++) {
        o.set(row.schema().column(i).name(), json(row.get(i)));
      }
      return o;
    }
    if (v instanceof List<?> list) {
      var a = JsonNodeFactory.instance.arrayNode();
      list.forEach(e -> a.add(json(e)));
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      map.forEach((k, e) -> o.set(String.valueOf(k), json(e)));
      return o;
    }
    return ParquetFidelityTest.json(v);
  }

  @Test
  @DisplayName("lists, maps and structs round-trip with nulls and empties at every level, and DuckDB reads the same values and types")
  void nestedRoundTrip() throws Exception {
    Path file = tmp.resolve("nested.parquet");
    try (RowWriter w = ParquetRows.writer(file, NESTED, WriteOptions.defaults())) {
      nestedRows().forEach(w::write);
    }
    assertThat(rows(file)).containsExactlyElementsOf(nestedRows());
    try (RowReader r = ParquetRows.read(file)) {
      assertThat(r.schema()).isEqualTo(NESTED);
    }

    try (Connection c = duckdb(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT typeof(tags), typeof(attrs), typeof(address), typeof(events), typeof(seen) "
          + "FROM read_parquet('" + file + "') LIMIT 1")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("VARCHAR[]");
        assertThat(rs.getString(2)).isEqualTo("MAP(VARCHAR, INTEGER[])");
        assertThat(rs.getString(3)).isEqualTo("STRUCT(street VARCHAR, zip INTEGER, geo STRUCT(lat DOUBLE, lon DOUBLE))");
        assertThat(rs.getString(4)).isEqualTo("STRUCT(\"at\" TIMESTAMP, amount DECIMAL(10,2))[]");
        assertThat(rs.getString(5)).isEqualTo("TIMESTAMP");
      }
      List<JsonNode> duck = new ArrayList<>();
      ObjectMapper mapper = new ObjectMapper().enable(com.fasterxml.jackson.core.JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);
      try (ResultSet rs = s.executeQuery("SELECT to_json({'id': id, 'tags': tags, 'attrs': attrs, 'address': address, "
          + "'events': list_transform(events, lambda e: {'at': epoch_us(e.at), 'amount': e.amount}), 'seen': epoch_us(seen)}) "
          + "FROM read_parquet('" + file + "')")) {
        while (rs.next()) {
          duck.add(mapper.readTree(rs.getString(1)));
        }
      }
      assertSameJson(nestedRows().stream().map(ColumnBatchTest::json).toList(), duck);
    }
  }

  @Test
  @DisplayName("batches built with append and rows written one by one land in order; batches read back hold offsets and nulls")
  void columnarWriteAndRead() {
    Path file = tmp.resolve("columnar.parquet");
    List<Row> expected = nestedRows();
    try (RowWriter w = ParquetRows.writer(file, NESTED, WriteOptions.defaults())) {
      ColumnBatch.Appender batch = ColumnBatch.appender(NESTED);
      for (int i = 0; i < 10; i++) {
        batch.appendRow(expected.get(i));
      }
      w.write(batch.batch());
      for (int i = 10; i < 20; i++) {
        w.write(expected.get(i));
      }
      batch.clear();
      for (int i = 20; i < expected.size(); i++) {
        Row r = expected.get(i);
        for (int c = 0; c < NESTED.size(); c++) {
          batch.column(c).append(r.get(c));
        }
        batch.endRow();
      }
      w.write(batch.batch());
      assertThat(w.rowCount()).isEqualTo(expected.size());
    }
    List<Row> back = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(file, ReadOptions.defaults().withBatchRows(4))) {
      ColumnBatch first = r.next();
      ColumnVector tags = first.column("tags");
      assertThat(tags.physical()).isEqualTo(Physical.LIST);
      assertThat(Arrays.copyOf(tags.offsets(), 5)).containsExactly(0, 2, 2, 2, 5);
      assertThat(tags.isNull(1)).isTrue();
      assertThat(tags.isNull(2)).isFalse();
      ColumnVector elements = tags.child(0);
      assertThat(elements.size()).isEqualTo(5);
      assertThat(elements.getString(0)).isEqualTo("a");
      assertThat(elements.isNull(2)).isTrue();
      assertThat(elements.getString(3)).isEqualTo("é");
      ColumnVector zip = first.column("address").child(1);
      assertThat(zip.ints()[0]).isEqualTo(75001);
      for (ColumnBatch b = first; b != null; b = r.next()) {
        assertThat(b.rowCount()).isBetween(1, 4);
        for (int i = 0; i < b.rowCount(); i++) {
          back.add(b.row(i));
        }
      }
    }
    assertThat(back).containsExactlyElementsOf(expected);
  }

  @Test
  @DisplayName("a row with a value Parquet would change is refused whole; the batch and the writer go on")
  void appendRowIsAllOrNothing() {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).nullable("tags", ColumnType.list(ColumnType.STRING, true))
        .nullable("at", ColumnType.TIMESTAMP).build();
    ColumnBatch.Appender batch = ColumnBatch.appender(schema);
    batch.appendRow(Row.of(schema, 1L, List.of("a"), Instant.parse("2024-01-01T00:00:00Z")));
    assertThatThrownBy(() -> batch.appendRow(Row.of(schema, 2L, List.of("b", "c"), Instant.parse("2024-01-01T00:00:00.000000001Z"))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at");
    assertThat(batch.rowCount()).isEqualTo(1);
    assertThat(batch.batch().column("tags").child(0).size()).isEqualTo(1);
    batch.appendRow(Row.of(schema, 3L, null, null));
    assertThat(batch.batch().row(1)).isEqualTo(Row.of(schema, 3L, null, null));

    Path file = tmp.resolve("refused.parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      w.write(batch.batch());
      assertThatThrownBy(() -> w.write(Row.of(schema, 4L, List.of("d"), Instant.parse("2024-01-01T00:00:00.000000001Z"))))
          .isInstanceOf(InvalidInputException.class);
      w.write(Row.of(schema, 5L, List.of(), null));
    }
    assertThat(rows(file)).extracting(r -> r.getLong("id")).containsExactly(1L, 3L, 5L);
  }

  @Test
  @DisplayName("vectors refuse what Parquet would not keep exactly, and nulls where none are allowed")
  void vectorChecks() {
    ColumnAppender decimal = ColumnAppender.allocate(Column.nullable("d", ColumnType.decimal(4, 2)));
    decimal.appendLong(9999);
    assertThatThrownBy(() -> decimal.appendLong(10_000)).isInstanceOf(InvalidInputException.class).hasMessageContaining("decimal(4,2)");
    assertThatThrownBy(() -> decimal.append(new BigDecimal("1.5"))).isInstanceOf(InvalidInputException.class).hasMessageContaining("scale");
    ColumnAppender time = ColumnAppender.allocate(Column.nullable("t", ColumnType.TIME));
    assertThatThrownBy(() -> time.appendLong(86_400_000_000L)).isInstanceOf(InvalidInputException.class);
    time.append(LocalTime.of(23, 59, 59, 999_999_000));
    assertThatThrownBy(() -> time.append(LocalTime.of(0, 0, 0, 1))).isInstanceOf(InvalidInputException.class);
    ColumnAppender big = ColumnAppender.allocate(Column.nullable("b", ColumnType.decimal(38, 0)));
    assertThatThrownBy(() -> big.appendBytes(new byte[3])).isInstanceOf(InvalidInputException.class).hasMessageContaining("16-byte");
    ColumnAppender required = ColumnAppender.allocate(Column.required("r", ColumnType.STRING));
    assertThatThrownBy(required::appendNull).isInstanceOf(InvalidInputException.class).hasMessageContaining("required");
    assertThatThrownBy(() -> required.appendLong(1)).isInstanceOf(InvalidInputException.class).hasMessageContaining("BINARY");
    required.appendString("a😀\uD800b");
    assertThat(required.vector().getString(0)).isEqualTo("a😀?b");
    assertThat(decimal.vector().size()).isEqualTo(1);
    assertThat(time.vector().size()).isEqualTo(1);
  }

  /**
   * Several pages and row groups (2 MiB each), nulls in most columns, a string dictionary that outgrows its
   * limit mid-chunk, NaN and -0.0, decimals held as binary.
   */
  static void writePages(Path file, int rows) {
    RowSchema schema = RowSchema.builder()
        .required("id", ColumnType.LONG)
        .nullable("s", ColumnType.STRING)
        .nullable("b", ColumnType.BOOLEAN)
        .nullable("x", ColumnType.DOUBLE)
        .nullable("n", ColumnType.INT)
        .nullable("d", ColumnType.decimal(30, 3))
        .nullable("rd", ColumnType.decimal(25, 2))
        .build();
    ColumnBatch.Appender batch = ColumnBatch.appender(schema);
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults().withRowGroupBytes(2 << 20))) {
      for (int i = 0; i < rows; i++) {
        batch.column(0).appendLong(i);
        // the first page repeats a few values (a dictionary pays), then every value is new (it outgrows 1 MiB)
        if (i % 7 == 0) {
          batch.column(1).appendNull();
        } else {
          batch.column(1).appendString(i < 25_000 ? "v" + i % 50 : "unique value number " + i + (i % 2 == 0 ? "é" : "z"));
        }
        if (i % 5 == 0) {
          batch.column(2).appendNull();
        } else {
          batch.column(2).appendBoolean(i % 3 == 0);
        }
        batch.column(3).appendDouble(i == 7 ? Double.NaN : i == 8 ? -0.0 : i * 0.5 - 1000);
        if (i % 11 == 0) {
          batch.column(4).appendNull();
        } else {
          batch.column(4).appendInt(i % 1000 - 500);
        }
        batch.column(5).append(i % 13 == 0 ? null : BigDecimal.valueOf(i * 1000L - 7, 3).negate());
        // a binary decimal that repeats: dictionary-encoded
        batch.column(6).append(i % 17 == 0 ? null : BigDecimal.valueOf(i % 20 - 10, 2));
        batch.endRow();
        if (batch.rowCount() == 1000) {
          w.write(batch.batch());
          batch.clear();
        }
      }
    }
  }

  @Test
  @DisplayName("the row view equals the columnar view, value for value: ParquetRows.read and ColumnBatch.rows() against "
      + "row(i) of the batches, over row groups whose dictionaries differ and fall back to PLAIN mid-chunk")
  void rowViewEqualsColumnarView() {
    Path file = tmp.resolve("views.parquet");
    writePages(file, 60_000);
    List<Row> fromBatches = new ArrayList<>();
    try (ColumnBatchReader reader = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
        Row[] all = b.rows();
        assertThat(all).hasSize(b.rowCount());
        for (int i = 0; i < b.rowCount(); i++) {
          Row single = b.row(i);
          assertThat(all[i]).isEqualTo(single);
          fromBatches.add(single);
        }
      }
    }
    List<Row> fromRows = new ArrayList<>();
    try (RowReader reader = ParquetRows.read(file)) {
      reader.forEachRemaining(fromRows::add);
    }
    assertThat(fromRows).hasSize(60_000).containsExactlyElementsOf(fromBatches);
    // rows(from, to) of a batch of the whole file (one row group, dictionaries and PLAIN pages): each slice equals
    // row(i) over its range, empty and whole ranges too, and a range outside the batch is refused
    long seed = Long.getLong("parquet.slices.seed", System.nanoTime());
    java.util.Random random = new java.util.Random(seed);
    String replay = "replay: -Dparquet.slices.seed=" + seed;
    try (ColumnBatchReader reader = ParquetRows.readBatches(file, ReadOptions.defaults().withBatchRows(60_000))) {
      for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
        int n = b.rowCount();
        assertThat(b.rows(0, n)).as(replay).containsExactly(b.rows());
        assertThat(b.rows(n, n)).as(replay).isEmpty();
        for (int round = 0; round < 20; round++) {
          int from = random.nextInt(n + 1);
          int to = from + random.nextInt(n - from + 1);
          Row[] slice = b.rows(from, to);
          assertThat(slice).as(replay).hasSize(to - from);
          for (int i = from; i < to; i += 1 + random.nextInt(97)) {
            assertThat(slice[i - from]).as(replay + ", row %d of [%d, %d)", i, from, to).isEqualTo(b.row(i));
          }
        }
        ColumnBatch whole = b;
        assertThatThrownBy(() -> whole.rows(1, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> whole.rows(0, n + 1)).isInstanceOf(IndexOutOfBoundsException.class);
      }
    }
    // spot checks against the values written (not only view against view)
    assertThat(fromRows.get(7).get("s")).isNull();
    assertThat(fromRows.get(8).get("s")).isEqualTo("v8");
    assertThat(fromRows.get(50_002).get("s")).isEqualTo("unique value number 50002é");
    assertThat(fromRows.get(27).get("d")).isEqualTo(BigDecimal.valueOf(27 * 1000L - 7, 3).negate());
    assertThat((Double) fromRows.get(7).get("x")).isNaN();
    assertThat(fromRows.get(34).get("rd")).isNull();
    assertThat(fromRows.get(59_999).get("rd")).isEqualTo(new BigDecimal("0.09"));
  }

  @Test
  @DisplayName("many rows: several pages and row groups, nulls, a dictionary that outgrows its limit, NaN and -0.0; "
      + "DuckDB agrees on every value and on the statistics")
  void pagesDictionariesAndStatistics() throws Exception {
    Path file = tmp.resolve("pages.parquet");
    int rows = 120_000;
    writePages(file, rows);
    long[] expected = new long[6];
    for (int i = 0; i < rows; i++) {
      expected[0] += i;
      expected[1] += i % 7 == 0 ? 0 : 1;
      expected[2] += i % 5 != 0 && i % 3 == 0 ? 1 : 0;
      expected[3] += i % 11 == 0 ? 0 : i % 1000 - 500;
      expected[4] += i % 13 == 0 ? 0 : 1;
    }
    try (Connection c = duckdb(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id), count(s), count_if(b), sum(n), count(d), "
          + "count(DISTINCT s), count_if(isnan(x)), sum(d) FROM read_parquet('" + file + "')")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(rows);
        assertThat(rs.getLong(2)).isEqualTo(expected[0]);
        assertThat(rs.getLong(3)).isEqualTo(expected[1]);
        assertThat(rs.getLong(4)).isEqualTo(expected[2]);
        assertThat(rs.getLong(5)).isEqualTo(expected[3]);
        assertThat(rs.getLong(6)).isEqualTo(expected[4]);
        assertThat(rs.getLong(8)).isEqualTo(1);
      }
      try (ResultSet rs = s.executeQuery("SELECT count(DISTINCT row_group_id), count(*) FILTER (WHERE encodings LIKE '%DICTIONARY%'"
          + " AND path_in_schema = 's') FROM parquet_metadata('" + file + "')")) {
        rs.next();
        assertThat(rs.getInt(1)).as("row groups").isGreaterThan(1);
        assertThat(rs.getInt(2)).as("row groups whose s chunk uses a dictionary").isGreaterThan(0);
      }
      // statistics: what DuckDB reads from the footer equals what it computes from the values
      for (String column : List.of("id", "s", "n", "d")) {
        try (ResultSet rs = s.executeQuery("SELECT row_group_id, stats_min_value, stats_max_value, stats_null_count "
            + "FROM parquet_metadata('" + file + "') WHERE path_in_schema = '" + column + "' ORDER BY row_group_id")) {
          while (rs.next()) {
            assertThat(rs.getString(2)).as("min of %s in row group %d", column, rs.getInt(1)).isNotNull();
            assertThat(rs.getString(3)).as("max of %s", column).isNotNull();
          }
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT max(stats_max_value) FILTER (WHERE path_in_schema = 's'), "
          + "(SELECT max(s) FROM read_parquet('" + file + "')), "
          + "min(TRY_CAST(stats_min_value AS BIGINT)) FILTER (WHERE path_in_schema = 'n'), "
          + "(SELECT min(n) FROM read_parquet('" + file + "')), "
          + "sum(stats_null_count) FILTER (WHERE path_in_schema = 's') FROM parquet_metadata('" + file + "')")) {
        rs.next();
        assertThat(rs.getString(1)).as("largest string in unsigned byte order").isEqualTo(rs.getString(2));
        assertThat(rs.getLong(3)).isEqualTo(rs.getLong(4)).isEqualTo(-500);
        assertThat(rs.getLong(5)).isEqualTo(rows - expected[1]);
      }
    }
    long sum = 0;
    long present = 0;
    int nan = 0;
    double negativeZero = 1;
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        ColumnVector s = b.column("s");
        ColumnVector x = b.column("x");
        for (int i = 0; i < b.rowCount(); i++) {
          sum += b.column("id").getLong(i);
          present += s.isNull(i) ? 0 : 1;
          double v = x.getDouble(i);
          nan += Double.isNaN(v) ? 1 : 0;
          if (b.column("id").getLong(i) == 8) {
            negativeZero = v;
          }
        }
      }
    }
    assertThat(sum).isEqualTo(expected[0]);
    assertThat(present).isEqualTo(expected[1]);
    assertThat(nan).isEqualTo(1);
    assertThat(Double.doubleToRawLongBits(negativeZero)).isEqualTo(Double.doubleToRawLongBits(-0.0));
    List<Row> back = rows(file);
    assertThat(back).hasSize(rows);
    for (int i = 0; i < rows; i++) {
      // through the row view, which makes each dictionary entry's String once: nulls must not shift the values
      assertThat(back.get(i).getString("s")).as("row %d", i)
          .isEqualTo(i % 7 == 0 ? null : i < 25_000 ? "v" + i % 50 : "unique value number " + i + (i % 2 == 0 ? "é" : "z"));
    }
    assertThat(back.get(100_001).getString("s")).isEqualTo("unique value number 100001z");
    assertThat(back.get(49).getDecimal("d")).isEqualTo(BigDecimal.valueOf(49 * 1000L - 7, 3).negate());
  }

  @Test
  @DisplayName("keeping rows in place refuses indexes out of order or out of range and leaves the batch as it was")
  void keepingRowsRefusesBadIndexes() {
    RowSchema schema = RowSchema.builder().nullable("s", ColumnType.STRING).build();
    ColumnBatch.Appender appender = ColumnBatch.appender(schema);
    for (String x : new String[] {"a", null, "ccc", "dd"}) {
      appender.appendRow(Row.of(schema, x));
    }
    ColumnBatch b = appender.batch();
    ColumnVector v = b.column(0);
    assertThatThrownBy(() -> b.keep(new int[] {2, 1}, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> b.keep(new int[] {1, 4}, 2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> b.keep(new int[] {0, 1}, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(b.rowCount()).isEqualTo(4);
    assertThat(v.size()).isEqualTo(4);
    assertThat(v.getString(2)).isEqualTo("ccc");
    b.keep(new int[] {1, 3}, 2);
    assertThat(b.rowCount()).isEqualTo(2);
    assertThat(v.size()).isEqualTo(2);
    assertThat(v.get(0)).isNull();
    assertThat(v.getString(1)).isEqualTo("dd");
    appender.appendRow(Row.of(schema, "e"));
    assertThat(v.getString(2)).isEqualTo("e");
    b.truncate(1);
    assertThat(b.rowCount()).isEqualTo(1);
    assertThat(v.size()).isEqualTo(1);
    assertThatThrownBy(() -> b.truncate(2)).isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  @DisplayName("a repeated value is checked once, every row holds it, and the rows share one instance")
  void repeatedValue() {
    Column c = Column.nullable("org", ColumnType.STRING);
    ColumnVector v = ColumnVector.repeat(c, "acme", 3);
    assertThat(v.size()).isEqualTo(3);
    RowSchema schema = RowSchema.builder().nullable("org", ColumnType.STRING).build();
    ColumnBatch b = ColumnBatch.of(schema, List.of(v));
    assertThat(b.rowCount()).isEqualTo(3);
    Row[] rows = b.rows();
    assertThat(rows).extracting(r -> r.getString("org")).containsExactly("acme", "acme", "acme");
    assertThat(rows[0].getString("org")).isSameAs(rows[2].getString("org"));
    String acme = new String("acme");
    assertThat(ColumnVector.repeat(c, acme, 2).get(1)).as("the caller's instance").isSameAs(acme);
    assertThat(ColumnVector.repeat(c, null, 2).isNull(1)).isTrue();
    assertThatThrownBy(() -> ColumnVector.repeat(Column.required("n", ColumnType.LONG), "x", 1))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  @DisplayName("a batch over vectors refuses a vector of another column, or of another number of values")
  void refusesMismatchedVectors() {
    RowSchema schema = RowSchema.builder().required("n", ColumnType.LONG).nullable("s", ColumnType.STRING).build();
    ColumnVector n = ColumnVector.repeat(schema.column(0), 1L, 3);
    assertThatThrownBy(() -> ColumnBatch.of(schema, List.of(n, ColumnVector.repeat(schema.column(0), 1L, 3))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("expected");
    assertThatThrownBy(() -> ColumnBatch.of(schema, List.of(n, ColumnVector.repeat(schema.column(1), "x", 2))))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("2 values, not 3");
    assertThat(ColumnBatch.of(schema, List.of(n, ColumnVector.repeat(schema.column(1), "x", 3))).rows())
        .extracting(r -> r.getString("s")).containsExactly("x", "x", "x");
  }

  @Test
  @DisplayName("prints its first ten rows as a table and counts the others, wide values cut, the batch unchanged")
  void printsItsFirstRows() {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).nullable("name", ColumnType.STRING)
        .nullable("payload", ColumnType.BYTES).build();
    ColumnBatch.Appender appender = ColumnBatch.appender(schema);
    for (int i = 0; i < 100_000; i++) {
      appender.appendRow(Row.of(schema, (long) i, i == 1 ? null : i == 2 ? "y".repeat(10_000) : "n" + i, new byte[i % 3]));
    }
    ColumnBatch batch = appender.batch();
    String shown = batch.toString();
    assertThat(shown).isEqualTo("""
        ColumnBatch[100000 rows of [id long not null, name string, payload bytes]]
        id | name                                     | payload
        ---+------------------------------------------+----------
        0  | n0                                       | <0 bytes>
        1  | null                                     | <1 bytes>
        2  | yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy... | <2 bytes>
        3  | n3                                       | <0 bytes>
        4  | n4                                       | <1 bytes>
        5  | n5                                       | <2 bytes>
        6  | n6                                       | <0 bytes>
        7  | n7                                       | <1 bytes>
        8  | n8                                       | <2 bytes>
        9  | n9                                       | <0 bytes>
        ... 99990 more rows""");
    assertThat(batch.rowCount()).isEqualTo(100_000);
    assertThat(batch.row(2).getString("name")).hasSize(10_000);

    RowSchema.Builder wide = RowSchema.builder();
    for (int c = 0; c < 300; c++) {
      wide.required("c" + c, ColumnType.INT);
    }
    ColumnBatch.Appender wideBatch = ColumnBatch.appender(wide.build());
    assertThat(wideBatch.batch()).hasToString("ColumnBatch[no rows of 300 columns]");
    wideBatch.appendRow(Row.of(wideBatch.schema(), java.util.stream.IntStream.range(0, 300).boxed().toList()));
    assertThat(wideBatch.batch().toString().lines()).hasSize(4).allMatch(l -> l.length() < 200)
        .anyMatch(l -> l.endsWith("... 289 more columns"));
  }
}
