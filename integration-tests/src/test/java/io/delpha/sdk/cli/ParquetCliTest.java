package io.delpha.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.parquet.Column;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code delpha parquet} in this JVM, through the command line's own entry ({@link Delpha#commandLine()}): the four
 * subcommands on files written by DuckDB and by pyarrow ({@code integration-tests/src/test/resources/parquet-cli/}, provenance in its
 * README.md), {@code cat}'s every value compared with what DuckDB reads from the same file, and the refusals. {@code
 * ParquetCliProcessTest} runs the same commands as processes, and on S3.
 */
class ParquetCliTest {

  static final Path FILES = Path.of("integration-tests/src/test/resources/parquet-cli").toAbsolutePath();
  static final Path DUCKDB_FILE = FILES.resolve("duckdb_types.parquet");
  static final Path PYARROW_FILE = FILES.resolve("pyarrow_types.parquet");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a run printed and returned. */
  record Run(int exitCode, String out, String err) {
    String all() {
      return "exit " + exitCode + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  static Run delpha(String... args) {
    CommandLine cmd = Delpha.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    int code = cmd.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Connection duckdb() throws Exception {
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    Connection c = DriverManager.getConnection("jdbc:duckdb:", p);
    try (Statement s = c.createStatement()) {
      s.execute("SET threads TO 1");
      s.execute("SET TimeZone = 'UTC'");
    }
    return c;
  }

  @BeforeAll
  static void filesAreThere() {
    assertThat(DUCKDB_FILE).exists();
    assertThat(PYARROW_FILE).exists();
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"duckdb_types.parquet", "pyarrow_types.parquet"})
  @DisplayName("cat prints every row as CSV, every value as DuckDB reads it, and JSON lines with the same values")
  void catMatchesDuckDb(String name) throws Exception {
    Path file = FILES.resolve(name);
    Run csv = delpha("parquet", "cat", file.toString());
    assertThat(csv.exitCode()).as(csv.all()).isZero();
    assertThat(csv.err()).isEmpty();
    List<List<String>> lines = Csv.parse(csv.out());
    RowSchema schema;
    try (RowReader r = ParquetRows.read(file)) {
      schema = r.schema();
    }
    assertThat(lines.get(0)).isEqualTo(schema.names());
    List<String> floats = ParquetRows.metadata(file).columns().stream()
        .filter(c -> c.path().size() == 1 && c.physicalType().equals("FLOAT")).map(c -> c.path().get(0)).toList();
    List<List<String>> rows = lines.subList(1, lines.size());

    int compared = 0;
    try (Connection c = duckdb(); Statement st = c.createStatement()) {
      for (int col = 0; col < schema.size(); col++) {
        Column column = schema.column(col);
        String expression = duckDbText(column);
        try (ResultSet rs = st.executeQuery("SELECT " + expression + " FROM read_parquet('" + file + "')")) {
          int row = 0;
          while (rs.next()) {
            String expected = rs.getString(1);
            String actual = rows.get(row).get(col);
            boolean isFloat = floats.contains(column.name());
            assertThat(normalised(column, isFloat, actual)).as("%s row %d column %s: ours %s, DuckDB %s", name, row,
                column.name(), actual, expected).isEqualTo(normalised(column, isFloat, expected));
            row++;
            compared++;
          }
          assertThat(row).as("rows DuckDB reads").isEqualTo(rows.size());
        }
      }
    }
    assertThat(compared).isEqualTo(rows.size() * schema.size());

    Run jsonl = delpha("parquet", "cat", "--format", "jsonl", file.toString());
    assertThat(jsonl.exitCode()).as(jsonl.all()).isZero();
    List<String> jsonLines = jsonl.out().lines().toList();
    assertThat(jsonLines).hasSameSizeAs(rows);
    for (int i = 0; i < rows.size(); i++) {
      List<String> fields = JsonLine.values(jsonLines.get(i), schema.names());
      for (int col = 0; col < schema.size(); col++) {
        boolean isFloat = floats.contains(schema.column(col).name());
        assertThat(normalised(schema.column(col), isFloat, fields.get(col))).as("%s JSON line %d column %s", name, i,
            schema.column(col).name()).isEqualTo(normalised(schema.column(col), isFloat, rows.get(i).get(col)));
      }
    }
  }

  /** DuckDB's value as text that {@link #normalised} can compare with ours. */
  private static String duckDbText(Column column) {
    String c = "\"" + column.name() + "\"";
    return switch (column.type().kind()) {
      case BYTES -> "to_base64(" + c + ")";
      case LIST, MAP, STRUCT -> "to_json(" + c + ")";
      case TIMESTAMP, LOCAL_TIMESTAMP -> "CAST(epoch_ns(" + c + ") AS VARCHAR)";
      case DOUBLE -> "CAST(CAST(" + c + " AS DOUBLE) AS VARCHAR)"; // a FLOAT widened, as the row model reads it
      default -> "CAST(" + c + " AS VARCHAR)";
    };
  }

  /**
   * A value as text in a form both renderings reach: numbers as numbers (a FLOAT column's as the float it holds, which
   * we print as a float and DuckDB's widened cast as a double), instants as nanoseconds, JSON as a tree.
   */
  private static Object normalised(Column column, boolean isFloat, String text) throws Exception {
    if (text == null) {
      return "<null>";
    }
    return switch (column.type().kind()) {
      case DOUBLE -> {
        double d = Double.parseDouble(text.equals("inf") ? "Infinity" : text.equals("-inf") ? "-Infinity"
            : text.equals("nan") ? "NaN" : text);
        yield isFloat ? (Object) (float) d : (Object) d;
      }
      case TIME -> LocalTime.parse(text);
      case TIMESTAMP -> text.matches("-?\\d+") ? Long.parseLong(text) : nanos(Instant.parse(text));
      case LOCAL_TIMESTAMP -> text.matches("-?\\d+") ? Long.parseLong(text)
          : nanos(LocalDateTime.parse(text).toInstant(ZoneOffset.UTC));
      case LIST, MAP, STRUCT -> canonical(JSON.readValue(text, Object.class));
      default -> text;
    };
  }

  /** JSON values with every number as a {@code BigDecimal} without trailing zeros: 1, 1.0 and 1.00 are one number. */
  private static Object canonical(Object v) {
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, value) -> out.put(k, canonical(value)));
      return out;
    }
    if (v instanceof List<?> l) {
      return l.stream().map(e -> e == null ? "<null>" : canonical(e)).toList();
    }
    return v instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros() : v == null ? "<null>" : v;
  }

  private static long nanos(Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
  }

  @Test
  @DisplayName("head prints the first 10 rows, or -n of them, of the columns asked for in their order")
  void head() {
    List<List<String>> all = Csv.parse(delpha("parquet", "cat", DUCKDB_FILE.toString()).out());
    Run head = delpha("parquet", "head", DUCKDB_FILE.toString());
    assertThat(head.exitCode()).as(head.all()).isZero();
    assertThat(Csv.parse(head.out())).isEqualTo(all.subList(0, 11));

    Run some = delpha("parquet", "head", "-n", "3", "--columns", "note,id", DUCKDB_FILE.toString());
    assertThat(some.exitCode()).as(some.all()).isZero();
    List<List<String>> lines = Csv.parse(some.out());
    int note = all.get(0).indexOf("note");
    assertThat(lines).containsExactly(List.of("note", "id"), Arrays.asList(all.get(1).get(note), "0"),
        List.of("", "1"), List.of("a,b", "2"));
    assertThat(some.out()).startsWith("note,id\r\n,0\r\n\"\",1\r\n\"a,b\",2\r\n");
  }

  @Test
  @DisplayName("cat --limit and --columns: the rows and columns asked for, nulls empty in CSV and null in JSON")
  void catLimitColumnsAndNulls() throws Exception {
    Run csv = delpha("parquet", "cat", "--limit", "4", "--columns", "tags,id,amount,point", DUCKDB_FILE.toString());
    assertThat(csv.exitCode()).as(csv.all()).isZero();
    assertThat(csv.out()).isEqualTo("tags,id,amount,point\r\n"
        + ",0,,\r\n"
        + "[],1,-49876.55,\"{\"\"x\"\":0.5,\"\"label\"\":\"\"p1\"\"}\"\r\n"
        + "\"[\"\"x2\"\",null,\"\"y,\\\"\"z\\\"\"\"\"]\",2,-49753.10,\"{\"\"x\"\":1.0,\"\"label\"\":\"\"p2\"\"}\"\r\n"
        + "\"[\"\"x3\"\",null,\"\"y,\\\"\"z\\\"\"\"\"]\",3,-49629.65,\"{\"\"x\"\":1.5,\"\"label\"\":\"\"p3\"\"}\"\r\n");

    Run jsonl = delpha("parquet", "cat", "--limit", "2", "--format", "jsonl", "--columns",
        "id,amount,big,instant,local_ts,day,at_time,payload,tags", DUCKDB_FILE.toString());
    assertThat(jsonl.exitCode()).as(jsonl.all()).isZero();
    assertThat(jsonl.out()).isEqualTo(
        "{\"id\":0,\"amount\":null,\"big\":-86419752308641974608.6419752300,\"instant\":\"1999-12-31T23:59:59Z\","
            + "\"local_ts\":\"2024-02-29T12:34:56.5\",\"day\":\"1915-03-31\",\"at_time\":\"00:00:00\",\"payload\":null,"
            + "\"tags\":null}\n"
            + "{\"id\":1,\"amount\":-49876.55,\"big\":null,\"instant\":\"2000-01-01T23:59:59.123Z\","
            + "\"local_ts\":\"2024-02-29T12:35:00.107001\",\"day\":\"1915-05-07\",\"at_time\":\"00:00:00.997003\","
            + "\"payload\":\"Ynl0ZXMgMQD/\",\"tags\":[]}\n");

    Run none = delpha("parquet", "cat", "--limit", "0", DUCKDB_FILE.toString());
    assertThat(none.exitCode()).isZero();
    assertThat(none.out().lines()).hasSize(1);
  }

  @Test
  @DisplayName("a VARIANT column: cat prints its JSON (a CSV field, a JSON value in jsonl), schema its type")
  void catVariant(@TempDir Path dir) throws Exception {
    RowSchema schema = RowSchema.builder().required("id", io.delpha.sdk.parquet.ColumnType.INT)
        .nullable("v", io.delpha.sdk.parquet.ColumnType.VARIANT).build();
    Path file = dir.resolve("variant.parquet");
    try (io.delpha.sdk.parquet.RowWriter w = ParquetRows.writer(file, schema,
        io.delpha.sdk.parquet.WriteOptions.defaults())) {
      w.write(io.delpha.sdk.parquet.Row.of(schema, 1,
          io.delpha.sdk.parquet.Variant.fromJson("{\"a\":1,\"b\":[\"x\",null]}")));
      w.write(io.delpha.sdk.parquet.Row.of(schema, 2, null));
    }
    Run csv = delpha("parquet", "cat", file.toString());
    assertThat(csv.exitCode()).as(csv.all()).isZero();
    assertThat(csv.out()).isEqualTo("id,v\r\n1,\"{\"\"a\"\":1,\"\"b\"\":[\"\"x\"\",null]}\"\r\n2,\r\n");
    Run jsonl = delpha("parquet", "cat", "--format", "jsonl", file.toString());
    assertThat(jsonl.exitCode()).as(jsonl.all()).isZero();
    assertThat(jsonl.out()).isEqualTo("{\"id\":1,\"v\":{\"a\":1,\"b\":[\"x\",null]}}\n{\"id\":2,\"v\":null}\n");
    Run types = delpha("parquet", "schema", file.toString());
    assertThat(types.exitCode()).as(types.all()).isZero();
    assertThat(types.out().lines().map(String::strip)).anyMatch(l -> l.matches("v\\s+variant\\s+yes"));
  }

  @Test
  @DisplayName("schema prints each column's type and nullability, nested parts indented")
  void schema() {
    Run run = delpha("parquet", "schema", DUCKDB_FILE.toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    assertThat(run.out().lines().map(String::stripTrailing).toList()).containsExactly(
        "column     type             nullable",
        "id         long             yes",
        "small      int              yes",
        "code       int              yes",
        "counter    decimal(20,0)    yes",
        "amount     decimal(18,2)    yes",
        "big        decimal(38,10)   yes",
        "ratio      double           yes",
        "weight     double           yes",
        "flag       boolean          yes",
        "day        date             yes",
        "at_time    time             yes",
        "local_ts   local_timestamp  yes",
        "instant    timestamp        yes",
        "note       string           yes",
        "payload    bytes            yes",
        "tags       list             yes",
        "  element  string           yes",
        "point      struct           yes",
        "  x        double           yes",
        "  label    string           yes",
        "attrs      map              yes",
        "  key      string           no",
        "  value    long             yes");

    Run pyarrow = delpha("parquet", "schema", PYARROW_FILE.toString());
    assertThat(pyarrow.exitCode()).as(pyarrow.all()).isZero();
    assertThat(pyarrow.out()).contains("u32        long", "local_ns   local_timestamp", "seen_ms    timestamp",
        "scores     list", "  element  long", "owner      struct", "  rank     int");
  }

  @Test
  @DisplayName("stats prints the footer: rows, writer, and per row group each chunk's type, codec, sizes, counts, bounds")
  void stats() throws Exception {
    Run run = delpha("parquet", "stats", DUCKDB_FILE.toString());
    assertThat(run.exitCode()).as(run.all()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.subList(0, 6)).containsExactly(
        "file        " + DUCKDB_FILE,
        "size        " + Files.size(DUCKDB_FILE) + " bytes (" + ProgressPrinter.amount(Files.size(DUCKDB_FILE), "bytes")
            + ")",
        "rows        2500",
        "row groups  2",
        "columns     20 leaf columns",
        "created by  DuckDB version v1.5.6 (build 069cc9f9b5)");
    Pattern cells = Pattern.compile(" {2,}");
    try (Connection c = duckdb(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT row_group_id, row_group_num_rows, replace(path_in_schema, ', ', '.'), type, compression, "
            + "total_compressed_size, total_uncompressed_size, num_values, stats_null_count FROM parquet_metadata('"
            + DUCKDB_FILE + "') ORDER BY row_group_id, column_id")) {
      int checked = 0;
      while (rs.next()) {
        int group = rs.getInt(1);
        String header = "row group " + group + ": " + rs.getLong(2) + " rows, ";
        int at = lines.stream().filter(l -> l.startsWith(header)).findFirst().map(lines::indexOf).orElseThrow();
        String path = rs.getString(3);
        String[] row = lines.subList(at + 2, lines.size()).stream().filter(l -> l.startsWith(path + " "))
            .findFirst().orElseThrow().split(cells.pattern());
        assertThat(row[1]).as(path).startsWith(rs.getString(4));
        assertThat(row[3]).as(path).isEqualTo(rs.getString(5));
        assertThat(row[5]).as(path).isEqualTo(Long.toString(rs.getLong(8)));
        assertThat(row[6]).as(path).isEqualTo(Long.toString(rs.getLong(9)));
        assertThat(row[7]).as(path).isEqualTo(Long.toString(rs.getLong(6)));
        assertThat(row[8]).as(path).isEqualTo(Long.toString(rs.getLong(7)));
        checked++;
      }
      assertThat(checked).isEqualTo(40);
    }
    String id = lines.stream().filter(l -> l.startsWith("id ")).findFirst().orElseThrow();
    assertThat(id.split(cells.pattern())).containsExactly("id", "INT64", "INTEGER(64,true)", "ZSTD", "PLAIN", "2048", "0", "3544",
        "16412", "0", "2047");
    assertThat(lines).anySatisfy(l -> assertThat(l.split(cells.pattern())).startsWith("amount", "INT64",
        "DECIMAL(18,2)").endsWith("-49887.55", "49994.50"));
    assertThat(lines).anySatisfy(l -> assertThat(l.split(cells.pattern())).startsWith("instant", "INT64",
        "TIMESTAMP(MICROS,true)").endsWith("1999-12-31T23:59:59Z", "2005-08-09T00:04:10.781Z"));
  }

  @Test
  @DisplayName("what is not Parquet, or is cut short, is a typed error: exit 1, one line, no stack trace")
  void notParquet(@TempDir Path dir) throws Exception {
    Path text = dir.resolve("notes.parquet");
    Files.writeString(text, "id,name\n1,a\n");
    Path truncated = dir.resolve("truncated.parquet");
    byte[] whole = Files.readAllBytes(DUCKDB_FILE);
    Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
    Path footerless = dir.resolve("footerless.parquet");
    byte[] cut = Arrays.copyOf(whole, 2000);
    System.arraycopy(whole, whole.length - 8, cut, cut.length - 8, 8);
    Files.write(footerless, cut);
    for (String command : List.of("schema", "head", "cat", "stats")) {
      Run notParquet = delpha("parquet", command, text.toString());
      assertThat(notParquet.exitCode()).as(notParquet.all()).isEqualTo(Delpha.FAILURE);
      assertThat(notParquet.err()).as(notParquet.all()).isEqualTo("error: " + text + " is not a Parquet file (12 bytes, "
          + "no PAR1 magic at the start)" + System.lineSeparator());
      assertThat(notParquet.out()).isEmpty();

      Run half = delpha("parquet", command, truncated.toString());
      assertThat(half.exitCode()).as(half.all()).isEqualTo(Delpha.FAILURE);
      assertThat(half.err()).as(half.all()).startsWith("error: " + truncated + " is not a readable Parquet file "
          + "(corrupt or truncated footer): no PAR1 magic at the end of the file").doesNotContain("\tat ");
      assertThat(half.err().lines()).hasSize(1);
    }
    long footerLength = ByteBuffer.wrap(whole, whole.length - 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    Run noFooter = delpha("parquet", "head", footerless.toString());
    assertThat(noFooter.exitCode()).as(noFooter.all()).isEqualTo(Delpha.FAILURE);
    assertThat(noFooter.err()).as(noFooter.all()).isEqualTo("error: " + footerless + " is not a readable Parquet file "
        + "(corrupt or truncated footer): the footer claims " + footerLength + " bytes of a 2000-byte file"
        + System.lineSeparator());

    Run missing = delpha("parquet", "stats", dir.resolve("missing.parquet").toString());
    assertThat(missing.exitCode()).isEqualTo(Delpha.FAILURE);
    assertThat(missing.err()).startsWith("error: no file " + dir.resolve("missing.parquet"));
  }

  @Test
  @DisplayName("--columns naming no column of the file, or a column twice, and a negative count are usage errors: exit 2")
  void wrongCommandLines() {
    Run unknown = delpha("parquet", "cat", "--columns", "id,nope", DUCKDB_FILE.toString());
    assertThat(unknown.exitCode()).as(unknown.all()).isEqualTo(Delpha.USAGE);
    assertThat(unknown.err()).startsWith("--columns: " + DUCKDB_FILE + " has no column 'nope'; its columns "
        + "are id, small, code,").contains("Usage: delpha parquet cat");
    assertThat(unknown.out()).isEmpty();

    Run twice = delpha("parquet", "head", "--columns", "id,id", DUCKDB_FILE.toString());
    assertThat(twice.exitCode()).as(twice.all()).isEqualTo(Delpha.USAGE);
    assertThat(twice.err()).startsWith("--columns: 'id' is named twice");

    Run negative = delpha("parquet", "head", "-n", "-1", DUCKDB_FILE.toString());
    assertThat(negative.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(delpha("parquet", "cat", "--format", "xml", DUCKDB_FILE.toString()).exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(delpha("parquet", "head", "s3://bucket-only").err()).startsWith("'s3://bucket-only': an S3 object is "
        + "s3://BUCKET/KEY");
  }

  @Test
  @DisplayName("parquet and each of its commands answer --help")
  void help() {
    Run top = delpha("--help");
    assertThat(top.out()).contains("parquet");
    for (String command : List.of("schema", "head", "cat", "stats")) {
      Run help = delpha("parquet", command, "--help");
      assertThat(help.exitCode()).isZero();
      assertThat(help.out()).startsWith("Usage: delpha parquet " + command).contains("FILE_OR_S3_URI", "--s3-endpoint")
          .contains("--keys=FILE", "--keys-secret=NAME", "--secrets=SOURCE"); // --secrets: where --keys-secret is
    }
  }

  /** RFC 4180 records: an unquoted empty field is null, a quoted one the empty string. */
  static final class Csv {
    static List<List<String>> parse(String text) {
      List<List<String>> records = new ArrayList<>();
      List<String> record = new ArrayList<>();
      int i = 0;
      while (i < text.length()) {
        String field;
        if (text.charAt(i) == '"') {
          StringBuilder b = new StringBuilder();
          i++;
          while (true) {
            char ch = text.charAt(i++);
            if (ch == '"') {
              if (i < text.length() && text.charAt(i) == '"') {
                b.append('"');
                i++;
              } else {
                break;
              }
            } else {
              b.append(ch);
            }
          }
          field = b.toString();
        } else {
          int end = i;
          while (end < text.length() && text.charAt(end) != ',' && text.charAt(end) != '\r') {
            end++;
          }
          field = end == i ? null : text.substring(i, end);
          i = end;
        }
        record.add(field);
        if (i < text.length() && text.charAt(i) == ',') {
          i++;
        } else {
          if (!text.startsWith("\r\n", i)) {
            throw new AssertionError("a record ends with CRLF, at " + i + ": " + text.substring(i, Math.min(text.length(), i + 40)));
          }
          i += 2;
          records.add(record);
          record = new ArrayList<>();
        }
      }
      return records;
    }
  }

  /** A JSON line's values as CSV would hold them: numbers as written, nested values as compact JSON. */
  static final class JsonLine {
    private static final JsonFactory FACTORY = new JsonFactory();

    static List<String> values(String line, List<String> names) throws Exception {
      List<String> out = new ArrayList<>();
      try (JsonParser p = FACTORY.createParser(line)) {
        p.setCodec(JSON);
        assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        for (String name : names) {
          assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
          assertThat(p.currentName()).isEqualTo(name);
          JsonToken t = p.nextToken();
          out.add(switch (t) {
            case VALUE_NULL -> null;
            case START_OBJECT, START_ARRAY -> JSON.writeValueAsString(p.readValueAsTree());
            default -> p.getText();
          });
        }
        assertThat(p.nextToken()).isEqualTo(JsonToken.END_OBJECT);
      }
      return out;
    }
  }
}
