package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.datastax.oss.driver.api.core.cql.Row;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.FileIngestion.Status;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.ServerSupport;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@DisplayName("Customers' program apps (sh, awk, single-file Java) run sandboxed against a real Cassandra node")
class ProgramAppTest {

  static final String REGISTRY = "ingest_registry_apps";
  static final String KS_A = "apps_customer_a";
  static final String KS_B = "apps_customer_b";
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
    cass.execute("CREATE TABLE IF NOT EXISTS " + KS_A + ".notes (id int PRIMARY KEY, seen text)");
  }

  @AfterAll
  static void disconnect() {
    cass.close();
  }

  @BeforeEach
  void setUp() {
    staging = LocalObjectStore.at(tmp.resolve("staging"));
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      for (String t : List.of(KS_A + ".orders", KS_B + ".orders", KS_A + ".notes", REGISTRY + ".ingest_metrics",
          REGISTRY + ".ingest_claims", REGISTRY + ".ingest_apps")) {
        cass.execute("TRUNCATE " + t);
      }
      IngestionConstraints c = IngestionConstraints.fromJson(
          "{\"formats\":[\".csv\",\".txt\"],\"number_files\":10,\"data_sizes\":65536}");
      ingestor.registerCustomer("cust-a", "pw-a", KS_A, c);
      ingestor.registerCustomer("cust-b", "pw-b", KS_B, c);
    }
  }

  /** A manager that runs apps however this machine can: the tests that hold on every platform use it. */
  BatchIngestor ingestor(AppLimits limits) {
    return BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        .passwordIterations(1_000).appLimits(limits).allowUnisolatedApps(true).build();
  }

  /** A manager with the default: apps run only where they can be isolated. */
  BatchIngestor isolatingIngestor(AppLimits limits) {
    return BatchIngestor.builder().cassandra(cass).staging(staging)
        .registry(REGISTRY, "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        .passwordIterations(1_000).appLimits(limits).build();
  }

  /**
   * Where namespaces are unavailable (docs/ingest-apps.md, LIMITS_ONLY), a manager with the default settings must not
   * run an app that needs isolation: its file waits in incoming/, the app never ran, the reason is logged.
   *
   * @return whether the app may run here (else the refusal has been checked)
   */
  boolean isolatedOrRefused(BatchIngestor ingestor, String file) {
    if (ingestor.appIsolation() == AppIsolation.NAMESPACES) {
      return true;
    }
    FileIngestion f = only(ingestor.ingestPending(), "cust-a");
    assertThat(f.status()).isEqualTo(Status.INTERRUPTED);
    assertThat(f.error()).contains("cannot isolate ingest apps");
    assertThat(staging.exists("cust-a/incoming/" + file)).isTrue();
    assertThat(notes()).isEmpty();
    return false;
  }

  static Path resource(String name) {
    return Path.of("integration-tests/src/test/resources/ingest-apps", name).toAbsolutePath();
  }

  /** An app of one sh script (with the tests' report function available as report.sh). */
  IngestProgram shApp(String name, String script) throws IOException {
    Path file = Files.writeString(tmp.resolve(name + ".sh"), script);
    return IngestProgram.builder(name).command("sh", "app.sh").file("app.sh", file)
        .file("report.sh", resource("report.sh")).build();
  }

  void stage(BatchIngestor ingestor, String customer, String password, String name, String content) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("in-" + customer + "-" + System.nanoTime()));
    Files.writeString(dir.resolve(name), content);
    assertThat(ingestor.fetch(customer, password, dir).accepted()).hasSize(1);
  }

  static String simpleOrders(int from, int to) {
    StringBuilder sb = new StringBuilder("id,name,amount,placed_at,paid\n");
    for (int i = from; i < to; i++) {
      sb.append(i).append(",name ").append(i).append(" \"q\",").append(IngestFixtures.amount(i).toPlainString())
          .append(',').append(IngestFixtures.placedAt(i)).append(',').append(i % 2 == 0).append('\n');
    }
    return sb.toString();
  }

  /** The orders file of the CSV path's tests (quoted names with commas). */
  String csvOrders(int from, int to) throws IOException {
    return Files.readString(IngestFixtures.writeOrders(tmp.resolve("gen-" + System.nanoTime() + "/orders.csv"), from, to));
  }

  static Map<Long, Row> orders(String ks) {
    Map<Long, Row> rows = new HashMap<>();
    for (Row r : cass.execute("SELECT * FROM " + ks + ".orders")) {
      rows.put(r.getLong("id"), r);
    }
    return rows;
  }

  static Map<Integer, String> notes() {
    Map<Integer, String> out = new HashMap<>();
    for (Row r : cass.execute("SELECT id, seen FROM " + KS_A + ".notes")) {
      out.put(r.getInt("id"), r.getString("seen"));
    }
    return out;
  }

  static FileIngestion only(IngestReport report, String customer) {
    return report.files().stream().filter(f -> f.customer().equals(customer)).findFirst().orElseThrow();
  }

  String text(String key) {
    return new String(staging.getBytes(key), StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("an awk app's rows land with the CSV path's conversions; its bad records, stderr and metrics row are kept")
  void awkAppIngestsExactly() throws IOException {
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      RegisteredApp v1 = ingestor.registerApp("cust-a", IngestProgram.builder("orders-awk")
          .command("awk", "-f", "orders.awk").file(resource("orders.awk")).build());
      assertThat(v1.version()).isEqualTo(1);
      assertThat(ingestor.customers()).filteredOn(c -> c.id().equals("cust-a")).singleElement()
          .satisfies(c -> assertThat(c.app()).isEqualTo("orders-awk"));
      String csv = simpleOrders(0, 500) + "777,short line\n" + "778,bad amount,12.x5,2024-01-01T00:00:00Z,true\n";
      stage(ingestor, "cust-a", "pw-a", "orders.csv", csv);

      FileIngestion f = only(ingestor.ingestPending(), "cust-a");

      assertThat(f.status()).as(f.logLine()).isEqualTo(Status.PROCESSED);
      assertThat(f.rowsIngested()).isEqualTo(500);
      assertThat(f.rowsRejected()).isEqualTo(2);
      Map<Long, Row> rows = orders(KS_A);
      assertThat(rows).hasSize(500);
      for (long i = 0; i < 500; i++) {
        Row r = rows.get(i);
        assertThat(r.getString("name")).isEqualTo("name " + i + " \"q\"");
        assertThat(r.getBigDecimal("amount")).isEqualTo(IngestFixtures.amount(i));
        assertThat(r.getInstant("placed_at")).isEqualTo(IngestFixtures.placedAt(i));
        assertThat(r.getBoolean("paid")).isEqualTo(i % 2 == 0);
      }
      String bad = text("cust-a/processed/orders.csv.bad-records.csv");
      assertThat(bad).startsWith("line,reason,original\r\n")
          .contains("502,\"app: expected 5 fields, found 2\",\"777,short line\"")
          .contains("503,\"column amount (decimal)");
      assertThat(text("cust-a/processed/orders.csv.stderr.txt")).contains("awk app: 502 records read from orders.csv");
      assertThat(staging.exists("cust-a/incoming/orders.csv")).isFalse();
      List<Row> metrics = cass.execute("SELECT status, rows_ingested, rows_rejected FROM " + REGISTRY
          + ".ingest_metrics WHERE customer_id = 'cust-a'").all();
      assertThat(metrics).singleElement().satisfies(r -> {
        assertThat(r.getString("status")).isEqualTo("PROCESSED");
        assertThat(r.getLong("rows_ingested")).isEqualTo(500);
        assertThat(r.getLong("rows_rejected")).isEqualTo(2);
      });
      assertThat(ingestor.apps("cust-a")).singleElement().satisfies(a -> {
        assertThat(a.command()).containsExactly("awk", "-f", "orders.awk");
        assertThat(a.files()).containsExactly("orders.awk");
      });
      assertThat(staging.exists("cust-a/apps/orders-awk/v1/orders.awk")).isTrue();
    }
  }

  @Test
  @DisplayName("a single-file Java app, `java CsvToJson.java` with no flags under the default limits, reads quoted "
      + "CSV; the table equals the file value by value; no group left after the pass")
  void javaSourceAppIngestsExactly() throws IOException {
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      // without a cgroup, memory is the address space and a JVM must state its reservations (docs/ingest-apps.md)
      List<String> command = ingestor.appLimitEnforcement().memory() == AppLimitEnforcement.Mechanism.RLIMIT
          ? List.of("java", "-Xmx64m", "-XX:CompressedClassSpaceSize=64m", "-XX:ReservedCodeCacheSize=32m",
              "-XX:+UseSerialGC", "CsvToJson.java")
          : List.of("java", "CsvToJson.java");
      ingestor.registerApp("cust-a", IngestProgram.builder("csv-java").command(command.toArray(new String[0]))
          .file(resource("CsvToJson.java")).build());
      Path file = IngestFixtures.writeOrders(tmp.resolve("gen/orders.csv"), 0, 3_000);
      stage(ingestor, "cust-a", "pw-a", "orders.csv", Files.readString(file));

      FileIngestion f = only(ingestor.ingestPending(), "cust-a");

      assertThat(f.status()).as(f.logLine()).isEqualTo(Status.PROCESSED);
      assertThat(f.rowsIngested()).isEqualTo(3_000);
      IngestFixtures.assertOrders(cass, KS_A, 0, 3_000);
      assertNoGroupLeft();
    }
  }

  static void assertNoGroupLeft() {
    io.delpha.sdk.ingest.internal.sandbox.AppCgroups groups = io.delpha.sdk.ingest.internal.sandbox.Sandbox.detect().cgroups();
    if (groups != null) {
      // other test classes run apps in this JVM at the same time: their groups come and go; none stays
      io.delpha.sdk.testing.ServerSupport.await("no run's cgroup left", Duration.ofSeconds(120),
          () -> groups.runGroups().isEmpty());
    }
  }

  @Test
  @DisplayName("a JVM app taking memory past its limit is killed by the kernel: FAILED with 'memory limit of 192 MiB "
      + "reached' (not its half-written line); the other customer's file in the same pass is ingested exactly")
  void jvmMemoryHogFailsWithTheLimitAsReason() throws IOException {
    AppLimits limits = AppLimits.defaults().withWallClock(Duration.ofSeconds(120)).withMemoryAndProcesses(192L << 20, 128);
    try (BatchIngestor ingestor = ingestor(limits)) {
      @SuppressWarnings("deprecation")
      AppBounds former = ingestor.appBounds();
      assertThat(former.memory().name()).as("the deprecated form says the same")
          .isEqualTo(ingestor.appLimitEnforcement().memory().name());
      if (ingestor.appLimitEnforcement().memory() == AppLimitEnforcement.Mechanism.RLIMIT) {
        // without a cgroup the hog's JVM cannot even reserve its address space: the documented fallback
        assertThat(ingestor.appLimitEnforcement().cpu()).isNull();
        return;
      }
      ingestor.registerApp("cust-a", IngestProgram.builder("hog").command("java", "Hog.java")
          .file(resource("Hog.java")).build());
      stage(ingestor, "cust-a", "pw-a", "orders.csv", simpleOrders(0, 10));
      stage(ingestor, "cust-b", "pw-b", "orders.csv", csvOrders(0, 400));

      IngestReport report = ingestor.ingestPending();

      FileIngestion a = only(report, "cust-a");
      assertThat(a.status()).isEqualTo(Status.FAILED);
      assertThat(a.error()).contains("memory limit of 192 MiB reached").doesNotContain("not a protocol line");
      assertThat(text("cust-a/failed/orders.csv.error.txt")).contains("memory limit of 192 MiB reached");
      assertThat(text("cust-a/failed/orders.csv.stderr.txt")).contains("hog holds 32 MiB");
      assertThat(orders(KS_A)).isEmpty();
      FileIngestion b = only(report, "cust-b");
      assertThat(b.status()).as(b.logLine()).isEqualTo(Status.PROCESSED);
      IngestFixtures.assertOrders(cass, KS_B, 0, 400);
      assertNoGroupLeft();
    }
  }

  @Test
  @DisplayName("a new version registered while a file is ingested does not change that file's run; the next file uses it")
  void newVersionNeverChangesARunningFile() throws Exception {
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      String script = "sleep %s; cat > /dev/null; . ./report.sh; report 1 \"version %s\"\n";
      // a pause no other process on the machine takes: seeing it run means version 1 was copied and started
      ingestor.registerApp("cust-a", shApp("versioned", script.formatted("3.141", "one")));
      stage(ingestor, "cust-a", "pw-a", "first.txt", "anything\n");
      CompletableFuture<IngestReport> pass = CompletableFuture.supplyAsync(ingestor::ingestPending);
      ServerSupport.await("version 1 of the app running", Duration.ofSeconds(60), () -> ProcessHandle.allProcesses()
          .anyMatch(p -> p.info().commandLine().map(c -> c.contains("sleep 3.141")).orElse(false)));
      RegisteredApp v2 = ingestor.registerApp("cust-a", shApp("versioned", script.formatted(0, "two")));
      assertThat(v2.version()).isEqualTo(2);
      assertThat(pass.get().files()).singleElement().satisfies(f -> assertThat(f.status()).isEqualTo(Status.PROCESSED));
      assertThat(notes()).containsExactly(Map.entry(1, "version one"));

      stage(ingestor, "cust-a", "pw-a", "second.txt", "anything\n");
      assertThat(ingestor.ingestPending().files()).singleElement()
          .satisfies(f -> assertThat(f.status()).isEqualTo(Status.PROCESSED));
      assertThat(notes()).containsExactly(Map.entry(1, "version two"));
      assertThat(ingestor.apps("cust-a")).extracting(RegisteredApp::version).containsExactly(2, 1);
      assertThat(text("cust-a/apps/versioned/v1/app.sh")).contains("version %s".formatted("one"));
    }
  }

  @Test
  @DisplayName("registration refuses unknown customers, built-in names, bad names; removal refuses the app in use")
  void registrationRules() throws IOException {
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      assertThatThrownBy(() -> ingestor.registerApp("nobody-here", shApp("x", "true")))
          .isInstanceOf(io.delpha.sdk.core.NotFoundException.class);
      assertThatThrownBy(() -> ingestor.registerApp("cust-a", shApp("csv", "true")))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("built-in");
      assertThatThrownBy(() -> IngestProgram.builder("../evil").command("sh").build())
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> IngestProgram.builder("ok").command("sh").file("../x", tmp).build())
          .isInstanceOf(InvalidInputException.class);
      ingestor.registerApp("cust-a", shApp("first", "true"));
      ingestor.registerApp("cust-a", shApp("second", "true"));
      assertThatThrownBy(() -> ingestor.removeApp("cust-a", "second")).isInstanceOf(ConflictException.class);
      ingestor.removeApp("cust-a", "first");
      assertThat(ingestor.apps("cust-a")).extracting(RegisteredApp::name).containsExactly("second");
      assertThat(staging.list("cust-a/apps/first/").toList()).isEmpty();
      assertThatThrownBy(() -> ingestor.removeApp("cust-a", "first")).isInstanceOf(io.delpha.sdk.core.NotFoundException.class);
    }
  }

  static Stream<Arguments> brokenApps() {
    return Stream.of(
        Arguments.of("hangs", "cat > /dev/null; sleep 600\n", "wall-clock limit"),
        Arguments.of("floods 1 GiB", "awk 'BEGIN { s = sprintf(\"%1000s\", \"\"); for (i = 0; i < 1073741; i++) print s }'\n",
            "output limit"),
        Arguments.of("crashes", "echo 'about to crash' >&2; kill -SEGV $$\n", "killed by signal 11"),
        Arguments.of("exits non-zero", "echo '{\"table\":\"orders\",\"row\":{\"id\":1,\"name\":\"partial\"}}'; "
            + "echo 'giving up: cannot parse the header' >&2; exit 3\n", "exited with status 3"),
        Arguments.of("writes a malformed line", "echo 'this is not json'\n", "not a protocol line"),
        Arguments.of("writes a line too long", "awk 'BEGIN { for (i = 0; i < 300000; i++) printf \"xxxxxxxx\" }'\n",
            "longer than"));
  }

  @ParameterizedTest(name = "an app that {0} ends in failed/ with the reason; the other customer is served")
  @MethodSource("brokenApps")
  void brokenAppFailsTheFileAlone(String what, String script, String reason) throws IOException {
    AppLimits limits = AppLimits.defaults().withWallClock(Duration.ofSeconds(4)).withOutput(16 << 20, 1_000);
    try (BatchIngestor ingestor = ingestor(limits)) {
      ingestor.registerApp("cust-a", shApp("broken", script));
      stage(ingestor, "cust-a", "pw-a", "orders.csv", simpleOrders(0, 10));
      stage(ingestor, "cust-b", "pw-b", "orders.csv", csvOrders(100, 300));
      long t0 = System.nanoTime();

      IngestReport report = ingestor.ingestPending();

      FileIngestion a = only(report, "cust-a");
      assertThat(a.status()).as(a.logLine()).isEqualTo(Status.FAILED);
      assertThat(a.error()).contains(reason);
      assertThat(staging.exists("cust-a/failed/orders.csv")).isTrue();
      assertThat(text("cust-a/failed/orders.csv.error.txt")).contains(reason);
      if (script.contains(">&2")) {
        String tail = script.contains("crash") ? "about to crash" : "giving up";
        assertThat(text("cust-a/failed/orders.csv.error.txt")).contains(tail);
        assertThat(text("cust-a/failed/orders.csv.stderr.txt")).contains(tail);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("the pass is bounded by the app's limits")
          .isLessThan(Duration.ofSeconds(60));
      FileIngestion b = only(report, "cust-b");
      assertThat(b.status()).isEqualTo(Status.PROCESSED);
      assertThat(orders(KS_B)).hasSize(200).containsOnlyKeys(java.util.stream.LongStream.range(100, 300).boxed().toList());
      assertThat(cass.execute("SELECT count(*) FROM " + REGISTRY + ".ingest_metrics WHERE customer_id = 'cust-a'")
          .one().getLong(0)).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a fork bomb is held to its process limit, killed whole at its wall-clock limit, and leaves nothing running")
  void forkBombIsContained() throws IOException {
    AppLimits limits = AppLimits.defaults().withWallClock(Duration.ofSeconds(5)).withMemoryAndProcesses(256L << 20, 32);
    try (BatchIngestor ingestor = isolatingIngestor(limits)) {
      ingestor.registerApp("cust-a", shApp("bomb", "bomb() { bomb | bomb & }; bomb; sleep 600\n"));
      stage(ingestor, "cust-a", "pw-a", "orders.csv", simpleOrders(0, 10));
      if (!isolatedOrRefused(ingestor, "orders.csv")) {
        return; // without a process limit, a fork bomb must not run at all
      }
      stage(ingestor, "cust-b", "pw-b", "orders.csv", csvOrders(0, 50));

      IngestReport report = ingestor.ingestPending();

      FileIngestion a = only(report, "cust-a");
      assertThat(a.status()).isEqualTo(Status.FAILED);
      // the bomb's shell gives up when it cannot fork (dash exits 2), or the clock ends it: either way, it is held
      assertThat(a.error()).containsAnyOf("wall-clock limit", "exited with status");
      if (staging.exists("cust-a/failed/orders.csv.stderr.txt")) {
        assertThat(text("cust-a/failed/orders.csv.stderr.txt")).containsIgnoringCase("fork");
      } else {
        // held at pids.max without a word on stderr until the clock killed the group (seen on a loaded machine)
        assertThat(a.error()).contains("wall-clock limit");
      }
      assertThat(only(report, "cust-b").status()).isEqualTo(Status.PROCESSED);
      assertThat(orders(KS_B)).hasSize(50);
      io.delpha.sdk.testing.ServerSupport.await("every process of the bomb gone", Duration.ofSeconds(10),
          () -> ProcessHandle.allProcesses().map(p -> p.info().commandLine().orElse(""))
              .noneMatch(c -> c.equals("sh app.sh") || c.contains("delpha-app-")));
    }
  }

  @Test
  @DisplayName("an app cannot read another customer's staging folder, the host's files or write outside its folder")
  void appSeesOnlyItsOwnFolder() throws IOException {
    try (BatchIngestor ingestor = isolatingIngestor(AppLimits.defaults())) {
      Path root = tmp.resolve("staging").toAbsolutePath();
      String script = """
          . ./report.sh
          report 1 "$(cat %1$s/cust-b/*/orders.csv 2>&1 | head -c 300)"
          report 2 "$(ls %1$s 2>&1 | head -c 300)"
          report 3 "$( (echo stolen > %1$s/cust-b/evil.csv) 2>&1; echo done)"
          report 4 "$( (echo x > /usr/evil) 2>&1; id -u)"
          report 5 "$(cat /etc/shadow 2>&1 | head -c 100)"
          report 6 "$(ls /proc | grep -c '^[0-9]') processes visible; in $(pwd): $(ls)"
          cat > /dev/null
          """.formatted(root);
      ingestor.registerApp("cust-a", shApp("snoop", script));
      stage(ingestor, "cust-b", "pw-b", "orders.csv", csvOrders(0, 5));
      stage(ingestor, "cust-a", "pw-a", "orders.txt", "x\n");
      if (!isolatedOrRefused(ingestor, "orders.txt")) {
        return;
      }
      // whichever file the pass takes first, cust-b's is in incoming/ or processed/: the app looks in both
      IngestReport report = ingestor.ingestPending();
      assertThat(only(report, "cust-a").status()).as(only(report, "cust-a").logLine()).isEqualTo(Status.PROCESSED);

      Map<Integer, String> seen = notes();
      assertThat(seen).hasSize(6);
      assertThat(seen.get(1)).contains("No such file").doesNotContain("name 1");
      assertThat(seen.get(2)).contains("No such file").doesNotContain("cust-b");
      assertThat(seen.get(3)).contains("done").containsAnyOf("No such file", "nonexistent", "Read-only");
      assertThat(seen.get(4)).containsAnyOf("Read-only", "Permission denied");
      assertThat(seen.get(5)).containsAnyOf("No such file", "Permission denied").doesNotContain("root:");
      assertThat(seen.get(6)).contains("in /work").contains("app.sh");
      int visible = Integer.parseInt(seen.get(6).substring(0, seen.get(6).indexOf(' ')));
      assertThat(visible).as("processes the app sees: only its own").isLessThan(10);
      assertThat(Files.exists(root.resolve("cust-b/evil.csv"))).isFalse();
      assertThat(Files.exists(Path.of("/usr/evil"))).isFalse();
      assertThat(orders(KS_B)).hasSize(5);
      assertThat(staging.exists("cust-b/processed/orders.csv")).isTrue();
    }
  }

  @Test
  @DisplayName("an app cannot reach the network: neither the manager's Cassandra nor the internet")
  void appHasNoNetwork() throws IOException {
    try (BatchIngestor ingestor = isolatingIngestor(AppLimits.defaults())) {
      ingestor.registerApp("cust-a", IngestProgram.builder("net").command("java", "-Xmx32m", "-XX:CompressedClassSpaceSize=64m",
          "-XX:ReservedCodeCacheSize=32m", "-XX:+UseSerialGC", "Net.java",
          server.host(), String.valueOf(server.port())).file(resource("Net.java")).build());
      stage(ingestor, "cust-a", "pw-a", "orders.txt", "x\n");
      if (!isolatedOrRefused(ingestor, "orders.txt")) {
        return;
      }
      FileIngestion f = only(ingestor.ingestPending(), "cust-a");
      assertThat(f.status()).as(f.logLine()).isEqualTo(Status.PROCESSED);
      Map<Integer, String> seen = notes();
      assertThat(seen).hasSize(3);
      assertThat(seen.values()).allSatisfy(s -> assertThat(s).startsWith("no connection").doesNotContain("CONNECTED"));
    }
  }

  @Test
  @DisplayName("an app's environment holds the protocol's variables and nothing of the host's")
  void appSeesNoHostEnvironment() throws IOException {
    try (BatchIngestor ingestor = ingestor(AppLimits.defaults())) {
      ingestor.registerApp("cust-a", shApp("env", ". ./report.sh; report 1 \"$(env | cut -d= -f1 | sort | tr '\\n' ' ')\""
          + "; report 2 \"$(env | grep -c .)\"; report 3 \"$DELPHA_FILE_NAME $DELPHA_FILE_SIZE $DELPHA_TABLE "
          + "$DELPHA_TABLES $DELPHA_CUSTOMER\"; report 4 \"$(tr '\\0' '\\n' < /proc/$$/environ | cut -d= -f1 | sort "
          + "| tr '\\n' ' ')\"\n"));
      stage(ingestor, "cust-a", "pw-a", "orders.txt", "12345\n");
      FileIngestion f = only(ingestor.ingestPending(), "cust-a");
      assertThat(f.status()).as(f.logLine()).isEqualTo(Status.PROCESSED);
      Map<Integer, String> seen = notes();
      Set<String> names = new TreeSet<>(List.of(seen.get(1).strip().split(" +")));
      assertThat(names).isSubsetOf("DELPHA_PROTOCOL", "DELPHA_CUSTOMER", "DELPHA_FILE_NAME", "DELPHA_FILE_SIZE",
          "DELPHA_TABLE", "DELPHA_TABLES", "DELPHA_APP", "DELPHA_APP_VERSION", "PATH", "HOME", "TMPDIR", "LANG", "PWD",
          "OLDPWD", "SHLVL", "_");
      assertThat(names).contains("DELPHA_FILE_NAME", "DELPHA_TABLE");
      for (Map.Entry<String, String> e : System.getenv().entrySet()) {
        if (e.getValue().length() >= 12 && !e.getKey().equals("PATH") && !e.getKey().equals("HOME")) {
          assertThat(seen.values()).as("host variable %s", e.getKey()).noneMatch(s -> s.contains(e.getValue()));
        }
      }
      assertThat(seen.get(3)).isEqualTo("orders.txt 6 orders notes,orders cust-a");
      // the environment the app was started with (its own /proc/<pid>/environ): exactly the documented variables
      assertThat(new TreeSet<>(List.of(seen.get(4).strip().split(" +")))).containsExactly("DELPHA_APP",
          "DELPHA_APP_VERSION", "DELPHA_CUSTOMER", "DELPHA_FILE_NAME", "DELPHA_FILE_SIZE", "DELPHA_PROTOCOL",
          "DELPHA_TABLE", "DELPHA_TABLES", "HOME", "LANG", "PATH", "TMPDIR");
    }
  }

  @Test
  @DisplayName("the memory limit counts every mapping: 384 MiB touched through a shared anonymous mapping is refused")
  void memoryLimitCountsSharedMappings() throws IOException {
    // the wall clock far beyond the memory limit's reach, so that a loaded machine cannot end the run first
    AppLimits limits = AppLimits.defaults().withWallClock(Duration.ofMinutes(5)).withMemoryAndProcesses(256L << 20, 32);
    try (BatchIngestor ingestor = ingestor(limits)) {
      // the file names the MiB to touch; the row's id is that number
      String touch = "python3 -c 'import mmap, sys\n"
          + "n = int(sys.argv[1]) << 20\n"
          + "m = mmap.mmap(-1, n, flags=mmap.MAP_SHARED | mmap.MAP_ANONYMOUS)\n"
          + "for i in range(0, n, 4096): m[i] = 1\n"
          + "print(\"touched\", n >> 20, \"MiB\")' $n 2>&1 | tail -c 200";
      ingestor.registerApp("cust-a", shApp("mapper", ". ./report.sh\n"
          + "read n\n"
          + "report $n \"$(" + touch + ")\"\n"));
      stage(ingestor, "cust-a", "pw-a", "small.txt", "128\n");
      stage(ingestor, "cust-a", "pw-a", "large.txt", "384\n");

      IngestReport report = ingestor.ingestPending();

      FileIngestion small = report.files().stream().filter(f -> f.fileName().equals("small.txt")).findFirst()
          .orElseThrow();
      FileIngestion large = report.files().stream().filter(f -> f.fileName().equals("large.txt")).findFirst()
          .orElseThrow();
      Map<Integer, String> seen = notes();
      assertThat(small.status()).as(small.logLine()).isEqualTo(Status.PROCESSED);
      assertThat(seen.get(128)).as("under the limit the app runs").contains("touched 128 MiB");
      if (ingestor.appLimitEnforcement().memory() == AppLimitEnforcement.Mechanism.RLIMIT) {
        assertThat(large.status()).as(large.logLine()).isEqualTo(Status.PROCESSED);
        assertThat(seen.get(384)).as("what the app could do past the limit").doesNotContain("touched")
            .containsAnyOf("Cannot allocate memory", "MemoryError", "Killed");
      } else {
        // a cgroup counts the pages touched: the kernel kills the process at the limit, and the file fails for it
        assertThat(large.status()).as(large.logLine()).isEqualTo(Status.FAILED);
        assertThat(large.error()).contains("memory limit of 256 MiB reached");
        assertThat(seen.getOrDefault(384, "")).doesNotContain("touched 384");
      }
    }
  }

  @Test
  @DisplayName("/work and /tmp together hold at most the output limit: 8 files of 3 MiB under 4 MiB are cut")
  void workAndTmpHaveATotalLimit() throws IOException {
    AppLimits limits = AppLimits.defaults().withWallClock(Duration.ofSeconds(60)).withOutput(4L << 20, 1_000);
    try (BatchIngestor ingestor = isolatingIngestor(limits)) {
      ingestor.registerApp("cust-a", shApp("filler", ". ./report.sh\n"
          + "for i in 1 2 3 4; do head -c 3145728 /dev/zero > /work/w$i.bin 2>/dev/null; "
          + "head -c 3145728 /dev/zero > /tmp/t$i.bin 2>/dev/null; done\n"
          + "report 1 \"$(cat /work/w*.bin /tmp/t*.bin | wc -c)\"\n"
          + "report 2 \"$( (head -c 1048576 /dev/zero > /work/more.bin) 2>&1)\"\n"
          + "cat > /dev/null\n"));
      stage(ingestor, "cust-a", "pw-a", "orders.txt", "x\n");
      if (!isolatedOrRefused(ingestor, "orders.txt")) {
        return; // limits only: each file is bounded, their total is not
      }
      FileIngestion f = only(ingestor.ingestPending(), "cust-a");

      assertThat(f.status()).as(f.logLine()).isEqualTo(Status.PROCESSED);
      Map<Integer, String> seen = notes();
      assertThat(Long.parseLong(seen.get(1).strip())).as("bytes the app could keep in /work and /tmp")
          .isGreaterThan(3L << 20).isLessThanOrEqualTo(4L << 20);
      assertThat(seen.get(2)).contains("No space left");
    }
  }

  @Test
  @DisplayName("the app sees no host path: not in its init's command line, nor in its mounts")
  void appSeesNoHostPath() throws IOException {
    try (BatchIngestor ingestor = isolatingIngestor(AppLimits.defaults())) {
      ingestor.registerApp("cust-a", shApp("paths", ". ./report.sh\n"
          + "report 1 \"$(tr '\\0' ' ' < /proc/1/cmdline)\"\n"
          + "report 2 \"$(cat /proc/self/mountinfo)\"\n"
          + "report 3 \"$(tr '\\0' ' ' < /proc/$PPID/cmdline)\"\n"
          + "cat > /dev/null\n"));
      stage(ingestor, "cust-a", "pw-a", "orders.txt", "x\n");
      if (!isolatedOrRefused(ingestor, "orders.txt")) {
        return;
      }
      FileIngestion f = only(ingestor.ingestPending(), "cust-a");

      assertThat(f.status()).as(f.logLine()).isEqualTo(Status.PROCESSED);
      Map<Integer, String> seen = notes();
      assertThat(seen).hasSize(3);
      String tmpdir = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().toString();
      String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
      for (String s : seen.values()) {
        assertThat(s).isNotBlank().doesNotContain("delpha-app-").doesNotContain(tmp.toString())
            .doesNotContain(javaHome).doesNotContain("sandbox.sh").doesNotContain("prlimit")
            .doesNotContain(String.valueOf(AppLimits.defaults().memoryBytes()))
            .doesNotContain("--nproc").doesNotContain("--as=");
        if (!tmpdir.equals("/tmp")) {
          assertThat(s).doesNotContain(tmpdir);
        }
      }
      assertThat(seen.get(2)).contains(" /work ").contains(" /tmp ");
    }
  }
}
