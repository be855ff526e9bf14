package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DataFormatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Files written by other engines read exactly: Spark (INT96 timestamps, nested types), pyarrow, arrow-rs,
 * parquet-mr's Avro and Impala layouts, and DuckDB. The fixtures and their documented contents are listed
 * in {@code integration-tests/src/test/resources/parquet/PROVENANCE.md}; where a file's values are not documented upstream,
 * they are checked against DuckDB reading the same file.
 */
@DisplayName("Parquet written by Spark, pyarrow, arrow-rs, parquet-mr and DuckDB")
class ParquetFidelityTest {

  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  @TempDir Path tmp;

  static Path fixture(String name) {
    return Path.of("integration-tests/src/test/resources/parquet", name).toAbsolutePath();
  }

  static List<Row> rows(Path file) {
    return rows(file, ReadOptions.defaults());
  }

  static List<Row> rows(Path file, ReadOptions options) {
    try (RowReader r = ParquetRows.read(file, options)) {
      List<Row> out = new ArrayList<>();
      r.forEachRemaining(out::add);
      return out;
    }
  }

  static Connection duckdb() throws Exception {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    return DriverManager.getConnection("jdbc:duckdb:", p);
  }

  /** Each row of the file as DuckDB renders it with {@code to_json}, in file order. */
  static List<JsonNode> duckDbJson(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (Connection c = duckdb(); Statement s = c.createStatement()) {
      s.execute("SET threads TO 1");
      try (ResultSet rs = s.executeQuery("SELECT to_json(t) FROM read_parquet('" + file + "') t")) {
        while (rs.next()) {
          out.add(JSON.readTree(rs.getString(1)));
        }
      }
    }
    return out;
  }

  /** A row-model value as JSON, the way DuckDB's {@code to_json} shapes it. */
  static JsonNode json(Object v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v == null) {
      return f.nullNode();
    }
    if (v instanceof Row row) {
      ObjectNode o = f.objectNode();
      for (int i = 0; i < row.schema().size(); i++) {
        o.set(row.schema().column(i).name(), json(row.get(i)));
      }
      return o;
    }
    if (v instanceof List<?> list) {
      ArrayNode a = f.arrayNode();
      list.forEach(e -> a.add(json(e)));
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = f.objectNode();
      map.forEach((k, e) -> o.set(String.valueOf(k), json(e)));
      return o;
    }
    if (v instanceof String s) {
      return f.textNode(s);
    }
    if (v instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (v instanceof Double d) {
      return f.numberNode(d);
    }
    if (v instanceof BigDecimal d) {
      return f.numberNode(d);
    }
    if (v instanceof Number n) {
      return f.numberNode(n.longValue());
    }
    throw new IllegalArgumentException("no JSON for " + v.getClass());
  }

  /** JSON trees equal, numbers compared by value (DuckDB writes 12.5 where we hold 12.50, ints as longs). */
  static void assertSameJson(List<JsonNode> ours, List<JsonNode> duck) {
    assertThat(ours).hasSameSizeAs(duck);
    for (int i = 0; i < ours.size(); i++) {
      JsonNode a = ours.get(i);
      JsonNode b = duck.get(i);
      assertThat(a.equals((x, y) -> x.isNumber() && y.isNumber()
              ? (x.isDouble() || y.isDouble() ? Double.compare(x.doubleValue(), y.doubleValue())
                  : x.decimalValue().compareTo(y.decimalValue()))
              : x.equals(y) ? 0 : 1, b))
          .as("row %d: ours %s, DuckDB %s", i, a, b).isTrue();
    }
  }

  static void assertReadsAsDuckDbDoes(Path file) throws Exception {
    List<JsonNode> ours = rows(file).stream().map(ParquetFidelityTest::json).toList();
    assertSameJson(ours, duckDbJson(file));
  }

  @Test
  @DisplayName("Spark's INT96 timestamps read as the instants Spark wrote, including one Spark's encoding overflows")
  void sparkInt96() {
    Path file = fixture("int96_from_spark.parquet");
    List<Row> rows = rows(file);
    assertThat(rows.get(0).schema()).isEqualTo(RowSchema.of(Column.nullable("a", ColumnType.TIMESTAMP)));
    long[] documentedMicros = {1704141296123456L, 1704070800000000L, 253402225200000000L, 1735599600000000L, 0,
        9089380393200000000L};
    for (int i = 0; i < documentedMicros.length; i++) {
      Instant expected = i == 4 ? null : Instant.ofEpochSecond(Math.floorDiv(documentedMicros[i], 1_000_000L),
          Math.floorMod(documentedMicros[i], 1_000_000L) * 1000);
      assertThat(rows.get(i).getTimestamp("a")).as("row %d", i).isEqualTo(expected);
    }
    assertThat(rows.get(0).getTimestamp("a")).isEqualTo(Instant.parse("2024-01-01T20:34:56.123456Z"));
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      ColumnVector a = r.next().column(0);
      assertThat(a.physical()).isEqualTo(Physical.INT96);
      assertThat(a.ints()[1]).as("Julian day of 2024-01-01").isEqualTo(2_460_311);
      assertThat(a.longs()[1]).as("nanosecond of the day of 01:00").isEqualTo(3_600_000_000_000L);
      assertThat(a.isNull(4)).isTrue();
    }
  }

  @Test
  @DisplayName("an INT96 file becomes a TIMESTAMP(MICROS) file when written again, values unchanged")
  void int96Rewritten() {
    Path copy = tmp.resolve("copy.parquet");
    try (ColumnBatchReader r = ParquetRows.readBatches(fixture("int96_from_spark.parquet"));
         RowWriter w = ParquetRows.writer(copy, r.schema(), WriteOptions.defaults())) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        w.write(b);
      }
    }
    assertThat(rows(copy)).containsExactlyElementsOf(rows(fixture("int96_from_spark.parquet")));
  }

  @Test
  @DisplayName("pyarrow: doubles with NaN, and lists of int64 and of strings with null elements and a null list")
  void pyarrow() throws Exception {
    List<Row> nan = rows(fixture("nan_in_stats.parquet"));
    assertThat(nan).extracting(r -> r.getDouble("x")).containsExactly(1.0, Double.NaN);

    Path lists = fixture("list_columns.parquet");
    List<Row> rows = rows(lists);
    assertThat(rows.get(0).schema()).isEqualTo(RowSchema.of(
        Column.nullable("int64_list", ColumnType.list(ColumnType.LONG, true)),
        Column.nullable("utf8_list", ColumnType.list(ColumnType.STRING, true))));
    assertThat(rows.get(1).getList("int64_list")).isEqualTo(Arrays.asList(null, 1L));
    assertThat(rows.get(1).getList("utf8_list")).isNull();
    assertThat(rows.get(2).getList("utf8_list")).isEqualTo(Arrays.asList("efg", null, "hij", "xyz"));
    assertReadsAsDuckDbDoes(lists);
  }

  @Test
  @DisplayName("Spark: lists of lists of lists and maps of maps, with null and empty levels, read as DuckDB reads them")
  void sparkNested() throws Exception {
    Path lists = fixture("nested_lists.snappy.parquet");
    assertThat(rows(lists).get(0).getList("a")).isEqualTo(
        List.of(List.of(List.of("a", "b"), List.of("c")), Arrays.asList(null, List.of("d"))));
    assertReadsAsDuckDbDoes(lists);

    Path maps = fixture("nested_maps.snappy.parquet");
    List<Row> rows = rows(maps);
    assertThat(rows.get(0).schema().column("a").type())
        .isEqualTo(ColumnType.map(ColumnType.STRING, ColumnType.map(ColumnType.INT, ColumnType.BOOLEAN, false), true));
    assertThat(rows.get(0).getMap("a")).isEqualTo(Map.of("a", Map.of(1, true, 2, false)));
    assertThat(rows.get(2).getMap("a")).isEqualTo(java.util.Collections.singletonMap("c", null));
    assertThat(rows.get(3).getMap("a")).isEqualTo(Map.of("d", Map.of()));
    assertReadsAsDuckDbDoes(maps);
  }

  @Test
  @DisplayName("Impala's complex types: structs of lists of lists of structs, maps of structs, nulls at every level")
  void impalaNested() throws Exception {
    Path file = fixture("nullable.impala.parquet");
    List<Row> rows = rows(file);
    assertThat(rows).hasSize(7);
    Row nested = rows.get(0).getRow("nested_struct");
    assertThat(nested.getInt("A")).isEqualTo(1);
    assertThat(nested.getRow("C").getList("d").get(0)).asList().hasSize(2);
    assertThat(rows.get(5).getRow("nested_struct")).isNull();
    assertReadsAsDuckDbDoes(file);
  }

  @Test
  @DisplayName("arrow-rs: a map of null values, a map without values (its keys), repeated fields without LIST")
  void arrowRs() throws Exception {
    List<Row> rows = rows(fixture("map_no_value.parquet"));
    Map<Integer, Integer> first = new java.util.LinkedHashMap<>();
    first.put(1, null);
    first.put(2, null);
    first.put(3, null);
    assertThat(rows.get(0).getMap("my_map")).isEqualTo(first);
    assertThat(rows).extracting(r -> (Object) r.getList("my_map_no_v"))
        .containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7, 8, 9));
    assertThat(rows).extracting(r -> (Object) r.getList("my_list"))
        .containsExactly(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7, 8, 9));

    Path repeated = fixture("repeated_primitive_no_list.parquet");
    List<Row> r = rows(repeated);
    assertThat(r.get(1).getList("Int32_list")).isEmpty();
    assertThat(r.get(3).getRow("group_of_lists").getList("String_list_in_group"))
        .isEqualTo(List.of("five", "six", "seven", "eight"));
    assertReadsAsDuckDbDoes(repeated);
  }

  @Test
  @DisplayName("parquet-mr's legacy two-level list (Avro) reads as a list of lists")
  void legacyTwoLevelList() {
    List<Row> rows = rows(fixture("old_list_structure.parquet"));
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getList("a")).isEqualTo(List.of(List.of(1, 2), List.of(3, 4)));
  }

  @Test
  @DisplayName("UINT_64 widens to decimal(20,0) exactly; a GZIP page of two concatenated members decodes")
  void unsigned64AndConcatenatedGzip() throws Exception {
    Path file = fixture("concatenated_gzip_members.parquet");
    List<Row> rows = rows(file);
    assertThat(rows).hasSize(513);
    assertThat(rows.get(0).schema().column(0).type()).isEqualTo(ColumnType.decimal(20, 0));
    assertReadsAsDuckDbDoes(file);
  }

  @Test
  @DisplayName("DuckDB's unsigned integers, local and UTC timestamps in three units, times, decimals, UUID, nested types")
  void duckDbTypes() throws Exception {
    Path file = tmp.resolve("duck.parquet");
    try (Connection c = duckdb(); Statement s = c.createStatement()) {
      s.execute("COPY (SELECT * FROM (VALUES "
          + "(0::UTINYINT, 0::USMALLINT, 0::UINTEGER, 0::UBIGINT, TIMESTAMP '1969-12-31 23:59:59.999999', "
          + " TIMESTAMPTZ '2024-01-02 03:04:05.123456+00', TIMESTAMP_MS '2024-01-02 03:04:05.123', "
          + " TIMESTAMP_NS '2024-01-02 03:04:05.123456789', TIME '10:11:12.345678', -1::TINYINT, 1.5::FLOAT, "
          + " 12345678901234567890.12::DECIMAL(22,2), 1.25::DECIMAL(4,2), UUID '12345678-1234-5678-1234-567812345678',"
          + " [1, NULL, 3], MAP {'a': 1, 'b': NULL}, {'x': 1, 'y': ['p', 'q']}, [{'k': 'v'}]), "
          + "(255, 65535, 4294967295, 18446744073709551615, TIMESTAMP '2024-01-02 03:04:05.123456', "
          + " TIMESTAMPTZ '1900-01-01 00:00:00+00', TIMESTAMP_MS '1900-01-01 00:00:00.001', "
          + " TIMESTAMP_NS '1970-01-01 00:00:00.000000001', TIME '23:59:59.999999', 127, -0.25, "
          + " -99999999999999999999.99, -99.99, NULL, [], MAP {}, {'x': NULL, 'y': []}, NULL), "
          + "(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [NULL])"
          + ") t(u8, u16, u32, u64, ts, tstz, tsms, tsns, t, i8, f, bigdec, smalldec, u, l, m, s, ls)) "
          + "TO '" + file + "' (FORMAT parquet)");
    }
    List<Row> rows = rows(file);
    RowSchema schema = rows.get(0).schema();
    assertThat(schema.column("u8").type()).isEqualTo(ColumnType.INT);
    assertThat(schema.column("u16").type()).isEqualTo(ColumnType.INT);
    assertThat(schema.column("u32").type()).isEqualTo(ColumnType.LONG);
    assertThat(schema.column("u64").type()).isEqualTo(ColumnType.decimal(20, 0));
    assertThat(schema.column("ts").type()).isEqualTo(ColumnType.LOCAL_TIMESTAMP);
    assertThat(schema.column("tstz").type()).isEqualTo(ColumnType.TIMESTAMP);
    assertThat(schema.column("tsms").type()).isEqualTo(ColumnType.LOCAL_TIMESTAMP);
    assertThat(schema.column("tsns").type()).isEqualTo(ColumnType.LOCAL_TIMESTAMP);
    assertThat(schema.column("ls").type()).isEqualTo(ColumnType.list(ColumnType.struct(
        RowSchema.of(Column.nullable("k", ColumnType.STRING))), true));

    Row max = rows.get(1);
    assertThat(max.getInt("u8")).isEqualTo(255);
    assertThat(max.getInt("u16")).isEqualTo(65535);
    assertThat(max.getLong("u32")).isEqualTo(4_294_967_295L);
    assertThat(max.getDecimal("u64")).isEqualTo(new BigDecimal(new BigInteger("18446744073709551615")));
    assertThat(max.getLocalTimestamp("ts")).isEqualTo(LocalDateTime.parse("2024-01-02T03:04:05.123456"));
    assertThat(rows.get(0).getLocalTimestamp("ts")).isEqualTo(LocalDateTime.parse("1969-12-31T23:59:59.999999"));
    assertThat(rows.get(0).getTimestamp("tstz")).isEqualTo(Instant.parse("2024-01-02T03:04:05.123456Z"));
    assertThat(max.getTimestamp("tstz")).isEqualTo(Instant.parse("1900-01-01T00:00:00Z"));
    assertThat(rows.get(0).getLocalTimestamp("tsms")).isEqualTo(LocalDateTime.parse("2024-01-02T03:04:05.123"));
    assertThat(max.getLocalTimestamp("tsms")).isEqualTo(LocalDateTime.parse("1900-01-01T00:00:00.001"));
    assertThat(rows.get(0).getLocalTimestamp("tsns")).isEqualTo(LocalDateTime.parse("2024-01-02T03:04:05.123456789"));
    assertThat(max.getLocalTimestamp("tsns")).isEqualTo(LocalDateTime.parse("1970-01-01T00:00:00.000000001"));
    assertThat(max.getTime("t")).isEqualTo(LocalTime.parse("23:59:59.999999"));
    assertThat(max.getInt("i8")).isEqualTo(127);
    assertThat(max.getDouble("f")).isEqualTo(-0.25);
    assertThat(max.getDecimal("bigdec")).isEqualTo(new BigDecimal("-99999999999999999999.99"));
    assertThat(max.getDecimal("smalldec")).isEqualTo(new BigDecimal("-99.99"));
    assertThat(rows.get(0).getBytes("u")).isEqualTo(HexFormat.of().parseHex("12345678123456781234567812345678"));
    assertThat(rows.get(2).values()).allMatch(v -> v == null || v instanceof List<?>);

    try (Connection c = duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT CAST(u64 AS VARCHAR), epoch_us(ts), epoch_us(tstz), epoch_ns(tsns), "
             + "CAST(bigdec AS VARCHAR) FROM read_parquet('" + file + "')")) {
      for (Row row : rows) {
        assertThat(rs.next()).isTrue();
        assertThat(row.get("u64") == null ? null : row.getDecimal("u64").toPlainString()).isEqualTo(rs.getString(1));
        LocalDateTime ts = row.getLocalTimestamp("ts");
        assertThat(ts == null ? null : ts.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000 + ts.getNano() / 1000)
            .isEqualTo(rs.getObject(2) == null ? null : rs.getLong(2));
        Instant tstz = row.getTimestamp("tstz");
        assertThat(tstz == null ? null : tstz.getEpochSecond() * 1_000_000 + tstz.getNano() / 1000)
            .isEqualTo(rs.getObject(3) == null ? null : rs.getLong(3));
        LocalDateTime ns = row.getLocalTimestamp("tsns");
        assertThat(ns == null ? null : ns.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000_000 + ns.getNano())
            .isEqualTo(rs.getObject(4) == null ? null : rs.getLong(4));
        assertThat(row.get("bigdec") == null ? null : row.getDecimal("bigdec").toPlainString()).isEqualTo(rs.getString(5));
      }
    }
    List<JsonNode> nested = new ArrayList<>();
    for (Row row : rows) {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      for (String name : List.of("l", "m", "s", "ls")) {
        o.set(name, json(row.get(name)));
      }
      nested.add(o);
    }
    List<JsonNode> duck = new ArrayList<>();
    try (Connection c = duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT to_json({'l': l, 'm': m, 's': s, 'ls': ls}) FROM read_parquet('" + file + "')")) {
      while (rs.next()) {
        duck.add(JSON.readTree(rs.getString(1)));
      }
    }
    assertSameJson(nested, duck);
  }

  /** A file (no rows) with a column the row model has no type for: a map whose keys are groups that may be null. */
  private Path fileWithUnsupportedColumn() throws Exception {
    org.apache.parquet.schema.MessageType schema = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
        "message m { required int32 id; optional group m (MAP) { repeated group key_value { "
            + "optional group key { required int32 a; } required int32 value; } } }");
    Path file = tmp.resolve("nullable_group_keys.parquet");
    org.apache.parquet.hadoop.ParquetFileWriter w = new org.apache.parquet.hadoop.ParquetFileWriter(
        new org.apache.parquet.io.LocalOutputFile(file), schema, org.apache.parquet.hadoop.ParquetFileWriter.Mode.CREATE,
        1 << 20, 0);
    w.start();
    w.end(Map.of());
    return file;
  }

  @Test
  @DisplayName("a column the row model cannot hold fails naming it, and can be skipped by name or as unsupported")
  void unsupportedColumnsSkipped() throws Exception {
    Path file = fileWithUnsupportedColumn();
    assertThatThrownBy(() -> ParquetRows.read(file))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining("nullable_group_keys.parquet")
        .hasMessageContaining("column m")
        .hasMessageContaining("keys are groups that may be null")
        .hasMessageContaining("skipping(\"m\")");
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().skipping("m"))) {
      assertThat(r.schema()).isEqualTo(RowSchema.of(Column.required("id", ColumnType.INT)));
      assertThat(r.hasNext()).isFalse();
    }
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().skippingUnsupported())) {
      assertThat(r.schema().names()).containsExactly("id");
    }
    assertThatThrownBy(() -> ParquetRows.read(file, ReadOptions.defaults().skipping("y")))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("no column [y]");
  }

  @Test
  @DisplayName("a skipped nested column is not read; the others are")
  void skipNested() {
    List<Row> rows = rows(fixture("nullable.impala.parquet"), ReadOptions.defaults().skipping("nested_struct", "int_map"));
    assertThat(rows.get(0).schema().names()).containsExactly("id", "int_array", "int_array_Array", "int_Map_Array");
    assertThat(rows).extracting(r -> r.getLong("id")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @ParameterizedTest
  @ValueSource(strings = {"int96_from_spark.parquet", "list_columns.parquet", "nested_maps.snappy.parquet",
      "nullable.impala.parquet", "map_no_value.parquet", "concatenated_gzip_members.parquet"})
  @DisplayName("damaged bytes anywhere in a file are DataFormatException naming it, or rows; never another failure")
  void damagedFiles(String name) throws Exception {
    byte[] original = Files.readAllBytes(fixture(name));
    Random random = new Random(name.hashCode());
    for (int attempt = 0; attempt < 200; attempt++) {
      byte[] bytes = original.clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        bytes[4 + random.nextInt(bytes.length - 12)] = (byte) random.nextInt(256);
      }
      Path damaged = Files.write(tmp.resolve("damaged-" + name), bytes);
      try (RowReader r = ParquetRows.read(damaged)) {
        r.forEachRemaining(row -> row.values().forEach(String::valueOf));
      } catch (DataFormatException e) {
        assertThat(e).hasMessageContaining("damaged-" + name);
      }
    }
  }
}
