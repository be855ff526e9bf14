package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.internal.sandbox.AppCgroups;
import io.delpha.sdk.ingest.internal.sandbox.Sandbox;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.JavaProcess;
import io.delpha.sdk.testing.ServerSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("process")
@DisplayName("A manager process killed while a customer's program app runs")
class ProgramAppProcessTest {

  static final String REGISTRY = "ingest_registry_app_proc";
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

  private JavaProcess startManager(Path staging, String worker, int maxInFlight) {
    JavaProcess p = JavaProcess.start(IngestWorkerMain.class, List.of("-Xmx256m"), server.host(),
        String.valueOf(server.port()), server.localDatacenter(), staging.toString(), REGISTRY, worker, "2",
        String.valueOf(maxInFlight));
    children.add(p);
    return p;
  }

  /** The manager folders (m<pid>-<start>) of one process under every hierarchy's delpha-ingest parent. */
  private static List<Path> groupsOf(AppCgroups groups, long pid) {
    return groups.managerGroups().stream().filter(d -> d.getFileName().toString().startsWith("m" + pid + "-"))
        .toList();
  }

  private static List<Path> children(Path dir) {
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.list(dir)) {
      return s.filter(java.nio.file.Files::isDirectory).toList();
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static long appProcesses() {
    return ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
        .filter(c -> c.contains("CsvToJson.java") || c.contains("delpha-app-")).count();
  }

  @Test
  @DisplayName("the app dies with its manager; the next manager re-runs it; the table equals the file, one record, one move")
  void killedManagerReRunsTheApp() throws Exception {
    String ks = "ingest_app_kill";
    IngestFixtures.createOrders(cass, ks);
    Path stagingDir = tmp.resolve("staging");
    LocalObjectStore staging = LocalObjectStore.at(stagingDir);
    int rows = 20_000;
    try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, IngestWorkerMain.SINGLE_NODE).passwordIterations(1_000).build()) {
      cass.execute("DELETE FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = 'app-kill'");
      ingestor.registerCustomer("app-kill", "pw", ks,
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":8192}"));
      String[] command = ingestor.appLimitEnforcement().memory() == AppLimitEnforcement.Mechanism.RLIMIT
          ? new String[] {"java", "-Xmx64m", "-XX:CompressedClassSpaceSize=64m", "-XX:ReservedCodeCacheSize=32m",
              "-XX:+UseSerialGC", "CsvToJson.java"}
          : new String[] {"java", "CsvToJson.java"};
      ingestor.registerApp("app-kill", IngestProgram.builder("csv-java").command(command)
          .file(ProgramAppTest.resource("CsvToJson.java")).build());
      IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, rows);
      assertThat(ingestor.fetch("app-kill", "pw", tmp.resolve("in")).accepted()).hasSize(1);
    }

    JavaProcess manager = startManager(stagingDir, "killed", 2);
    AtomicInteger progress = new AtomicInteger();
    // progress comes every 200 rows sent: the 10th line means 2,000 rows are on their way, well before the end
    manager.awaitLine(l -> l.startsWith("PROGRESS ") && progress.incrementAndGet() >= 10, Duration.ofSeconds(120));
    assertThat(appProcesses()).as("the app runs while the manager does").isPositive();
    long killedPid = manager.pid();
    manager.kill();
    ServerSupport.await("the app and its sandbox gone with their manager", Duration.ofSeconds(15),
        () -> appProcesses() == 0);
    AppCgroups groups = Sandbox.detect().cgroups();
    if (groups != null) {
      assertThat(groupsOf(groups, killedPid)).as("the killed manager's cgroups stay until the next manager starts")
          .isNotEmpty();
    }
    assertThat(staging.exists("app-kill/incoming/orders.csv")).isTrue();
    long partial = cass.execute("SELECT count(*) FROM " + ks + ".orders").one().getLong(0);
    assertThat(partial).isBetween(1L, rows - 1L);
    assertThat(cass.execute("SELECT count(*) FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = 'app-kill'")
        .one().getLong(0)).isZero();

    JavaProcess survivor = startManager(stagingDir, "survivor", 64);
    survivor.awaitLine(l -> l.equals("FILE PROCESSED orders.csv"), Duration.ofSeconds(120));
    if (groups != null) {
      assertThat(groupsOf(groups, killedPid)).as("the next manager removed the killed one's cgroups").isEmpty();
      assertThat(groups.managerGroups().stream().flatMap(d -> children(d).stream()).toList())
          .as("the survivor's runs left no group").isEmpty();
    }

    IngestFixtures.assertOrders(cass, ks, 0, rows);
    assertThat(staging.exists("app-kill/processed/orders.csv")).isTrue();
    assertThat(staging.list("app-kill/incoming/").toList()).isEmpty();
    List<Row> runs = cass.execute("SELECT worker, rows_ingested, status FROM " + REGISTRY
        + ".ingest_metrics WHERE customer_id = 'app-kill'").all();
    assertThat(runs).singleElement().satisfies(r -> {
      assertThat(r.getString("worker")).isEqualTo("survivor");
      assertThat(r.getLong("rows_ingested")).isEqualTo(rows);
      assertThat(r.getString("status")).isEqualTo("PROCESSED");
    });
  }
}
