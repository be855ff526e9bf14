package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Apache parquet-testing's {@code data/} and {@code bad_data/} files (copied in {@code
 * integration-tests/src/test/resources/parquet-corpus/}, provenance in its README.md), and files DuckDB writes at test time with
 * each of its codecs, read value for value as DuckDB reads them; the corrupt ones refused with a {@link
 * DataFormatException} that names the file and what is wrong.
 */
@DisplayName("Parquet from many writers read as DuckDB reads it; corrupt files refused")
class ParquetCorpusTest {

  private static final Path CORPUS = Path.of("integration-tests/src/test/resources/parquet-corpus").toAbsolutePath();
  private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      // DuckDB's to_json writes a DECIMAL(p,p) without its leading zero (.5, -.48)
      .enable(JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS).build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** Corpus files read but not compared with DuckDB, and why. */
  private static final Map<String, String> NOT_COMPARED = Map.of(
      "data/map_no_value.parquet", "DuckDB refuses it (\"MAP_KEY_VALUE requires two children\"); its documented "
          + "values are checked in ParquetFidelityTest.arrowRs",
      "data/int96_from_spark.parquet", "DuckDB (like pyarrow) overflows its last value; the documented values are "
          + "checked in ParquetFidelityTest.sparkInt96",
      "data/byte_stream_split_extended.gzip.parquet", "DuckDB refuses BYTE_STREAM_SPLIT on FIXED_LEN_BYTE_ARRAY; "
          + "byteStreamSplitPairs checks each such column against its PLAIN twin and DuckDB reads the others",
      "data/large_string_map.brotli.parquet", "each of its 2 values is a 1 GiB string (a 2 GiB column chunk): it needs a "
          + "7 GiB heap, so LargeValuesTest reads it in a child JVM against the values upstream documents");

  /** Corpus files refused, with what the message must say. Encrypted files read with keys: EncryptedCorpusTest. */
  private static final Map<String, String> REFUSED = new LinkedHashMap<>();

  static {
    REFUSED.put("bad_data/PARQUET-1481.parquet", "not a readable Parquet file");
    REFUSED.put("bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet", "corrupt or truncated Parquet data");
    REFUSED.put("bad_data/ARROW-RS-GH-6229-LEVELS.parquet", "a data page claims 21 values where the column chunk has "
        + "1 left");
    REFUSED.put("bad_data/ARROW-GH-41321.parquet", "RLE/bit-packed");
    REFUSED.put("bad_data/ARROW-GH-41317.parquet", "column timestamp_us_no_tz: corrupt or truncated Parquet data: the "
        + "column chunk ends after 0 of its 3 values");
    REFUSED.put("bad_data/ARROW-GH-45185.parquet", "column x: corrupt or truncated Parquet data: the column chunk starts "
        + "with repetition level 1, but a record starts at repetition level 0");
    REFUSED.put("bad_data/ARROW-GH-47662.parquet", "column flba_field");
  }

  static Path corpus(String name) {
    return CORPUS.resolve(name);
  }

  private static List<String> corpusFiles(String folder, String suffix) throws Exception {
    try (Stream<Path> s = Files.walk(CORPUS.resolve(folder))) {
      return s.filter(p -> p.toString().endsWith(suffix)).map(p -> CORPUS.relativize(p).toString().replace('\\', '/'))
          .sorted().toList();
    }
  }

  static Stream<String> comparedFiles() throws Exception {
    List<String> all = new ArrayList<>(corpusFiles("data", ".parquet"));
    all.addAll(corpusFiles("bad_data", ".parquet"));
    return all.stream().filter(f -> !NOT_COMPARED.containsKey(f) && !REFUSED.containsKey(f));
  }

  static Stream<Arguments> refusedFiles() {
    return REFUSED.entrySet().stream().map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  static Stream<String> encryptedFiles() throws Exception {
    return corpusFiles("data", ".encrypted").stream();
  }

  @Test
  @DisplayName("every corpus file is compared, refused with a reason, or listed with why it is not compared")
  void everyFileAccountedFor() throws Exception {
    List<String> compared = comparedFiles().toList();
    assertThat(compared).hasSizeGreaterThan(60);
    assertThat(corpusFiles("data", ".parquet")).containsAll(NOT_COMPARED.keySet());
    assertThat(corpusFiles("bad_data", ".parquet")).containsAll(REFUSED.keySet());
    assertThat(encryptedFiles().toList()).hasSize(13);
    // the one bad_data file that every reader reads: a dictionary index page of bit width 0 (all ids 0)
    assertThat(compared).contains("bad_data/ARROW-GH-43605.parquet");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("comparedFiles")
  @DisplayName("parquet-testing files read exactly as DuckDB reads them, every row and column")
  void readsAsDuckDb(String name) throws Exception {
    assertSameAsDuckDb(corpus(name));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedFiles")
  @DisplayName("corrupt parquet-testing files end in a DataFormatException naming the file and the fault, never in rows")
  void corruptFilesRefused(String name, String expected) {
    assertThatThrownBy(() -> readAll(corpus(name)))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(Path.of(name).getFileName().toString())
        .hasMessageContaining(expected)
        .hasMessageNotContaining(": null");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("encryptedFiles")
  @DisplayName("encrypted files (Parquet modular encryption) read without keys are refused as encrypted")
  void encryptedRefused(String name) {
    assertThatThrownBy(() -> readAll(corpus(name)))
        .isInstanceOf(DataFormatException.class)
        .hasMessageContaining(Path.of(name).getFileName().toString())
        .hasMessageContaining("encrypted (Parquet modular encryption");
  }

  @Test
  @DisplayName("files written by old parquet-cpp (bare LZ4 block) and parquet-mr (Hadoop LZ4 framing) give the documented rows")
  void lz4Framings() {
    List<Row> hadoop = readAll(corpus("data/hadoop_lz4_compressed.parquet"));
    List<Row> bare = readAll(corpus("data/non_hadoop_lz4_compressed.parquet"));
    List<Row> raw = readAll(corpus("data/lz4_raw_compressed.parquet"));
    // data/README.md: the three files hold the same 4 rows
    for (List<Row> rows : List.of(hadoop, bare, raw)) {
      assertThat(rows).extracting(r -> r.get("c1")).map(v -> new String((byte[]) v))
          .containsExactly("abc", "def", "abc", "def");
      assertThat(rows).extracting(r -> r.getDouble("v11")).containsExactly(42.0, 7.7, 42.125, 7.7);
    }
    assertThat(readAll(corpus("data/hadoop_lz4_compressed_larger.parquet"))).hasSize(10_000);
  }

  @Test
  @DisplayName("BYTE_STREAM_SPLIT columns of every type equal their PLAIN twins; those DuckDB reads, as DuckDB reads them")
  void byteStreamSplitPairs() throws Exception {
    Path file = corpus("data/byte_stream_split_extended.gzip.parquet");
    List<Row> rows = readAll(file);
    assertThat(rows).hasSize(200);
    List<String> names = rows.get(0).schema().names();
    assertThat(names).hasSize(14);
    for (String name : names) {
      if (name.endsWith("_plain")) {
        String twin = name.replace("_plain", "_byte_stream_split");
        for (Row row : rows) {
          assertThat(json(row.get(twin))).as("%s vs %s", twin, name).isEqualTo(json(row.get(name)));
        }
      }
    }
    assertThat(rows).extracting(r -> r.get("float16_plain")).doesNotContainNull();
    assertSameAsDuckDb(file, "float_plain", "float_byte_stream_split", "double_plain", "double_byte_stream_split",
        "int32_plain", "int32_byte_stream_split", "int64_plain", "int64_byte_stream_split");
  }

  @Test
  @DisplayName("FLOAT16 widens to DOUBLE exactly (NaN, -0.0); the null type is a column of nulls; an unknown logical type reads as its physical type")
  void typesOtherReadersRead() {
    List<Row> halves = readAll(corpus("data/float16_nonzeros_and_nans.parquet"));
    assertThat(halves.get(0).schema()).isEqualTo(RowSchema.of(Column.nullable("x", ColumnType.DOUBLE)));
    assertThat(halves).extracting(r -> (Double) r.get("x")).containsExactly(null, 1.0, -2.0, Double.NaN, 0.0, -1.0, -0.0, 2.0);

    Row empty = readAll(corpus("data/null_list.parquet")).get(0);
    assertThat(empty.getList("emptylist")).isEmpty();

    List<Row> unknown = readAll(corpus("data/unknown-logical-type.parquet"));
    assertThat(unknown.get(0).schema().column("column with unknown type").type()).isEqualTo(ColumnType.BYTES);
    assertThat(new String(unknown.get(2).getBytes("column with unknown type"))).isEqualTo("unknown string 3");
  }

  @Test
  @DisplayName("an empty data page v2 flagged as compressed, and a dictionary page header left out of the chunk size, read")
  void pageForms() {
    List<Row> empty = readAll(corpus("data/datapage_v2_empty_datapage.snappy.parquet"));
    assertThat(empty).hasSize(1);
    assertThat(empty.get(0).get("value")).isNull();
    List<Row> nation = readAll(corpus("data/nation.dict-malformed.parquet"));
    assertThat(nation).hasSize(25);
    assertThat(nation.get(24).get("name")).isEqualTo("UNITED STATES".getBytes());
  }

  // ---------------------------------------------------------------- DuckDB-written files

  static Stream<String> duckDbCodecs() {
    return Stream.of("uncompressed", "snappy", "gzip", "zstd", "brotli", "lz4", "lz4_raw");
  }

  /** Nullable nested types at every level, decimals of 1 to 38 digits, every scalar DuckDB maps to Parquet. */
  static final String DUCK_ROWS = "SELECT i::BIGINT AS id,"
      + " CASE WHEN i % 7 = 0 THEN NULL ELSE 'name-' || (i % 50) END AS s,"
      + " CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 123456789012345.67 - 9e17)::DECIMAL(38,2) END AS d38,"
      + " (-(i % 10))::DECIMAL(1,0) AS d1, (i % 1000)::DECIMAL(4,1) AS d4, (i * 7.01)::DECIMAL(9,2) AS d9,"
      + " (i * 1000003.125 - 1e12)::DECIMAL(18,3) AS d18, (i * 1e15)::DECIMAL(30,10) AS d30,"
      + " CASE WHEN i % 5 = 0 THEN NULL ELSE [CASE WHEN i % 3 = 0 THEN NULL ELSE i END, i + 1] END AS l,"
      + " CASE WHEN i % 13 = 0 THEN NULL ELSE {'a': CASE WHEN i % 2 = 0 THEN NULL ELSE i END,"
      + "   'b': CASE WHEN i % 17 = 0 THEN NULL WHEN i % 19 = 0 THEN [] ELSE [{'c': 'x' || i, 'd': NULL::INTEGER},"
      + "   NULL, {'c': NULL, 'd': i::INTEGER}] END} END AS st,"
      + " CASE WHEN i % 23 = 0 THEN NULL ELSE MAP {'k' || (i % 3): CASE WHEN i % 4 = 0 THEN NULL ELSE [i, NULL] END} END AS m,"
      + " [[i, NULL], NULL, []] AS ll,"
      + " (i * 0.25)::DOUBLE AS dbl, CASE WHEN i % 29 = 0 THEN 'NaN'::FLOAT ELSE (i * 0.1)::FLOAT END AS f,"
      + " i % 2 = 0 AS b, DATE '1900-01-01' + (i * 37)::INTEGER AS day,"
      + " TIMESTAMPTZ '1960-01-01 00:00:00+00' + to_microseconds(i * 1000000007) AS ts,"
      + " TIMESTAMP '2024-01-01' + to_microseconds(i) AS lts, TIMESTAMP_NS '2024-01-01' + to_microseconds(i) AS nts,"
      + " TIME '00:00:00' + to_microseconds(i * 1000001) AS t,"
      + " CASE WHEN i % 31 = 0 THEN NULL ELSE ('bytes' || i)::BLOB END AS blob, md5(i::VARCHAR)::UUID AS u,"
      + " (i % 256)::UTINYINT AS u8, (i * 1000000000000)::UBIGINT AS u64, (i % 100 - 50)::TINYINT AS i8,"
      + " (i % 30000)::SMALLINT AS i16, (i * 3)::UINTEGER AS u32"
      + " FROM range(3000) t(i)";

  @ParameterizedTest(name = "{0}")
  @MethodSource("duckDbCodecs")
  @DisplayName("DuckDB's files with each of its codecs, v1 and v2 encodings, several row groups, read as DuckDB reads them")
  void duckDbFiles(String codec, @TempDir Path tmp) throws Exception {
    for (String version : List.of("V1", "V2")) {
      Path file = tmp.resolve(codec + "-" + version + ".parquet");
      try (Connection c = ParquetFidelityTest.duckdb(); Statement s = c.createStatement()) {
        s.execute("COPY (" + DUCK_ROWS + ") TO '" + file + "' (FORMAT parquet, COMPRESSION " + codec
            + ", PARQUET_VERSION " + version + ", ROW_GROUP_SIZE 1024)");
        try (ResultSet rs = s.executeQuery("SELECT DISTINCT compression FROM parquet_metadata('" + file + "')")) {
          assertThat(rs.next()).isTrue();
          // DuckDB's "lz4" is LZ4_RAW (the Hadoop-framed LZ4 is tested on parquet-mr's files)
          assertThat(rs.getString(1)).isEqualToIgnoringCase(codec.equals("lz4") ? "lz4_raw" : codec);
        }
      }
      assertSameAsDuckDb(file);
    }
  }

  @Test
  @DisplayName("parquet-mr's data pages v2: DELTA encodings, a dictionary that falls back mid-chunk, nested nulls, ZSTD")
  void parquetMrPagesV2(@TempDir Path tmp) throws Exception {
    org.apache.parquet.schema.MessageType schema = org.apache.parquet.schema.MessageTypeParser.parseMessageType(
        "message m { required int64 id; optional binary s (STRING); optional int32 small;"
            + " optional group l (LIST) { repeated group list { optional int64 element; } } }");
    org.apache.parquet.column.ParquetProperties properties = org.apache.parquet.column.ParquetProperties.builder()
        .withWriterVersion(org.apache.parquet.column.ParquetProperties.WriterVersion.PARQUET_2_0)
        .withDictionaryEncoding("id", false)
        .withDictionaryPageSize(4096)
        .withPageRowCountLimit(700)
        // a factory of this writer's own: parquet-mr's default is one static instance that the last writer built in
        // this JVM configures (test classes run in parallel), see PrivateValuesWriters
        .withValuesWriterFactory(new io.delpha.sdk.parquet.internal.PrivateValuesWriters())
        .build();
    Path file = tmp.resolve("parquet-mr-v2.parquet");
    org.apache.parquet.hadoop.ParquetFileWriter writer = new org.apache.parquet.hadoop.ParquetFileWriter(
        new org.apache.parquet.io.LocalOutputFile(file), schema, org.apache.parquet.hadoop.ParquetFileWriter.Mode.CREATE,
        1 << 20, 0);
    writer.start();
    int rows = 5000;
    var pages = new org.apache.parquet.hadoop.ColumnChunkPageWriteStore(
        io.delpha.sdk.parquet.internal.Codecs.INSTANCE.getCompressor(
            org.apache.parquet.hadoop.metadata.CompressionCodecName.ZSTD),
        schema, new org.apache.parquet.bytes.HeapByteBufferAllocator(), 64, true);
    var store = properties.newColumnWriteStore(schema, pages, pages);
    var id = store.getColumnWriter(schema.getColumnDescription(new String[] {"id"}));
    var str = store.getColumnWriter(schema.getColumnDescription(new String[] {"s"}));
    var small = store.getColumnWriter(schema.getColumnDescription(new String[] {"small"}));
    var element = store.getColumnWriter(schema.getColumnDescription(new String[] {"l", "list", "element"}));
    for (int i = 0; i < rows; i++) {
      id.write(i * 1_000_003L - 2_000_000_000L, 0, 0);
      if (i % 5 == 0) {
        str.writeNull(0, 0);
      } else {
        // few distinct values first, then unique ones: the dictionary outgrows its page and falls back
        str.write(org.apache.parquet.io.api.Binary.fromString(i < 1000 ? "v" + i % 30 : "unique-" + i), 0, 1);
      }
      if (i % 3 == 0) {
        small.writeNull(0, 0);
      } else {
        small.write(i % 17 - 8, 0, 1);
      }
      int kind = i % 6;
      if (kind == 0) {
        element.writeNull(0, 0);
      } else if (kind == 1) {
        element.writeNull(0, 1);
      } else {
        for (int j = 0; j < kind; j++) {
          if (j == 1) {
            element.writeNull(j == 0 ? 0 : 1, 2);
          } else {
            element.write((long) i * j, j == 0 ? 0 : 1, 3);
          }
        }
      }
      store.endRecord();
    }
    writer.startBlock(rows);
    store.flush();
    pages.flushToFileWriter(writer);
    writer.endBlock();
    store.close();
    writer.end(Map.of());

    try (Connection c = ParquetFidelityTest.duckdb(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT string_agg(to_json(m)::VARCHAR, ' ') FROM parquet_metadata('" + file + "') m")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).contains("DATA_PAGE_V2", "DELTA_BINARY_PACKED", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY");
    }
    List<Row> read = readAll(file);
    assertThat(read).hasSize(rows);
    assertThat(read.get(4).getList("l")).isEqualTo(java.util.Arrays.asList(0L, null, 8L, 12L));
    assertThat(read.get(1).getList("l")).isEmpty();
    assertThat(read.get(4999).getString("s")).isEqualTo("unique-4999");
    assertSameAsDuckDb(file);
  }

  // ---------------------------------------------------------------- damaged files

  static Stream<String> damagedCorpus() {
    return Stream.of("data/hadoop_lz4_compressed.parquet", "data/non_hadoop_lz4_compressed.parquet",
        "data/lz4_raw_compressed.parquet", "data/datapage_v2.snappy.parquet", "data/nested_structs.rust.parquet",
        "data/float16_nonzeros_and_nans.parquet", "data/nation.dict-malformed.parquet", "data/null_list.parquet",
        "data/delta_encoding_optional_column.parquet", "data/byte_stream_split.zstd.parquet",
        "data/unknown-logical-type.parquet", "data/repeated_no_annotation.parquet");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("damagedCorpus")
  @DisplayName("damaged bytes in files of the new codecs, types and level forms: rows or a DataFormatException naming the file")
  void damagedCorpusFiles(String name, @TempDir Path tmp) throws Exception {
    damage(Files.readAllBytes(corpus(name)), Path.of(name).getFileName().toString(), tmp, 150);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("duckDbCodecs")
  @DisplayName("damaged bytes in DuckDB files of each codec (nested, nullable, decimals): rows or a DataFormatException")
  void damagedDuckDbFiles(String codec, @TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("small-" + codec + ".parquet");
    try (Connection c = ParquetFidelityTest.duckdb(); Statement s = c.createStatement()) {
      s.execute("COPY (" + DUCK_ROWS.replace("range(3000)", "range(40)") + ") TO '" + file
          + "' (FORMAT parquet, COMPRESSION " + codec + ", ROW_GROUP_SIZE 16)");
    }
    damage(Files.readAllBytes(file), file.getFileName().toString(), tmp, 100);
  }

  /**
   * Overwrites 1 to 4 random bytes between the magic numbers, {@code attempts} times, and reads every value: each
   * attempt ends in rows or in a DataFormatException naming the file with a message, never another exception.
   */
  static void damage(byte[] original, String name, Path tmp, int attempts) throws Exception {
    Random random = new Random(name.hashCode());
    for (int attempt = 0; attempt < attempts; attempt++) {
      byte[] bytes = original.clone();
      for (int k = 0; k < 1 + random.nextInt(4); k++) {
        bytes[4 + random.nextInt(bytes.length - 12)] = (byte) random.nextInt(256);
      }
      Path damaged = Files.write(tmp.resolve("damaged-" + name), bytes);
      try (RowReader r = ParquetRows.read(damaged)) {
        r.forEachRemaining(row -> row.values().forEach(String::valueOf));
      } catch (DataFormatException e) {
        assertThat(e).hasMessageContaining("damaged-" + name).hasMessageNotContaining(": null");
      } catch (RuntimeException | OutOfMemoryError e) {
        fail("attempt " + attempt + " on " + name + " ended in " + e, e);
      }
    }
  }

  // ---------------------------------------------------------------- comparison with DuckDB

  static List<Row> readAll(Path file) {
    try (RowReader r = ParquetRows.read(file)) {
      List<Row> out = new ArrayList<>();
      r.forEachRemaining(out::add);
      return out;
    }
  }

  /**
   * Every row of the file read by us and by DuckDB, as JSON. Top-level values DuckDB's {@code to_json} renders
   * lossily or in its own text are normalised on both sides first: timestamps to epoch micro- or nanoseconds,
   * dates to epoch days, times to microseconds of the day, bytes to hex, decimals and unsigned 64-bit integers to
   * their exact text, floats to the double they widen to, a VARIANT to its {@code ::JSON} text (read as {@link
   * DuckDbVariants} says; a VARIANT inside a nested value is compared as {@code to_json} writes it).
   */
  static void assertSameAsDuckDb(Path file, String... only) throws Exception {
    DuckDbReading duck = duckDbReading(file, only);
    if (only.length == 0) {
      try (RowReader r = ParquetRows.read(file)) {
        assertThat(r.schema().names()).as("columns of %s", file).containsExactlyElementsOf(duck.names());
      }
    }
    assertSameRows(file, duck, readAll(file), "row view");
  }

  /** A file as DuckDB reads it: its columns' names and DuckDB types, and every row as normalised JSON. */
  record DuckDbReading(List<String> names, List<String> types, List<JsonNode> rows) {}

  /** Reads {@code file} with DuckDB (one thread, UTC), every column or only those named. */
  static DuckDbReading duckDbReading(Path file, String... only) throws Exception {
    try (Connection c = ParquetFidelityTest.duckdb()) {
      return duckDbReading(c, file, only);
    }
  }

  /** As {@link #duckDbReading(Path, String...)}, on an open DuckDB connection (reused across many files). */
  static DuckDbReading duckDbReading(Connection c, Path file, String... only) throws Exception {
    List<String> names = new ArrayList<>();
    List<String> types = new ArrayList<>();
    List<JsonNode> duck = new ArrayList<>();
    try (Statement s = c.createStatement()) {
      s.execute("SET threads TO 1");
      s.execute("SET TimeZone = 'UTC'");
      String from = "read_parquet('" + file + "')";
      try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + from)) {
        while (rs.next()) {
          if (only.length == 0 || List.of(only).contains(rs.getString(1))) {
            names.add(rs.getString(1));
            types.add(rs.getString(2));
          }
        }
      }
      StringBuilder select = new StringBuilder("SELECT to_json({");
      for (int i = 0; i < names.size(); i++) {
        String column = "\"" + names.get(i).replace("\"", "\"\"") + "\"";
        select.append(i == 0 ? "" : ", ").append("'").append(names.get(i).replace("'", "''")).append("': ")
            .append(normalised(column, types.get(i)));
      }
      select.append("}) FROM ").append(from);
      try (ResultSet rs = s.executeQuery(names.isEmpty() ? "SELECT '{}' FROM " + from : select.toString())) {
        while (rs.next()) {
          ObjectNode row = (ObjectNode) JSON.readTree(rs.getString(1));
          for (int i = 0; i < names.size(); i++) {
            JsonNode variant = row.get(names.get(i));
            if (types.get(i).equals("VARIANT") && variant.isTextual()) {
              row.set(names.get(i), DuckDbVariants.parseExact(variant.textValue())); // its exact ::JSON text
            }
          }
          duck.add(row);
        }
      }
    }
    return new DuckDbReading(names, types, duck);
  }

  /** Our rows of {@code file} (read through {@code view}) equal DuckDB's, row by row, every column it read. */
  static void assertSameRows(Path file, DuckDbReading duck, List<Row> rows, String view) {
    List<JsonNode> ours = new ArrayList<>();
    for (Row row : rows) {
      ObjectNode o = NODES.objectNode();
      for (int i = 0; i < duck.names().size(); i++) {
        o.set(duck.names().get(i), normalised(row.get(duck.names().get(i)), duck.types().get(i)));
      }
      ours.add(o);
    }
    assertThat(ours).as("rows of %s (%s)", file, view).hasSameSizeAs(duck.rows());
    for (int i = 0; i < ours.size(); i++) {
      JsonNode a = ours.get(i);
      JsonNode b = duck.rows().get(i);
      assertThat(a.equals((x, y) -> sameJson(x, y) ? 0 : 1, b))
          .as("%s row %d (%s): ours %s, DuckDB %s", file.getFileName(), i, view, a, b).isTrue();
    }
  }

  /**
   * Every row of {@code file} as the row view, the columnar view ({@code readBatches}, each value through {@link
   * ColumnVector#get}) and the row view over an {@link io.delpha.sdk.core.storage.ObjectStore} (a local store on the
   * file's folder) read it, each equal to DuckDB's reading.
   */
  static void assertEveryViewSameAsDuckDb(Path file, DuckDbReading duck) {
    assertSameRows(file, duck, readAll(file), "row view");
    assertSameRows(file, duck, readColumnar(file), "columnar view");
    io.delpha.sdk.core.storage.ObjectStore store = io.delpha.sdk.core.storage.LocalObjectStore.at(file.getParent());
    assertSameRows(file, duck, ParquetRows.readAll(store, file.getFileName().toString()), "ObjectStore row view");
    List<JsonNode> keptByDuck = new ArrayList<>();
    for (int i = 0; i < duck.rows().size(); i++) {
      if (kept(i)) {
        keptByDuck.add(duck.rows().get(i));
      }
    }
    assertSameRows(file, new DuckDbReading(duck.names(), duck.types(), keptByDuck), readColumnarKeeping(file),
        "columnar view with rows dropped in place (as deletion vectors drop them)");
  }

  /** Which of a file's rows {@link #readColumnarKeeping} keeps: about two in three, runs of drops included. */
  private static boolean kept(long index) {
    return Math.floorMod(Long.hashCode(index * 0x9E3779B97F4A7C15L) >>> 7, 3) != 0;
  }

  /**
   * As {@link #readColumnar}, but each decoded batch first loses the rows {@link #kept} drops, moved out in place by
   * {@link ColumnBatch#keep}, which the Delta Sharing reader applies deletion vectors with.
   */
  static List<Row> readColumnarKeeping(Path file) {
    List<Row> out = new ArrayList<>();
    long position = 0;
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        int[] rows = new int[b.rowCount()];
        int n = 0;
        for (int i = 0; i < b.rowCount(); i++) {
          if (kept(position + i)) {
            rows[n++] = i;
          }
        }
        position += b.rowCount();
        b.keep(rows, n);
        addRows(b, out);
      }
    }
    return out;
  }

  /** Adds a batch's rows to {@code out}, each made from the vectors' values one by one ({@code ColumnVector.get}). */
  private static void addRows(ColumnBatch b, List<Row> out) {
    for (int i = 0; i < b.rowCount(); i++) {
      Object[] values = new Object[b.schema().size()];
      for (int c = 0; c < values.length; c++) {
        values[c] = b.column(c).get(i);
      }
      out.add(Row.of(b.schema(), values));
    }
  }

  /** Every row of {@code file} made from the columnar view's vectors, value by value. */
  static List<Row> readColumnar(Path file) {
    List<Row> out = new ArrayList<>();
    try (ColumnBatchReader r = ParquetRows.readBatches(file)) {
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        addRows(b, out);
      }
    }
    return out;
  }

  private static boolean sameJson(JsonNode x, JsonNode y) {
    if (x.isTextual() && y.isTextual()) {
      // a timestamp nested in a struct: DuckDB writes a legacy TIMESTAMP_MILLIS as a TIMESTAMP without "+00", the
      // Parquet format (and we) as an instant; the same digits either way
      return x.asText().replaceAll("\\+00$", "").equals(y.asText().replaceAll("\\+00$", ""));
    }
    if (x.isNumber() && y.isNumber()) {
      return x.isDouble() || y.isDouble() || x.isFloat() || y.isFloat()
          ? Double.compare(x.doubleValue(), y.doubleValue()) == 0
          : x.decimalValue().compareTo(y.decimalValue()) == 0;
    }
    return x.equals(y);
  }

  private static String normalised(String column, String type) {
    if (type.equals("VARIANT")) {
      // as text: to_json would write its decimals as doubles (DuckDbVariants)
      return column + "::JSON::VARCHAR";
    }
    if (type.endsWith("[]")) {
      // a list (of timestamps, decimals, ...) at the top level: compared as to_json writes nested values
      return column;
    }
    if (type.startsWith("TIMESTAMP_NS")) {
      return "epoch_ns(" + column + ")";
    }
    if (type.startsWith("TIMESTAMP")) {
      return "epoch_us(" + column + ")";
    }
    return switch (type) {
      case "DATE" -> "date_diff('day', DATE '1970-01-01', " + column + ")";
      case "TIME" -> "epoch_us(" + column + ")";
      case "BLOB" -> "hex(" + column + ")";
      case "UUID" -> "replace(" + column + "::VARCHAR, '-', '')";
      case "FLOAT" -> column + "::DOUBLE";
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> column + "::VARCHAR";
      // DuckDB writes a DECIMAL(p,p) without its leading zero (.5, -.48): put it back
      default -> type.startsWith("DECIMAL") ? "regexp_replace(" + column + "::VARCHAR, '^(-?)[.]', '\\10.')"
          : type.startsWith("GEOMETRY") ? "hex(" + column + "::BLOB)" : column;
    };
  }

  private static JsonNode normalised(Object v, String type) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (type.endsWith("[]")) {
      return json(v);
    }
    if (type.startsWith("TIMESTAMP")) {
      Instant instant = v instanceof LocalDateTime l ? l.toInstant(ZoneOffset.UTC) : (Instant) v;
      BigInteger nanos = BigInteger.valueOf(instant.getEpochSecond()).multiply(BigInteger.valueOf(1_000_000_000))
          .add(BigInteger.valueOf(instant.getNano()));
      return NODES.numberNode(type.startsWith("TIMESTAMP_NS") ? nanos
          : new BigDecimal(nanos).divide(BigDecimal.valueOf(1000), 0, java.math.RoundingMode.FLOOR).toBigIntegerExact());
    }
    return switch (type) {
      case "DATE" -> NODES.numberNode(((LocalDate) v).toEpochDay());
      case "TIME" -> NODES.numberNode(((LocalTime) v).toNanoOfDay() / 1000);
      case "BLOB" -> NODES.textNode(HexFormat.of().withUpperCase().formatHex((byte[]) v));
      case "UUID" -> NODES.textNode(HexFormat.of().formatHex((byte[]) v));
      case "UBIGINT", "HUGEINT", "UHUGEINT" -> NODES.textNode(((BigDecimal) v).toPlainString());
      default -> type.startsWith("DECIMAL") ? NODES.textNode(((BigDecimal) v).toPlainString())
          : type.startsWith("GEOMETRY") ? NODES.textNode(HexFormat.of().withUpperCase().formatHex((byte[]) v)) : json(v);
    };
  }

  /** A row-model value as DuckDB's {@code to_json} writes it inside nested values. */
  static JsonNode json(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof Variant variant) {
      return DuckDbVariants.json(variant);
    }
    if (v instanceof Row row) {
      ObjectNode o = NODES.objectNode();
      for (int i = 0; i < row.schema().size(); i++) {
        o.set(row.schema().column(i).name(), json(row.get(i)));
      }
      return o;
    }
    if (v instanceof List<?> list) {
      ArrayNode a = NODES.arrayNode();
      list.forEach(e -> a.add(json(e)));
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = NODES.objectNode();
      map.forEach((k, e) -> o.set(String.valueOf(json(k).asText()), json(e)));
      return o;
    }
    if (v instanceof byte[] bytes) {
      StringBuilder b = new StringBuilder();
      for (byte x : bytes) {
        int c = x & 0xff;
        b.append(c >= 32 && c <= 126 && c != '\\' && c != '\'' && c != '"' ? String.valueOf((char) c)
            : String.format("\\x%02X", c));
      }
      return NODES.textNode(b.toString());
    }
    if (v instanceof LocalDate) {
      return NODES.textNode(v.toString());
    }
    if (v instanceof LocalTime t) {
      // DuckDB always writes the seconds (LocalTime.toString leaves out zero seconds)
      return NODES.textNode(t.format(DateTimeFormatter.ofPattern("HH:mm:ss")) + fraction(t.getNano()));
    }
    if (v instanceof LocalDateTime t) {
      return NODES.textNode(duckDbText(t));
    }
    if (v instanceof Instant t) {
      return NODES.textNode(duckDbText(LocalDateTime.ofInstant(t, ZoneOffset.UTC)) + "+00");
    }
    return ParquetFidelityTest.json(v);
  }

  private static String duckDbText(LocalDateTime t) {
    return String.format("%04d", t.getYear()) + t.format(DateTimeFormatter.ofPattern("-MM-dd HH:mm:ss"))
        + fraction(t.getNano());
  }

  private static String fraction(int nanos) {
    if (nanos == 0) {
      return "";
    }
    String digits = String.format(".%06d", nanos / 1000);
    return digits.replaceAll("0+$", "");
  }

  @Test
  @DisplayName("the comparison sees a difference: a changed value, a nested change, a timestamp a microsecond off, a "
      + "variant's decimal digit or double's sign")
  void comparisonIsNotVacuous() {
    assertThat(sameJson(NODES.numberNode(new BigDecimal("1.50")), NODES.numberNode(new BigDecimal("1.5")))).isTrue();
    assertThat(sameJson(NODES.numberNode(new BigDecimal("1.50")), NODES.numberNode(new BigDecimal("1.51")))).isFalse();
    assertThat(normalised(new BigDecimal("1.50"), "DECIMAL(38,2)")).isEqualTo(NODES.textNode("1.50"));
    assertThat(normalised(Instant.parse("2024-01-01T00:00:00.000001Z"), "TIMESTAMP WITH TIME ZONE"))
        .isEqualTo(NODES.numberNode(new BigInteger("1704067200000001")));
    assertThat(json(List.of(Instant.parse("2024-01-01T00:00:00.1Z"))).get(0).asText()).isEqualTo("2024-01-01 00:00:00.1+00");
    assertThat(json(new byte[] {0, 'A', '\\'}).asText()).isEqualTo("\\x00A\\x5C");
    JsonNode decimal = json(Variant.of(new BigDecimal("12345678901234567890.123456789012345678")));
    assertThat(sameJson(decimal, DuckDbVariants.parseExact("12345678901234567890.123456789012345678"))).isTrue();
    assertThat(sameJson(decimal, DuckDbVariants.parseExact("12345678901234567890.123456789012345679"))).isFalse();
    assertThat(sameJson(json(Variant.of(-0.0)), DuckDbVariants.parseExact("-0.0"))).isTrue();
    assertThat(sameJson(json(Variant.of(0.0)), DuckDbVariants.parseExact("-0.0"))).isFalse();
    assertThat(sameJson(json(Variant.of(1.1f)), DuckDbVariants.parseExact("1.100000023841858"))).isTrue();
    JsonNode object = json(Variant.fromJson("{\"a\":[1,\"x\"]}"));
    java.util.Comparator<JsonNode> same = (x, y) -> sameJson(x, y) ? 0 : 1;
    assertThat(object.equals(same, DuckDbVariants.parseExact("{\"a\":[1,\"x\"]}"))).isTrue();
    assertThat(object.equals(same, DuckDbVariants.parseExact("{\"a\":[2,\"x\"]}"))).isFalse();
  }
}
