package io.delpha.sdk.bench;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestProgram;
import io.delpha.sdk.ingest.IngestReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.TokenRangeCount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A customer's program app against the built-in CSV path, on the same 1M-row file and one Cassandra node: the app
 * ({@code java CsvToJson.java}, the tests' single-file Java app, run sandboxed) echoes each CSV record as a JSON line
 * and the manager validates and writes it; the CSV path parses the file in the manager. Each loader runs in its own
 * JVM under GNU time (CPU includes the app's processes, which the sandbox waits for), its own registry keyspace and
 * table; both tables are counted exactly before a figure is printed.
 *
 * <p>Usage: {@code all <work> <rows> <app source>}; {@code one <registry> <host> <port> <staging>} runs one manager
 * pass.
 */
public final class IngestAppBenchmark {

  private static final String KS = "bench_apps";
  private static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  private IngestAppBenchmark() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "all" -> all(Path.of(args[1]), Integer.parseInt(args[2]), Path.of(args[3]));
      case "one" -> one(args[1], args[2], Integer.parseInt(args[3]), Path.of(args[4]));
      default -> throw new IllegalArgumentException("mode all|one");
    }
  }

  private record Result(String loader, int rows, double wall, double cpu, long rssKb) {
    double rowsPerSecond() {
      return rows / wall;
    }
  }

  private static void all(Path work, int rows, Path appSource) throws Exception {
    Files.createDirectories(work);
    Path csv = work.resolve("data.csv");
    IngestBenchmark.writeCsv(csv, 0, rows);
    System.out.printf(Locale.ROOT, "generated %,d rows (%.1f MB)%n", rows, Files.size(csv) / 1e6);
    try (CassandraServer server = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
        CassandraManager cass = CassandraManager.builder().contactPoint(server.host(), server.port())
            .localDatacenter(server.localDatacenter()).build()) {
      cass.execute("CREATE KEYSPACE " + KS + " WITH replication = " + REPLICATION);
      for (String t : List.of("t_csv", "t_app")) {
        cass.execute("CREATE TABLE " + KS + "." + t + " (id bigint PRIMARY KEY, name text, amount decimal, "
            + "placed_at timestamp, paid boolean)");
      }
      Path staging = work.resolve("staging");
      io.delpha.sdk.testing.ServerSupport.deleteTree(staging);
      IngestionConstraints constraints =
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":1048576}");
      for (String loader : List.of("csv", "app")) {
        try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(LocalObjectStore.at(staging))
            .registry("bench_reg_" + loader, REPLICATION).build()) {
          ingestor.registerCustomer("bench-" + loader, "bench-password", KS, constraints);
          if (loader.equals("app")) {
            ingestor.registerApp("bench-app", IngestProgram.builder("csv-to-json")
                .command("java", "-Xmx256m", "-XX:CompressedClassSpaceSize=64m",
                    "-XX:ReservedCodeCacheSize=32m", "-XX:+UseSerialGC", "CsvToJson.java").file(appSource).build());
            System.out.println("app isolation: " + ingestor.appIsolation());
          }
          Path in = Files.createDirectories(work.resolve("client-input-" + loader));
          Files.copy(csv, in.resolve("t_" + loader + ".csv"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          if (ingestor.fetch("bench-" + loader, "bench-password", in).accepted().size() != 1) {
            throw new IllegalStateException("the " + loader + " file was not staged");
          }
        }
      }
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String cp = System.getProperty("java.class.path");
      List<Result> results = new ArrayList<>();
      for (String loader : List.of("csv", "app")) {
        results.add(run(work, loader.equals("csv") ? "BatchIngestor, CSV path" : "BatchIngestor, program app", rows,
            List.of(java, "-Xmx1g", "-cp", cp, IngestAppBenchmark.class.getName(), "one", "bench_reg_" + loader,
                server.host(), String.valueOf(server.port()), staging.toString())));
      }
      for (String t : List.of("t_csv", "t_app")) {
        long n = TokenRangeCount.exact(cass, KS + "." + t, "id", 64);
        System.out.printf(Locale.ROOT, "rows in %s: %,d (counted over 64 token ranges)%n", t, n);
        if (n != rows) {
          throw new IllegalStateException(t + " holds " + n + " rows, expected " + rows + ": no figure is reported");
        }
      }
      System.out.println();
      System.out.printf(Locale.ROOT, "%-28s %10s %8s %10s %10s %8s%n", "loader", "rows/s", "wall s", "CPU s",
          "us CPU/row", "RSS MB");
      for (Result r : results) {
        System.out.printf(Locale.ROOT, "%-28s %,10.0f %8.1f %10.1f %10.1f %8.0f%n", r.loader(), r.rowsPerSecond(),
            r.wall(), r.cpu(), r.cpu() * 1e6 / r.rows(), r.rssKb() / 1024.0);
      }
      Result csvRun = results.get(0);
      Result appRun = results.get(1);
      System.out.printf(Locale.ROOT, "%nprogram app / CSV path: %.2fx throughput, %.2fx CPU per row%n",
          appRun.rowsPerSecond() / csvRun.rowsPerSecond(), appRun.cpu() / csvRun.cpu());
      System.out.printf(Locale.ROOT, "RESULT|app (CSV as JSON lines) %,d rows|%,.0f rows/s|CSV path|%,.0f rows/s|%.2f|>= 0.5%n",
          rows, appRun.rowsPerSecond(), csvRun.rowsPerSecond(), appRun.rowsPerSecond() / csvRun.rowsPerSecond());
    }
  }

  /** Runs one loader under GNU time; wall time includes its JVM start (and the app's). */
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
      throw new IllegalStateException(loader + " did not load every row (exit " + exit + "): no figure; see " + log);
    }
    return r;
  }

  private static void one(String registry, String host, int port, Path staging) {
    try (CassandraManager cass = CassandraManager.builder().contactPoint(host, port).build();
        BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(LocalObjectStore.at(staging))
            .registry(registry, REPLICATION).progressEvery(1_000_000).allowUnisolatedApps(true).build()) {
      IngestReport r = ingestor.ingestPending();
      r.files().forEach(f -> System.out.println(f.logLine()));
      if (r.files().isEmpty() || r.files().stream().anyMatch(f -> f.status() != FileIngestion.Status.PROCESSED)) {
        System.exit(2); // a partial run must not be reported as a throughput
      }
    }
  }
}
