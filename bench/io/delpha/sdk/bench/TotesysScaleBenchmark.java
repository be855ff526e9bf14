package io.delpha.sdk.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import io.delpha.sdk.testing.TotesysGenerator;
import io.delpha.sdk.totesys.RunReport;
import io.delpha.sdk.totesys.TotesysPipeline;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import javax.sql.DataSource;

/**
 * The totesys pipeline as the source grows: for each factor, {@link TotesysGenerator} loads the snapshot
 * that many times over (keys offset per copy, foreign keys remapped) into an embedded PostgreSQL, then
 * three runs go into an empty lake and warehouse: the full run, an incremental run after a fixed number
 * of payments changed in the source (each a new fact version), and a run with no change. For each run:
 * the time of each step, the rows loaded, and the heap: the peak used (sampled every 2 ms, garbage
 * included) and the largest heap left after a collection, starting from the heap after a full
 * collection just before the run (an upper bound of what the run kept alive: a young collection leaves
 * promoted garbage counted), with the collections' count and time. A 1x full run first warms the JVM up. Prints figures; asserts
 * nothing.
 *
 * <pre>{@code
 * mvn -q test-compile && java -Xmx1g -cp target/classes:target/test-classes:$(cat cp.txt) \
 *     io.delpha.sdk.bench.TotesysScaleBenchmark [factors, default 1,10] [changed payments, default 1000] [indexed]
 * }</pre>
 *
 * <p>The seed schema has no index on {@code last_updated}, so every extract scans each source table: its
 * time grows with the source, whatever changed. {@code indexed} adds one per table after generating (a
 * deployment choice for the source, not part of its schema) to show the extract tracking changes too.
 *
 * <p>With {@code RESULT} lines for {@code bench/run-all.sh}: the incremental run's time and live heap at
 * the largest factor against the smallest.
 */
public final class TotesysScaleBenchmark {

  private TotesysScaleBenchmark() {}

  /**
   * @param args factors (comma-separated, default {@code 1,10}), changed payments (default 1000), and
   *     {@code indexed} to index the source tables on {@code last_updated}
   * @throws Exception if the benchmark cannot run
   */
  public static void main(String[] args) throws Exception {
    List<Integer> factors = Stream.of((args.length > 0 ? args[0] : "1,10").split(",")).map(String::trim)
        .map(Integer::parseInt).toList();
    int changed = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
    boolean indexed = args.length > 2 && args[2].equals("indexed");
    HeapMeter heap = new HeapMeter();
    PostgresServer pg = PostgresServer.startNew();
    List<Line> incremental = new ArrayList<>();
    try {
      System.out.printf("JVM max heap %,d MB; %d payments changed before each incremental run%n",
          Runtime.getRuntime().maxMemory() >> 20, changed);
      System.out.println(indexed ? "source tables indexed on last_updated (not in the seed schema)"
          : "source tables as the seed schema has them: no index on last_updated, so each extract scans them");
      Scale warmUp = new Scale(pg, 1, indexed);
      warmUp.full(heap);
      warmUp.drop();
      System.out.printf("%-6s %-12s %12s %10s %10s %10s %10s %12s %11s %12s %10s%n", "factor", "run", "source rows",
          "extract", "transform", "load", "total", "rows loaded", "peak heap", "after GC", "GCs");
      for (int factor : factors) {
        Scale scale = new Scale(pg, factor, indexed);
        print(factor, "full", scale.sourceRows, scale.full(heap));
        scale.changePayments(changed);
        Line line = scale.measure(heap, () -> List.of(scale.pipeline.run()));
        incremental.add(line);
        print(factor, "+" + changed + " changed", scale.sourceRows, line);
        print(factor, "no change", scale.sourceRows, scale.measure(heap, () -> List.of(scale.pipeline.run())));
        scale.drop();
      }
      System.out.println("times in ms; heap in MB: peak used (sampled, garbage included) and the largest heap left"
          + " after a collection during the run (what the run kept alive, at most)");
      if (incremental.size() > 1) {
        Line first = incremental.get(0);
        Line last = incremental.get(incremental.size() - 1);
        int small = factors.get(0);
        int large = factors.get(factors.size() - 1);
        System.out.printf("RESULT|totesys incremental run, %d changed rows, source x%d|%.2f s|same at x%d|%.2f s|%.2f|%n",
            changed, large, last.totalMillis() / 1e3, small, first.totalMillis() / 1e3,
            first.totalMillis() / (double) Math.max(1, last.totalMillis()));
        System.out.printf("RESULT|totesys incremental run heap after GC, source x%d|%d MB|same at x%d|%d MB|%.2f|%n",
            large, last.afterGcMb, small, first.afterGcMb, first.afterGcMb / (double) Math.max(1, last.afterGcMb));
      }
    } finally {
      pg.close();
    }
  }

  private static void print(int factor, String run, long sourceRows, Line l) {
    System.out.printf("%-6s %-12s %,12d %10d %10d %10d %10d %,12d %8d MB %9d MB %4d/%4dms%n", "x" + factor, run, sourceRows,
        l.extract, l.transform, l.load, l.totalMillis(), l.rowsLoaded, l.peakMb, l.afterGcMb, l.gcCount, l.gcMillis);
  }

  /** One run's figures. */
  record Line(long extract, long transform, long load, long rowsLoaded, long peakMb, long afterGcMb, long gcCount,
      long gcMillis) {
    long totalMillis() {
      return extract + transform + load;
    }
  }

  /** A source of one factor, its lake and warehouse. */
  private static final class Scale {
    final PostgresServer pg;
    final String sourceName;
    final String warehouseName;
    final DataSource source;
    final Path lake;
    final TotesysPipeline pipeline;
    final long sourceRows;

    Scale(PostgresServer pg, int factor, boolean indexed) throws Exception {
      this.pg = pg;
      sourceName = "totesys_x" + factor + "_" + System.nanoTime() % 100_000;
      warehouseName = "warehouse_x" + factor + "_" + System.nanoTime() % 100_000;
      source = pg.createDatabaseNamed(sourceName);
      long start = System.nanoTime();
      sourceRows = TotesysGenerator.loadScaledSnapshot(source, factor).values().stream().mapToLong(Long::longValue).sum();
      try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
        if (indexed) {
          for (String table : TotesysFixture.TABLES) {
            s.execute("CREATE INDEX ON public.\"" + table + "\" (last_updated)");
          }
        }
        s.execute("VACUUM ANALYZE");
      }
      System.out.printf("x%d: %,d source rows generated and loaded with COPY in %,d ms%n", factor, sourceRows,
          (System.nanoTime() - start) / 1_000_000);
      lake = Files.createTempDirectory("totesys-scale");
      pipeline = TotesysPipeline.builder().source(source)
          .ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
          .processedZone(LocalObjectStore.at(lake.resolve("processed")))
          .warehouse(pg.createDatabaseNamed(warehouseName)).build();
    }

    /** The full run, one step at a time so each gets its own time. */
    Line full(HeapMeter heap) {
      return measure(heap, () -> List.of(pipeline.extract(), pipeline.transform(), pipeline.load()));
    }

    Line measure(HeapMeter heap, Supplier<List<RunReport>> run) {
      heap.start();
      List<RunReport> reports = run.get();
      HeapMeter.Reading h = heap.stop();
      reports.forEach(TotesysScaleBenchmark::check);
      return new Line(millis(reports, RunReport.Step.EXTRACT), millis(reports, RunReport.Step.TRANSFORM),
          millis(reports, RunReport.Step.LOAD), reports.stream().mapToLong(RunReport::totalRowsLoaded).sum(),
          h.peakUsed() >> 20, h.maxAfterGc() >> 20, h.collections(), h.collectionMillis());
    }

    /** Flips {@code paid} of {@code n} payments spread over every copy, each with a new last_updated. */
    void changePayments(int n) throws Exception {
      try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
        s.executeUpdate("UPDATE payment SET paid = NOT paid, last_updated = (SELECT max(last_updated) FROM payment)"
            + " + interval '1 minute' WHERE payment_id IN (SELECT payment_id FROM payment ORDER BY md5(payment_id::text)"
            + " LIMIT " + n + ")");
      }
    }

    void drop() throws Exception {
      try (Connection c = pg.dataSource("postgres").getConnection(); Statement s = c.createStatement()) {
        s.execute("DROP DATABASE " + sourceName + " WITH (FORCE)");
        s.execute("DROP DATABASE " + warehouseName + " WITH (FORCE)");
      }
      try (Stream<Path> files = Files.walk(lake)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static long millis(List<RunReport> reports, RunReport.Step step) {
    return reports.stream().map(r -> r.stepDurations().get(step)).filter(d -> d != null).mapToLong(Duration::toMillis).sum();
  }

  private static RunReport check(RunReport report) {
    if (!report.succeeded()) {
      throw new IllegalStateException(report.toString(), report.error());
    }
    return report;
  }

  /**
   * Heap during a run: a sampler thread for the peak used, and the collectors' notifications for the heap
   * left after each collection.
   */
  static final class HeapMeter {
    record Reading(long peakUsed, long maxAfterGc, long collections, long collectionMillis) {}

    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong afterGc = new AtomicLong();
    private volatile boolean sampling;
    private Thread sampler;
    private long collectionsBefore;
    private long millisBefore;

    HeapMeter() {
      NotificationListener listener = (notification, handback) -> {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          return;
        }
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream().mapToLong(MemoryUsage::getUsed).sum()
            - nonHeapAfterGc(info);
        afterGc.accumulateAndGet(used, Math::max);
      };
      for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
        ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
      }
    }

    private static long nonHeapAfterGc(GarbageCollectionNotificationInfo info) {
      long nonHeap = 0;
      for (var pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == java.lang.management.MemoryType.NON_HEAP) {
          MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
          nonHeap += u == null ? 0 : u.getUsed();
        }
      }
      return nonHeap;
    }

    void start() {
      System.gc();
      long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      peak.set(live);
      afterGc.set(live);
      collectionsBefore = collections();
      millisBefore = collectionMillis();
      sampling = true;
      sampler = new Thread(() -> {
        while (sampling) {
          peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heap-sampler");
      sampler.setDaemon(true);
      sampler.start();
    }

    Reading stop() {
      sampling = false;
      try {
        sampler.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
      return new Reading(peak.get(), afterGc.get(), collections() - collectionsBefore, collectionMillis() - millisBefore);
    }

    private static long collections() {
      return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionCount).sum();
    }

    private static long collectionMillis() {
      return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }
  }
}
