package io.delpha.bench.hardwood;

import dev.hardwood.Hardwood;
import dev.hardwood.InputFile;
import dev.hardwood.reader.ParquetFileReader;
import dev.hardwood.reader.RowReader;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;

/**
 * hardwood's side of {@code bench/run-all.sh firstfiles} (issue 49): in a fresh JVM, reads the three files
 * {@code FirstFilesBenchmark} reads, one after the other, every value of every row by column name through hardwood's
 * {@link RowReader} getters, exactly as our side reads them through {@code Row} (same columns, same conversions:
 * {@code String}, {@code BigDecimal}, {@code Instant}, {@code LocalDate}). The files share one {@link Hardwood}
 * (its thread pool; hardwood's recommended way to read several files), created inside file 1's figure.
 *
 * <p>Each file's checksum (row count and a sum per column, computed as {@code ParquetBenchmark.Checksum} computes
 * ours) must equal the expected one given on the command line, which our writer printed from the generated values,
 * before that file's figure is printed. Prints {@code FILE|hardwood <version>|<k>|<seconds>} per file for the script.
 * Asserts nothing about time.
 *
 * <pre>{@code
 * java -cp bench/hardwood/target/classes:$(cat cp.txt) io.delpha.bench.hardwood.HardwoodFirstFiles \
 *     <rows,ids,nameBytes,cents,offsetMicros,actives,days> f1.parquet f2.parquet f3.parquet
 * }</pre>
 */
public final class HardwoodFirstFiles {

  /** Subtracted from timestamps before summing, as ParquetBenchmark does, so a million of them fit a long. */
  private static final long BASE_MICROS = 1_700_000_000L * 1_000_000L;

  private HardwoodFirstFiles() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      throw new IllegalArgumentException("usage: HardwoodFirstFiles <expected checksum, 7 comma-separated longs> <file>...");
    }
    long[] expected = Arrays.stream(args[0].split(",")).mapToLong(Long::parseLong).toArray();
    if (expected.length != 7) {
      throw new IllegalArgumentException("the expected checksum has 7 fields, not " + expected.length);
    }
    String reader = "hardwood " + Hardwood.class.getPackage().getImplementationVersion();
    long start = System.nanoTime();
    Hardwood hardwood = Hardwood.create();
    try {
      for (int k = 1; k < args.length; k++) {
        long s = k == 1 ? start : System.nanoTime();
        long cpu = processCpuNanos();
        long[] got = readByName(hardwood, Path.of(args[k]));
        double seconds = (System.nanoTime() - s) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpu) / 1e9;
        if (!Arrays.equals(got, expected)) {
          throw new IllegalStateException(reader + "'s read of file " + k + " is incomplete or wrong: "
              + Arrays.toString(got) + ", expected " + Arrays.toString(expected));
        }
        System.out.printf("%s, file %d: %.3f s, %.2f M rows/s (JVM uptime at its end %d ms)%s%n", reader, k, seconds,
            got[0] / seconds / 1e6, java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime(),
            k == 1 ? " (Hardwood.create() included)" : "");
        System.out.printf("FILE|%s|%d|%.4f%n", reader, k, seconds);
        System.out.printf("FILECPU|%s|%d|%.4f%n", reader, k, cpuSeconds);
      }
    } finally {
      hardwood.close();
    }
  }

  /**
   * The CPU time of the whole process so far (every thread: the reader's, the JIT compilers', the collector's), in
   * nanoseconds: on a shared, loaded machine a steadier measure of a read's work than its wall-clock time.
   */
  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime();
  }

  /** Every value of every row, by column name; the checksum's fields in ParquetBenchmark.Checksum's order. */
  static long[] readByName(Hardwood hardwood, Path file) throws Exception {
    long rows = 0;
    long ids = 0;
    long nameBytes = 0;
    long cents = 0;
    long us = 0;
    long actives = 0;
    long days = 0;
    try (ParquetFileReader reader = hardwood.open(InputFile.of(file)); RowReader r = reader.rowReader()) {
      while (r.hasNext()) {
        r.next();
        ids += r.getLong("id");
        nameBytes += r.getString("name").length();
        BigDecimal amount = r.getDecimal("amount");
        cents += amount.unscaledValue().longValueExact();
        Instant t = r.getTimestamp("created_at");
        us += t.getEpochSecond() * 1_000_000L + t.getNano() / 1000 - BASE_MICROS;
        actives += r.getBoolean("active") ? 1 : 0;
        LocalDate day = r.getDate("day");
        days += day.toEpochDay();
        rows++;
      }
    }
    return new long[] {rows, ids, nameBytes, cents, us, actives, days};
  }
}
