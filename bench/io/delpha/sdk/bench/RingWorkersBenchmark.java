package io.delpha.sdk.bench;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.IngestWorkerMain;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.JavaProcess;
import io.delpha.sdk.testing.ServerSupport;
import io.delpha.sdk.testing.TokenRangeCount;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ingest throughput with 1, 2 and 3 worker processes ({@code IngestWorkerMain}) on a three-node ring on this
 * machine, RF 3: each round stages the same files under fresh table names while its workers (worker {@code i}
 * connected to node {@code i mod 3}) watch the shared staging folder, and is timed from the first file staged
 * to the last one {@code PROCESSED}. Before a round's figure is printed, each table is counted exactly
 * ({@link TokenRangeCount}) and each file has one {@code PROCESSED} metrics row. The CPU time of each Cassandra
 * node, the workers, this JVM and the rest of the machine ({@code /proc/stat}) over the round says what limits
 * it. Prints figures; asserts nothing.
 *
 * <p>Run through {@code bench/run-all.sh ring}. Arguments: {@code <work> <files> <rowsPerFile> [workers,...]}.
 */
public final class RingWorkersBenchmark {

  private static final String KS = "bench_ring";
  private static final String REGISTRY = "bench_ring_registry";
  private static final String CUSTOMER = "bench-ring";
  private static final String PASSWORD = "bench-ring-password";
  private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

  private RingWorkersBenchmark() {}

  /** CPU seconds of each party over a round. */
  private record Cpu(double[] nodes, double workers, double bench, double machineBusy, double machineTotal) {
    double nodesTotal() {
      double t = 0;
      for (double n : nodes) {
        t += n;
      }
      return t;
    }

    double other() {
      return Math.max(0, machineBusy - nodesTotal() - workers - bench);
    }
  }

  private record Round(int workers, long rows, double seconds, Cpu cpu) {
    double rowsPerSecond() {
      return rows / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Path work = Path.of(args[0]);
    int files = Integer.parseInt(args[1]);
    int rowsPerFile = Integer.parseInt(args[2]);
    List<Integer> counts = new ArrayList<>();
    for (String n : (args.length > 3 ? args[3] : "1,2,3").split(",")) {
      counts.add(Integer.parseInt(n.trim()));
    }
    ServerSupport.deleteTree(work);
    Path source = Files.createDirectories(work.resolve("source"));
    for (int f = 0; f < files; f++) {
      IngestBenchmark.writeCsv(source.resolve("f" + f + ".csv"), (long) f * rowsPerFile, (long) (f + 1) * rowsPerFile);
    }
    System.out.printf(Locale.ROOT, "generated %d files x %,d rows (%.1f MB each)%n", files, rowsPerFile,
        Files.size(source.resolve("f0.csv")) / 1e6);

    long ringStart = System.nanoTime();
    try (CassandraRing ring = CassandraRing.startNew(3);
        CassandraManager cass = CassandraManager.builder().contactPoint(ring.node(0).host(), ring.port())
            .localDatacenter(ring.localDatacenter()).requestTimeout(Duration.ofSeconds(30)).build()) {
      System.out.printf(Locale.ROOT, "ring of 3 nodes up in %.1f s%n", (System.nanoTime() - ringStart) / 1e9);
      cass.execute("CREATE KEYSPACE " + KS + " WITH replication = {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
      Path stagingDir = work.resolve("staging");
      LocalObjectStore staging = LocalObjectStore.at(stagingDir);
      try (BatchIngestor registrar = BatchIngestor.builder().cassandra(cass).staging(staging).registry(REGISTRY).build()) {
        registrar.registerCustomer(CUSTOMER, PASSWORD, KS, IngestionConstraints.fromJson(
            "{\"formats\":[\".csv\"],\"number_files\":1000,\"data_sizes\":10485760}"));
        List<Round> rounds = new ArrayList<>();
        for (int workers : counts) {
          rounds.add(round(ring, cass, registrar, staging, stagingDir, source, work, files, rowsPerFile, workers));
        }
        report(rounds, files, rowsPerFile);
      }
    }
  }

  private static Round round(CassandraRing ring, CassandraManager cass, BatchIngestor registrar, LocalObjectStore staging,
      Path stagingDir, Path source, Path work, int files, int rowsPerFile, int workers) throws Exception {
    String prefix = "w" + workers + "_";
    Path in = Files.createDirectories(work.resolve("in-" + workers));
    for (int f = 0; f < files; f++) {
      cass.execute("CREATE TABLE " + KS + "." + prefix + "f" + f + " (id bigint PRIMARY KEY, name text, amount decimal, "
          + "placed_at timestamp, paid boolean)");
      Files.copy(source.resolve("f" + f + ".csv"), in.resolve(prefix + "f" + f + ".csv"));
    }
    List<JavaProcess> procs = new ArrayList<>();
    try {
      for (int w = 0; w < workers; w++) {
        JavaProcess p = JavaProcess.start(IngestWorkerMain.class, List.of("-Xmx512m"), ring.node(w % 3).host(),
            String.valueOf(ring.port()), ring.localDatacenter(), stagingDir.toString(), REGISTRY, "bench-worker-" + w,
            "30", "256", "cluster");
        procs.add(p);
      }
      for (JavaProcess p : procs) {
        p.awaitLine("READY"::equals, Duration.ofMinutes(2));
      }
      double[] nodes0 = nodeCpu(ring);
      double workers0 = cpu(procs);
      double bench0 = cpu(ProcessHandle.current());
      long[] machine0 = machineTicks();
      long t0 = System.nanoTime();
      registrar.fetch(CUSTOMER, PASSWORD, in);
      ServerSupport.await("round of " + workers + " workers: every file processed", Duration.ofMinutes(30),
          () -> processed(staging, prefix) == files);
      double seconds = (System.nanoTime() - t0) / 1e9;
      double[] nodes1 = nodeCpu(ring);
      double workers1 = cpu(procs);
      double bench1 = cpu(ProcessHandle.current());
      long[] machine1 = machineTicks();
      double[] nodes = new double[nodes0.length];
      for (int i = 0; i < nodes.length; i++) {
        nodes[i] = nodes1[i] - nodes0[i];
      }
      Cpu cpu = new Cpu(nodes, workers1 - workers0, bench1 - bench0,
          (double) (machine1[0] - machine0[0]) / TICKS_PER_SECOND, (double) (machine1[1] - machine0[1]) / TICKS_PER_SECOND);

      // completeness first: one PROCESSED metrics row per file, exact counts per table
      Map<String, Integer> runs = new HashMap<>();
      for (Row r : cass.execute("SELECT file_name, status, rows_ingested FROM " + REGISTRY
          + ".ingest_metrics WHERE customer_id = ?", CUSTOMER)) {
        if (r.getString(0).startsWith(prefix)) {
          if (!"PROCESSED".equals(r.getString(1)) || r.getLong(2) != rowsPerFile) {
            throw new IllegalStateException(r.getString(0) + " " + r.getString(1) + " with " + r.getLong(2)
                + " rows: no figure is reported");
          }
          runs.merge(r.getString(0), 1, Integer::sum);
        }
      }
      if (runs.size() != files || runs.values().stream().anyMatch(n -> n != 1)) {
        throw new IllegalStateException("metrics rows per file " + runs + ", expected one for each of " + files
            + " files: no figure is reported");
      }
      for (int f = 0; f < files; f++) {
        String table = KS + "." + prefix + "f" + f;
        long n = TokenRangeCount.exact(cass, table, "id", 16);
        if (n != rowsPerFile) {
          throw new IllegalStateException(table + " holds " + n + " rows, expected " + rowsPerFile
              + ": no figure is reported");
        }
      }
      Round r = new Round(workers, (long) files * rowsPerFile, seconds, cpu);
      System.out.printf(Locale.ROOT, "%d worker(s): %,d rows in %.1f s, %,.0f rows/s; every table counted exactly "
          + "(16 token ranges), one PROCESSED metrics row per file%n", workers, r.rows(), seconds, r.rowsPerSecond());
      return r;
    } finally {
      procs.forEach(JavaProcess::kill);
    }
  }

  private static long processed(LocalObjectStore staging, String prefix) {
    try (var keys = staging.list(CUSTOMER + "/processed/")) {
      return keys.filter(k -> k.substring(k.lastIndexOf('/') + 1).startsWith(prefix) && k.endsWith(".csv")).count();
    }
  }

  private static double[] nodeCpu(CassandraRing ring) {
    double[] out = new double[ring.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = cpu(ProcessHandle.of(ring.node(i).pid()).orElseThrow());
    }
    return out;
  }

  private static double cpu(List<JavaProcess> procs) {
    double t = 0;
    for (JavaProcess p : procs) {
      t += cpu(ProcessHandle.of(p.pid()).orElseThrow(() -> new IllegalStateException(p + " has exited")));
    }
    return t;
  }

  private static double cpu(ProcessHandle p) {
    return p.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for pid " + p.pid()))
        .toNanos() / 1e9;
  }

  /** Busy and total jiffies of the whole machine, from the first line of /proc/stat. */
  private static long[] machineTicks() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i <= 8 && i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void report(List<Round> rounds, int files, int rowsPerFile) {
    Round one = rounds.stream().filter(r -> r.workers() == 1).findFirst().orElse(rounds.get(0));
    System.out.println();
    System.out.printf(Locale.ROOT, "%-8s %10s %7s %6s | %-26s %8s %8s %8s %8s | %s%n", "workers", "rows/s", "wall s",
        "x 1", "CPU s: Cassandra nodes", "sum", "workers", "bench", "other", "machine busy");
    for (Round r : rounds) {
      Cpu c = r.cpu();
      StringBuilder perNode = new StringBuilder();
      for (double n : c.nodes()) {
        perNode.append(String.format(Locale.ROOT, "%6.1f", n));
      }
      System.out.printf(Locale.ROOT, "%-8d %,10.0f %7.1f %6.2f | %-26s %8.1f %8.1f %8.1f %8.1f | %.0f%% of %d cores%n",
          r.workers(), r.rowsPerSecond(), r.seconds(), r.rowsPerSecond() / one.rowsPerSecond(), perNode,
          c.nodesTotal(), c.workers(), c.bench(), c.other(), 100 * c.machineBusy() / c.machineTotal(),
          Runtime.getRuntime().availableProcessors());
    }
    System.out.println();
    for (Round r : rounds) {
      Cpu c = r.cpu();
      System.out.printf(Locale.ROOT, "%d worker(s): Cassandra %.0f%% of the busy CPU, workers %.0f%%, other %.0f%%; "
              + "%.1f us of Cassandra CPU and %.1f us of worker CPU per row%n", r.workers(),
          100 * c.nodesTotal() / c.machineBusy(), 100 * c.workers() / c.machineBusy(), 100 * c.other() / c.machineBusy(),
          c.nodesTotal() * 1e6 / r.rows(), c.workers() * 1e6 / r.rows());
    }
    for (Round r : rounds) {
      if (r == one) {
        System.out.printf(Locale.ROOT, "RESULT|ring RF 3, %d x %,d rows, 1 worker|%,.0f rows/s||||%n", files,
            rowsPerFile, r.rowsPerSecond());
      } else {
        System.out.printf(Locale.ROOT, "RESULT|ring RF 3, %d x %,d rows, %d workers|%,.0f rows/s|1 worker|%,.0f rows/s|%.2f|%n",
            files, rowsPerFile, r.workers(), r.rowsPerSecond(), one.rowsPerSecond(), r.rowsPerSecond() / one.rowsPerSecond());
      }
    }
  }
}
