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
 * DuckDB's first scan beside it, and {@code FILE|ours|k|<seconds>} for the comparison with hardwood (issue 49):
 * {@code bench/run-all.sh firstfiles} writes the files once ({@link Write}), then runs this class and hardwood's
 * ({@code bench/hardwood}) in turn, each in its own fresh JVM, on the same JDK, five rounds, and keeps per file the
 * median of each reader's times (docs/parquet.md, "Measured").
 *
 * <p>With {@code vectors} as its first argument it reads the three files through {@link
 * ParquetRows#readBatches} and the vectors' arrays instead ({@link ParquetBenchmark#readColumnar}), and prints, per
 * file, our rows/s against DuckDB's scan of file 3, its steady one-thread figure (the goal for the vector API,
 * issue 62: file 3 at least 0.8x);
 * {@code bench/run-all.sh firstfiles} runs it in a fresh JVM of its own each round.
 *
 * <pre>{@code
 * java -cp target/classes:target/test-classes:$(cat target/bench/classpath.txt) \
 *     io.delpha.sdk.bench.FirstFilesBenchmark [vectors] [rows, default 1000000] [expected f1.parquet f2.parquet f3.parquet]
 * }</pre>
 * Without files, it writes them first in a child JVM (to a temporary directory, deleted after); with files, written
 * by {@link Write} with the same row count and given with the checksum it printed, it reads those and leaves them.
 */
public final class FirstFilesBenchmark {

  private FirstFilesBenchmark() {}

  public static void main(String[] args) throws Exception {
    // "vectors" first: the three files read through ParquetRows.readBatches and the vectors' arrays instead (issue
    // 62's goal for the vector API: file 3 at least 0.8x DuckDB's steady one-thread scan), in a JVM of their own
    boolean vectors = args.length > 0 && args[0].equals("vectors");
    if (vectors) {
      args = java.util.Arrays.copyOfRange(args, 1, args.length);
    }
    String label = vectors ? "vectors" : "ours";
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    boolean given = args.length > 1;
    Path[] files = given ? new Path[] {Path.of(args[2]), Path.of(args[3]), Path.of(args[4])} : writeFiles(rows);
    // given files come with their checksum, so that this JVM does no work before its first read that hardwood's
    // (which is given the same) does not: generating a million rows' values warms code and touches the heap
    Checksum expected = given ? parse(args[1]) : Checksum.expected(rows);
    // an application has started its logging before it reads a file: timed apart
    long t0 = System.nanoTime();
    org.slf4j.LoggerFactory.getLogger(FirstFilesBenchmark.class).debug("logging started");
    System.out.printf("logging backend start: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    double[] ours = new double[3];
    for (int k = 0; k < 3; k++) {
      long faults = minorFaults();
      long cpu = ProcessCpu.nanos();
      long s = System.nanoTime();
      Checksum got = vectors ? ParquetBenchmark.readColumnar(files[k]) : readByName(files[k]);
      ours[k] = (System.nanoTime() - s) / 1e9;
      double cpuSeconds = (ProcessCpu.nanos() - cpu) / 1e9;
      faults = faults < 0 ? -1 : minorFaults() - faults;
      got.require(expected, "our read (" + label + ") of file " + (k + 1));
      System.out.printf("%s, file %d: %.3f s, %.2f M rows/s (JVM uptime at its end %d ms; minor page faults %s)%n",
          label, k + 1, ours[k], rows / ours[k] / 1e6,
          java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(), faults < 0 ? "n/a" : String.valueOf(faults));
      if (!vectors) {
        System.out.printf("FILE|ours|%d|%.4f%n", k + 1, ours[k]);
      }
      // the process's CPU time over the read (every thread: ours, the JIT compilers', the collector's), steadier than
      // the wall-clock time on a loaded machine; hardwood's benchmark prints the same
      System.out.printf("FILECPU|%s|%d|%.4f%n", label, k + 1, cpuSeconds);
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
    if (vectors) {
      // against DuckDB's scan of the same file, its third: warm, its connection long made (stricter than the median
      // of its three, which is most often its second file's, slower than its third)
      double duckThird = rows / duck[2];
      for (int k = 0; k < 3; k++) {
        double r = rows / ours[k];
        System.out.printf("RESULT|parquet read by vectors, file %d of a fresh JVM|%.2f M rows/s|DuckDB scan of file 3|"
            + "%.2f M rows/s|%.3f|%s%n", k + 1, r / 1e6, duckThird / 1e6, r / duckThird, k == 2 ? ">= 0.8" : "");
      }
    } else {
      String[] goals = {">= 0.25", "", ">= 0.5"};
      for (int k = 0; k < 3; k++) {
        double r = rows / ours[k];
        System.out.printf("RESULT|parquet read by name, file %d of a fresh JVM|%.2f M rows/s|DuckDB scan (median of "
            + "3)|%.2f M rows/s|%.3f|%s%n", k + 1, r / 1e6, duckSteady / 1e6, r / duckSteady, goals[k]);
      }
      System.out.printf("RESULT|parquet read by name, file 1 of a fresh JVM|%.2f M rows/s|DuckDB first scan|"
          + "%.2f M rows/s|%.3f|%n", rows / ours[0] / 1e6, rows / duck[0] / 1e6, duck[0] / ours[0]);
    }
    if (!given) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(files[0].getParent());
    }
  }

  /** Writes the three files into a new temporary directory, in a child JVM ({@link Write}). */
  private static Path[] writeFiles(int rows) throws Exception {
    Path dir = Files.createTempDirectory("delpha-first-");
    Path[] files = {dir.resolve("f1.parquet"), dir.resolve("f2.parquet"), dir.resolve("f3.parquet")};
    Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
        System.getProperty("java.class.path"), Write.class.getName(), String.valueOf(rows), files[0].toString(),
        files[1].toString(), files[2].toString()).inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("writing the files failed");
    }
    return files;
  }


  /**
   * The process's minor page faults so far ({@code /proc/self/stat}, Linux), or -1 elsewhere: on a machine whose
   * memory is given on first touch, the first files' time is mostly the heap's first touch (docs/parquet.md, "Where
   * the time goes"), so each file's figure is printed with its faults.
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

  /**
   * Every value of every row, by column name, through the typed getters. Written to compile whether a getter of a
   * primitive kind returns the primitive or its box (issue 49 changes {@code Row.getLong} to {@code long}).
   */
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

  /**
   * Writes the three files with our columnar writer, in its own JVM, and prints {@code EXPECTED|<checksum>}: the
   * checksum every reader of them must get, from the generated values, as {@code
   * rows,ids,nameBytes,cents,offsetMicros,actives,days} (the order of {@link Checksum}'s components), for readers
   * that do not share our classes (hardwood's, in bench/hardwood).
   */
  public static final class Write {
    private Write() {}

    public static void main(String[] args) {
      int rows = Integer.parseInt(args[0]);
      var batches = ParquetBenchmark.batches(rows);
      for (int k = 1; k < args.length; k++) {
        ParquetBenchmark.writeColumnar(Path.of(args[k]), batches);
      }
      Checksum e = Checksum.expected(rows);
      System.out.println("EXPECTED|" + e.rows() + "," + e.ids() + "," + e.nameBytes() + "," + e.cents() + ","
          + e.offsetMicros() + "," + e.actives() + "," + e.days());
    }
  }

  /** The checksum {@link Write} prints. */
  static Checksum parse(String fields) {
    long[] f = java.util.Arrays.stream(fields.split(",")).mapToLong(Long::parseLong).toArray();
    if (f.length != 7) {
      throw new IllegalArgumentException("a checksum has 7 comma-separated fields, not " + f.length + ": " + fields);
    }
    return new Checksum(f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
  }
}
