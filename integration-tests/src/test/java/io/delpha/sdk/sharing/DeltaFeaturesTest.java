package io.delpha.sdk.sharing;

import static io.delpha.sdk.sharing.DeltaFormatTest.JSON;
import static io.delpha.sdk.sharing.DeltaFormatTest.assertEveryVersionReadsAsSparkReadsIt;
import static io.delpha.sdk.sharing.DeltaFormatTest.client;
import static io.delpha.sdk.sharing.DeltaFormatTest.fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ParquetMetadata;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.Variant;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real Delta tables of the reader features {@code variantType}, {@code variantShredding-preview} and {@code
 * typeWidening}, written by Spark 4.2 and delta-spark 4.4 ({@code oracles/delta-spark/generate.sh features}):
 * {@code variants} (a top-level variant column holding every kind of value, first unshredded, then shredded with an
 * inferred and with a forced schema, a DELETE and an UPDATE through deletion vectors), {@code variants_nested}
 * (variants in a struct, shredded, and in an array and a map, never shredded) and {@code widened} (every widening
 * Delta allows, on columns, a struct field, an array element and a map value, rows written before and after each),
 * {@code variants_keys} (shredded variants whose keys are empty, unicode, 1,000 characters long or differ only in
 * case, and objects of a thousand keys, issue 69: {@code generate.sh keys}) and {@code variants_primitives} (every
 * primitive a Spark variant holds at its edges, at the top level, in objects and in arrays, unshredded, shredded as
 * Spark infers, one file per kind, and with forced schemas the values fit and do not fit; mixed arrays, objects and
 * arrays 50 deep; uuids: {@code generate.sh primitives}).
 * Served in the delta format by {@link DeltaLogServer}, read by the client and compared row for row with Spark's
 * own read of each version, as {@link DeltaFormatTest} does for the other tables.
 */
class DeltaFeaturesTest {

  static final List<String> TABLES = List.of("variants", "variants_nested", "widened", "variants_keys",
      "variants_primitives");

  @BeforeAll
  static void findFixtures() throws Exception {
    DeltaFormatTest.fixtures();
  }

  static Stream<Arguments> tablesAndVectorStyles() {
    List<Arguments> all = new ArrayList<>();
    for (String t : TABLES) {
      for (DeltaLogServer.DvStyle style : DeltaLogServer.DvStyle.values()) {
        all.add(Arguments.of(t, style));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}, {1} vectors")
  @MethodSource("tablesAndVectorStyles")
  void everyVersionReadsAsSparkReadsIt(String table, DeltaLogServer.DvStyle style) throws Exception {
    try (DeltaLogServer server = new DeltaLogServer(fixtures, style); DeltaSharingClient client = client(server)) {
      assertEveryVersionReadsAsSparkReadsIt(client, table, style);
    }
  }

  @Test
  void theTablesNeedTheReaderFeaturesTheyAreWrittenFor() throws IOException {
    assertThat(readerFeatures("variants")).containsExactlyInAnyOrder("deletionVectors", "variantType",
        "variantShredding-preview");
    assertThat(readerFeatures("variants_nested")).containsExactlyInAnyOrder("variantType",
        "variantShredding-preview");
    assertThat(readerFeatures("widened")).containsExactlyInAnyOrder("typeWidening", "timestampNtz");
    assertThat(readerFeatures("variants_keys")).containsExactlyInAnyOrder("variantType", "variantShredding-preview");
  }

  @Test
  void theVariantTablesHoldShreddedAndUnshreddedFiles() throws IOException {
    for (String[] table : new String[][] {{"variants", "v"}, {"variants_nested", "s.w"}}) {
      Set<Boolean> shredded = new HashSet<>();
      for (ParquetMetadata file : parquetFiles(table[0])) {
        shredded.add(file.columns().stream().anyMatch(c -> c.dottedPath().startsWith(table[1] + ".typed_value.")));
      }
      assertThat(shredded).as(table[0]).containsExactlyInAnyOrder(true, false);
    }
  }

  @Test
  void sparkShredsTheEmptyKeyIntoAFieldNamedEmpty() throws IOException {
    Set<List<String>> paths = new HashSet<>();
    for (ParquetMetadata file : parquetFiles("variants_keys")) {
      file.columns().forEach(c -> paths.add(c.path()));
    }
    assertThat(paths).as("the shredded columns of variants_keys")
        .anyMatch(p -> p.size() > 3 && p.get(1).equals("typed_value") && p.get(2).isEmpty())
        .anyMatch(p -> p.size() > 3 && p.get(1).equals("typed_value") && p.get(2).length() == 1000);
  }

  @Test
  void thePrimitivesTableShredsEveryKindAsSparkInfersAndAsForced() throws IOException {
    Set<String> topLevel = new HashSet<>();
    Set<String> forcedFields = new HashSet<>();
    int deepest = 0;
    for (ParquetMetadata file : parquetFiles("variants_primitives")) {
      for (ParquetMetadata.LeafColumn c : file.columns()) {
        List<String> p = c.path();
        String type = c.physicalType() + (c.logicalType() == null ? "" : " " + c.logicalType());
        if (p.equals(List.of("v", "typed_value"))) {
          topLevel.add(type);
        }
        if (p.size() == 4 && p.get(1).equals("typed_value") && p.get(3).equals("typed_value")
            && p.get(2).startsWith("int")) {
          forcedFields.add(p.get(2) + " " + type);
        }
        deepest = Math.max(deepest, p.size());
      }
    }
    // one file per kind, shredded with the type Spark infers (the integers of every width as INT64, the decimals
    // of a file as one decimal type wide enough for most of them)
    assertThat(topLevel).as("the top-level typed_value types Spark inferred").contains("BOOLEAN", "INT64",
        "FLOAT", "DOUBLE", "INT64 DECIMAL(18,9)", "FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,18)", "INT32 DATE",
        "INT64 TIMESTAMP(MICROS,true)", "INT64 TIMESTAMP(MICROS,false)", "BYTE_ARRAY", "BYTE_ARRAY STRING");
    // the forced schema's narrow integers
    assertThat(forcedFields).contains("int8 INT32 INTEGER(8,true)", "int16 INT32 INTEGER(16,true)",
        "int32 INT32", "int64 INT64");
    // objects 50 deep, shredded as deep as Spark goes (two path elements per level)
    assertThat(deepest).isGreaterThan(100);
  }

  /**
   * Every variant of {@code variants_primitives} is the value Spark read, by type and value ({@link Variant#equals}),
   * which its JSON text cannot tell (a decimal's scale, a float from a double, a date from a string), through rows and
   * batches: the oracle records Spark's read of each variant as its bytes. One difference is allowed and pinned: an
   * integer's width. Spark infers an INT64 {@code typed_value} for integers of every width and rebuilds each in its
   * narrowest width (an INT8 -128 comes back INT8); this reader gives the type the column names (INT64), as
   * VariantShredding.md's type table says and as parquet-testing's shredded cases (Iceberg's) expect. Both are the
   * same value in the format's exact-numeric class; {@link Variant#getLong()} reads either.
   */
  @Test
  void everyPrimitiveIsTheValueSparkReadByTypeAndValue() throws Exception {
    String t = "variants_primitives";
    try (DeltaLogServer server = new DeltaLogServer(fixtures, DeltaLogServer.DvStyle.PATH_URL);
        DeltaSharingClient client = client(server)) {
      // the oracle records the latest version's bytes: every version appended, so it holds every row
      long version = client.tableVersion(DeltaFormatTest.table(t));
      Map<Long, Variant> expected = new TreeMap<>();
      for (String line : DeltaFormatTest.expected(t, "bytes-v" + version)) {
        JsonNode n = JSON.readTree(line);
        expected.put(n.get("id").asLong(), Variant.from(Base64.getDecoder().decode(n.get("metadata").asText()),
            Base64.getDecoder().decode(n.get("value").asText())));
      }
      assertThat(expected).hasSizeGreaterThan(500);
      QueryOptions at = QueryOptions.builder().version(version).build();
      Map<Long, Variant> rows = new TreeMap<>();
      try (RowReader r = client.readTable(DeltaFormatTest.table(t), at)) {
        r.forEachRemaining(row -> putVariant(rows, row));
      }
      Map<Long, Variant> batched = new TreeMap<>();
      try (ColumnBatchReader r = client.readTableBatches(DeltaFormatTest.table(t), at)) {
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          for (int i = 0; i < b.rowCount(); i++) {
            putVariant(batched, b.row(i));
          }
        }
      }
      for (Map<Long, Variant> read : List.of(rows, batched)) {
        assertThat(read.keySet()).isEqualTo(expected.keySet());
        List<String> diffs = new ArrayList<>();
        int widths = 0;
        for (Map.Entry<Long, Variant> e : expected.entrySet()) {
          Variant ours = read.get(e.getKey());
          if (!sameValue(ours, e.getValue())) {
            diffs.add(String.format("id %d: ours %s %s, Spark's %s %s", e.getKey(), ours.type(), abbreviated(ours),
                e.getValue().type(), abbreviated(e.getValue())));
          } else if (!ours.equals(e.getValue())) {
            widths++;
          }
        }
        assertThat(diffs).as("variants not the value Spark read").isEmpty();
        // Spark shreds integers of every width into an INT64 typed_value and rebuilds them in the narrowest width;
        // this reader rebuilds the type the typed_value's column says (VariantShredding.md's table), as Iceberg and
        // parquet-java do: the same value in the format's exact-numeric class, in another width
        assertThat(widths).as("integers read in another width than Spark's").isPositive();
      }
    }
  }

  /**
   * Equal by type and value ({@link Variant#equals}), except that an integer equals an integer of another width with
   * the same value (the format's exact-numeric class: Spark rebuilds a shredded INT64 in its narrowest width).
   */
  private static boolean sameValue(Variant ours, Variant spark) {
    if (ours.equals(spark)) {
      return true;
    }
    if (isInteger(ours) && isInteger(spark)) {
      return ours.getLong() == spark.getLong();
    }
    if (ours.type() != spark.type() || ours.type() != Variant.Type.OBJECT && ours.type() != Variant.Type.ARRAY) {
      return false;
    }
    if (ours.size() != spark.size()) {
      return false;
    }
    for (int i = 0; i < ours.size(); i++) {
      boolean same = ours.type() == Variant.Type.OBJECT
          ? ours.fieldName(i).equals(spark.fieldName(i)) && sameValue(ours.field(i), spark.field(i))
          : sameValue(ours.get(i), spark.get(i));
      if (!same) {
        return false;
      }
    }
    return true;
  }

  private static boolean isInteger(Variant v) {
    return v.type() == Variant.Type.INT8 || v.type() == Variant.Type.INT16 || v.type() == Variant.Type.INT32
        || v.type() == Variant.Type.INT64;
  }

  private static void putVariant(Map<Long, Variant> into, Row row) {
    Variant v = row.getVariant("v");
    if (v != null) {
      into.put(row.getLong("id"), v);
    }
  }

  private static String abbreviated(Variant v) {
    String json = v.toJson();
    return json.length() > 300 ? json.substring(0, 300) + "..." : json;
  }

  @Test
  void theWidenedTableHoldsFilesOfTheNarrowAndTheWideTypes() throws IOException {
    Set<String> i = new HashSet<>();
    Set<String> d = new HashSet<>();
    for (ParquetMetadata file : parquetFiles("widened")) {
      for (ParquetMetadata.LeafColumn c : file.columns()) {
        if (c.dottedPath().equals("i")) {
          i.add(c.physicalType());
        } else if (c.dottedPath().equals("d")) {
          d.add(c.physicalType() + " " + c.logicalType());
        }
      }
    }
    assertThat(i).containsExactlyInAnyOrder("INT32", "INT64");
    assertThat(d).hasSize(2).anyMatch(t -> t.contains("DATE")).anyMatch(t -> t.contains("TIMESTAMP"));
  }

  /** @return the reader features of the table's last protocol action */
  private static List<String> readerFeatures(String table) throws IOException {
    List<String> features = new ArrayList<>();
    try (Stream<Path> commits = Files.list(fixtures.resolve(table).resolve("_delta_log"))) {
      for (Path commit : commits.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
        for (String line : Files.readAllLines(commit)) {
          JsonNode action = JSON.readTree(line);
          if (action.has("protocol")) {
            features.clear();
            action.get("protocol").path("readerFeatures").forEach(f -> features.add(f.asText()));
          }
        }
      }
    }
    return features;
  }

  private static List<ParquetMetadata> parquetFiles(String table) throws IOException {
    try (Stream<Path> files = Files.list(fixtures.resolve(table))) {
      return files.filter(p -> p.toString().endsWith(".parquet")).sorted().map(ParquetRows::metadata).toList();
    }
  }
}
