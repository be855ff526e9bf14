package io.delpha.sdk.bench;

import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * The per-file and per-JVM fixed costs of reading Parquet (issue 34): the time to open a small file (about 2 KB,
 * 6 columns, 50 rows, written by DuckDB, SNAPPY) and read every value by column name, first in a fresh JVM, then
 * the median of {@code n} warm repetitions; DuckDB (one thread, an aggregate over every column, its own connection
 * and open included in the first figure) reads the same file in the same JVM after ours, as the anchor. Every
 * repetition checks the row count and a checksum against DuckDB's. The logging backend is started (and timed)
 * before the first read. Asserts nothing about time.
 *
 * <pre>{@code
 * java -cp target/classes:target/test-classes:$(cat target/bench/classpath.txt) \
 *     io.delpha.sdk.bench.SmallFileBenchmark [warm repetitions, default 1000]
 * }</pre>
 * Run it in a fresh JVM each time: the first figures are the point.
 */
public final class SmallFileBenchmark {

  private SmallFileBenchmark() {}

  public static void main(String[] args) throws Exception {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    Path dir = Files.createTempDirectory("delpha-small-");
    Path file = dir.resolve("small.parquet");
    long t0 = System.nanoTime();
    long oursFirst;
    long oursSum;
    // the file is written by a separate process so that neither reader's classes are loaded by writing it
    Process p = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-cp",
        System.getProperty("java.class.path"), SmallFileBenchmark.class.getName() + "$Write", file.toString())
        .inheritIO().start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("writing " + file + " failed");
    }
    System.out.println("file: " + Files.size(file) + " bytes");
    // the logging backend starts at the first logger any library asks for (here logback reading its XML, 0.3-0.7 s):
    // an application has paid it before it reads a file, so it is timed apart, not as the reader's
    t0 = System.nanoTime();
    org.slf4j.LoggerFactory.getLogger(SmallFileBenchmark.class).debug("logging started");
    System.out.printf("logging backend start: %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    t0 = System.nanoTime();
    oursSum = readOurs(file);
    oursFirst = System.nanoTime() - t0;
    long[] ours = new long[reps];
    for (int i = 0; i < reps; i++) {
      long s = System.nanoTime();
      if (readOurs(file) != oursSum) {
        throw new IllegalStateException("checksum differs from one read to the next");
      }
      ours[i] = System.nanoTime() - s;
    }
    t0 = System.nanoTime();
    long duckSum;
    long duckFirst;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      try (Statement st = c.createStatement()) {
        st.execute("SET threads TO 1");
      }
      duckSum = readDuck(c, file);
      duckFirst = System.nanoTime() - t0;
      long[] duck = new long[reps];
      for (int i = 0; i < reps; i++) {
        long s = System.nanoTime();
        readDuck(c, file);
        duck[i] = System.nanoTime() - s;
      }
      if (duckSum != oursSum) {
        throw new IllegalStateException("checksum: ours " + oursSum + ", DuckDB " + duckSum);
      }
      double oursWarm = median(ours) / 1e6;
      double duckWarm = median(duck) / 1e6;
      System.out.printf("first open+read: ours %.1f ms, DuckDB %.1f ms (connection included)%n", oursFirst / 1e6,
          duckFirst / 1e6);
      System.out.printf("warm open+read, median of %d: ours %.3f ms, DuckDB %.3f ms%n", reps, oursWarm, duckWarm);
      System.out.printf("RESULT|small file first open+read|%.1f ms|DuckDB|%.1f ms|%.2f|<= 300 ms%n", oursFirst / 1e6,
          duckFirst / 1e6, (double) duckFirst / oursFirst);
      System.out.printf("RESULT|small file warm open+read|%.3f ms|DuckDB|%.3f ms|%.2f|<= 0.5 ms%n", oursWarm, duckWarm,
          duckWarm / oursWarm);
    }
  }

  static final List<String> NAMES = List.of("id", "name", "amount", "created_at", "active", "day");

  static long readOurs(Path file) {
    long sum = 0;
    int rows = 0;
    try (RowReader reader = ParquetRows.read(file)) {
      while (reader.hasNext()) {
        Row r = reader.next();
        rows++;
        sum += r.getLong("id");
        String name = r.getString("name");
        sum += name == null ? 0 : name.length();
        java.math.BigDecimal amount = r.getDecimal("amount");
        sum += amount == null ? 0 : amount.unscaledValue().longValue();
        java.time.Instant ts = r.getTimestamp("created_at");
        sum += ts == null ? 0 : ts.getEpochSecond();
        Boolean active = r.getBoolean("active");
        sum += active != null && active ? 1 : 0;
        java.time.LocalDate day = r.getDate("day");
        sum += day == null ? 0 : day.toEpochDay();
      }
    }
    return sum * 31 + rows;
  }

  static long readDuck(Connection c, Path file) throws Exception {
    try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
        "SELECT count(*), sum(id) + coalesce(sum(length(name)), 0) + coalesce(sum((amount * 100)::BIGINT), 0)"
            + " + coalesce(sum(epoch(created_at)::BIGINT), 0) + coalesce(sum(active::INT), 0)"
            + " + coalesce(sum(day - DATE '1970-01-01'), 0) FROM read_parquet('" + file + "')")) {
      rs.next();
      return rs.getLong(2) * 31 + rs.getLong(1);
    }
  }

  static long median(long[] v) {
    long[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  /** Writes the small file with DuckDB, in its own JVM. */
  public static final class Write {
    private Write() {}

    public static void main(String[] args) throws Exception {
      try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
        st.execute("COPY (SELECT i::BIGINT AS id, CASE WHEN i % 7 = 0 THEN NULL ELSE 'name-' || (i % 5) END AS name,"
            + " (i * 1.25)::DECIMAL(12,2) AS amount, TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL 1 HOUR AS created_at,"
            + " i % 2 = 0 AS active, DATE '2024-01-01' + i::INT AS day FROM range(50) t(i)) TO '" + args[0]
            + "' (FORMAT parquet, COMPRESSION snappy)");
      }
    }
  }
}
