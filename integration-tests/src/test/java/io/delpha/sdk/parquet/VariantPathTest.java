package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.InvalidInputException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ReadOptions#readingVariantPath}: a VARIANT column read as the value at a path of object field names. The
 * oracles: parquet-testing's {@code shredded_variant/} cases (each row's expected variant, from its {@code
 * .variant.bin}, walked down the path), and the whole read of the same file walked down the same path; both must agree
 * with the path read on every row of every file, through rows and through batches. DuckDB's shredding of our own
 * variants is held the same way against the whole read.
 */
@DisplayName("VARIANT path reads: the value at a path, as the whole variant walked down it gives it")
class VariantPathTest {

  private static final Path DIR = VariantShreddedCasesTest.DIR;
  private static final List<String> MISSING = List.of("no such field");

  @Test
  @DisplayName("every shredded_variant/ file the whole read reads: at every path of its variants' fields two deep and "
      + "at a missing one, each row reads the corpus' expected value there and the whole read's, by rows and batches")
  void corpus() throws Exception {
    JsonNode cases = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
    int files = 0;
    int reads = 0;
    for (JsonNode c : cases) {
      if (!c.hasNonNull("parquet_file") || c.hasNonNull("error_message")) {
        continue;
      }
      String file = c.get("parquet_file").textValue();
      List<@Nullable Variant> expected = new ArrayList<>();
      if (c.hasNonNull("variant_file")) {
        expected.add(VariantShreddedCasesTest.read(c.get("variant_file").textValue()));
      } else {
        for (JsonNode f : c.get("variant_files")) {
          expected.add(f.isNull() ? null : VariantShreddedCasesTest.read(f.textValue()));
        }
      }
      List<Row> whole;
      try {
        whole = ParquetCorpusTest.readAll(DIR.resolve(file));
      } catch (DataFormatException e) {
        assertThat(file).as("only the -INVALID files are refused whole").contains("-INVALID");
        continue;
      }
      assertThat(whole).as(file).hasSize(expected.size());
      String column = variantColumn(whole.get(0).schema());
      Set<List<String>> paths = new LinkedHashSet<>();
      for (Variant v : expected) {
        collectPaths(v, List.of(), paths);
      }
      paths.add(MISSING);
      for (List<String> path : paths) {
        List<@Nullable Variant> want = new ArrayList<>();
        for (int i = 0; i < whole.size(); i++) {
          Variant fromCorpus = at(expected.get(i), path);
          assertThat(at(whole.get(i).getVariant(column), path)).as("%s row %d, the whole read at %s", file, i, path)
              .isEqualTo(fromCorpus);
          want.add(fromCorpus);
        }
        assertPathRead(DIR.resolve(file), column, path, want);
        reads++;
      }
      files++;
    }
    System.out.printf("shredded_variant/ path reads: %d files, %d paths (one a missing field in each file)%n", files,
        reads);
    assertThat(files).isGreaterThanOrEqualTo(128);
    assertThat(reads - files).as("paths of fields the variants have").isGreaterThanOrEqualTo(20);
  }

  @Test
  @DisplayName("a field is read from a file whose whole variants are refused elsewhere (a field both shredded and in "
      + "the value): only the path is rebuilt, and a conflict on the path is refused")
  void onlyThePath() throws Exception {
    Path file = DIR.resolve("case-043-INVALID.parquet");
    assertThatThrownBy(() -> ParquetCorpusTest.readAll(file)).isInstanceOf(DataFormatException.class)
        .hasMessageContaining("both shredded and in the value");
    Variant expected = VariantShreddedCasesTest.read("case-043-INVALID_row-0.variant.bin");
    String column = variantColumn(schemaOf(file));
    assertPathRead(file, column, List.of("a"), List.of(expected.get("a")));
    assertThatThrownBy(() -> read(file, ReadOptions.defaults().readingVariantPath(column, "b")))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("both shredded and in the value");
  }

  @Test
  @DisplayName("DuckDB's shredding of our variants (objects partly shredded, arrays, primitives, nulls) read at every "
      + "path two deep equals the whole read walked down it; our unshredded file the same")
  void duckDbShredded(@TempDir Path tmp) throws Exception {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.INT).nullable("top", ColumnType.VARIANT).build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 900; i++) {
      rows.add(Row.of(schema, i, event(i)));
    }
    Path ours = tmp.resolve("ours.parquet");
    try (RowWriter w = ParquetRows.writer(ours, schema, WriteOptions.defaults())) {
      rows.forEach(w::write);
    }
    Path theirs = tmp.resolve("duckdb.parquet");
    try (Connection duck = ParquetFidelityTest.duckdb(); Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT * FROM read_parquet('" + ours + "')) TO '" + theirs + "' (FORMAT parquet, "
          + "ROW_GROUP_SIZE 300)");
    }
    assertThat(ParquetRows.metadata(theirs).columns().stream().map(ParquetMetadata.LeafColumn::dottedPath))
        .anyMatch(p -> p.startsWith("top.typed_value."));
    for (Path file : List.of(theirs, ours)) {
      List<Row> whole = ParquetCorpusTest.readAll(file);
      Set<List<String>> paths = new LinkedHashSet<>();
      for (Row r : whole) {
        collectPaths(r.getVariant("top"), List.of(), paths);
      }
      paths.add(MISSING);
      assertThat(paths).as("the rows' objects give paths").hasSizeGreaterThan(5);
      for (List<String> path : paths) {
        List<@Nullable Variant> want = new ArrayList<>();
        whole.forEach(r -> want.add(at(r.getVariant("top"), path)));
        assertPathRead(file, "top", path, want);
      }
    }
  }

  @Test
  @DisplayName("VariantFuzzTest's hostile VARIANT columns (mutated bytes, conflicting typed values, top level and "
      + "nested) read at each top-level field's path: the whole read's value there where the whole read reads, else "
      + "a value or a DataFormatException, never another exception")
  void hostile(@TempDir Path tmp) throws Exception {
    VariantFuzzTest.samples();
    long first = Long.getLong("variant.columns.seed", 59_500L);
    int count = Integer.getInteger("variant.path.count", 150);
    List<String> failures = new ArrayList<>();
    int agreed = 0;
    for (int n = 0; n < count && failures.size() < 10; n++) {
      long seed = first + n;
      Path file = tmp.resolve("columns-" + seed + ".parquet");
      VariantFuzzTest.VariantColumnCase c = new VariantFuzzTest.VariantColumnCase(seed);
      try {
        c.write(file);
        List<Row> whole = null;
        try {
          whole = ParquetCorpusTest.readAll(file);
        } catch (DataFormatException e) {
          // refused whole: a path read may read (it rebuilds less) or refuse
        }
        RowSchema schema = schemaOf(file);
        for (Column column : schema.columns()) {
          if (column.type().kind() != ColumnType.Kind.VARIANT) {
            continue;
          }
          Set<List<String>> paths = new LinkedHashSet<>();
          if (whole != null) {
            for (Row r : whole) {
              collectPaths(r.getVariant(column.name()), List.of(), paths);
            }
          }
          paths.add(List.of("a"));
          paths.add(MISSING);
          for (List<String> path : paths) {
            ReadOptions options = ReadOptions.defaults().readingVariantPath(column.name(), path.toArray(new String[0]));
            List<Row> got;
            try {
              got = read(file, options);
            } catch (DataFormatException e) {
              assertThat(whole).as("seed %d: refused at %s (%s), read whole", seed, path, e.getMessage()).isNull();
              continue;
            }
            got.forEach(row -> {
              Variant v = row.getVariant(column.name());
              if (v != null) {
                v.toJson();
              }
            });
            if (whole != null) {
              for (int i = 0; i < whole.size(); i++) {
                assertThat(got.get(i).getVariant(column.name())).as("seed %d row %d at %s", seed, i, path)
                    .isEqualTo(at(whole.get(i).getVariant(column.name()), path));
              }
              agreed++;
            }
          }
        }
      } catch (Throwable t) { // another exception, an assertion, an Error: the case failed
        failures.add("seed " + seed + " (" + c + "): " + t + "\n  replay: mvn -q test "
            + "-Dtest='VariantPathTest#hostile' -Dvariant.columns.seed=" + seed + " -Dvariant.path.count=1");
      }
    }
    assertThat(failures).as("failing seeds").isEmpty();
    if (count >= 100) {
      assertThat(agreed).as("path reads compared with a whole read").isGreaterThan(count / 10);
    }
  }

  @Test
  @DisplayName("a path read's column is a nullable VARIANT of the same name; an empty path, or a path on a column "
      + "that is not a VARIANT, is refused")
  void contract() throws Exception {
    Path file = DIR.resolve("case-001.parquet");
    String column = variantColumn(schemaOf(file));
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().readingVariantPath(column, "a"))) {
      Column c = r.schema().column(column);
      assertThat(c.type()).isEqualTo(ColumnType.VARIANT);
      assertThat(c.nullable()).isTrue();
    }
    assertThatThrownBy(() -> ReadOptions.defaults().readingVariantPath(column))
        .isInstanceOf(InvalidInputException.class);
    String other = schemaOf(file).columns().stream().map(Column::name)
        .filter(n -> !n.equals(column)).findFirst().orElseThrow();
    assertThatThrownBy(() -> read(file, ReadOptions.defaults().readingVariantPath(other, "a")))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("not a VARIANT");
  }

  /**
   * Row {@code i}'s variant: mostly objects of one shape (a nested object, an array of objects, optional fields), some
   * with a field of another type than most (left in the value by a shredding writer), some not objects, some null.
   */
  private static @Nullable Variant event(int i) {
    if (i % 37 == 0) {
      return null;
    }
    if (i % 23 == 0) {
      return Variant.fromJson(i % 2 == 0 ? "[1, {\"a\": 2}]" : "\"just text\"");
    }
    StringBuilder j = new StringBuilder("{\"id\": ").append(i);
    j.append(", \"user\": {\"name\": \"n").append(i % 7).append("\", \"age\": ")
        .append(i % 13 == 0 ? "\"unknown\"" : String.valueOf(20 + i % 50));
    if (i % 5 == 0) {
      j.append(", \"extra\": {\"k\": ").append(i).append('}');
    }
    j.append("}, \"items\": [");
    for (int k = 0; k < i % 4; k++) {
      j.append(k == 0 ? "" : ", ").append("{\"sku\": \"s").append(k).append("\", \"qty\": ").append(k + 1)
          .append('}');
    }
    j.append("], \"price\": ").append(i % 9 == 0 ? "null" : i + ".25");
    if (i % 3 == 0) {
      j.append(", \"note\": \"").append("x".repeat(i % 70)).append('"');
    }
    return Variant.fromJson(j.append('}').toString());
  }

  /** Reads the file at the path through rows and through batches; each row must be the wanted value. */
  private static void assertPathRead(Path file, String column, List<String> path, List<@Nullable Variant> want) {
    ReadOptions options = ReadOptions.defaults().withBatchRows(3).readingVariantPath(column,
        path.toArray(new String[0]));
    List<Row> rows = read(file, options);
    assertThat(rows).as("%s at %s", file.getFileName(), path).hasSize(want.size());
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).getVariant(column)).as("%s row %d at %s", file.getFileName(), i, path)
          .isEqualTo(want.get(i));
    }
    try (ColumnBatchReader r = ParquetRows.readBatches(file, options)) {
      int at = 0;
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        ColumnVector v = b.column(column);
        for (int i = 0; i < b.rowCount(); i++, at++) {
          assertThat(v.get(i)).as("%s vector row %d at %s", file.getFileName(), at, path).isEqualTo(want.get(at));
        }
      }
      assertThat(at).isEqualTo(want.size());
    }
  }

  private static RowSchema schemaOf(Path file) {
    try (RowReader r = ParquetRows.read(file)) {
      return r.schema();
    }
  }

  private static List<Row> read(Path file, ReadOptions options) {
    try (RowReader r = ParquetRows.read(file, options)) {
      List<Row> out = new ArrayList<>();
      r.forEachRemaining(out::add);
      return out;
    }
  }

  /** The paths of a variant's object fields, one and two deep. */
  private static void collectPaths(@Nullable Variant v, List<String> prefix, Set<List<String>> out) {
    if (v == null || v.type() != Variant.Type.OBJECT || prefix.size() == 2) {
      return;
    }
    for (String name : v.fieldNames()) {
      List<String> path = new ArrayList<>(prefix);
      path.add(name);
      out.add(path);
      collectPaths(v.get(name), path, out);
    }
  }

  /** The value at the path, as a caller walks it: null where a step is not an object or lacks the field. */
  private static @Nullable Variant at(@Nullable Variant v, List<String> path) {
    Variant here = v;
    for (String name : path) {
      if (here == null || here.type() != Variant.Type.OBJECT) {
        return null;
      }
      here = here.get(name);
    }
    return here;
  }

  private static String variantColumn(RowSchema schema) {
    return schema.columns().stream().filter(c -> c.type().kind() == ColumnType.Kind.VARIANT).map(Column::name)
        .findFirst().orElseThrow();
  }
}
