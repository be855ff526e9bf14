package io.delpha.sdk.bench;

import io.delpha.sdk.bench.ParquetBenchmark.Checksum;
import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ParquetMetadata;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.WriteOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A scan of many files on every core (issue 62): {@link ParquetRows#readBatches(List, ReadOptions)} of the same files
 * on one thread and on two ({@link ReadOptions#withThreads}: one reader, the caller summing what the workers decode),
 * and {@link ParquetRows#scanBatches} on two (a consumer per thread: the goal's measure, >= 1.8x the one-thread
 * scan), every value of every row read from the vectors' arrays ({@link ParquetBenchmark.Sums}), in one warm JVM;
 * DuckDB's scan of the same files on two threads ({@code SET threads
 * TO 2}, an aggregate over every column) beside it. The files are {@link ParquetBenchmark}'s (its 6-column schema,
 * SNAPPY, our columnar writer's default row groups), written once; their layout is printed first. Every run is
 * checked (row count and a checksum of every column, against the values generated) before any figure is printed.
 * Asserts nothing about time.
 *
 * <p>After a warm-up ({@code -Dscan.warmups}, default 15 rounds of each: the hand-over's queue and locks reach their
 * compiled form only after a dozen scans or so), each repetition runs our two scans in turn and, as a control, the
 * files dealt out to as many one-thread reads running at once on their own threads, nothing handed between threads:
 * the machine's own ceiling at the time (on a shared machine, two threads at once cost more per row than one). Then
 * DuckDB's database is opened, warmed up and scanned as many times (its threads are not there while ours run). Each
 * figure is the best repetition's, the median beside it, and per scan the CPU time per row of the whole process
 * (every thread: the caller's, the workers', the collector's and the compilers') and of the caller's thread alone,
 * from the best repetition: the two-thread scan's floor is the larger of the process's CPU over the cores and the
 * caller's (the caller sums every value while the workers decode).
 *
 * <pre>{@code
 * bench/run-all.sh scan             # or, by hand:
 * java -Xmx3g -cp target/classes:target/test-classes:$(cat target/bench/classpath.txt) \
 *     io.delpha.sdk.bench.ParallelScanBenchmark [files, default 4] [rows per file, default 1000000] \
 *     [repetitions, default 9] [threads, default 2] [row-group MiB, default the writer's 32]
 * }</pre>
 *
 * <p>Prints human-readable lines and, for {@code bench/run-all.sh}, one {@code RESULT|...} line per figure.
 */
public final class ParallelScanBenchmark {

  /** Warm-up rounds of each of our scans before the measured ones. */
  private static final int WARM_UPS = Integer.getInteger("scan.warmups", 15);

  private ParallelScanBenchmark() {}

  /** One scan's best and median seconds, its process CPU and its caller's CPU (seconds, of the best run). */
  private static final class Measure {
    final String label;
    final List<Double> seconds = new ArrayList<>();
    double bestCpu;
    double bestCallerCpu;

    Measure(String label) {
      this.label = label;
    }

    void add(double wall, double cpu, double callerCpu) {
      if (seconds.isEmpty() || wall < best()) {
        bestCpu = cpu;
        bestCallerCpu = callerCpu;
      }
      seconds.add(wall);
    }

    double best() {
      return seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
    }

    double median() {
      double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
  }

  private interface Scan {
    Checksum run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    int fileCount = args.length > 0 ? Integer.parseInt(args[0]) : 4;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int reps = args.length > 2 ? Integer.parseInt(args[2]) : 9;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    WriteOptions write = args.length > 4 ? WriteOptions.defaults().withRowGroupBytes(Long.parseLong(args[4]) << 20)
        : WriteOptions.defaults();
    Path dir = Files.createTempDirectory("parallel-scan-bench");
    List<Path> files = new ArrayList<>();
    List<ColumnBatch> batches = ParquetBenchmark.batches(rows);
    for (int k = 0; k < fileCount; k++) {
      Path file = dir.resolve("part-" + k + ".parquet");
      ParquetBenchmark.writeColumnar(file, batches, write);
      files.add(file);
    }
    batches = null; // the written rows are not held while the scans run
    long totalRows = (long) rows * fileCount;
    int groups = 0;
    for (Path f : files) {
      ParquetMetadata m = ParquetRows.metadata(f);
      groups += m.rowGroups().size();
      System.out.printf("%s: %,d bytes, %,d rows in %d row group(s) of %s rows%n", f.getFileName(), m.fileBytes(),
          m.rowCount(), m.rowGroups().size(),
          Arrays.toString(m.rowGroups().stream().mapToLong(ParquetMetadata.RowGroup::rowCount).toArray()));
    }
    System.out.printf("layout: %d files x %,d rows = %,d rows, %d row groups (the units of work); schema %s%n",
        fileCount, rows, totalRows, groups, ParquetBenchmark.SCHEMA);
    System.out.printf("machine: %d cores available to the JVM, load average %.2f%n",
        Runtime.getRuntime().availableProcessors(), ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

    Checksum expected = Checksum.expected(rows).times(fileCount);
    ReadOptions oneThread = ReadOptions.defaults();
    ReadOptions parallel = ReadOptions.defaults().withThreads(threads);
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    Measure one = new Measure("our scan, 1 thread");
    Measure two = new Measure("our scan, " + threads + " threads");
    Measure each = new Measure("ours, " + threads + " thr, consumers");
    Measure duck = new Measure("DuckDB scan, " + threads + " threads");
    Measure apart = new Measure(threads + " 1-thread scans at once");
    Scan ours1 = () -> scan(files, oneThread);
    Scan ours2 = () -> scan(files, parallel);
    Scan oursEach = () -> ParquetRows.scanBatches(files, parallel, ParquetBenchmark.Sums::new).stream()
        .map(ParquetBenchmark.Sums::checksum).reduce(new Checksum(0, 0, 0, 0, 0, 0, 0), Checksum::plus);
    ExecutorService side = Executors.newFixedThreadPool(threads);
    try {
      Scan sideBySide = () -> sideBySide(side, files, threads);
      for (int k = 0; k < WARM_UPS; k++) { // the JIT, the codecs, the pool's threads
        ours1.run().require(expected, "warm-up, " + one.label);
        ours2.run().require(expected, "warm-up, " + two.label);
        oursEach.run().require(expected, "warm-up, " + each.label);
        sideBySide.run().require(expected, "warm-up, " + apart.label);
      }
      for (int r = 0; r < reps; r++) {
        measure(one, ours1, expected);
        measure(two, ours2, expected);
        measure(each, oursEach, expected);
        measure(apart, sideBySide, expected);
      }
    } finally {
      side.shutdownNow();
    }
    // DuckDB after ours, its database closed before: its threads are not there while ours run
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", p); Statement s = c.createStatement()) {
      s.execute("SET threads TO " + threads);
      Scan duckDb = () -> Checksum.duckDb(s, files);
      for (int k = 0; k < 3; k++) {
        duckDb.run().require(expected, "warm-up, " + duck.label);
      }
      for (int r = 0; r < reps; r++) {
        measure(duck, duckDb, expected);
      }
    }
    for (Path f : files) {
      Files.deleteIfExists(f);
    }
    Files.deleteIfExists(dir);

    System.out.printf("%,d rows, every value checked in every run; best of %d repetitions (median beside it); load "
        + "average now %.2f%n", totalRows, reps, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    for (Measure m : List.of(one, two, each, apart, duck)) {
      System.out.printf("%-26s %6.3f s %,14.0f rows/s   median %6.3f s %,14.0f rows/s   CPU per row: process %5.1f ns,"
              + " caller %5.1f ns   (all: %s)%n", m.label, m.best(), totalRows / m.best(), m.median(),
          totalRows / m.median(), m.bestCpu * 1e9 / totalRows, m.bestCallerCpu * 1e9 / totalRows, m.seconds);
    }
    double floor = Math.max(two.bestCpu / Math.min(threads, Runtime.getRuntime().availableProcessors()),
        two.bestCallerCpu);
    System.out.printf("%d-thread floor from its CPU (max of process CPU / cores, caller's CPU): %.3f s, %.2fx the "
        + "1-thread time at best%n", threads, floor, one.best() / floor);
    System.out.printf("the machine's own ceiling at the time: %s, %.2fx one thread at best (%.2fx by medians)%s; ours "
        + "on %d threads %.2fx (%.2fx by medians)%n", apart.label, one.best() / apart.best(),
        one.median() / apart.median(), fileCount < threads ? " (no ceiling: fewer files than threads to deal out)" : "",
        threads, one.best() / two.best(), one.median() / two.median());
    double ours1Rate = totalRows / one.best();
    double ours2Rate = totalRows / two.best();
    double eachRate = totalRows / each.best();
    double duckRate = totalRows / duck.best();
    System.out.printf("RESULT|parquet scan, %d threads, a consumer each|%.0f rows/s|our scan, 1 thread|%.0f rows/s|"
        + "%.2f|>= 1.8%n", threads, eachRate, ours1Rate, eachRate / ours1Rate);
    System.out.printf("RESULT|parquet scan, %d threads, one reader|%.0f rows/s|our scan, 1 thread|%.0f rows/s|%.2f|%n",
        threads, ours2Rate, ours1Rate, ours2Rate / ours1Rate);
    System.out.printf("RESULT|parquet scan, %d threads, a consumer each|%.0f rows/s|DuckDB scan %d thr|%.0f rows/s|"
        + "%.2f|%n", threads, eachRate, threads, duckRate, eachRate / duckRate);
    System.out.printf("RESULT|parquet scan, %d threads, one reader|%.0f rows/s|DuckDB scan %d thr|%.0f rows/s|%.2f|%n",
        threads, ours2Rate, threads, duckRate, ours2Rate / duckRate);
  }

  /** Every value of every file, read as one read with {@code options}. */
  private static Checksum scan(List<Path> files, ReadOptions options) {
    try (ColumnBatchReader reader = ParquetRows.readBatches(files, options)) {
      return ParquetBenchmark.sum(reader);
    }
  }

  /**
   * The machine's ceiling for a scan on {@code threads} threads: the files dealt out to {@code threads} one-thread
   * reads running at once, each on its own thread, with nothing handed between threads.
   */
  private static Checksum sideBySide(ExecutorService pool, List<Path> files, int threads) throws Exception {
    List<Future<Checksum>> parts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Path> mine = new ArrayList<>();
      for (int k = t; k < files.size(); k += threads) {
        mine.add(files.get(k));
      }
      parts.add(pool.submit(() -> scan(mine, ReadOptions.defaults())));
    }
    Checksum total = new Checksum(0, 0, 0, 0, 0, 0, 0);
    for (Future<Checksum> part : parts) {
      total = total.plus(part.get());
    }
    return total;
  }

  private static void measure(Measure m, Scan scan, Checksum expected) throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = ProcessCpu.nanos();
    long caller0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    Checksum got = scan.run();
    double wall = (System.nanoTime() - t0) / 1e9;
    double caller = (threads.getCurrentThreadCpuTime() - caller0) / 1e9;
    double cpu = (ProcessCpu.nanos() - cpu0) / 1e9;
    got.require(expected, m.label);
    m.add(wall, cpu, caller);
  }
}
