package io.delpha.sdk.bench;

import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.TokenRangeCount;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * An ingest's rate on a three-node ring, RF 3, with every node up and then with one node killed ({@code kill -9},
 * left down): one {@link BatchIngestor} in this JVM (its default settings, the session's {@code LOCAL_QUORUM}) ingests
 * the same CSV files under fresh table names in each round, timed over one {@code ingestPending()} pass. A warm-up
 * round (one file) comes first. Before any figure, every file must be {@code PROCESSED} in its pass and every table
 * equal its file (exact token-range counts). Prints figures; asserts nothing.
 *
 * <p>Run through {@code bench/run-all.sh nodedown}. Arguments: {@code <work> <files> <rowsPerFile>}.
 */
public final class NodeDownBenchmark {

  private static final String KS = "bench_nodedown";
  private static final String CUSTOMER = "bench-nodedown";
  private static final String PASSWORD = "bench-nodedown-password";
  private static final int VICTIM = 2;

  private NodeDownBenchmark() {}

  /**
   * @param args {@code <work> <files> <rowsPerFile>}
   * @throws Exception on any failure: no figure is printed then
   */
  public static void main(String[] args) throws Exception {
    Path work = Files.createDirectories(Path.of(args[0]));
    int files = Integer.parseInt(args[1]);
    int rows = Integer.parseInt(args[2]);
    try (CassandraRing ring = CassandraRing.startNew(3)) {
      // node 1 the contact point, node 3 the victim: the driver learns it from the ring (CassandraRing.awaitState
      // matches such resolved end points)
      try (CassandraManager cass = CassandraManager.builder().contactPoint(ring.node(0).host(), ring.port())
          .localDatacenter(ring.localDatacenter()).build()) {
        cass.execute("CREATE KEYSPACE " + KS + " WITH replication = {'class': 'NetworkTopologyStrategy', "
            + "'datacenter1': 3}");
        try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
            .staging(LocalObjectStore.at(work.resolve("staging"))).build()) {
          ingestor.registerCustomer(CUSTOMER, PASSWORD, KS, IngestionConstraints.fromJson(
              "{\"formats\":[\".csv\"],\"number_files\":1000,\"data_sizes\":104857600}"));
          round(cass, ingestor, work, "warmup", 1, rows);
          double up = round(cass, ingestor, work, "up", files, rows);
          ring.node(VICTIM).kill();
          ring.awaitState(cass.session(), VICTIM, NodeState.DOWN, Duration.ofSeconds(60));
          double down = round(cass, ingestor, work, "down", files, rows);
          System.out.printf(Locale.ROOT, "load average after: %s%n", Files.readString(Path.of("/proc/loadavg")).trim());
          System.out.printf(Locale.ROOT, "RESULT|ingest, one node of three killed (%d files x %d rows)|%.0f rows/s|"
              + "all three nodes up|%.0f rows/s|%.2f|>= 0.67%n", files, rows, down, up, down / up);
        }
      }
    }
  }

  /** One pass over {@code files} fresh files; the rate in rows a second, after the data is checked. */
  private static double round(CassandraManager cass, BatchIngestor ingestor, Path work, String name, int files,
      int rows) throws IOException {
    Path in = Files.createDirectories(work.resolve("in-" + name));
    for (int f = 0; f < files; f++) {
      String table = "readings_" + name + "_" + f;
      cass.execute("CREATE TABLE " + KS + "." + table + " (id bigint PRIMARY KEY, label text, v double)");
      try (BufferedWriter w = Files.newBufferedWriter(in.resolve(table + ".csv"))) {
        w.write("id,label,v\n");
        for (int i = 0; i < rows; i++) {
          w.write(i + ",r" + i + "," + (i * 0.5) + "\n");
        }
      }
    }
    if (ingestor.fetch(CUSTOMER, PASSWORD, in).accepted().size() != files) {
      throw new IllegalStateException("not every file of round " + name + " was accepted");
    }
    long t0 = System.nanoTime();
    IngestReport report = ingestor.ingestPending();
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (report.files().size() != files
        || report.files().stream().anyMatch(f -> f.status() != FileIngestion.Status.PROCESSED)) {
      throw new IllegalStateException("round " + name + ": not every file PROCESSED in one pass: " + report.files());
    }
    for (int f = 0; f < files; f++) {
      long n = TokenRangeCount.exact(cass, KS + ".readings_" + name + "_" + f, "id", 16);
      if (n != rows) {
        throw new IllegalStateException("round " + name + ", file " + f + ": " + n + " rows, expected " + rows);
      }
    }
    double rate = (double) files * rows / seconds;
    System.out.printf(Locale.ROOT, "round %s: %d files x %d rows in %.2f s, %.0f rows/s (counts exact)%n", name, files,
        rows, seconds, rate);
    return rate;
  }
}
