package io.delpha.sdk.sharing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableBatchesTest {

  private static final RowSchema FILE = RowSchema.builder().required("id", ColumnType.LONG).build();
  private static final RowSchema TABLE = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("day", ColumnType.DATE)
      .nullable("region", ColumnType.STRING)
      .build();

  @TempDir
  Path dir;

  private Path file(String name, int rows) {
    Path p = dir.resolve(name);
    try (RowWriter w = ParquetRows.writer(p, FILE, WriteOptions.defaults())) {
      for (int i = 0; i < rows; i++) {
        w.write(Row.of(FILE, (long) i));
      }
    }
    return p;
  }

  private static List<Row> rows(TableBatches batches) {
    List<Row> rows = new ArrayList<>();
    for (ColumnBatch b = batches.next(); b != null; b = batches.next()) {
      for (int i = 0; i < b.rowCount(); i++) {
        rows.add(b.row(i));
      }
    }
    return rows;
  }

  @Test
  @DisplayName("a file's constant columns hold its values on every row of every batch, one instance per file; absent ones are null")
  void constantsOnEveryRow() {
    Path big = file("big.parquet", 10_000); // batches of 4,096, 4,096 and 1,808 rows
    Path small = file("small.parquet", 5);
    LocalDate first = LocalDate.of(2024, 5, 1);
    LocalDate second = LocalDate.of(2024, 5, 2);
    List<Row> a;
    List<Row> b;
    try (TableBatches t = new TableBatches(TABLE, ParquetRows.readBatches(big), Map.of("day", first), "big")) {
      a = rows(t);
    }
    try (TableBatches t = new TableBatches(TABLE, ParquetRows.readBatches(small), Map.of("day", second),
        "small")) {
      b = rows(t);
    }
    assertThat(a).hasSize(10_000);
    assertThat(a).allSatisfy(r -> {
      assertThat(r.getDate("day")).isEqualTo(first);
      assertThat(r.getString("region")).isNull();
    });
    assertThat(a.stream().map(r -> r.getLong("id")).toList()).isSorted().doesNotHaveDuplicates();
    Set<LocalDate> instances = Collections.newSetFromMap(new IdentityHashMap<>());
    a.forEach(r -> instances.add(r.getDate("day")));
    assertThat(instances).as("one LocalDate for the whole file").hasSize(1);
    assertThat(b).hasSize(5).allSatisfy(r -> assertThat(r.getDate("day")).isEqualTo(second));
  }

  @Test
  @DisplayName("a file without a column the table requires is a DataFormatException naming it, and the mapping "
      + "closes the file (its array or spool file is given back) before it throws")
  void missingRequiredColumnClosesTheFile() {
    Path p = file("f.parquet", 10);
    RowSchema table = RowSchema.builder().required("id", ColumnType.LONG).required("org", ColumnType.STRING).build();
    ColumnBatchReader inner = ParquetRows.readBatches(p);
    int[] closed = {0};
    ColumnBatchReader file = new ColumnBatchReader() {
      @Override
      public RowSchema schema() {
        return inner.schema();
      }

      @Override
      public ColumnBatch next() {
        return inner.next();
      }

      @Override
      public void close() {
        closed[0]++;
        inner.close();
      }
    };
    assertThatThrownBy(() -> new TableBatches(table, file, Map.of(), "t file f"))
        .isInstanceOf(DataFormatException.class).hasMessageContaining("t file f has no column org");
    assertThat(closed[0]).isEqualTo(1);
  }
}
