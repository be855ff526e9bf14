package io.delpha.sdk.sharing;

import static io.delpha.sdk.sharing.DeltaFormatTest.JSON;
import static io.delpha.sdk.sharing.DeltaFormatTest.assertEveryVersionReadsAsSparkReadsIt;
import static io.delpha.sdk.sharing.DeltaFormatTest.client;
import static io.delpha.sdk.sharing.DeltaFormatTest.fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.delpha.sdk.parquet.ParquetMetadata;
import io.delpha.sdk.parquet.ParquetRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * case, and objects of a thousand keys, issue 69: {@code generate.sh keys}).
 * Served in the delta format by {@link DeltaLogServer}, read by the client and compared row for row with Spark's
 * own read of each version, as {@link DeltaFormatTest} does for the other tables.
 */
class DeltaFeaturesTest {

  static final List<String> TABLES = List.of("variants", "variants_nested", "widened", "variants_keys");

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
