package io.delpha.sdk.sharing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.delpha.sdk.sharing.SharingFixture.JSON;
import static io.delpha.sdk.sharing.SharingFixture.ndjson;
import static io.delpha.sdk.sharing.SharingFixture.parquet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.Variant;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Delta reader features of 2025-26 engines, as Delta writes their data files: {@code variantType} (a VARIANT
 * stored as a plain group of a binary {@code value} and {@code metadata}, no annotation) and {@code typeWidening}
 * (older files keep the narrower type a column had when they were written: INT for a LONG, DATE for a
 * TIMESTAMP_NTZ, a DECIMAL of lower precision and scale, at any depth). Each file is read in its own type and
 * widened to the table's, through rows, batches and the SQL view. The files are written here in the shapes Delta
 * writes; {@code DeltaFeaturesTest} holds the same against tables Delta Lake itself wrote.
 */
class DeltaReaderFeaturesTest {

  @RegisterExtension
  static WireMockExtension wm = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

  static final String TOKEN = "dapi-test-token-features";
  static final String TABLE_PATH = "/delta-sharing/shares/s/schemas/d/tables/t";

  /** The columns as an old file holds them: before the widening, the VARIANT as Delta writes it. */
  static final RowSchema OLD = RowSchema.builder()
      .required("id", ColumnType.INT)
      .nullable("day", ColumnType.DATE)
      .nullable("amount", ColumnType.decimal(5, 2))
      .nullable("ratio", ColumnType.INT)
      .nullable("inner", ColumnType.struct(RowSchema.builder().nullable("n", ColumnType.INT).build()))
      .nullable("counts", ColumnType.list(ColumnType.INT, true))
      .nullable("doc", ColumnType.struct(RowSchema.builder().required("value", ColumnType.BYTES)
          .required("metadata", ColumnType.BYTES).build()))
      .build();

  /** The columns as a new file holds them: the table's types, the VARIANT annotated. */
  static final RowSchema NEW = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("day", ColumnType.LOCAL_TIMESTAMP)
      .nullable("amount", ColumnType.decimal(10, 4))
      .nullable("ratio", ColumnType.DOUBLE)
      .nullable("inner", ColumnType.struct(RowSchema.builder().nullable("n", ColumnType.LONG).build()))
      .nullable("counts", ColumnType.list(ColumnType.LONG, true))
      .nullable("doc", ColumnType.VARIANT)
      .build();

  @TempDir
  Path dir;

  /** The old file's rows when a test serves others, else {@code null}. */
  List<Row> oldFile;

  static String schemaString(boolean variant) {
    ObjectNode root = JSON.createObjectNode().put("type", "struct");
    ArrayNode fields = root.putArray("fields");
    fields.addObject().put("name", "id").put("type", "long").put("nullable", false).putObject("metadata")
        .putArray("delta.typeChanges").addObject().put("fromType", "integer").put("toType", "long");
    fields.addObject().put("name", "day").put("type", "timestamp_ntz").put("nullable", true).putObject("metadata");
    fields.addObject().put("name", "amount").put("type", "decimal(10,4)").put("nullable", true)
        .putObject("metadata");
    fields.addObject().put("name", "ratio").put("type", "double").put("nullable", true).putObject("metadata");
    ObjectNode inner = fields.addObject().put("name", "inner").put("nullable", true);
    inner.putObject("metadata");
    ObjectNode innerType = inner.putObject("type").put("type", "struct");
    innerType.putArray("fields").addObject().put("name", "n").put("type", "long").put("nullable", true)
        .putObject("metadata");
    ObjectNode counts = fields.addObject().put("name", "counts").put("nullable", true);
    counts.putObject("metadata");
    counts.putObject("type").put("type", "array").put("elementType", "long").put("containsNull", true);
    if (variant) {
      fields.addObject().put("name", "doc").put("type", "variant").put("nullable", true).putObject("metadata");
    }
    return root.toString();
  }

  static String protocol(String... features) {
    ObjectNode line = JSON.createObjectNode();
    ObjectNode p = line.putObject("protocol").putObject("deltaProtocol").put("minReaderVersion", 3)
        .put("minWriterVersion", 7);
    ArrayNode reader = p.putArray("readerFeatures");
    for (String f : features) {
      reader.add(f);
    }
    return line.toString();
  }

  static String metadata(boolean variant) {
    ObjectNode line = JSON.createObjectNode();
    ObjectNode m = line.putObject("metaData").put("version", 4).putObject("deltaMetadata");
    m.put("id", "5b3f7d9e-0c1a-4f6b-9d2e-7a8b9c0d1e2f");
    m.putObject("format").put("provider", "parquet").putObject("options");
    m.put("schemaString", schemaString(variant));
    m.putArray("partitionColumns");
    m.putObject("configuration").put("delta.enableTypeWidening", "true");
    return line.toString();
  }

  static String addLine(String url, String id, long size) {
    ObjectNode line = JSON.createObjectNode();
    ObjectNode f = line.putObject("file").put("id", id).put("size", size)
        .put("expirationTimestamp", System.currentTimeMillis() + 3_600_000);
    f.putObject("deltaSingleAction").putObject("add").put("path", url).put("size", size)
        .put("modificationTime", 0).put("dataChange", true).putObject("partitionValues");
    return line.toString();
  }

  static Variant doc(long id) {
    return Variant.fromJson("{\"id\":" + id + ",\"tags\":[\"a\",\"b" + id + "\"],\"price\":" + id + ".25,"
        + "\"nested\":{\"ok\":" + (id % 2 == 0) + ",\"none\":null}}");
  }

  static Row oldRow(int id) {
    Variant v = doc(id);
    return Row.of(OLD, id, LocalDate.of(2025, 1, id), new BigDecimal(id + ".50"), id,
        Row.of(OLD.column("inner").type().fields(), id * 10), List.of(id, id + 1),
        Row.of(OLD.column("doc").type().fields(), v.value(), v.metadata()));
  }

  static Row newRow(long id) {
    return Row.of(NEW, id, LocalDateTime.of(2025, 3, 1, 12, 30, (int) id), new BigDecimal(id + ".1234"),
        id + 0.5, Row.of(NEW.column("inner").type().fields(), 3_000_000_000L + id),
        List.of(4_000_000_000L + id), doc(id));
  }

  /** The row without its last column, {@code doc}. */
  static Row withoutDoc(Row r) {
    RowSchema s = new RowSchema(r.schema().columns().subList(0, r.schema().size() - 1));
    return Row.of(s, r.values().subList(0, s.size()));
  }

  void stubTable(String... features) {
    stubTable(true, features);
  }

  /**
   * Two files served: one written before every widening (Delta's VARIANT layout), one after.
   *
   * @param variant whether the table has the VARIANT column {@code doc}
   */
  void stubTable(boolean variant, String... features) {
    List<Row> oldRows = oldFile != null ? oldFile
        : List.of(oldRow(1), oldRow(2), Row.of(OLD, 3, null, null, null, null, null, null));
    List<Row> newRows = List.of(newRow(10), newRow(11));
    if (!variant) {
      oldRows = oldRows.stream().map(DeltaReaderFeaturesTest::withoutDoc).toList();
      newRows = newRows.stream().map(DeltaReaderFeaturesTest::withoutDoc).toList();
    }
    byte[] old = parquet(dir, oldRows.get(0).schema(), oldRows);
    byte[] fresh = parquet(dir, newRows.get(0).schema(), newRows);
    wm.stubFor(get(urlPathEqualTo("/storage/old.parquet")).willReturn(aResponse().withStatus(200).withBody(old)));
    wm.stubFor(get(urlPathEqualTo("/storage/new.parquet")).willReturn(aResponse().withStatus(200).withBody(fresh)));
    List<String> lines = List.of(protocol(features), metadata(variant),
        addLine(wm.baseUrl() + "/storage/old.parquet", "old", old.length),
        addLine(wm.baseUrl() + "/storage/new.parquet", "new", fresh.length), "{\"endStreamAction\":{}}");
    wm.stubFor(post(urlEqualTo(TABLE_PATH + "/query")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/x-ndjson; charset=utf-8").withHeader("Delta-Table-Version", "4")
        .withHeader("delta-sharing-capabilities", "responseformat=delta;includeendstreamaction=true")
        .withBody(ndjson(lines))));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/metadata")).willReturn(aResponse().withStatus(200)
        .withHeader("Content-Type", "application/x-ndjson; charset=utf-8").withHeader("Delta-Table-Version", "4")
        .withHeader("delta-sharing-capabilities", "responseformat=delta")
        .withBody(ndjson(List.of(protocol(features), metadata(variant))))));
    wm.stubFor(get(urlEqualTo(TABLE_PATH + "/version")).willReturn(aResponse().withStatus(200)
        .withHeader("Delta-Table-Version", "4")));
  }

  DeltaSharingClient client() {
    return DeltaSharingClient.builder().endpoint(wm.baseUrl() + "/delta-sharing/").bearerToken(Secret.of(TOKEN))
        .build();
  }

  /** The rows every path must give: the old file's values widened to the table's types. */
  static List<String> expected() {
    List<String> rows = new ArrayList<>();
    for (int id = 1; id <= 2; id++) {
      rows.add(String.join("|", Long.toString(id), LocalDate.of(2025, 1, id).atStartOfDay().toString(),
          new BigDecimal(id + ".5000").toPlainString(), Double.toString(id), Long.toString(id * 10L),
          List.of((long) id, id + 1L).toString(), doc(id).toJson()));
    }
    rows.add("3|null|null|null|null|null|null");
    for (long id = 10; id <= 11; id++) {
      rows.add(String.join("|", Long.toString(id), LocalDateTime.of(2025, 3, 1, 12, 30, (int) id).toString(),
          new BigDecimal(id + ".1234").toPlainString(), Double.toString(id + 0.5),
          Long.toString(3_000_000_000L + id), List.of(4_000_000_000L + id).toString(), doc(id).toJson()));
    }
    return rows;
  }

  /** A row as text, each value's Java type checked against the table's. */
  static String render(Row r) {
    assertThat(r.schema().column("id").type()).isEqualTo(ColumnType.LONG);
    List<String> parts = new ArrayList<>();
    parts.add(Long.toString(r.getLong("id")));
    Object day = r.get("day");
    assertThat(day == null || day instanceof LocalDateTime).as("%s", day).isTrue();
    parts.add(String.valueOf(day));
    Object amount = r.get("amount");
    if (amount != null) {
      assertThat(((BigDecimal) amount).scale()).isEqualTo(4);
    }
    parts.add(amount == null ? "null" : ((BigDecimal) amount).toPlainString());
    Object ratio = r.get("ratio");
    assertThat(ratio == null || ratio instanceof Double).as("%s", ratio).isTrue();
    parts.add(String.valueOf(ratio));
    Row inner = (Row) r.get("inner");
    if (inner != null) {
      assertThat(inner.get("n")).isInstanceOf(Long.class);
    }
    parts.add(inner == null ? "null" : String.valueOf(inner.get("n")));
    List<?> counts = (List<?>) r.get("counts");
    if (counts != null) {
      assertThat(counts).allSatisfy(c -> assertThat(c).isInstanceOf(Long.class));
    }
    parts.add(String.valueOf(counts));
    Object doc = r.get("doc");
    assertThat(doc == null || doc instanceof Variant).as("%s", doc).isTrue();
    parts.add(doc == null ? "null" : ((Variant) doc).toJson());
    return String.join("|", parts);
  }

  static List<String> sorted(List<String> rows) {
    return rows.stream().sorted(Comparator.comparingLong(l -> Long.parseLong(l.substring(0, l.indexOf('|')))))
        .toList();
  }

  @Test
  @DisplayName("typeWidening and variantType: each file read in its own type and widened to the table's, the "
      + "VARIANT read from Delta's unannotated group; rows and batches agree; the capabilities name the features")
  void widenedAndVariantColumnsReadAsTheTableSays() {
    stubTable("typeWidening", "variantType");
    try (DeltaSharingClient client = client()) {
      assertThat(client.tableMetadata("s.d.t").schema().column("doc").type()).isEqualTo(ColumnType.VARIANT);
      List<String> rows = new ArrayList<>();
      try (RowReader r = client.readTable("s.d.t")) {
        r.forEachRemaining(row -> rows.add(render(row)));
      }
      assertThat(sorted(rows)).isEqualTo(expected());
      List<String> batched = new ArrayList<>();
      try (ColumnBatchReader r = client.readTableBatches("s.d.t")) {
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          for (int i = 0; i < b.rowCount(); i++) {
            batched.add(render(b.row(i)));
          }
        }
      }
      assertThat(sorted(batched)).isEqualTo(expected());
    }
    wm.verify(postRequestedFor(urlEqualTo(TABLE_PATH + "/query")).withHeader("delta-sharing-capabilities",
        containing("typewidening").and(containing("varianttype")).and(containing("variantshredding-preview"))));
  }

  @Test
  @DisplayName("the preview names of the features (typeWidening-preview, variantType-preview, "
      + "variantShredding-preview) are read as the features")
  void previewNames() {
    stubTable("typeWidening-preview", "variantType-preview", "variantShredding-preview");
    List<String> rows = new ArrayList<>();
    try (DeltaSharingClient client = client(); RowReader r = client.readTable("s.d.t")) {
      r.forEachRemaining(row -> rows.add(render(row)));
    }
    assertThat(sorted(rows)).isEqualTo(expected());
  }

  @Test
  @DisplayName("the SQL view holds the widened values and the VARIANT as DuckDB's VARIANT")
  void sqlView(@TempDir Path cache) throws Exception {
    stubTable("typeWidening", "variantType");
    try (DeltaSharingClient client = client();
        SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
      sql.attach("s.d.t", "t");
      List<String> rows = new ArrayList<>();
      try (Statement st = sql.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT id, typeof(id), day::VARCHAR, amount, \"inner\".n, counts, doc::JSON, "
              + "typeof(doc) FROM t ORDER BY id")) {
        while (rs.next()) {
          assertThat(rs.getString(2)).isEqualTo("BIGINT");
          assertThat(rs.getString(8)).isEqualTo("VARIANT");
          rows.add(rs.getLong(1) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|" + rs.getString(5) + "|"
              + rs.getString(6) + "|" + (rs.getString(7) == null ? null : JSON.readTree(rs.getString(7))));
        }
      }
      List<String> expected = new ArrayList<>();
      for (int id = 1; id <= 2; id++) {
        expected.add(id + "|2025-01-0" + id + " 00:00:00|" + id + ".5000|" + id * 10 + "|[" + id + ", " + (id + 1)
            + "]|" + JSON.readTree(doc(id).toJson()));
      }
      expected.add("3|null|null|null|null|null");
      for (long id = 10; id <= 11; id++) {
        expected.add(id + "|2025-03-01 12:30:" + id + "|" + id + ".1234|" + (3_000_000_000L + id) + "|["
            + (4_000_000_000L + id) + "]|" + JSON.readTree(doc(id).toJson()));
      }
      assertThat(rows).isEqualTo(expected);
    }
  }

  @Test
  @DisplayName("without a VARIANT column the files go to DuckDB as served; its view widens them by its casts")
  void sqlViewOverFilesAsServed(@TempDir Path cache) throws Exception {
    stubTable(false, "typeWidening");
    try (DeltaSharingClient client = client();
        SharingSql sql = SharingSql.builder().client(client).cacheDirectory(cache).build()) {
      sql.attach("s.d.t", "t");
      List<String> rows = new ArrayList<>();
      try (Statement st = sql.connection().createStatement();
          ResultSet rs = st.executeQuery("SELECT id, typeof(id), day::VARCHAR, amount, ratio, \"inner\".n, counts "
              + "FROM t ORDER BY id")) {
        while (rs.next()) {
          assertThat(rs.getString(2)).isEqualTo("BIGINT");
          rows.add(rs.getLong(1) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|" + rs.getString(5) + "|"
              + rs.getString(6) + "|" + rs.getString(7));
        }
      }
      assertThat(rows).containsExactly("1|2025-01-01 00:00:00|1.5000|1.0|10|[1, 2]",
          "2|2025-01-02 00:00:00|2.5000|2.0|20|[2, 3]", "3|null|null|null|null|null",
          "10|2025-03-01 12:30:10|10.1234|10.5|3000000010|[4000000010]",
          "11|2025-03-01 12:30:11|11.1234|11.5|3000000011|[4000000011]");
    }
  }

  @Test
  @DisplayName("a hostile file: a Delta-style VARIANT group of bytes that are no variant is a DataFormatException "
      + "naming the column, and no row of that file is handed out")
  void corruptVariantBytesInADeltaGroup() {
    Variant good = doc(1);
    RowSchema docFields = OLD.column("doc").type().fields();
    oldFile = List.of(oldRow(1), Row.of(OLD, 2, null, null, null, null, null,
        Row.of(docFields, new byte[] {(byte) 0xFF, 0x7F, 0x01}, good.metadata())));
    stubTable("typeWidening", "variantType");
    List<Long> ids = new ArrayList<>();
    try (DeltaSharingClient client = client()) {
      assertThatThrownBy(() -> {
        try (RowReader r = client.readTable("s.d.t")) {
          r.forEachRemaining(row -> ids.add(row.getLong("id")));
        }
      }).isInstanceOf(DataFormatException.class).hasMessageContaining("doc");
    }
    // the corrupt file's rows, good or not, never reach the caller (a batch is checked whole before it is handed out)
    assertThat(ids).doesNotContain(1L, 2L);
  }

  @Test
  @DisplayName("a value that does not widen exactly (a file holding a LONG where the table says INT) is a "
      + "DataFormatException naming the column; a reader feature still unknown is refused, named")
  void narrowingAndUnknownFeatures() {
    stubTable("typeWidening", "variantType", "catalogManaged");
    try (DeltaSharingClient client = client()) {
      assertThatThrownBy(() -> client.readTable("s.d.t"))
          .isInstanceOfSatisfying(UnsupportedTableFeatureException.class,
              e -> assertThat(e.feature()).isEqualTo("catalogManaged"));
    }
    RowSchema big = RowSchema.builder().required("id", ColumnType.LONG).build();
    RowSchema table = RowSchema.builder().required("id", ColumnType.INT).build();
    Row wide = Row.of(big, 5_000_000_000L);
    assertThatThrownBy(() -> io.delpha.sdk.sharing.internal.Values.coerce(table.column("id"), wide.get("id"), "f"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("id");
  }

  @Test
  @DisplayName("ReadOptions.readingAsVariant reads a plain group of value and metadata as VARIANT; a named column "
      + "that is not such a group is a DataFormatException; a name the file lacks is ignored")
  void readingAsVariant() throws Exception {
    Path file = dir.resolve("delta-style.parquet");
    Files.write(file, parquet(dir, OLD, List.of(oldRow(1), oldRow(2))));
    List<Variant> docs = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().readingAsVariant("doc", "absent"))) {
      assertThat(r.schema().column("doc").type()).isEqualTo(ColumnType.VARIANT);
      r.forEachRemaining(row -> docs.add(row.getVariant("doc")));
    }
    assertThat(docs).containsExactly(doc(1), doc(2));
    try (RowReader r = ParquetRows.read(file)) {
      assertThat(r.schema().column("doc").type().kind()).isEqualTo(ColumnType.Kind.STRUCT);
    }
    assertThatThrownBy(() -> ParquetRows.read(file, ReadOptions.defaults().readingAsVariant("inner")))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("inner");
    assertThatThrownBy(() -> ParquetRows.read(file, ReadOptions.defaults().readingAsVariant("id")))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("id");
  }
}
