package io.delpha.sdk.bench;

import io.delpha.sdk.core.parquet.ColumnType;
import io.delpha.sdk.core.parquet.ParquetRows;
import io.delpha.sdk.core.parquet.Row;
import io.delpha.sdk.core.parquet.RowReader;
import io.delpha.sdk.core.parquet.RowSchema;
import io.delpha.sdk.core.parquet.RowWriter;
import io.delpha.sdk.core.parquet.WriteOptions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Properties;

/**
 * Writes and reads 1 million rows of a 6-column mixed schema with {@link ParquetRows} (SNAPPY), and
 * writes the same data with DuckDB's {@code COPY ... TO 'x.parquet'} in the same run. Prints rows/s
 * and the ratios; asserts nothing.
 *
 * <pre>{@code
 * mvn -q test-compile && java -cp target/classes:target/test-classes:$(cat cp.txt) io.delpha.sdk.bench.ParquetBenchmark [rows]
 * }</pre>
 */
public final class ParquetBenchmark {

  static final RowSchema SCHEMA = RowSchema.builder()
      .required("id", ColumnType.LONG)
      .nullable("name", ColumnType.STRING)
      .nullable("amount", ColumnType.decimal(12, 2))
      .nullable("created_at", ColumnType.TIMESTAMP)
      .nullable("active", ColumnType.BOOLEAN)
      .nullable("day", ColumnType.DATE)
      .build();

  private ParquetBenchmark() {}

  static Row row(long i) {
    return Row.of(SCHEMA, i, "customer-" + (i % 10_000), BigDecimal.valueOf(i % 1_000_000, 2),
        Instant.ofEpochSecond(1_700_000_000L + i, (i % 1000) * 1000), i % 3 == 0, LocalDate.ofEpochDay(19_000 + i % 365));
  }

  /**
   * @param args optional row count (default 1,000,000)
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("parquet-bench");
    Path ours = dir.resolve("ours.parquet");
    Path duck = dir.resolve("duck.parquet");

    // warm-up: JIT and native codec loading, not measured
    Path warm = dir.resolve("warm.parquet");
    try (RowWriter w = ParquetRows.writer(warm, SCHEMA, WriteOptions.defaults())) {
      for (long i = 0; i < 100_000; i++) {
        w.write(row(i));
      }
    }
    try (RowReader r = ParquetRows.read(warm)) {
      r.forEachRemaining(x -> { });
    }

    long t0 = System.nanoTime();
    try (RowWriter w = ParquetRows.writer(ours, SCHEMA, WriteOptions.defaults())) {
      for (long i = 0; i < rows; i++) {
        w.write(row(i));
      }
    }
    double writeSeconds = (System.nanoTime() - t0) / 1e9;

    t0 = System.nanoTime();
    long read = 0;
    long checksum = 0;
    try (RowReader r = ParquetRows.read(ours)) {
      while (r.hasNext()) {
        checksum += r.next().getLong("id");
        read++;
      }
    }
    double readSeconds = (System.nanoTime() - t0) / 1e9;

    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    double duckWriteSeconds;
    double duckReadSeconds;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", p); Statement s = c.createStatement()) {
      s.execute("SET threads TO 1");
      s.execute("CREATE TABLE t AS SELECT i AS id, 'customer-' || (i % 10000) AS name, "
          + "CAST((i % 1000000) / 100.0 AS DECIMAL(12,2)) AS amount, "
          + "make_timestamp(CAST(1700000000 + i AS BIGINT) * 1000000 + (i % 1000)) AS created_at, "
          + "i % 3 = 0 AS active, CAST(DATE '2022-01-08' + CAST(i % 365 AS INTEGER) AS DATE) AS day "
          + "FROM range(" + rows + ") r(i)");
      t0 = System.nanoTime();
      s.execute("COPY t TO '" + duck + "' (FORMAT parquet, COMPRESSION snappy)");
      duckWriteSeconds = (System.nanoTime() - t0) / 1e9;
      t0 = System.nanoTime();
      try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id), count(name), sum(amount), max(created_at), "
          + "count(active), max(day) FROM read_parquet('" + ours + "')")) {
        rs.next();
        if (rs.getLong(1) != rows) {
          throw new IllegalStateException("DuckDB read " + rs.getLong(1) + " rows of our file");
        }
      }
      duckReadSeconds = (System.nanoTime() - t0) / 1e9;
    }

    System.out.printf("rows: %,d  schema: %s%n", rows, SCHEMA);
    System.out.printf("ParquetRows write (SNAPPY): %8.2f s  %,12.0f rows/s  %,d bytes%n",
        writeSeconds, rows / writeSeconds, Files.size(ours));
    System.out.printf("ParquetRows read:           %8.2f s  %,12.0f rows/s  (%,d rows, checksum %d)%n",
        readSeconds, read / readSeconds, read, checksum);
    System.out.printf("DuckDB COPY TO parquet:     %8.2f s  %,12.0f rows/s  %,d bytes (1 thread, from an in-memory table)%n",
        duckWriteSeconds, rows / duckWriteSeconds, Files.size(duck));
    System.out.printf("DuckDB scan of our file:    %8.2f s  %,12.0f rows/s  (aggregates over all 6 columns, 1 thread)%n",
        duckReadSeconds, rows / duckReadSeconds);
    System.out.printf("ratio write ours/DuckDB: %.2f   ratio read ours/DuckDB: %.2f%n",
        duckWriteSeconds / writeSeconds, duckReadSeconds / readSeconds);
    for (Path f : new Path[] {ours, duck, warm}) {
      Files.deleteIfExists(f);
    }
    Files.deleteIfExists(dir);
  }
}
