package io.delpha.sdk.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.Variant;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real Delta tables written by Delta Lake itself (Spark 3.5.3, delta-spark 3.3.0, {@code
 * oracles/delta-spark}: deletion vectors from DELETE, UPDATE and MERGE, change data feed, timestampNtz, column
 * mapping by name and by id with renames, a drop and an added column), served in the delta response format by
 * {@link DeltaLogServer}, read by the client and compared row for row with Spark's own read of each version
 * ({@code integration-tests/src/test/resources/delta/expected}).
 */
class DeltaFormatTest {

  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> TABLES = List.of("events", "renamed_by_name", "renamed_by_id");

  static Path fixtures;

  @BeforeAll
  static void fixtures() throws URISyntaxException {
    fixtures = Path.of(DeltaFormatTest.class.getResource("/delta/tables").toURI());
  }

  static DeltaSharingClient client(DeltaLogServer server) {
    return DeltaSharingClient.builder().endpoint(server.endpoint()).bearerToken(Secret.of(DeltaLogServer.TOKEN))
        .build();
  }

  static String table(String name) {
    return DeltaLogServer.SHARE + "." + DeltaLogServer.SCHEMA + "." + name;
  }

  @ParameterizedTest
  @EnumSource(DeltaLogServer.DvStyle.class)
  void everyVersionOfEveryTableReadsAsSparkReadsIt(DeltaLogServer.DvStyle style) throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, style); DeltaSharingClient client = client(server)) {
      for (String t : TABLES) {
        assertThat(client.tableVersion(table(t))).isGreaterThanOrEqualTo(5);
        assertEveryVersionReadsAsSparkReadsIt(client, t, style);
      }
    }
  }

  /** Reads every version of the table with readTable and with readTableBatches: Spark's rows of that version. */
  static void assertEveryVersionReadsAsSparkReadsIt(DeltaSharingClient client, String t, DeltaLogServer.DvStyle style)
      throws IOException {
    long latest = client.tableVersion(table(t));
    for (long v = 0; v <= latest; v++) {
      QueryOptions at = QueryOptions.builder().version(v).build();
      List<String> expected = expected(t, "v" + v);
      List<String> rows = new ArrayList<>();
      try (RowReader r = client.readTable(table(t), at)) {
        r.forEachRemaining(row -> rows.add(canonical(row).toString()));
      }
      assertThat(sorted(rows)).as("%s version %d, readTable, %s vectors", t, v, style).isEqualTo(expected);
      List<String> batched = new ArrayList<>();
      try (ColumnBatchReader r = client.readTableBatches(table(t), at)) {
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          for (int i = 0; i < b.rowCount(); i++) {
            batched.add(canonical(b.row(i)).toString());
          }
        }
      }
      assertThat(sorted(batched)).as("%s version %d, readTableBatches", t, v).isEqualTo(expected);
    }
  }

  @Test
  void deletedRowsAreGoneAndEachVectorFileIsFetchedOncePerQuery() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = client(server)) {
      // version 2 deleted every id divisible by 7 through deletion vectors, no file rewritten
      List<Long> ids = new ArrayList<>();
      try (RowReader r = client.readTable(table("events"), QueryOptions.builder().version(2).build())) {
        r.forEachRemaining(row -> ids.add(row.getLong("id")));
      }
      assertThat(ids).hasSize(2571).noneMatch(id -> id % 7 == 0);
      assertThat(server.dvRequests()).isNotEmpty().allSatisfy((file, n) -> assertThat(n).as(file).isEqualTo(1));
    }
  }

  @Test
  void changeDataFeedReadsAsSparkReadsIt() throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = client(server)) {
      List<String> expected = expected("events", "changes-1-5");
      assertThat(changes(client, "events", 1)).isEqualTo(expected);
      // the feed holds DELETEs through deletion vectors (versions 2 and 5), UPDATE and MERGE change files
      assertThat(expected).anyMatch(l -> l.contains("\"_change_type\":\"delete\"") && l.contains("\"_commit_version\":2"))
          .anyMatch(l -> l.contains("update_postimage"));
    }
  }

  @Test
  void aSqlViewHoldsTheRowsSparkReads(@TempDir Path cache) throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = client(server);
        SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
      for (String t : TABLES) {
        sql.attach(table(t), t);
        List<String> expected = new ArrayList<>();
        for (String line : expected(t, "v" + client.tableVersion(table(t)))) {
          JsonNode n = JSON.readTree(line);
          expected.add(n.get("id").asText() + "|" + n.get(firstString(t)).asText());
        }
        List<String> seen = new ArrayList<>();
        try (Statement st = sql.connection().createStatement();
            ResultSet rs = st.executeQuery("SELECT id, " + firstString(t) + " FROM " + t + " ORDER BY id")) {
          while (rs.next()) {
            seen.add(rs.getLong(1) + "|" + rs.getString(2));
          }
        }
        assertThat(seen).as(t).isEqualTo(expected);
      }
    }
  }

  private static String firstString(String table) {
    return table.equals("events") ? "name" : "first";
  }

  @Test
  void aReaderFeatureTheClientLacksIsATypedErrorNamingIt(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("managed");
    copyTree(fixtures.resolve("events"), copy);
    Path log = copy.resolve("_delta_log").resolve("00000000000000000000.json");
    Files.writeString(log, Files.readString(log).replace("\"readerFeatures\":[\"deletionVectors\",\"timestampNtz\"]",
        "\"readerFeatures\":[\"deletionVectors\",\"timestampNtz\",\"catalogManaged\"]"));
    try (DeltaLogServer server = new DeltaLogServer(dir, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = client(server)) {
      assertThatThrownBy(() -> client.readTable(table("managed")))
          .isInstanceOfSatisfying(UnsupportedTableFeatureException.class,
              e -> assertThat(e.feature()).isEqualTo("catalogManaged"))
          .hasMessageContaining("catalogManaged");
      assertThat(server.fileRequests()).isZero();
    }
  }

  @Test
  void aCorruptDeletionVectorIsATypedErrorAndNoRowOfItsFileIsHandedOut(@TempDir Path dir) throws Exception {
    Path copy = dir.resolve("events");
    copyTree(fixtures.resolve("events"), copy);
    try (var s = Files.list(copy)) {
      for (Path dv : s.filter(p -> p.getFileName().toString().startsWith("deletion_vector_")).toList()) {
        byte[] b = Files.readAllBytes(dv);
        b[b.length / 2] ^= 0x55; // one flipped byte inside a bitmap: the CRC-32 no longer matches
        Files.write(dv, b);
      }
    }
    try (DeltaLogServer server = new DeltaLogServer(dir, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = client(server)) {
      List<Row> seen = new ArrayList<>();
      assertThatThrownBy(() -> {
        try (RowReader r = client.readTable(table("events"), QueryOptions.builder().version(5).build())) {
          r.forEachRemaining(seen::add);
        }
      }).isInstanceOf(DataFormatException.class).hasMessageContaining("deletion vector");
      // rows of files without a vector may have been handed out; none that a vector should have removed
      assertThat(seen).noneMatch(row -> row.getLong("id") % 7 == 0 && row.getLong("id") < 3000);
    }
  }

  // ------------------------------------------------------------------------------------------ canonical rows

  /**
   * The oracle's canonical JSON of a row (DeltaOracle.value): the same forms for the same values; a variant is its
   * JSON text (a variant null the text {@code null}, SQL NULL JSON null), as Spark's {@code to_json} prints it.
   */
  /** @return the change feed of a table from a version on, each row canonical, sorted as the expected files are */
  static List<String> changes(DeltaSharingClient client, String t, long from) {
    List<String> rows = new ArrayList<>();
    try (RowReader r = client.readChanges(table(t), from)) {
      r.forEachRemaining(row -> {
        ObjectNode n = canonical(row);
        n.put("_commit_timestamp", Instant.ofEpochMilli(row.getLong("_commit_timestamp")).toString());
        rows.add(n.toString());
      });
    }
    return sortedChanges(rows);
  }

  static ObjectNode canonical(Row row) {
    ObjectNode n = JSON.createObjectNode();
    for (int i = 0; i < row.schema().size(); i++) {
      n.set(row.schema().column(i).name(), value(row.get(i)));
    }
    return n;
  }

  static JsonNode value(Object v) {
    JsonNodeFactory f = JSON.getNodeFactory();
    if (v == null) {
      return f.nullNode();
    }
    if (v instanceof Row r) {
      return canonical(r);
    }
    if (v instanceof Variant variant) {
      return f.textNode(variant.toJson());
    }
    if (v instanceof List<?> list) {
      ArrayNode a = f.arrayNode();
      list.forEach(e -> a.add(value(e)));
      return a;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode o = f.objectNode();
      map.forEach((k, e) -> o.set(String.valueOf(k), value(e)));
      return o;
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return f.numberNode(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      return f.numberNode(((Number) v).doubleValue());
    }
    if (v instanceof BigDecimal d) {
      return f.textNode(d.toPlainString());
    }
    if (v instanceof Boolean b) {
      return f.booleanNode(b);
    }
    if (v instanceof Instant || v instanceof LocalDateTime || v instanceof LocalDate || v instanceof String) {
      return f.textNode(v.toString());
    }
    throw new IllegalStateException("no canonical form for " + v.getClass());
  }

  static List<String> expected(String table, String name) throws IOException {
    try (InputStream in = new GZIPInputStream(
        DeltaFormatTest.class.getResourceAsStream("/delta/expected/" + table + "/" + name + ".jsonl.gz"))) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return text.isEmpty() ? List.of() : List.of(text.split("\n"));
    }
  }

  /** The oracle's order: by id, then by the whole line. */
  static List<String> sorted(List<String> lines) {
    return lines.stream().sorted(Comparator.comparingLong((String l) -> readId(l, "id")).thenComparing(l -> l))
        .toList();
  }

  static List<String> sortedChanges(List<String> lines) {
    return lines.stream().sorted(Comparator.comparingLong((String l) -> readId(l, "_commit_version"))
        .thenComparingLong(l -> readId(l, "id")).thenComparing(l -> field(l, "_change_type"))
        .thenComparing(l -> l)).toList();
  }

  private static long readId(String line, String field) {
    try {
      return JSON.readTree(line).get(field).asLong();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String field(String line, String field) {
    try {
      return JSON.readTree(line).get(field).asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (var s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
