package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.FileIngestion.Status;
import io.delpha.sdk.ingest.internal.sandbox.AppCgroups;
import io.delpha.sdk.ingest.internal.sandbox.Sandbox;
import io.delpha.sdk.testing.CassandraServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Python and JavaScript apps of examples/ingest-apps, run as written (mvn -Papps test; .ci/run installs them). */
@Tag("apps")
@DisplayName("Customers' Python and JavaScript apps run as written, each run bounded by its own cgroup")
class ExampleAppsTest {

  static final String REGISTRY = "ingest_registry_example_apps";
  static final String KS_A = "example_apps_a";
  static final String KS_B = "example_apps_b";
  static CassandraServer server;
  static CassandraManager cass;

  @TempDir Path tmp;
  LocalObjectStore staging;

  @BeforeAll
  static void connect() {
    server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = IngestFixtures.connect(server);
    IngestFixtures.createOrders(cass, KS_A);
    IngestFixtures.createOrders(cass, KS_B);
  }

  @AfterAll
  static void disconnect() {
    cass.close();
  }

  @BeforeEach
  void setUp() {
    staging = LocalObjectStore.at(tmp.resolve("staging"));
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      for (String t : List.of(KS_A + ".orders", KS_B + ".orders", REGISTRY + ".ingest_metrics",
          REGISTRY + ".ingest_claims", REGISTRY + ".ingest_apps")) {
        cass.execute("TRUNCATE " + t);
      }
      IngestionConstraints c = IngestionConstraints.fromJson(
          "{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":1048576}");
      ingestor.registerCustomer("cust-a", "pw-a", KS_A, c);
      ingestor.registerCustomer("cust-b", "pw-b", KS_B, c);
    }
  }

  /** The sandbox's default: apps run only isolated. */
  BatchIngestor ingestor(AppLimits limits) {
    return BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        .passwordIterations(1_000).appLimits(limits).build();
  }

  /** The runtime where the sandbox sees it (/usr/bin or /usr/local/bin), or a failure naming the package. */
  static void requireRuntime(String program, String debianPackage) {
    if (!Files.isExecutable(Path.of("/usr/bin", program)) && !Files.isExecutable(Path.of("/usr/local/bin", program))) {
      fail(program + " is not installed in /usr/bin or /usr/local/bin (the sandbox sees only those): "
          + "apt-get install -y " + debianPackage);
    }
  }

  void stage(BatchIngestor ingestor, String customer, String password, Path file) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("in-" + customer + "-" + System.nanoTime()));
    Files.copy(file, dir.resolve(file.getFileName()));
    assertThat(ingestor.fetch(customer, password, dir).accepted()).hasSize(1);
  }

  static FileIngestion only(IngestReport report, String customer) {
    return report.files().stream().filter(f -> f.customer().equals(customer)).findFirst().orElseThrow();
  }

  static void assertNoGroupLeft() {
    AppCgroups groups = Sandbox.detect().cgroups();
    if (groups != null) {
      // other test classes run apps in this JVM at the same time: their groups come and go; none stays
      io.delpha.sdk.testing.ServerSupport.await("no run's cgroup left", Duration.ofSeconds(120),
          () -> groups.runGroups().isEmpty());
    }
  }

  @ParameterizedTest(name = "{0} {1}, no flags, default limits: the table equals the file value by value")
  @CsvSource({"python3, orders_app.py, python3", "node, orders_app.js, nodejs"})
  void exampleAppIngestsExactly(String runtime, String app, String debianPackage) throws IOException {
    requireRuntime(runtime, debianPackage);
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      assertThat(ingestor.appIsolation()).isEqualTo(AppIsolation.NAMESPACES);
      ingestor.registerApp("cust-a", IngestProgram.builder("orders-" + runtime).command(runtime, app)
          .file(Path.of("examples/ingest-apps", app)).build());
      Path file = IngestFixtures.writeOrders(tmp.resolve("gen/orders.csv"), 0, 2_000);
      stage(ingestor, "cust-a", "pw-a", file);

      FileIngestion f = only(ingestor.ingestPending(), "cust-a");

      assertThat(f.status()).as(f.logLine()).isEqualTo(Status.PROCESSED);
      assertThat(f.rowsIngested()).isEqualTo(2_000);
      assertThat(f.rowsRejected()).isZero();
      IngestFixtures.assertOrders(cass, KS_A, 0, 2_000);
      assertNoGroupLeft();
    }
  }

  /** The app's source: {@code ~} stands for a line break. */
  @ParameterizedTest(name = "a {0} app taking memory past 192 MiB is FAILED for it; the other customer is served")
  @CsvSource(delimiter = '|', value = {
      "python3|hog.py|python3|import sys~b = []~while True:~    b.append(b'x' * (16 << 20))~"
          + "    print('hog holds', 16 * len(b), 'MiB', file=sys.stderr, flush=True)~",
      "node|hog.js|nodejs|const b = [];~for (;;) {~  b.push(Buffer.alloc(16 << 20, 1));~"
          + "  console.error('hog holds ' + 16 * b.length + ' MiB');~}~"})
  void memoryHogFailsWithTheLimitAsReason(String runtime, String app, String debianPackage, String source)
      throws IOException {
    requireRuntime(runtime, debianPackage);
    AppLimits limits = AppLimits.defaults().withWallClock(Duration.ofSeconds(120)).withMemoryAndProcesses(192L << 20, 128);
    try (BatchIngestor ingestor = ingestor(limits)) {
      Path hog = Files.writeString(tmp.resolve(app), source.replace('~', '\n'), StandardCharsets.UTF_8);
      ingestor.registerApp("cust-a", IngestProgram.builder("hog").command(runtime, app).file(hog).build());
      stage(ingestor, "cust-a", "pw-a", IngestFixtures.writeOrders(tmp.resolve("a/orders.csv"), 0, 10));
      stage(ingestor, "cust-b", "pw-b", IngestFixtures.writeOrders(tmp.resolve("b/orders.csv"), 0, 500));

      IngestReport report = ingestor.ingestPending();

      FileIngestion a = only(report, "cust-a");
      assertThat(a.status()).isEqualTo(Status.FAILED);
      if (ingestor.appLimitEnforcement().memory() == AppLimitEnforcement.Mechanism.RLIMIT) {
        // ulimit -v: the allocation fails inside the runtime (MemoryError, a V8 trap), reported as its exit
        assertThat(a.error()).containsAnyOf("exited with status", "killed by signal");
      } else {
        assertThat(a.error()).contains("memory limit of 192 MiB reached");
        assertThat(new String(staging.getBytes("cust-a/failed/orders.csv.stderr.txt"), StandardCharsets.UTF_8))
            .contains("hog holds 32 MiB");
      }
      FileIngestion b = only(report, "cust-b");
      assertThat(b.status()).as(b.logLine()).isEqualTo(Status.PROCESSED);
      IngestFixtures.assertOrders(cass, KS_B, 0, 500);
      assertNoGroupLeft();
    }
  }
}
