package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.JavaProcess;
import io.delpha.sdk.testing.ServerSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("process")
@DisplayName("BatchIngestor managers as separate processes")
class ManagerProcessTest {

  static final String REGISTRY = "ingest_registry_proc";
  static final String REPLICATION = "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  static CassandraServer server;
  static CassandraManager cass;

  @TempDir Path tmp;
  final List<JavaProcess> children = new ArrayList<>();

  @BeforeAll
  static void connect() {
    server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = IngestFixtures.connect(server);
  }

  @AfterAll
  static void disconnect() {
    cass.close();
  }

  @AfterEach
  void killChildren() {
    children.forEach(JavaProcess::kill);
  }

  private BatchIngestor ingestor(LocalObjectStore staging) {
    return BatchIngestor.builder().cassandra(cass).staging(staging).registry(REGISTRY, REPLICATION)
        .passwordIterations(1_000).build();
  }

  /** A manager process on the shared node. */
  private JavaProcess startManager(Path staging, String worker, int maxInFlight) {
    JavaProcess p = JavaProcess.start(IngestWorkerMain.class, List.of("-Xmx256m"), server.host(),
        String.valueOf(server.port()), server.localDatacenter(), staging.toString(), REGISTRY, worker, "2",
        String.valueOf(maxInFlight));
    children.add(p);
    return p;
  }

  private static void awaitCondition(BooleanSupplier condition) {
    ServerSupport.await("the manager to reach the expected state", Duration.ofSeconds(90), condition);
  }

  @Test
  @DisplayName("a manager killed at several points of a large file is restarted; the table equals the file")
  void killedManagerResumesWithoutGapsOrDuplicates() throws Exception {
    String ks = "ingest_kill";
    IngestFixtures.createOrders(cass, ks);
    Path stagingDir = tmp.resolve("staging");
    LocalObjectStore staging = LocalObjectStore.at(stagingDir);
    int rows = 20_000;
    try (BatchIngestor ingestor = ingestor(staging)) {
      ingestor.registerCustomer("kill-customer", "pw", ks,
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":8192}"));
      IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, rows);
      assertThat(ingestor.fetch("kill-customer", "pw", tmp.resolve("in")).accepted()).hasSize(1);
    }
    for (double point : new double[] {0.15, 0.5, 0.85}) {
      JavaProcess manager = startManager(stagingDir, "killed-" + point, 4);
      manager.awaitLine(l -> {
        if (!l.startsWith("PROGRESS ")) {
          return false;
        }
        String[] p = l.split(" ");
        return Long.parseLong(p[1]) >= point * Long.parseLong(p[2]);
      }, Duration.ofSeconds(90));
      manager.kill();
      assertThat(staging.exists("kill-customer/incoming/orders.csv")).as("killed mid-file at %s", point).isTrue();
    }
    long partial = cass.execute("SELECT count(*) FROM " + ks + ".orders").one().getLong(0);
    assertThat(partial).isBetween(1L, (long) rows);

    startManager(stagingDir, "survivor", 64).awaitLine(l -> l.equals("FILE PROCESSED orders.csv"), Duration.ofSeconds(90));

    IngestFixtures.assertOrders(cass, ks, 0, rows);
    assertThat(staging.exists("kill-customer/processed/orders.csv")).isTrue();
    List<Row> runs = cass.execute("SELECT worker, rows_ingested FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = ?",
        "kill-customer").all();
    assertThat(runs).singleElement().satisfies(r -> {
      assertThat(r.getString("worker")).isEqualTo("survivor");
      assertThat(r.getLong("rows_ingested")).isEqualTo(rows);
    });
  }

  @Test
  @DisplayName("two managers on one staging area ingest every file exactly once")
  void twoManagersIngestEachFileOnce() throws Exception {
    String ks = "ingest_two";
    IngestFixtures.createOrders(cass, ks);
    Path stagingDir = tmp.resolve("staging");
    LocalObjectStore staging = LocalObjectStore.at(stagingDir);
    int files = 12;
    int perFile = 400;
    try (BatchIngestor ingestor = ingestor(staging)) {
      ingestor.registerCustomer("two-customer", "pw", ks,
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":20,\"data_sizes\":4096}"));
      for (int f = 0; f < files; f++) {
        IngestFixtures.writeOrders(tmp.resolve("in/orders_" + f + ".csv"), (long) f * perFile, (long) (f + 1) * perFile);
      }
      assertThat(ingestor.fetch("two-customer", "pw", tmp.resolve("in")).accepted()).hasSize(files);
    }
    // the CSV app maps orders_N.csv to the table orders_n: one table per file, so each file's rows are counted apart
    for (int f = 0; f < files; f++) {
      cass.execute("CREATE TABLE IF NOT EXISTS " + ks + ".orders_" + f + " (id bigint PRIMARY KEY, name text, "
          + "amount decimal, placed_at timestamp, paid boolean)");
    }
    startManager(stagingDir, "manager-a", 16);
    startManager(stagingDir, "manager-b", 16);

    awaitCondition(() -> staging.list("two-customer/processed/").count() == files);

    Map<String, Integer> runsPerFile = new HashMap<>();
    for (Row r : cass.execute("SELECT file_key FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = ?", "two-customer")) {
      runsPerFile.merge(r.getString(0), 1, Integer::sum);
    }
    assertThat(runsPerFile).hasSize(files).allSatisfy((file, runs) -> assertThat(runs).as(file).isEqualTo(1));
    for (int f = 0; f < files; f++) {
      assertThat(cass.execute("SELECT count(*) FROM " + ks + ".orders_" + f).one().getLong(0)).isEqualTo(perFile);
    }
    assertThat(staging.list("two-customer/incoming/").toList()).isEmpty();
  }
}
