package io.delpha.sdk.bench;

import io.delpha.sdk.bench.ParquetBenchmark.Checksum;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Properties;

/**
 * Reading Parquet as a batch job meets it (issue 34): a fresh JVM reads three 1M-row files one after the other,
 * every value of every row by column name through {@link Row}; then DuckDB, in the same JVM, one thread, scans the
 * same files with an aggregate over every column, its connection and open included in its first figure. The files
 * are the {@link ParquetBenchmark}'s (1M rows x 6 columns, SNAPPY), written by our columnar writer in a separate
 * JVM, so no reader or writer class is loaded or compiled before the first read. Every read is checked (row count
 * and a checksum of every column) against the values generated before its figure is printed. Asserts nothing about
 * time.
 *
 * <p>Prints, for file k = 1, 2, 3, our rows/s against DuckDB's median scan over its three (the steady figure), and
 * DuckDB's first scan beside it. {@code bench/run-all.sh first-files} runs it in five fresh JVMs and keeps, per
 * measure, the median.
 *
 * <pre>{@code
 * java -Xmx3g -cp target/classes:target/test-classes:$(cat target/bench/classpath.txt) \
 *     io.delpha.sdk.bench.FirstFilesBenchmark [rows, default 1000000]
 * }</pre>
 */
public final class FirstFilesBenchmark {

  private FirstFilesBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    Path dir = Files.createTempDirectory("delpha-first-");
    Path[] files = {dir.resolve("f1.parquet"), dir.resolve("f2.parquet"), dir.resolve("f3.parquet")};
    Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
        System.getProperty("java.class.path"), Write.class.getName(), String.valueOf(rows), files[0].toString(),
        files[1].toString(), files[2].toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("writing the files failed");
    }
    Checksum expected = Checksum.expected(rows);
    // an application has started its logging before it reads a file: timed apart
    long t0 = System.nanoTime();
    org.slf4j.LoggerFactory.getLogger(FirstFilesBenchmark.class).debug("logging started");
    System.out.printf("logging backend start: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    double[] ours = new double[3];
    for (int k = 0; k < 3; k++) {
      long faults = minorFaults();
      long s = System.nanoTime();
      Checksum got = readByName(files[k]);
      ours[k] = (System.nanoTime() - s) / 1e9;
      faults = faults < 0 ? -1 : minorFaults() - faults;
      got.require(expected, "our read of file " + (k + 1));
      System.out.printf("ours, file %d: %.3f s, %.2f M rows/s (JVM uptime at its end %d ms; minor page faults %s)%n",
          k + 1, ours[k], rows / ours[k] / 1e6, java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
          faults < 0 ? "n/a" : String.valueOf(faults));
    }
    double[] duck = new double[3];
    Properties props = new Properties();
    props.setProperty("autoinstall_known_extensions", "false");
    props.setProperty("autoload_known_extensions", "false");
    long s0 = System.nanoTime();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", props); Statement st = c.createStatement()) {
      st.execute("SET threads TO 1");
      for (int k = 0; k < 3; k++) {
        long s = k == 0 ? s0 : System.nanoTime();
        Checksum got = Checksum.duckDb(st, files[k]);
        duck[k] = (System.nanoTime() - s) / 1e9;
        got.require(expected, "DuckDB's read of file " + (k + 1));
        System.out.printf("DuckDB, file %d: %.3f s, %.2f M rows/s%s%n", k + 1, duck[k], rows / duck[k] / 1e6,
            k == 0 ? " (connection included)" : "");
      }
    }
    double[] sorted = duck.clone();
    java.util.Arrays.sort(sorted);
    double duckSteady = rows / sorted[1];
    String[] goals = {">= 0.25", "", ">= 0.5"};
    for (int k = 0; k < 3; k++) {
      double r = rows / ours[k];
      System.out.printf("RESULT|parquet read by name, file %d of a fresh JVM|%.2f M rows/s|DuckDB scan (median of 3)|"
          + "%.2f M rows/s|%.3f|%s%n", k + 1, r / 1e6, duckSteady / 1e6, r / duckSteady, goals[k]);
    }
    System.out.printf("RESULT|parquet read by name, file 1 of a fresh JVM|%.2f M rows/s|DuckDB first scan|"
        + "%.2f M rows/s|%.3f|%n", rows / ours[0] / 1e6, rows / duck[0] / 1e6, duck[0] / ours[0]);
    for (Path f : files) {
      Files.deleteIfExists(f);
    }
    Files.deleteIfExists(dir);
  }

  /**
   * The process's minor page faults so far ({@code /proc/self/stat}, Linux), or -1 elsewhere: on a machine whose
   * memory is given on first touch, the first files' time is mostly the heap's first touch (docs/parquet.md, "Fourth
   * round"), so each file's figure is printed with its faults.
   */
  static long minorFaults() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[7]);
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Every value of every row, by column name, through the typed getters. */
  static Checksum readByName(Path file) {
    long rows = 0;
    long ids = 0;
    long nameBytes = 0;
    long cents = 0;
    long us = 0;
    long actives = 0;
    long days = 0;
    long base = 1_700_000_000L * 1_000_000L;
    try (RowReader reader = ParquetRows.read(file)) {
      while (reader.hasNext()) {
        Row r = reader.next();
        ids += r.getLong("id");
        nameBytes += r.getString("name").length();
        BigDecimal amount = r.getDecimal("amount");
        cents += amount.unscaledValue().longValueExact();
        Instant t = r.getTimestamp("created_at");
        us += t.getEpochSecond() * 1_000_000L + t.getNano() / 1000 - base;
        actives += r.getBoolean("active") ? 1 : 0;
        LocalDate day = r.getDate("day");
        days += day.toEpochDay();
        rows++;
      }
    }
    return new Checksum(rows, ids, nameBytes, cents, us, actives, days);
  }

  /** Writes the three files with our columnar writer, in its own JVM. */
  public static final class Write {
    private Write() {}

    public static void main(String[] args) {
      int rows = Integer.parseInt(args[0]);
      var batches = ParquetBenchmark.batches(rows);
      for (int k = 1; k < args.length; k++) {
        ParquetBenchmark.writeColumnar(Path.of(args[k]), batches);
      }
    }
  }
}
