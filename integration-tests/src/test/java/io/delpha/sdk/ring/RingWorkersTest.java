package io.delpha.sdk.ring;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import com.datastax.oss.driver.api.core.metadata.NodeState;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.IngestWorkerMain;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraRing;
import io.delpha.sdk.testing.JavaProcess;
import io.delpha.sdk.testing.ServerSupport;
import io.delpha.sdk.testing.TokenRangeCount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three ingest worker processes ({@link IngestWorkerMain}) on the ring, each connected to its own coordinator
 * (127.0.0.1-3), sharing one staging folder and one registry whose keyspace has the library's default
 * replication (three replicas here). Proven by the data: one {@code PROCESSED} metrics row per file, each file's
 * table holding exactly its rows, nothing left staged or failed.
 */
@Tag("ring")
@DisplayName("three worker processes sharing one staging area on the ring")
class RingWorkersTest {

  static final String REGISTRY = "ring_workers_registry";
  static CassandraRing ring;
  static CassandraManager cass;

  @TempDir Path tmp;
  final List<JavaProcess> workers = new ArrayList<>();

  @BeforeAll
  static void connect() {
    ring = CassandraRing.shared();
    cass = CassandraManager.builder().contactPoint(ring.node(0).host(), ring.port())
        .localDatacenter(ring.localDatacenter()).requestTimeout(Duration.ofSeconds(20)).build();
  }

  @AfterAll
  static void disconnect() {
    cass.close();
  }

  @AfterEach
  void killWorkers() {
    workers.forEach(JavaProcess::kill);
  }

  /** Files {@code readings_0.csv..} for a customer, staged; one table per file ({@code readings_N}), RF 3. */
  private LocalObjectStore stage(Map<String, Integer> filesByCustomer, int rowsPerFile) throws Exception {
    LocalObjectStore staging = LocalObjectStore.at(tmp.resolve("staging"));
    try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(staging).registry(REGISTRY)
        .passwordIterations(1_000).build()) {
      for (Map.Entry<String, Integer> c : filesByCustomer.entrySet()) {
        String ks = keyspace(c.getKey());
        cass.execute("CREATE KEYSPACE IF NOT EXISTS " + ks + " WITH replication = "
            + "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}");
        ingestor.registerCustomer(c.getKey(), "pw-" + c.getKey(), ks,
            IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":20,\"data_sizes\":1048576}"));
        Path in = Files.createDirectories(tmp.resolve("in-" + c.getKey()));
        for (int f = 0; f < c.getValue(); f++) {
          cass.execute("DROP TABLE IF EXISTS " + ks + ".readings_" + f);
          cass.execute("CREATE TABLE " + ks + ".readings_" + f + " (id bigint PRIMARY KEY, label text, v double)");
          RingTest.writeCsv(in.resolve("readings_" + f + ".csv"), f * rowsPerFile, rowsPerFile);
        }
        assertThat(ingestor.fetch(c.getKey(), "pw-" + c.getKey(), in).accepted()).hasSize(c.getValue());
      }
    }
    assertThat(cass.execute("SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?", REGISTRY)
        .one().getMap(0, String.class, String.class)).as("the registry survives a node loss")
        .containsEntry("datacenter1", "3");
    return staging;
  }

  private static String keyspace(String customer) {
    return customer.replace('-', '_');
  }

  /** Worker {@code i} connected to node {@code i} only, the registry with the library's default replication. */
  private JavaProcess startWorker(Path staging, int node, String name) {
    JavaProcess w = JavaProcess.start(IngestWorkerMain.class, List.of("-Xmx256m"), ring.node(node).host(),
        String.valueOf(ring.port()), ring.localDatacenter(), staging.toString(), REGISTRY, name, "10", "32", "cluster");
    workers.add(w);
    return w;
  }

  private static void awaitAllProcessed(LocalObjectStore staging, Map<String, Integer> filesByCustomer) {
    ServerSupport.await("every staged file processed", Duration.ofMinutes(4), () -> filesByCustomer.entrySet().stream()
        .allMatch(c -> staging.list(c.getKey() + "/processed/").count() == c.getValue()));
  }

  /** Every file once in the metrics, every table exactly its file, values checked, nothing left staged. */
  private static void assertEachFileOnce(LocalObjectStore staging, String customer, int files, int rowsPerFile) {
    Map<String, List<Row>> runs = new HashMap<>();
    for (Row r : cass.execute("SELECT file_key, status, rows_ingested, rows_rejected, worker FROM " + REGISTRY
        + ".ingest_metrics WHERE customer_id = ?", customer)) {
      runs.computeIfAbsent(r.getString("file_key"), k -> new ArrayList<>()).add(r);
    }
    assertThat(runs).as("one metrics row per file of %s", customer).hasSize(files)
        .allSatisfy((file, rows) -> assertThat(rows).as(file).singleElement().satisfies(r -> {
          assertThat(r.getString("status")).isEqualTo("PROCESSED");
          assertThat(r.getLong("rows_ingested")).isEqualTo(rowsPerFile);
          assertThat(r.getLong("rows_rejected")).isZero();
        }));
    String ks = keyspace(customer);
    for (int f = 0; f < files; f++) {
      String table = ks + ".readings_" + f;
      assertThat(TokenRangeCount.exact(cass, table, "id", 4)).as("rows in %s", table).isEqualTo(rowsPerFile);
      for (long id : new long[] {(long) f * rowsPerFile, f * rowsPerFile + 1_234L, (f + 1L) * rowsPerFile - 1}) {
        Row r = cass.execute("SELECT label, v FROM " + table + " WHERE id = ?", id).one();
        assertThat(r).as("%s row %d", table, id).isNotNull();
        assertThat(r.getString("label")).isEqualTo("r" + id);
        assertThat(r.getDouble("v")).isEqualTo(id * 0.5);
      }
    }
    assertThat(staging.list(customer + "/incoming/").toList()).as("left staged").isEmpty();
    assertThat(staging.list(customer + "/failed/").toList()).as("failed").isEmpty();
    assertThat(staging.list(customer + "/processed/").filter(k -> k.endsWith(".csv")).count()).isEqualTo(files);
  }

  @Test
  @DisplayName("a worker killed with kill -9 mid-file: the others take its file; every file PROCESSED once, tables exact")
  void workerKilledMidFile() throws Exception {
    Map<String, Integer> files = Map.of("ring-wa", 5, "ring-wb", 5);
    // 8,000 rows (about 150 KB) a file: read in several chunks, so a worker reports progress mid-file
    int rowsPerFile = 8_000;
    LocalObjectStore staging = stage(files, rowsPerFile);
    Path dir = tmp.resolve("staging");
    startWorker(dir, 0, "worker-1");
    JavaProcess victim = startWorker(dir, 1, "worker-2");
    startWorker(dir, 2, "worker-3");

    victim.awaitLine(l -> {
      String[] p = l.split(" ");
      return p[0].equals("PROGRESS") && Long.parseLong(p[1]) > 0 && Long.parseLong(p[1]) < Long.parseLong(p[2]);
    }, Duration.ofMinutes(3));
    victim.kill();
    assertThat(files.keySet().stream().mapToLong(c -> staging.list(c + "/incoming/").count()).sum())
        .as("the killed worker's file, at least, is still staged").isPositive();

    awaitAllProcessed(staging, files);
    files.forEach((customer, n) -> assertEachFileOnce(staging, customer, n, rowsPerFile));
  }

  @Test
  @DisplayName("a Cassandra node killed while three workers ingest: every file PROCESSED once, with the node down")
  void nodeKilledWhileWorkersIngest() throws Exception {
    Map<String, Integer> files = Map.of("ring-wn", 9);
    LocalObjectStore staging = stage(files, 3_000);
    Path dir = tmp.resolve("staging");
    startWorker(dir, 0, "worker-1");
    startWorker(dir, 1, "worker-2");
    startWorker(dir, 2, "worker-3");
    try {
      ServerSupport.await("a first file processed", Duration.ofMinutes(3),
          () -> staging.list("ring-wn/processed/").findAny().isPresent());
      ring.node(2).kill();
      assertThat(staging.list("ring-wn/incoming/").count()).as("files still in flight when the node died").isPositive();
      ring.awaitState(cass.session(), 2, NodeState.DOWN, Duration.ofSeconds(60));

      awaitAllProcessed(staging, files);
      assertThat(ring.node(2).isRunning()).as("ingestion went on with the node down").isFalse();
      assertEachFileOnce(staging, "ring-wn", 9, 3_000);
    } finally {
      ring.node(2).start();
      ring.awaitState(cass.session(), 2, NodeState.UP, Duration.ofSeconds(60));
    }
  }
}
