package io.delpha.sdk.bench;

import io.delpha.sdk.parquet.ColumnBatch;
import io.delpha.sdk.parquet.ColumnBatchReader;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ColumnVector;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.parquet.RowWriter;
import io.delpha.sdk.parquet.WriteOptions;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.parquet.bytes.DirectByteBufferAllocator;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;

/**
 * Writes and reads 1 million rows of a 6-column mixed schema with {@link ParquetRows} (SNAPPY; threads: see
 * below), and does the same with DuckDB (one thread) in the same run: DuckDB's {@code COPY ... TO 'x.parquet'} of
 * an in-memory table is the write anchor, its aggregate scan of our file (every column) the read anchor.
 * Each figure is the best of several runs; every file is checked (row count and a checksum of every
 * column, against the values generated and against what DuckDB reads) before any throughput is printed.
 * Asserts nothing about time.
 *
 * <p>Our side is measured twice: through the columnar API ({@link ColumnBatch} in, {@link
 * ColumnBatchReader} out, for code that works on columns) and through the row API ({@link Row}s built
 * beforehand, every value of every row read back).
 *
 * <p>Threads: DuckDB runs with {@code SET threads TO 1}. The columnar reader and writer use the caller's thread
 * only; the row writer converts rows on the caller's thread while a second thread encodes the previous buffer,
 * and the row reader makes rows on the caller's thread while a second thread decodes the next batch (as they
 * always do), so their lines are also set beside DuckDB on two threads (its COPY, and its scan, which cannot
 * split our file's single row group), and every measure prints the CPU time the whole process spent on it (all
 * threads, ours and DuckDB's, garbage collection included), best run.
 *
 * <p>The second write anchor is parquet-java's own writer, as a Java user has it: {@code ExampleParquetWriter}
 * (parquet-hadoop {@value #PARQUET_JAVA}, the version this build depends on) writing prebuilt example
 * {@code Group}s (built before any timing, as our {@code Row}s are) of the same Parquet schema as our files, SNAPPY,
 * the same row-group size as ours (32 MiB), its other settings its defaults (1 MiB pages, dictionaries, v1 pages,
 * statistics, column and offset indexes, page CRCs), on the caller's thread. Its default codec factory builds a
 * Hadoop {@code Configuration}, whose transitive jars the library leaves out, so it is given parquet-java's own
 * {@code DirectCodecFactory} (snappy-java over direct buffers, what its Hadoop codec uses too). Its file is read
 * back by DuckDB and by our reader (count and checksum) before any figure.
 *
 * <pre>{@code
 * bench/run-all.sh parquet          # or, by hand:
 * mvn -q test-compile && java -Xmx3g -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     io.delpha.sdk.bench.ParquetBenchmark [rows] [repetitions]
 * }</pre>
 *
 * <p>Prints human-readable lines and, for {@code bench/run-all.sh}, one {@code RESULT|...} line per figure.
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

  static final long EPOCH_SECOND = 1_700_000_000L;
  private static final int FIRST_DAY = 19_000;
  /** Subtracted from timestamps before summing, so the sum of a million of them fits a long. */
  private static final long BASE_MICROS = EPOCH_SECOND * 1_000_000L;

  /** parquet-java's version on this class path (parquet-hadoop), printed beside its figure. */
  static final String PARQUET_JAVA = "1.16";

  /** Our files' Parquet schema (as our writer maps {@link #SCHEMA}), for parquet-java's writer. */
  static final MessageType PARQUET_SCHEMA = MessageTypeParser.parseMessageType("message schema {"
      + " required int64 id;"
      + " optional binary name (STRING);"
      + " optional int64 amount (DECIMAL(12,2));"
      + " optional int64 created_at (TIMESTAMP(MICROS,true));"
      + " optional boolean active;"
      + " optional int32 day (DATE);"
      + " }");

  private ParquetBenchmark() {}

  static String name(long i) {
    return "customer-" + (i % 10_000);
  }

  static long amountCents(long i) {
    return i % 1_000_000;
  }

  static long micros(long i) {
    return (EPOCH_SECOND + i) * 1_000_000L + i % 1000;
  }

  static Row row(long i) {
    long us = micros(i);
    return Row.of(SCHEMA, i, name(i), BigDecimal.valueOf(amountCents(i), 2),
        Instant.ofEpochSecond(Math.floorDiv(us, 1_000_000L), Math.floorMod(us, 1_000_000L) * 1000), i % 3 == 0,
        LocalDate.ofEpochDay(FIRST_DAY + i % 365));
  }

  /** Row count and per-column sums: what every reader of the file must agree on. */
  record Checksum(long rows, long ids, long nameBytes, long cents, long offsetMicros, long actives, long days) {
    static Checksum expected(long rows) {
      long ids = 0;
      long nameBytes = 0;
      long cents = 0;
      long us = 0;
      long actives = 0;
      long days = 0;
      for (long i = 0; i < rows; i++) {
        ids += i;
        nameBytes += name(i).length();
        cents += amountCents(i);
        us += micros(i) - BASE_MICROS;
        actives += i % 3 == 0 ? 1 : 0;
        days += FIRST_DAY + i % 365;
      }
      return new Checksum(rows, ids, nameBytes, cents, us, actives, days);
    }

    static Checksum duckDb(Statement s, Path file) throws Exception {
      return duckDb(s, List.of(file));
    }

    /** DuckDB's checksum of the files read as one table ({@code read_parquet} of the list). */
    static Checksum duckDb(Statement s, List<Path> files) throws Exception {
      StringBuilder list = new StringBuilder();
      for (Path f : files) {
        list.append(list.length() == 0 ? "" : ", ").append('\'').append(f).append('\'');
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*), sum(id), sum(strlen(name)), "
          + "CAST(sum(amount) * 100 AS BIGINT), CAST(sum(epoch_us(created_at) - " + BASE_MICROS + ") AS BIGINT), count_if(active), "
          + "sum(day - DATE '1970-01-01') FROM read_parquet([" + list + "])")) {
        rs.next();
        return new Checksum(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), rs.getLong(6),
            rs.getLong(7));
      }
    }

    /** @return the checksum of {@code n} copies of what this one sums (every part is a count or a sum) */
    Checksum times(int n) {
      return new Checksum(rows * n, ids * n, nameBytes * n, cents * n, offsetMicros * n, actives * n, days * n);
    }

    /** @return the checksum of what this one and {@code o} sum */
    Checksum plus(Checksum o) {
      return new Checksum(rows + o.rows, ids + o.ids, nameBytes + o.nameBytes, cents + o.cents,
          offsetMicros + o.offsetMicros, actives + o.actives, days + o.days);
    }

    void require(Checksum expected, String what) {
      if (!equals(expected)) {
        throw new IllegalStateException(what + " is incomplete or wrong: " + this + ", expected " + expected);
      }
    }
  }

  /**
   * @param args optional row count (default 1,000,000) and repetitions (default 3)
   * @throws Exception on any failure
   */
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int repetitions = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path dir = Files.createTempDirectory("parquet-bench");
    Path columnar = dir.resolve("columnar.parquet");
    Path byRow = dir.resolve("rows.parquet");
    Path duck = dir.resolve("duck.parquet");
    Checksum expected = Checksum.expected(rows);

    List<ColumnBatch> batches = batches(rows);
    List<Row> rowList = new ArrayList<>(rows);
    for (long i = 0; i < rows; i++) {
      rowList.add(row(i));
    }
    List<Group> groups = groups(rows);
    Path parquetJava = dir.resolve("parquet-java.parquet");

    // warm-up: JIT and native codec loading, not measured
    Path warm = dir.resolve("warm.parquet");
    for (int k = 0; k < 2; k++) {
      writeColumnar(warm, batches.subList(0, Math.min(batches.size(), 50)));
      readColumnar(warm);
      writeRows(warm, rowList.subList(0, Math.min(rows, 200_000)));
      readRows(warm);
      readGetters(warm);
      Files.deleteIfExists(warm);
      writeParquetJava(warm, groups.subList(0, Math.min(rows, 200_000)));
      Files.deleteIfExists(warm);
    }
    Files.deleteIfExists(warm);

    double writeColumnar = Double.MAX_VALUE;
    double writeRows = Double.MAX_VALUE;
    double writeParquetJava = Double.MAX_VALUE;
    double readColumnar = Double.MAX_VALUE;
    double readRows = Double.MAX_VALUE;
    double readGetters = Double.MAX_VALUE;
    double duckWrite = Double.MAX_VALUE;
    double duckWrite2 = Double.MAX_VALUE;
    double duckScan = Double.MAX_VALUE;
    double duckScan2 = Double.MAX_VALUE;
    Properties p = new Properties();
    p.setProperty("autoinstall_known_extensions", "false");
    p.setProperty("autoload_known_extensions", "false");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:", p); Statement s = c.createStatement()) {
      s.execute("SET threads TO 1");
      s.execute("CREATE TABLE t AS SELECT i AS id, 'customer-' || (i % 10000) AS name, "
          + "CAST((i % 1000000) / 100.0 AS DECIMAL(12,2)) AS amount, "
          + "make_timestamp(CAST(" + EPOCH_SECOND + " + i AS BIGINT) * 1000000 + (i % 1000)) AS created_at, "
          + "i % 3 = 0 AS active, CAST(DATE '1970-01-01' + CAST(" + FIRST_DAY + " + i % 365 AS INTEGER) AS DATE) AS day "
          + "FROM range(" + rows + ") r(i)");
      for (int r = 0; r < repetitions; r++) {
        Files.deleteIfExists(columnar);
        writeColumnar = Math.min(writeColumnar, time("write-columnar", () -> writeColumnar(columnar, batches)));
        Files.deleteIfExists(byRow);
        writeRows = Math.min(writeRows, time("write-rows", () -> writeRows(byRow, rowList)));
        Files.deleteIfExists(parquetJava);
        writeParquetJava = Math.min(writeParquetJava, time("parquet-java", () -> writeParquetJava(parquetJava, groups)));
        Files.deleteIfExists(duck);
        duckWrite = Math.min(duckWrite, time("duck-copy", () -> s.execute("COPY t TO '" + duck
            + "' (FORMAT parquet, COMPRESSION snappy)")));
        Files.deleteIfExists(duck);
        s.execute("SET threads TO 2");
        duckWrite2 = Math.min(duckWrite2, time("duck-copy-2", () -> s.execute("COPY t TO '" + duck
            + "' (FORMAT parquet, COMPRESSION snappy)")));
        s.execute("SET threads TO 1");
        Checksum.duckDb(s, duck).require(expected, "DuckDB's scan of its own two-thread file");
        Files.deleteIfExists(duck);
        time(() -> s.execute("COPY t TO '" + duck + "' (FORMAT parquet, COMPRESSION snappy)"));

        Checksum[] got = new Checksum[1];
        readColumnar = Math.min(readColumnar, time("read-columnar", () -> got[0] = readColumnar(columnar)));
        got[0].require(expected, "our columnar read of our file");
        readRows = Math.min(readRows, time("read-rows", () -> got[0] = readRows(columnar)));
        got[0].require(expected, "our row read of our file");
        readGetters = Math.min(readGetters, time("read-getters", () -> got[0] = readGetters(columnar)));
        got[0].require(expected, "our row read of our file through the typed getters");
        duckScan = Math.min(duckScan, time("duck-scan", () -> got[0] = Checksum.duckDb(s, columnar)));
        got[0].require(expected, "DuckDB's scan of our columnar-written file");
        s.execute("SET threads TO 2");
        duckScan2 = Math.min(duckScan2, time("duck-scan-2", () -> got[0] = Checksum.duckDb(s, columnar)));
        s.execute("SET threads TO 1");
        got[0].require(expected, "DuckDB's two-thread scan of our columnar-written file");
      }
      Checksum.duckDb(s, byRow).require(expected, "DuckDB's scan of our row-written file");
      Checksum.duckDb(s, parquetJava).require(expected, "DuckDB's scan of parquet-java's file");
      readColumnar(parquetJava).require(expected, "our read of parquet-java's file");
      readColumnar(byRow).require(expected, "our read of our row-written file");
      Checksum.duckDb(s, duck).require(expected, "DuckDB's scan of its own file");
      readColumnar(duck).require(expected, "our read of DuckDB's file");
    }

    System.out.printf("rows: %,d  schema: %s  (best of %d runs; DuckDB one thread, our row reader and writer two)%n", rows, SCHEMA, repetitions);
    System.out.printf("ParquetRows write, columnar batches: %6.3f s %,12.0f rows/s  %,d bytes%n",
        writeColumnar, rows / writeColumnar, Files.size(columnar));
    System.out.printf("ParquetRows write, Row objects:      %6.3f s %,12.0f rows/s  %,d bytes%n",
        writeRows, rows / writeRows, Files.size(byRow));
    System.out.printf("parquet-java %s ExampleParquetWriter: %6.3f s %,12.0f rows/s  %,d bytes (prebuilt Groups, one thread)%n",
        PARQUET_JAVA, writeParquetJava, rows / writeParquetJava, Files.size(parquetJava));
    System.out.printf("DuckDB COPY TO parquet (snappy):     %6.3f s %,12.0f rows/s  %,d bytes (from an in-memory table)%n",
        duckWrite, rows / duckWrite, Files.size(duck));
    System.out.printf("DuckDB COPY, two threads:            %6.3f s %,12.0f rows/s%n", duckWrite2, rows / duckWrite2);
    System.out.printf("ParquetRows read, columnar batches:  %6.3f s %,12.0f rows/s  (every value, checksum verified)%n",
        readColumnar, rows / readColumnar);
    System.out.printf("ParquetRows read, Row objects:       %6.3f s %,12.0f rows/s  (every value, checksum verified)%n",
        readRows, rows / readRows);
    System.out.printf("ParquetRows read, typed getters:     %6.3f s %,12.0f rows/s  (every value, checksum verified)%n",
        readGetters, rows / readGetters);
    System.out.printf("DuckDB scan of our file:             %6.3f s %,12.0f rows/s  (aggregates over every column)%n",
        duckScan, rows / duckScan);
    System.out.printf("DuckDB scan, two threads:            %6.3f s %,12.0f rows/s%n", duckScan2, rows / duckScan2);
    result("parquet write, columnar", rows / writeColumnar, "DuckDB COPY", rows / duckWrite, ">= 1.0");
    result("parquet write, columnar", rows / writeColumnar, "parquet-java", rows / writeParquetJava, "");
    result("parquet write, rows (2 threads)", rows / writeRows, "DuckDB COPY", rows / duckWrite, ">= 0.8");
    result("parquet write, rows (2 threads)", rows / writeRows, "parquet-java", rows / writeParquetJava, ">= 1.5");
    result("parquet-java write (1 thread)", rows / writeParquetJava, "DuckDB COPY", rows / duckWrite, "");
    result("parquet write, rows (2 threads)", rows / writeRows, "DuckDB COPY 2 thr", rows / duckWrite2, "");
    result("parquet read every value, columnar", rows / readColumnar, "DuckDB scan", rows / duckScan, ">= 0.3");
    result("parquet read every value, rows (2 thr)", rows / readRows, "DuckDB scan", rows / duckScan, ">= 0.5");
    result("parquet read every value, rows (2 thr)", rows / readRows, "DuckDB scan 2 thr", rows / duckScan2, "");
    result("parquet read, everyday getters (2 thr)", rows / readGetters, "DuckDB scan", rows / duckScan, ">= 0.4");
    System.out.printf("process CPU per row, best run (all threads):%n");
    for (var e : CPU.entrySet()) {
      System.out.printf("  %-15s %7.1f ns%n", e.getKey(), e.getValue() * 1e9 / rows);
    }
    for (Path f : new Path[] {columnar, byRow, duck, parquetJava}) {
      Files.deleteIfExists(f);
    }
    Files.deleteIfExists(dir);
  }

  private static void result(String what, double ours, String anchor, double theirs, String goal) {
    System.out.printf("RESULT|%s|%.0f rows/s|%s|%.0f rows/s|%.2f|%s%n", what, ours, anchor, theirs, ours / theirs, goal);
  }

  private interface Action {
    void run() throws Exception;
  }

  /** Least process CPU time (s) per labelled measure. */
  private static final java.util.Map<String, Double> CPU = new java.util.LinkedHashMap<>();

  private static double time(Action action) throws Exception {
    long t0 = System.nanoTime();
    action.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  private static double time(String label, Action action) throws Exception {
    long c0 = ProcessCpu.nanos();
    double wall = time(action);
    CPU.merge(label, (ProcessCpu.nanos() - c0) / 1e9, Math::min);
    return wall;
  }

  /** The rows as column batches, built before any timing (the columnar counterpart of a prebuilt table). */
  static List<ColumnBatch> batches(int rows) {
    List<ColumnBatch> out = new ArrayList<>();
    ColumnBatch.Appender b = null;
    for (long i = 0; i < rows; i++) {
      if (b == null || b.rowCount() == 4096) {
        b = ColumnBatch.appender(SCHEMA);
        out.add(b.batch());
      }
      b.column(0).appendLong(i);
      b.column(1).appendString(name(i));
      b.column(2).appendLong(amountCents(i));
      b.column(3).appendLong(micros(i));
      b.column(4).appendBoolean(i % 3 == 0);
      b.column(5).appendInt((int) (FIRST_DAY + i % 365));
      b.endRow();
    }
    return out;
  }

  static void writeColumnar(Path file, List<ColumnBatch> batches) {
    writeColumnar(file, batches, WriteOptions.defaults());
  }

  static void writeColumnar(Path file, List<ColumnBatch> batches, WriteOptions options) {
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, options)) {
      for (ColumnBatch b : batches) {
        w.write(b);
      }
    }
  }

  /** The rows as parquet-java's example {@code Group}s, built before any timing (as our {@code Row}s are). */
  static List<Group> groups(int rows) {
    SimpleGroupFactory f = new SimpleGroupFactory(PARQUET_SCHEMA);
    List<Group> out = new ArrayList<>(rows);
    for (long i = 0; i < rows; i++) {
      out.add(f.newGroup().append("id", i).append("name", name(i)).append("amount", amountCents(i))
          .append("created_at", micros(i)).append("active", i % 3 == 0).append("day", (int) (FIRST_DAY + i % 365)));
    }
    return out;
  }

  /** parquet-java's writer over prebuilt {@code Group}s: SNAPPY, our row-group size, its defaults otherwise. */
  static void writeParquetJava(Path file, List<Group> groups) throws java.io.IOException {
    CodecFactory codecs = CodecFactory.createDirectCodecFactory(null, new DirectByteBufferAllocator(),
        ParquetWriter.DEFAULT_PAGE_SIZE);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration())
        .withType(PARQUET_SCHEMA)
        .withCompressionCodec(CompressionCodecName.SNAPPY)
        .withCodecFactory(codecs)
        .withRowGroupSize(WriteOptions.defaults().rowGroupBytes())
        .build()) {
      for (Group g : groups) {
        w.write(g);
      }
    } finally {
      codecs.release();
    }
  }

  static void writeRows(Path file, List<Row> rows) {
    try (RowWriter w = ParquetRows.writer(file, SCHEMA, WriteOptions.defaults())) {
      for (Row r : rows) {
        w.write(r);
      }
    }
  }

  /** Reads every value of every column from the vectors' arrays. */
  static Checksum readColumnar(Path file) {
    try (ColumnBatchReader reader = ParquetRows.readBatches(file)) {
      return sum(reader);
    }
  }

  /** Reads every value of every column of every batch of {@code reader} from the vectors' arrays. */
  static Checksum sum(ColumnBatchReader reader) {
    Sums sums = new Sums();
    for (ColumnBatch b = reader.next(); b != null; b = reader.next()) {
      sums.accept(b);
    }
    return sums.checksum();
  }

  /** The checksum of the batches it is given: every value of every column, from the vectors' arrays. */
  static final class Sums implements java.util.function.Consumer<ColumnBatch> {
    private long rows;
    private long ids;
    private long nameBytes;
    private long cents;
    private long us;
    private long actives;
    private long days;

    @Override
    public void accept(ColumnBatch b) {
      int n = b.rowCount();
      long[] id = b.column(0).longs();
      ColumnVector name = b.column(1);
      int[] nameOffsets = name.offsets();
      byte[] nameData = name.data();
      long[] amount = b.column(2).longs();
      long[] created = b.column(3).longs();
      boolean[] active = b.column(4).booleans();
      int[] day = b.column(5).ints();
      long ids = 0;
      long nameBytes = 0;
      long cents = 0;
      long us = 0;
      long actives = 0;
      long days = 0;
      for (int i = 0; i < n; i++) {
        ids += id[i];
        int length = nameOffsets[i + 1] - nameOffsets[i];
        nameBytes += length > 0 && nameData[nameOffsets[i]] != 0 ? length : 0;
        cents += amount[i];
        us += created[i] - BASE_MICROS;
        actives += active[i] ? 1 : 0;
        days += day[i];
      }
      this.rows += n;
      this.ids += ids;
      this.nameBytes += nameBytes;
      this.cents += cents;
      this.us += us;
      this.actives += actives;
      this.days += days;
    }

    Checksum checksum() {
      return new Checksum(rows, ids, nameBytes, cents, us, actives, days);
    }
  }

  /**
   * Reads every value of every row through {@link Row}'s everyday typed getters ({@code getLong}, {@code getString},
   * {@code getDecimal}, {@code getTimestamp}, {@code getBoolean}, {@code getDate}): no boxing of primitives.
   */
  static Checksum readGetters(Path file) {
    long rows = 0;
    long ids = 0;
    long nameBytes = 0;
    long cents = 0;
    long us = 0;
    long actives = 0;
    long days = 0;
    try (RowReader reader = ParquetRows.read(file)) {
      while (reader.hasNext()) {
        Row r = reader.next();
        ids += r.getLong(0);
        nameBytes += r.getString(1).length();
        cents += r.getDecimal(2).unscaledValue().longValueExact();
        Instant t = r.getTimestamp(3);
        us += t.getEpochSecond() * 1_000_000L + t.getNano() / 1000 - BASE_MICROS;
        actives += r.getBoolean(4) ? 1 : 0;
        days += r.getDate(5).toEpochDay();
        rows++;
      }
    }
    return new Checksum(rows, ids, nameBytes, cents, us, actives, days);
  }

  /** Reads every value of every row through {@link Row} objects. */
  static Checksum readRows(Path file) {
    long rows = 0;
    long ids = 0;
    long nameBytes = 0;
    long cents = 0;
    long us = 0;
    long actives = 0;
    long days = 0;
    try (RowReader reader = ParquetRows.read(file)) {
      while (reader.hasNext()) {
        Row r = reader.next();
        ids += (Long) r.get(0);
        nameBytes += ((String) r.get(1)).length();
        cents += ((BigDecimal) r.get(2)).unscaledValue().longValueExact();
        Instant t = (Instant) r.get(3);
        us += t.getEpochSecond() * 1_000_000L + t.getNano() / 1000 - BASE_MICROS;
        actives += (Boolean) r.get(4) ? 1 : 0;
        days += ((LocalDate) r.get(5)).toEpochDay();
        rows++;
      }
    }
    return new Checksum(rows, ids, nameBytes, cents, us, actives, days);
  }
}
