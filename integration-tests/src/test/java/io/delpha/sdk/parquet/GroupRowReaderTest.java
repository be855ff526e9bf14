package io.delpha.sdk.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.parquet.internal.LocalFiles;
import io.delpha.sdk.parquet.internal.ParquetBatchReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The row reader of a VARIANT file of several row groups decodes them on two threads: every row in the file's order
 * with the value written (ours, and DuckDB's shredded copy), a byte bound on what waits, a corrupt later row group
 * after the rows before it, and a close in the middle.
 */
@DisplayName("GroupRowReader: a VARIANT file's row groups decoded on two threads, rows in order")
@Isolated("counts the JVM's Parquet reader threads")
class GroupRowReaderTest {

  static final RowSchema SCHEMA = RowSchema.builder().required("id", ColumnType.LONG)
      .nullable("payload", ColumnType.VARIANT).build();

  @TempDir Path tmp;

  /** Our VARIANT file of {@code rows} rows in row groups of about 64 KiB. */
  private Path write(String name, int rows) {
    Path file = tmp.resolve(name);
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults().withRowGroupBytes(64 * 1024))) {
      for (long i = 0; i < rows; i++) {
        w.write(Row.of(SCHEMA, i, FileRowReaderTest.payload(i)));
      }
    }
    return file;
  }

  /** Reads every row ({@code id}, {@code payload}) and checks it against the value written; returns the rows read. */
  static long readChecked(RowReader r, Path file) {
    long i = 0;
    while (r.hasNext()) {
      Row row = r.next();
      assertThat(row.getLong("id")).as("row %d of %s", i, file.getFileName()).isEqualTo(i);
      Variant expected = FileRowReaderTest.payload(i);
      Variant got = row.getVariant("payload");
      if (expected == null) {
        assertThat(got).as("row %d of %s", i, file.getFileName()).isNull();
      } else {
        assertThat(got).as("row %d of %s", i, file.getFileName()).isNotNull();
        assertThat(got.toJson()).as("row %d of %s", i, file.getFileName()).isEqualTo(expected.toJson());
      }
      i++;
    }
    return i;
  }

  @Test
  @DisplayName("ours and DuckDB's shredded copy, many row groups: the two-thread reader, every row in order with "
      + "the value written")
  void rowsInOrder() throws Exception {
    int n = 20_000;
    Path ours = write("variant.parquet", n);
    Path shredded = tmp.resolve("shredded.parquet");
    try (java.sql.Connection duck = ParquetFidelityTest.duckdb(); java.sql.Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT * FROM read_parquet('" + ours + "')) TO '" + shredded
          + "' (FORMAT parquet, ROW_GROUP_SIZE 3000)");
    }
    for (Path file : List.of(ours, shredded)) {
      assertThat(ParquetRows.metadata(file).rowGroups().size()).as("row groups of %s", file.getFileName())
          .isGreaterThan(2);
      try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().withBatchRows(1024))) {
        assertThat(r).as("the reader of %s", file.getFileName()).isInstanceOf(GroupRowReader.class);
        assertThat(readChecked(r, file)).isEqualTo(n);
        assertThat(r.hasNext()).isFalse();
      }
    }
  }

  @Test
  @DisplayName("what waits for the caller stays within the byte budget (beyond one batch), and the rows are right")
  void boundedByBytes() {
    Path file = write("bounded.parquet", 20_000);
    ReadOptions options = ReadOptions.defaults().withBatchRows(256);
    ParquetBatchReader first = new ParquetBatchReader(file.toString(), LocalFiles.input(file), options, () -> { },
        true);
    ParquetBatchReader second = new ParquetBatchReader(first.footer(), 0, 0, true);
    long budget = 64 * 1024;
    try (GroupRowReader r = new GroupRowReader(file.toString(), first, second, budget)) {
      assertThat(r.hasNext()).isTrue();
      // the caller is slow to start: the threads fill their room
      io.delpha.sdk.testing.ServerSupport.await("more than one batch waiting", java.time.Duration.ofSeconds(30),
          () -> Arrays.stream(r.mostWaitingBeyondOneBatch()).max().orElse(0) > 0);
      assertThat(readChecked(r, file)).isEqualTo(20_000);
      long[] most = r.mostWaitingBeyondOneBatch();
      assertThat(Arrays.stream(most).boxed().toList()).as("per thread, bytes waiting beyond its largest batch")
          .allSatisfy(m -> assertThat(m).isLessThan(budget));
      assertThat(Arrays.stream(most).max().orElse(0)).as("more than one batch waited").isGreaterThan(0);
    }
  }

  @Test
  @DisplayName("a corrupt later row group: the rows before it in order, then DataFormatException naming the file, "
      + "and nothing after")
  void corruptLaterGroup() throws IOException {
    Path file = write("corrupt.parquet", 30_000);
    FileRowReaderTest.corruptMiddle(file);
    long[] read = new long[1];
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().withBatchRows(500))) {
      assertThat(r).isInstanceOf(GroupRowReader.class);
      assertThatThrownBy(() -> {
        while (r.hasNext()) {
          Row row = r.next();
          assertThat(row.getLong("id")).isEqualTo(read[0]);
          Variant expected = FileRowReaderTest.payload(read[0]);
          assertThat(row.getVariant("payload") == null ? null : row.getVariant("payload").toJson())
              .isEqualTo(expected == null ? null : expected.toJson());
          read[0]++;
        }
      }).isInstanceOf(DataFormatException.class).hasMessageContaining(file.toString());
      assertThat(r.hasNext()).isFalse();
    }
    assertThat(read[0]).isPositive().isLessThan(30_000);
  }

  @Test
  @DisplayName("a reader closed after a few rows stops both threads before it closes the file, and says no more rows")
  void closeMidway() {
    Path file = write("midway.parquet", 30_000);
    long before = decodingTasks();
    // a small budget keeps both threads waiting for room (with the heap's sixteenth they may decode the whole file
    // and end before they are counted)
    ParquetBatchReader first = new ParquetBatchReader(file.toString(), LocalFiles.input(file),
        ReadOptions.defaults().withBatchRows(500), () -> { }, true);
    RowReader r = new GroupRowReader(file.toString(), first, new ParquetBatchReader(first.footer(), 0, 0, true),
        64 * 1024);
    for (long i = 0; i < 1_234; i++) {
      assertThat(r.next().getLong("id")).isEqualTo(i);
    }
    FileRowReaderTest.awaitDecodingTasks(GroupRowReader.class, before + 2);
    assertThat(decodingTasks()).as("this reader's two decoding tasks, running or waiting for room")
        .isEqualTo(before + 2);
    r.close();
    assertThat(r.hasNext()).isFalse();
    assertThat(decodingTasks()).as("decoding tasks after close").isEqualTo(before);
    r.close();
    try (RowReader again = ParquetRows.read(file)) {
      assertThat(readChecked(again, file)).isEqualTo(30_000);
    }
  }

  /** Threads inside a two-thread reader's decoding task (decoding, or waiting for room). */
  private static long decodingTasks() {
    return FileRowReaderTest.decodingTasks(GroupRowReader.class);
  }
}
