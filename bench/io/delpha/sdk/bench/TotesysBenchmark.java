package io.delpha.sdk.bench;

import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.TotesysPipeline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * The totesys pipeline on the 48k-row snapshot: an embedded PostgreSQL holds the source and the
 * warehouse, the zones are local folders. Each round starts from an empty lake and warehouse and runs
 * extract, transform and load one by one (wall time and rows/s of each), then a run with no source
 * change. The first round warms the JVM up. Prints figures; asserts nothing.
 *
 * <p>The load's anchor, each round: the same processed rows read from the same Parquet objects and sent
 * with a plain CSV {@code COPY ... FROM STDIN} (pgjdbc's {@code CopyManager}) into tables of the same
 * columns with no index, key or constraint: what moving the rows costs before any warehouse rule. Each
 * anchor table must hold exactly the rows of its warehouse table (count and checksum) or no figure is
 * printed. {@code RESULT} lines for {@code bench/run-all.sh} give the median warm round.
 *
 * <pre>{@code
 * mvn -q test-compile && java -cp target/classes:target/test-classes:$(cat cp.txt) io.delpha.sdk.bench.TotesysBenchmark [rounds] [superuser|plain]
 * }</pre>
 *
 * <p>The warehouse role is the superuser by default; {@code plain} makes it a role that owns the warehouse
 * database and nothing more, so the facts' foreign keys are checked row by row (see {@code Loader}).
 */
public final class TotesysBenchmark {

  private TotesysBenchmark() {}

  /**
   * @param args optional number of rounds (default 3, the first one a warm-up), then the warehouse role:
   *     {@code superuser} (default) or {@code plain}
   * @throws Exception if the benchmark cannot run
   */
  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    boolean plainRole = args.length > 1 && args[1].equals("plain");
    PostgresServer pg = PostgresServer.startNew();
    try {
      DataSource source = pg.createDatabase("totesys");
      long loadStart = System.nanoTime();
      long sourceRows = TotesysFixture.loadSnapshot(source).values().stream().mapToLong(Long::longValue).sum();
      System.out.printf("source: %,d rows loaded with COPY in %d ms; warehouse role: %s%n", sourceRows,
          millis(System.nanoTime() - loadStart), plainRole ? "plain (foreign keys checked row by row)" : "superuser");
      System.out.printf("%-8s %12s %12s %12s %12s %14s %14s %14s %12s %12s%n", "round", "extract ms", "transform ms",
          "load ms", "total ms", "extract r/s", "transform r/s", "load r/s", "no-change ms", "anchor ms");
      List<long[]> warm = new ArrayList<>();
      long warehouseRows = 0;
      for (int round = 1; round <= rounds; round++) {
        Path lake = Files.createTempDirectory("totesys-bench");
        LocalObjectStore processed = LocalObjectStore.at(lake.resolve("processed"));
        DataSource warehouse = plainRole ? plainWarehouse(pg, round) : pg.createDatabase("warehouse");
        TotesysPipeline pipeline = TotesysPipeline.builder().source(source)
            .ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
            .processedZone(processed).warehouse(warehouse).build();
        RunReport extract = check(pipeline.extract());
        RunReport transform = check(pipeline.transform());
        RunReport load = check(pipeline.load());
        RunReport again = check(pipeline.run());
        Duration e = extract.stepDurations().get(RunReport.Step.EXTRACT);
        Duration t = transform.stepDurations().get(RunReport.Step.TRANSFORM);
        Duration l = load.stepDurations().get(RunReport.Step.LOAD);
        long anchor = RawCopyAnchor.copyAndCheck(processed, warehouse);
        System.out.printf("%-8s %12d %12d %12d %12d %,14.0f %,14.0f %,14.0f %12d %12d%n",
            round == 1 ? "warm-up" : String.valueOf(round), e.toMillis(), t.toMillis(), l.toMillis(),
            e.plus(t).plus(l).toMillis(), perSecond(extract.totalRowsExtracted(), e),
            perSecond(transform.totalRowsTransformed(), t), perSecond(load.totalRowsLoaded(), l),
            again.totalDuration().toMillis(), anchor);
        if (round > 1) {
          warm.add(new long[] {l.toMillis(), e.plus(t).plus(l).toMillis(), anchor});
        }
        warehouseRows = load.totalRowsLoaded();
        if (again.objectsWritten() != 0 || again.totalRowsLoaded() != 0) {
          System.out.println("  unexpected: the no-change run wrote " + again.objectsWritten() + " objects");
        }
      }
      System.out.println("rows: extract = source row versions, transform = star-schema rows written,"
          + " load = warehouse rows inserted or changed; anchor = the same rows by raw CSV COPY into unindexed tables");
      if (!warm.isEmpty()) {
        double loadS = median(warm, 0) / 1e3;
        double totalS = median(warm, 1) / 1e3;
        double anchorS = median(warm, 2) / 1e3;
        String role = plainRole ? "plain role, " : "";
        System.out.printf(Locale.ROOT, "RESULT|totesys load, %,d-row snapshot (%,d warehouse rows), %swarm median"
            + "|%.2f s|raw COPY, unindexed|%.2f s|%.2f|%n", sourceRows, warehouseRows, role, loadS, anchorS, anchorS / loadS);
        System.out.printf(Locale.ROOT, "RESULT|totesys full snapshot run (extract+transform+load), %swarm median"
            + "|%.2f s|raw COPY, unindexed|%.2f s|%.2f|%s%n", role, totalS, anchorS, anchorS / totalS,
            plainRole ? "" : "<= 1.5 s");
      }
    } finally {
      pg.close();
    }
  }

  private static RunReport check(RunReport report) {
    if (!report.succeeded()) {
      throw new IllegalStateException(report.toString(), report.error());
    }
    return report;
  }

  private static double perSecond(long rows, Duration d) {
    return rows / Math.max(1e-9, d.toNanos() / 1e9);
  }

  /** A database owned by a role that is not a superuser, as that role. */
  private static DataSource plainWarehouse(PostgresServer pg, int round) throws java.sql.SQLException {
    String role = "totesys_loader";
    String database = "warehouse_plain_" + round;
    try (java.sql.Connection c = pg.dataSource("postgres").getConnection(); java.sql.Statement s = c.createStatement()) {
      if (round == 1) {
        s.execute("CREATE ROLE " + role + " LOGIN NOSUPERUSER");
      }
      s.execute("CREATE DATABASE " + database + " OWNER " + role);
    }
    return pg.dataSource(database, role);
  }

  private static double median(List<long[]> rounds, int column) {
    long[] values = rounds.stream().mapToLong(r -> r[column]).sorted().toArray();
    return values.length % 2 == 1 ? values[values.length / 2]
        : (values[values.length / 2 - 1] + values[values.length / 2]) / 2.0;
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
