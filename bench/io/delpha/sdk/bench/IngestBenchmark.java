package io.delpha.sdk.bench;

import com.datastax.oss.driver.api.core.CqlIdentifier;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.config.DefaultDriverOption;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.cql.AsyncResultSet;
import com.datastax.oss.driver.api.core.cql.BatchStatement;
import com.datastax.oss.driver.api.core.cql.BatchType;
import com.datastax.oss.driver.api.core.cql.BoundStatement;
import com.datastax.oss.driver.api.core.cql.PreparedStatement;
import com.datastax.oss.driver.api.core.cql.Statement;
import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.metadata.TokenMap;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.TokenRangeCount;
import java.io.BufferedWriter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Loads the same 1,000,000-row CSV (bigint, text, decimal, timestamp, boolean) into one Cassandra node
 * with (a) our BatchIngestor, (b) DataStax Bulk Loader with defaults and with 256 concurrent queries,
 * (c) a raw-driver writer of pre-generated rows, one request a row, and (d) the same writer sending rows that
 * share their replicas as unlogged batches under the ingest's limits (10 partitions a batch): the ceiling for
 * our way of writing, without CSV parsing, staging or bookkeeping. Each loader runs in its own JVM under GNU
 * time, which gives its CPU seconds and peak RSS. Prints figures; asserts nothing.
 *
 * <p>Run through {@code bench/ingest-vs-dsbulk.sh}. Modes: {@code all <work> <dsbulkLib> <rows>} (the
 * orchestrator), {@code ours <host> <port> <stagingDir>}, {@code raw <host> <port> <rows>}, {@code rawbatched
 * <host> <port> <rows>}.
 */
public final class IngestBenchmark {

  private static final String KS = "bench";
  private static final int IN_FLIGHT = 1024;
  /** The ingest's limit of partitions in one batch ({@code FileRun}); every row is its own partition here. */
  private static final int BATCH_PARTITIONS = 10;
  private static final List<String> TABLES = List.of("t_ours", "t_dsbulk_default", "t_dsbulk_tuned", "t_raw",
      "t_raw_batched");

  private IngestBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "all" -> all(Path.of(args[1]), Path.of(args[2]), Integer.parseInt(args[3]));
      case "ours" -> ours(args[1], Integer.parseInt(args[2]), Path.of(args[3]));
      case "raw" -> raw(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), false);
      case "rawbatched" -> raw(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]), true);
      default -> throw new IllegalArgumentException("mode all|ours|raw|rawbatched");
    }
  }

  static String name(long i) {
    return i % 10 == 0 ? "customer " + i + ", \"vip\"" : "customer " + i;
  }

  static BigDecimal amount(long i) {
    return BigDecimal.valueOf(i * 7919 % 10_000_000, 2);
  }

  static Instant at(long i) {
    return Instant.ofEpochMilli(1_700_000_000_000L + i * 1_000 + i % 1000);
  }

  /** Rows {@code from..to-1} as CSV with a header: bigint, text (some quoted), decimal, timestamp, boolean. */
  static void writeCsv(Path csv, long from, long to) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      w.write("id,name,amount,placed_at,paid\n");
      for (long i = from; i < to; i++) {
        String n = name(i);
        w.write(i + "," + (n.indexOf(',') >= 0 ? "\"" + n.replace("\"", "\"\"") + "\"" : n) + ","
            + amount(i).toPlainString() + "," + at(i) + "," + (i % 3 == 0) + "\n");
      }
    }
  }

  private record Result(String loader, int rows, double wall, double cpu, long rssKb) {
    double rowsPerSecond() {
      return rows / wall;
    }
  }

  private static void all(Path work, Path dsbulkLib, int rows) throws Exception {
    Files.createDirectories(work);
    Path csv = work.resolve("data.csv");
    long t0 = System.nanoTime();
    writeCsv(csv, 0, rows);
    System.out.printf(Locale.ROOT, "generated %,d rows (%.1f MB) in %.1f s%n", rows, Files.size(csv) / 1e6,
        (System.nanoTime() - t0) / 1e9);
    try (CassandraServer server = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
        CassandraManager cass = CassandraManager.builder().contactPoint(server.host(), server.port())
            .localDatacenter(server.localDatacenter()).build()) {
      cass.execute("CREATE KEYSPACE " + KS + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
      for (String t : TABLES) {
        cass.execute("CREATE TABLE " + KS + "." + t + " (id bigint PRIMARY KEY, name text, amount decimal, "
            + "placed_at timestamp, paid boolean)");
      }
      Path staging = work.resolve("staging");
      io.delpha.sdk.testing.ServerSupport.deleteTree(staging); // a file left by an interrupted earlier run
      try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(LocalObjectStore.at(staging))
          .registry("bench_ingest", "{'class': 'SimpleStrategy', 'replication_factor': 1}").build()) {
        ingestor.registerCustomer("bench", "bench-password", KS,
            IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":1048576}"));
        Path in = Files.createDirectories(work.resolve("client-input"));
        Files.copy(csv, in.resolve("t_ours.csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        ingestor.fetch("bench", "bench-password", in);
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String cp = System.getProperty("java.class.path");
      String host = server.host();
      String port = String.valueOf(server.port());
      List<Result> results = new ArrayList<>();
      results.add(run(work, "dsbulk (defaults)", rows, List.of(java, "-Xmx1g", "-cp", dsbulkLib + "/*",
          "com.datastax.oss.dsbulk.runner.DataStaxBulkLoader", "load", "-url", csv.toString(), "-k", KS, "-t",
          "t_dsbulk_default", "-h", host, "-port", port, "-header", "true", "-logDir", work.resolve("dsbulk-logs").toString())));
      results.add(run(work, "dsbulk (256 queries)", rows, List.of(java, "-Xmx1g", "-cp", dsbulkLib + "/*",
          "com.datastax.oss.dsbulk.runner.DataStaxBulkLoader", "load", "-url", csv.toString(), "-k", KS, "-t",
          "t_dsbulk_tuned", "-h", host, "-port", port, "-header", "true", "--engine.maxConcurrentQueries", "256",
          "-logDir", work.resolve("dsbulk-logs").toString())));
      List<String> oursCommand = new ArrayList<>(List.of(java, "-Xmx1g"));
      if (System.getProperty("bench.jfr") != null) { // a CPU profile of our loader: -Dbench.jfr=<file.jfr>
        oursCommand.add("-XX:StartFlightRecording=settings=profile,filename=" + System.getProperty("bench.jfr"));
      }
      oursCommand.addAll(List.of("-cp", cp, IngestBenchmark.class.getName(), "ours", host, port, staging.toString()));
      results.add(run(work, "BatchIngestor", rows, oursCommand));
      results.add(run(work, "raw driver, by row", rows, List.of(java, "-Xmx1g", "-cp", cp, IngestBenchmark.class.getName(),
          "raw", host, port, String.valueOf(rows))));
      results.add(run(work, "raw driver, batched", rows, List.of(java, "-Xmx1g", "-cp", cp,
          IngestBenchmark.class.getName(), "rawbatched", host, port, String.valueOf(rows))));
      // completeness first: exact counts per table, by token range (a full COUNT(*) of a million rows times out
      // on a busy node); a table short of rows or with extra ones stops the run before any figure is printed
      for (String t : TABLES) {
        long n = TokenRangeCount.exact(cass, KS + "." + t, "id", 64);
        System.out.printf(Locale.ROOT, "rows in %s: %,d (counted over 64 token ranges)%n", t, n);
        if (n != rows) {
          throw new IllegalStateException(t + " holds " + n + " rows, expected " + rows + ": no figure is reported");
        }
      }
      Result byRow = results.get(3);
      Result ceiling = results.get(4);
      Result ourRun = results.get(2);
      System.out.println();
      System.out.printf(Locale.ROOT, "%-22s %10s %8s %10s %10s %8s%n", "loader", "rows/s", "wall s", "CPU s", "us CPU/row", "RSS MB");
      for (Result r : results) {
        System.out.printf(Locale.ROOT, "%-22s %,10.0f %8.1f %10.1f %10.1f %8.0f%n", r.loader(), r.rowsPerSecond(), r.wall(),
            r.cpu(), r.cpu() * 1e6 / r.rows(), r.rssKb() / 1024.0);
      }
      System.out.printf(Locale.ROOT, "%nBatchIngestor / raw batched (ceiling): %.2fx; / raw by row: %.2fx; / dsbulk "
          + "defaults: %.2fx; / dsbulk 256: %.2fx%n", ourRun.rowsPerSecond() / ceiling.rowsPerSecond(),
          ourRun.rowsPerSecond() / byRow.rowsPerSecond(), ourRun.rowsPerSecond() / results.get(0).rowsPerSecond(),
          ourRun.rowsPerSecond() / results.get(1).rowsPerSecond());
      System.out.printf(Locale.ROOT, "RESULT|CSV -> Cassandra %,d rows|%,.0f rows/s|raw driver, batched|%,.0f rows/s|%.2f|>= 0.9%n",
          rows, ourRun.rowsPerSecond(), ceiling.rowsPerSecond(), ourRun.rowsPerSecond() / ceiling.rowsPerSecond());
      System.out.printf(Locale.ROOT, "RESULT|CSV -> Cassandra vs a row-by-row writer|%,.0f rows/s|raw driver, by row|%,.0f rows/s|%.2f|%n",
          ourRun.rowsPerSecond(), byRow.rowsPerSecond(), ourRun.rowsPerSecond() / byRow.rowsPerSecond());
      System.out.printf(Locale.ROOT, "RESULT|CSV -> Cassandra vs dsbulk defaults|%,.0f rows/s|dsbulk|%,.0f rows/s|%.2f|>= 2%n",
          ourRun.rowsPerSecond(), results.get(0).rowsPerSecond(), ourRun.rowsPerSecond() / results.get(0).rowsPerSecond());
      // CPU per row: the ratio is raw/ours so that higher is better; the goal "ours <= 1.25x raw" is ratio >= 0.8
      System.out.printf(Locale.ROOT, "RESULT|loader CPU per row|%.1f us|raw driver, batched|%.1f us|%.2f|>= 0.8%n",
          ourRun.cpu() * 1e6 / rows, ceiling.cpu() * 1e6 / rows, ceiling.cpu() / ourRun.cpu());
    }
  }

  /** Runs one loader under GNU time; wall time includes its JVM start. */
  private static Result run(Path work, String loader, int rows, List<String> command) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-f", "TIME %e %U %S %M"));
    cmd.addAll(command);
    Path log = work.resolve(loader.replaceAll("[^A-Za-z0-9]+", "_") + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    int exit = p.waitFor();
    List<String> lines = Files.readAllLines(log);
    String time = lines.stream().filter(l -> l.startsWith("TIME ")).reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException(loader + " printed no timing; see " + log));
    String[] f = time.split(" ");
    Result r = new Result(loader, rows, Double.parseDouble(f[1]), Double.parseDouble(f[2]) + Double.parseDouble(f[3]),
        Long.parseLong(f[4]));
    System.out.printf(Locale.ROOT, "%s: exit %d, %.1f s, %,.0f rows/s (log: %s)%n", loader, exit, r.wall(),
        r.rowsPerSecond(), log);
    if (exit != 0) {
      throw new IllegalStateException(loader + " did not load every row (exit " + exit + "): no figure is reported; see " + log);
    }
    return r;
  }

  private static void ours(String host, int port, Path staging) {
    try (CassandraManager cass = CassandraManager.builder().contactPoint(host, port).build();
        BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(LocalObjectStore.at(staging))
            .registry("bench_ingest", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
            .maxInFlight(IN_FLIGHT).progressEvery(1_000_000).build()) {
      IngestReport r = ingestor.ingestPending();
      r.files().forEach(f -> System.out.println(f.logLine()));
      if (r.files().isEmpty() || r.files().stream().anyMatch(f -> f.status() != FileIngestion.Status.PROCESSED)) {
        System.exit(2); // a partial run must not be reported as a throughput
      }
    }
  }

  private static void raw(String host, int port, int rows, boolean batched) throws Exception {
    Object[][] data = new Object[rows][];
    for (int i = 0; i < rows; i++) {
      data[i] = new Object[] {(long) i, name(i), amount(i), at(i), i % 3 == 0};
    }
    String table = batched ? "t_raw_batched" : "t_raw";
    // the request timeout CassandraManager sets (12 s) rather than the driver's 2 s, so that a busy node
    // fails neither loader where the other would go on
    try (CqlSession session = CqlSession.builder().addContactPoint(new java.net.InetSocketAddress(host, port))
        .withLocalDatacenter("datacenter1").withConfigLoader(DriverConfigLoader.programmaticBuilder()
            .withDuration(DefaultDriverOption.REQUEST_TIMEOUT, Duration.ofSeconds(12)).build()).build()) {
      PreparedStatement ps = session.prepare("INSERT INTO " + KS + "." + table
          + " (id, name, amount, placed_at, paid) VALUES (?, ?, ?, ?, ?)");
      TokenMap tokens = session.getMetadata().getTokenMap().orElseThrow();
      CqlIdentifier keyspace = CqlIdentifier.fromCql(KS);
      Map<Set<Node>, List<BoundStatement>> open = new HashMap<>();
      Semaphore permits = new Semaphore(IN_FLIGHT);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      long t0 = System.nanoTime();
      for (Object[] row : data) {
        BoundStatement bound = ps.bind(row).setIdempotent(true);
        if (!batched) {
          send(session, bound, permits, failure);
          continue;
        }
        // rows whose partitions share their replicas go together, as the ingest sends them
        Set<Node> replicas = tokens.getReplicas(keyspace, bound.getRoutingKey());
        List<BoundStatement> group = open.computeIfAbsent(replicas, r -> new ArrayList<>(BATCH_PARTITIONS));
        group.add(bound);
        if (group.size() == BATCH_PARTITIONS) {
          open.remove(replicas);
          send(session, BatchStatement.newInstance(BatchType.UNLOGGED, group.toArray(new BoundStatement[0]))
              .setIdempotent(true), permits, failure);
        }
      }
      for (List<BoundStatement> group : open.values()) {
        send(session, BatchStatement.newInstance(BatchType.UNLOGGED, group.toArray(new BoundStatement[0]))
            .setIdempotent(true), permits, failure);
      }
      permits.acquire(IN_FLIGHT);
      if (failure.get() != null) {
        throw new IllegalStateException("raw writer failed", failure.get());
      }
      System.out.printf(Locale.ROOT, "%s: %,d rows in %.2f s (writing only)%n", table, rows,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  private static void send(CqlSession session, Statement<?> statement, Semaphore permits,
      AtomicReference<Throwable> failure) throws InterruptedException {
    permits.acquire();
    CompletionStage<AsyncResultSet> done = session.executeAsync(statement);
    done.whenComplete((rs, e) -> {
      if (e != null) {
        failure.compareAndSet(null, e);
      }
      permits.release();
    });
  }
}
