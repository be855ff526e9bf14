package io.delpha.sdk.parquet;

import io.delpha.sdk.parquet.internal.LocalFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.testing.ServerSupport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The row reader decodes the next batch on a second thread while the caller turns the previous one into rows:
 * rows in order across row groups whose dictionaries differ, readers side by side, a close in the middle, and a
 * corrupt page met by the decoding thread.
 */
@DisplayName("FileRowReader: batches decoded ahead on a second thread")
@Isolated("counts the JVM's Parquet reader threads")
class FileRowReaderTest {

  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("name", ColumnType.STRING)
      .nullable("amount", ColumnType.decimal(20, 2))
      .nullable("day", ColumnType.DATE)
      .build();

  @TempDir Path tmp;

  /** The name repeats within a row group (a dictionary) but differs between row groups. */
  static Row row(long i) {
    return Row.of(SCHEMA, i, i % 9 == 0 ? null : "group-" + i / 5_000 + "-name-" + i % 40,
        i % 13 == 0 ? null : BigDecimal.valueOf(i % 25 * 101, 2), LocalDate.ofEpochDay(19_000 + i % 30));
  }

  private Path write(String name, int rows) {
    Path file = tmp.resolve(name);
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults().withRowGroupBytes(64 * 1024))) {
      for (long i = 0; i < rows; i++) {
        w.write(row(i));
      }
    }
    return file;
  }

  private static List<Row> readAll(Path file, ReadOptions options) {
    List<Row> out = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file, options)) {
      r.forEachRemaining(out::add);
    }
    return out;
  }

  @Test
  @DisplayName("every row in order, with the values written, over many small batches and row groups whose "
      + "dictionaries differ (each vector set drops values made from another chunk's dictionary)")
  void rowsInOrder() {
    Path file = write("groups.parquet", 40_000);
    List<Row> rows = readAll(file, ReadOptions.defaults().withBatchRows(777));
    assertThat(rows).hasSize(40_000);
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i)).as("row %d", i).isEqualTo(row(i));
    }
  }

  @Test
  @DisplayName("batches of over 16 MiB (20 KB strings) count double: two wait for the caller at most, four small ones; "
      + "every row right")
  void largeBatches() {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).nullable("text", ColumnType.STRING).build();
    Path file = tmp.resolve("large.parquet");
    int n = 9_000;
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      for (long i = 0; i < n; i++) {
        w.write(Row.of(schema, i, i + ":" + "x".repeat(20_000)));
      }
    }
    try (FileRowReader r = new FileRowReader(file.toString(), LocalFiles.input(file),
        ReadOptions.defaults().withBatchRows(1024), () -> { })) {
      assertThat(r.hasNext()).isTrue();
      awaitWaiting(r, 2);
      long i = 0;
      while (r.hasNext()) {
        Row row = r.next();
        assertThat(row.getLong("id")).isEqualTo(i);
        assertThat(row.getString("text")).hasSize(20_001 + Long.toString(i).length()).startsWith(i + ":x");
        i++;
      }
      assertThat(i).isEqualTo(n);
      assertThat(r.mostWaiting()).isEqualTo(2);
    }
    Path small = write("small.parquet", 20_000);
    try (FileRowReader r = new FileRowReader(small.toString(), LocalFiles.input(small),
        ReadOptions.defaults().withBatchRows(1024), () -> { })) {
      assertThat(r.hasNext()).isTrue();
      awaitWaiting(r, 4);
      long count = 0;
      while (r.hasNext()) {
        assertThat(r.next()).isEqualTo(row(count++));
      }
      assertThat(count).isEqualTo(20_000);
      assertThat(r.mostWaiting()).isEqualTo(4);
    }
  }

  /** A payload with fields always there, sometimes there, of changing types, a list, and now and then a null. */
  static @org.jspecify.annotations.Nullable Variant payload(long i) {
    if (i % 97 == 0) {
      return null;
    }
    String extra = i % 3 == 0 ? ",\"extra\":{\"k\":" + i % 7 + "}" : "";
    String mixed = i % 5 == 0 ? "\"text-" + i + "\"" : Long.toString(i * 3);
    return Variant.fromJson("{\"id\":" + i + ",\"name\":\"n" + i % 11 + "\",\"mixed\":" + mixed
        + ",\"tags\":[" + (i % 4 == 0 ? "" : "\"t" + i % 3 + "\",\"u\"") + "]" + extra + "}");
  }

  @Test
  @DisplayName("a file with a VARIANT column, shredded by DuckDB, is decoded ahead too: four batches wait, every row "
      + "in order with its value")
  void variantDecodedAhead() throws Exception {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG).nullable("payload", ColumnType.VARIANT)
        .build();
    Path ours = tmp.resolve("variant.parquet");
    int n = 20_000;
    try (RowWriter w = ParquetRows.writer(ours, schema, WriteOptions.defaults())) {
      for (long i = 0; i < n; i++) {
        w.write(Row.of(schema, i, payload(i)));
      }
    }
    Path shredded = tmp.resolve("shredded.parquet");
    try (java.sql.Connection duck = ParquetFidelityTest.duckdb(); java.sql.Statement s = duck.createStatement()) {
      s.execute("COPY (SELECT * FROM read_parquet('" + ours + "')) TO '" + shredded
          + "' (FORMAT parquet, ROW_GROUP_SIZE 3000)");
    }
    assertThat(ParquetRows.metadata(shredded).columns().stream().map(ParquetMetadata.LeafColumn::dottedPath))
        .as("DuckDB shreds the payload").contains("payload.typed_value.tags.typed_value.list.element.typed_value");
    for (Path file : List.of(ours, shredded)) {
      try (FileRowReader r = new FileRowReader(file.toString(), LocalFiles.input(file),
          ReadOptions.defaults().withBatchRows(1024), () -> { })) {
        assertThat(r.hasNext()).isTrue();
        awaitWaiting(r, 4);
        assertThat(GroupRowReaderTest.readChecked(r, file)).isEqualTo(n);
      }
    }
  }

  @Test
  // the peak while the next batch decodes (the earlier block let go before, not after) is LargeValuesTest's: values
  // of a GiB each, in a child JVM of a bounded heap
  @DisplayName("once the reader has moved on to the next batch, an earlier batch's values are held only by rows the "
      + "caller keeps")
  void batchValuesNotHeldAfterTheirRows() {
    RowSchema schema = RowSchema.builder().required("id", ColumnType.LONG)
        .nullable("tags", ColumnType.list(ColumnType.STRING, false)).build();
    Path file = tmp.resolve("lists.parquet");
    try (RowWriter w = ParquetRows.writer(file, schema, WriteOptions.defaults())) {
      for (long i = 0; i < 3_000; i++) {
        w.write(Row.of(schema, i, List.of("tag-" + i, "other-" + i)));
      }
    }
    try (FileRowReader r = new FileRowReader(file.toString(), LocalFiles.input(file),
        ReadOptions.defaults().withBatchRows(1000), () -> { })) {
      java.lang.ref.WeakReference<Object> firstTags = null;
      long i = 0;
      while (i < 1000 && r.hasNext()) {
        Row row = r.next();
        if (i == 0) {
          firstTags = new java.lang.ref.WeakReference<>(row.getList("tags"));
        }
        i++;
      }
      assertThat(r.hasNext()).as("a second batch").isTrue();
      java.lang.ref.WeakReference<Object> held = java.util.Objects.requireNonNull(firstTags);
      ServerSupport.await("the first batch's values collected", Duration.ofSeconds(30), () -> {
        System.gc();
        return held.get() == null;
      });
      assertThat(held.get()).isNull();
      while (r.hasNext()) {
        assertThat(r.next().getList("tags")).isEqualTo(List.of("tag-" + i, "other-" + i));
        i++;
      }
      assertThat(i).isEqualTo(3_000);
    }
  }

  /** Waits (up to 30 s) until the decoding thread has had {@code expected} batches of rows waiting. */
  private static void awaitWaiting(FileRowReader r, int expected) {
    ServerSupport.await(expected + " batches of rows waiting", Duration.ofSeconds(30), () -> r.mostWaiting() >= expected);
    assertThat(r.mostWaiting()).isEqualTo(expected);
  }

  @Test
  @DisplayName("eight readers at once, on eight threads, each reads the whole file right")
  void readersSideBySide() throws Exception {
    Path file = write("shared.parquet", 20_000);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<List<Row>>> reads = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        reads.add(CompletableFuture.supplyAsync(() -> readAll(file, ReadOptions.defaults().withBatchRows(1000)), pool));
      }
      List<Row> expected = new ArrayList<>();
      for (long i = 0; i < 20_000; i++) {
        expected.add(row(i));
      }
      for (CompletableFuture<List<Row>> read : reads) {
        assertThat(read.get()).containsExactlyElementsOf(expected);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @DisplayName("a reader closed after a few rows stops decoding before it closes the file, and says no more rows")
  void closeMidway() {
    Path file = write("midway.parquet", 50_000);
    long before = decodingTasks();
    RowReader r = ParquetRows.read(file, ReadOptions.defaults().withBatchRows(500));
    for (int i = 0; i < 1_234; i++) {
      assertThat(r.next()).isEqualTo(row(i));
    }
    // the caller decodes a batch itself when none waits, so it may have read these rows before the pool's thread
    // entered the decoding task (a run under load saw none yet): wait for the task to be there
    awaitDecodingTasks(FileRowReader.class, before + 1);
    assertThat(decodingTasks()).as("this reader's decoding task, running or waiting for a free batch")
        .isEqualTo(before + 1);
    r.close();
    assertThat(r.hasNext()).isFalse();
    assertThat(decodingTasks()).as("decoding tasks after close").isEqualTo(before);
    r.close();
    assertThat(readAll(file, ReadOptions.defaults())).hasSize(50_000);
  }

  @Test
  @DisplayName("a corrupt page met by the decoding thread: the rows before it, then DataFormatException naming the "
      + "file and the column, and nothing after")
  void corruptPageAhead() throws IOException {
    Path file = write("corrupt.parquet", 30_000);
    corruptMiddle(file);
    List<Row> before = new ArrayList<>();
    try (RowReader r = ParquetRows.read(file, ReadOptions.defaults().withBatchRows(500))) {
      assertThatThrownBy(() -> r.forEachRemaining(before::add))
          .isInstanceOf(DataFormatException.class).hasMessageContaining(file.toString());
      assertThat(r.hasNext()).isFalse();
    }
    assertThat(before).isNotEmpty().hasSizeLessThan(30_000);
    for (int i = 0; i < before.size(); i++) {
      assertThat(before.get(i)).isEqualTo(row(i));
    }
  }

  /** Overwrites 4 KiB in the middle of a file: pages of a later row group, far from the footer. */
  static void corruptMiddle(Path file) throws IOException {
    long size = Files.size(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.seek(size / 2);
      byte[] junk = new byte[4096];
      Arrays.fill(junk, (byte) 0x7f);
      raf.write(junk);
    }
  }

  /** Threads inside a reader's decoding task (decoding, or parked until a batch is free). */
  private static long decodingTasks() {
    return decodingTasks(FileRowReader.class);
  }

  /** Threads of the Parquet reader pool inside a {@code decode} method of {@code reader} or of a class nested in it. */
  static long decodingTasks(Class<?> reader) {
    return Thread.getAllStackTraces().entrySet().stream()
        .filter(e -> e.getKey().getName().equals("delpha-parquet-reader"))
        .filter(e -> Arrays.stream(e.getValue()).anyMatch(f -> (f.getClassName().equals(reader.getName())
            || f.getClassName().startsWith(reader.getName() + "$")) && f.getMethodName().equals("decode")))
        .count();
  }

  /** Waits up to 30 s for {@link #decodingTasks(Class)} to be {@code expected}. */
  static void awaitDecodingTasks(Class<?> reader, long expected) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (decodingTasks(reader) != expected && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      Thread.yield();
    }
  }
}
