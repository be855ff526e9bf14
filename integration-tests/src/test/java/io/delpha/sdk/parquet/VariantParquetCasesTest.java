package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.core.DataFormatException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Apache parquet-testing's {@code shredded_variant/} files read through {@link ParquetRows}: each case's VARIANT
 * column, row by row, equal ({@link Variant#equals}) to the variant its {@code .variant.bin} holds (cases.json), a
 * null where cases.json names no file, through rows and through batches ({@link ColumnVector#get}); each case
 * cases.json marks as an error refused with a {@link DataFormatException}. The {@code -INVALID} files, which
 * cases.json lets a reader refuse or read, are refused or read as expected (VariantShredding.md: a field both shredded
 * and in the value "engines should fail"; shredded fields must be required groups).
 */
@DisplayName("VARIANT columns: parquet-testing's shredded_variant/ files read as their expected variants")
class VariantParquetCasesTest {

  private static final Path DIR = VariantShreddedCasesTest.DIR;

  @Test
  @DisplayName("every case reads as its expected variants, shredded or not; error cases are refused")
  void cases() throws Exception {
    JsonNode cases = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
    List<String> read = new ArrayList<>();
    List<String> shredded = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    List<String> invalidRefused = new ArrayList<>();
    for (JsonNode c : cases) {
      if (!c.hasNonNull("parquet_file")) {
        continue;
      }
      String file = c.get("parquet_file").textValue();
      if (c.hasNonNull("error_message")) {
        try {
          ParquetCorpusTest.readAll(DIR.resolve(file));
          wrong.add(file + ": read, but cases.json says " + c.get("error_message").textValue());
        } catch (DataFormatException e) {
          errors.add(file);
        }
        continue;
      }
      List<String> expectedFiles = new ArrayList<>();
      if (c.hasNonNull("variant_file")) {
        expectedFiles.add(c.get("variant_file").textValue());
      } else {
        c.get("variant_files").forEach(f -> expectedFiles.add(f.isNull() ? null : f.textValue()));
      }
      List<Row> rows;
      try {
        rows = ParquetCorpusTest.readAll(DIR.resolve(file));
      } catch (DataFormatException e) {
        if (file.contains("-INVALID")) { // cases.json: "implementations can choose to error, or read the shredded value"
          invalidRefused.add(file);
        } else {
          shredded.add(file + ": " + e.getMessage());
        }
        continue;
      }
      assertThat(rows).as(file).hasSize(expectedFiles.size());
      int column = variantColumn(rows.get(0).schema(), file);
      for (int i = 0; i < rows.size(); i++) {
        String bin = expectedFiles.get(i);
        Variant got = rows.get(i).getVariant(column);
        if (bin == null) {
          assertThat(got).as(file + " row " + i).isNull();
        } else if (!VariantShreddedCasesTest.read(bin).equals(got)) {
          wrong.add(file + " row " + i + ": " + got + " but " + VariantShreddedCasesTest.read(bin));
        }
      }
      try (ColumnBatchReader r = ParquetRows.readBatches(DIR.resolve(file))) {
        int at = 0;
        for (ColumnBatch b = r.next(); b != null; b = r.next()) {
          ColumnVector v = b.column(column);
          assertThat(v.physical()).isEqualTo(Physical.BINARY);
          for (int i = 0; i < b.rowCount(); i++, at++) {
            assertThat(v.get(i)).as(file + " vector row " + i).isEqualTo(rows.get(at).get(column));
          }
        }
        assertThat(at).isEqualTo(rows.size());
      }
      read.add(file);
    }
    shredded.forEach(System.out::println);
    wrong.forEach(System.out::println);
    System.out.printf("shredded_variant/: %d read and equal, %d error cases refused, %d invalid files refused %s, "
        + "%d unreadable%n", read.size(), errors.size(), invalidRefused.size(), invalidRefused, shredded.size());
    assertThat(wrong).isEmpty();
    assertThat(shredded).isEmpty();
    assertThat(read.size() + errors.size() + invalidRefused.size()).isEqualTo(137);
    assertThat(read).hasSizeGreaterThanOrEqualTo(128);
    assertThat(errors).hasSize(6);
  }

  @Test
  @DisplayName("the writer writes VARIANT columns unshredded: every expected variant of the cases, and nulls, read back "
      + "equal through rows and batches")
  void roundTrip(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    List<Variant> variants = new ArrayList<>();
    for (String bin : VariantShreddedCasesTest.expected().keySet()) {
      variants.add(VariantShreddedCasesTest.read(bin));
    }
    variants.add(Variant.ofNull());
    variants.add(Variant.fromJson("{\"id\":7,\"tags\":[\"a\",null,{\"b\":1.5}]}"));
    RowSchema schema = RowSchema.builder().required("id", ColumnType.INT).nullable("v", ColumnType.VARIANT)
        .required("w", ColumnType.VARIANT).build();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      rows.add(Row.of(schema, i, i % 3 == 0 ? null : variants.get(i), variants.get(variants.size() - 1 - i)));
    }
    Path file = dir.resolve("variants.parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      for (Row row : rows) {
        w.write(row);
      }
    }
    assertThat(ParquetCorpusTest.readAll(file)).containsExactlyElementsOf(rows);
    try (ColumnBatchReader r = ParquetRows.readBatches(file, ReadOptions.defaults().withBatchRows(7))) {
      int at = 0;
      for (ColumnBatch b = r.next(); b != null; b = r.next()) {
        for (int i = 0; i < b.rowCount(); i++, at++) {
          assertThat(b.column("v").get(i)).isEqualTo(rows.get(at).getVariant("v"));
          assertThat(b.column("w").get(i)).isEqualTo(rows.get(at).getVariant(2));
        }
      }
      assertThat(at).isEqualTo(rows.size());
    }
  }

  private static int variantColumn(RowSchema schema, String file) {
    for (int i = 0; i < schema.size(); i++) {
      if (schema.column(i).type().kind() == ColumnType.Kind.VARIANT) {
        return i;
      }
    }
    throw new AssertionError(file + " has no VARIANT column: " + schema);
  }
}
