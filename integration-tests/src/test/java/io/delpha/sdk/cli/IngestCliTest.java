package io.delpha.sdk.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.datastax.oss.driver.api.core.CqlSession;
import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.ServerSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed-004 programs as processes: the operator registers a customer and runs {@code ingest serve}, the
 * customer runs {@code fetch}, the rows land in the customer's keyspace of the harness's real Cassandra.
 */
@Tag("process")
class IngestCliTest {

  static CassandraServer server;
  static CassandraManager cass;

  @BeforeAll
  static void start() {
    server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter()).build();
  }

  @AfterAll
  static void stop() {
    cass.close();
  }

  static String[] args(List<String> head, Path staging, String registry) {
    List<String> a = new ArrayList<>(head);
    a.addAll(List.of("--staging", staging.toString(), "--registry-keyspace", registry, "--contact-point",
        server.host() + ":" + server.port(), "--local-dc", server.localDatacenter()));
    return a.toArray(String[]::new);
  }

  @Test
  void customerFetchesIntoServeAndTheRowsLand(@TempDir Path dir) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String registry = "cli_reg_" + suffix;
    String ks = "cli_cust_" + suffix;
    CqlSession s = cass.session();
    s.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    s.execute("CREATE TABLE " + ks + ".orders (id int PRIMARY KEY, customer text, total decimal)");
    Path staging = Files.createDirectories(dir.resolve("staging"));
    String password = "pw-" + UUID.randomUUID();

    CliProcess.Result added = CliProcess.run(Map.of("DELPHA_CUSTOMER_PASSWORD", password), args(List.of("ingest",
        "customers", "add", "customer-1", "--keyspace", ks, "--formats", ".csv", "--number-files", "5",
        "--max-file-kib", "512"), staging, registry));
    assertThat(added.exitCode()).as(added.all()).isZero();
    CliProcess.Result listed = CliProcess.run(Map.of(), args(List.of("ingest", "customers", "list"), staging, registry));
    assertThat(listed.exitCode()).as(listed.all()).isZero();
    assertThat(listed.out()).contains("customer-1", ks, ".csv").doesNotContain(password).doesNotContain("pbkdf2");

    Path input = Files.createDirectories(dir.resolve("client-input-dir"));
    StringBuilder csv = new StringBuilder("id,customer,total\n");
    for (int i = 0; i < 2_000; i++) {
      csv.append(i).append(",\"Client, ").append(i).append("\",").append(i).append(".50\n");
    }
    Files.writeString(input.resolve("orders.csv"), csv);
    Files.writeString(input.resolve("notes.txt"), "not a csv file");

    try (CliProcess serve = CliProcess.start(Map.of(), null, args(List.of("ingest", "serve", "--bind", "127.0.0.1:0",
        "--poll", "1s", "--worker", "cli-manager"), staging, registry))) {
      String endpoint = serve.awaitLine("upload endpoint: (\\S+)", Duration.ofSeconds(60));
      serve.awaitLine("manager cli-manager: watching", Duration.ofSeconds(30));

      String wrong = "wrong-" + UUID.randomUUID();
      CliProcess.Result refused = CliProcess.run(Map.of("DELPHA_PASSWORD", wrong), "fetch", "-u", "customer-1", "-d",
          input.toString(), "--server", endpoint);
      assertThat(refused.exitCode()).as(refused.all()).isEqualTo(Delpha.FAILURE);
      assertThat(refused.err()).contains("error: ").contains("refused the credentials");
      assertThat(refused.out() + refused.err()).doesNotContain(wrong);

      CliProcess.Result fetched = CliProcess.run(Map.of("DELPHA_PASSWORD", password, "DELPHA_PROGRESS_SECONDS", "0"),
          "fetch", "-u", "customer-1", "-d", input.toString(), "--server", endpoint);
      assertThat(fetched.exitCode()).as(fetched.all()).isZero();
      assertThat(fetched.out()).contains("staged   orders.csv").contains("refused  notes.txt")
          .contains("1 staged, 1 refused");
      assertThat(fetched.err()).contains("upload [").contains("100%").contains("upload: done");
      assertThat(fetched.out() + fetched.err()).doesNotContain(password);

      ServerSupport.await("2,000 rows in " + ks + ".orders", Duration.ofSeconds(30),
          () -> s.execute("SELECT COUNT(*) FROM " + ks + ".orders").one().getLong(0) == 2_000);
      ServerSupport.await("the manager's line for orders.csv", Duration.ofSeconds(30),
          () -> serve.err().contains("Ingestion of the file: orders.csv for customer-1"));
      assertThat(s.execute("SELECT customer, total FROM " + ks + ".orders WHERE id = 1999").one().getString(0))
          .isEqualTo("Client, 1999");

      CliProcess.Result status = CliProcess.run(Map.of(), args(List.of("ingest", "status"), staging, registry));
      assertThat(status.exitCode()).as(status.all()).isZero();
      assertThat(status.out()).contains("customer-1 (" + ks + "): 0 waiting").contains("PROCESSED orders.csv")
          .contains("2,000 rows").contains("cli-manager");

      CliProcess.Result stopped = serve.stop();
      // the transcript of the seed-004 flow, kept in the test's output file
      System.out.println("$ delpha ingest serve --staging STAGING --bind 127.0.0.1:0 --poll 1s --worker cli-manager\n"
          + stopped.out() + stopped.err() + "\n$ DELPHA_PASSWORD=... delpha fetch -u customer-1 -d client-input-dir "
          + "--server " + endpoint + "\n" + fetched.err() + fetched.out() + "exit " + fetched.exitCode()
          + "\n\n$ delpha ingest status --staging STAGING\n" + status.out());
      assertThat(stopped.exitCode()).as(stopped.all()).isIn(0, 143);
      assertThat(stopped.out() + stopped.err()).doesNotContain(password);
    }
    assertThat(s.execute("SELECT COUNT(*) FROM " + ks + ".orders").one().getLong(0)).isEqualTo(2_000);
  }

  @Test
  void appsAddListRemoveAndTheManagerRunsTheRegisteredApp(@TempDir Path dir) throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String registry = "cli_reg_" + suffix;
    String ks = "cli_apps_" + suffix;
    CqlSession s = cass.session();
    s.execute("CREATE KEYSPACE " + ks + " WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    s.execute("CREATE TABLE " + ks + ".orders (id bigint PRIMARY KEY, name text, amount decimal, placed_at timestamp, "
        + "paid boolean)");
    Path staging = Files.createDirectories(dir.resolve("staging"));
    CliProcess.Result added = CliProcess.run(Map.of("DELPHA_CUSTOMER_PASSWORD", "pw"), args(List.of("ingest",
        "customers", "add", "customer-1", "--keyspace", ks), staging, registry));
    assertThat(added.exitCode()).as(added.all()).isZero();
    Path awk = Path.of("integration-tests/src/test/resources/ingest-apps/orders.awk").toAbsolutePath();

    List<String> add = new ArrayList<>(List.of("ingest", "apps", "add", "customer-1", "orders-awk", "--file",
        awk.toString()));
    CliProcess.Result v1 = CliProcess.run(Map.of(), withCommand(args(add, staging, registry), "awk", "-f", "orders.awk"));
    assertThat(v1.exitCode()).as(v1.all()).isZero();
    assertThat(v1.out()).contains("registered orders-awk v1 for customer-1: awk -f orders.awk (1 file(s)");
    CliProcess.Result v2 = CliProcess.run(Map.of(), withCommand(args(add, staging, registry), "awk", "-f", "orders.awk"));
    assertThat(v2.out()).as(v2.all()).contains("registered orders-awk v2");
    add.set(4, "spare");
    CliProcess.Result spare = CliProcess.run(Map.of(), withCommand(args(add, staging, registry), "sh", "-c", "true"));
    assertThat(spare.exitCode()).as(spare.all()).isZero();

    CliProcess.Result inUse = CliProcess.run(Map.of(), args(List.of("ingest", "apps", "remove", "customer-1", "spare"),
        staging, registry));
    assertThat(inUse.exitCode()).as(inUse.all()).isEqualTo(Delpha.FAILURE);
    assertThat(inUse.err()).contains("reads its files with app 'spare'");
    CliProcess.Result v3 = CliProcess.run(Map.of(), withCommand(args(List.of("ingest", "apps", "add", "customer-1",
        "orders-awk", "--file", awk.toString()), staging, registry), "awk", "-f", "orders.awk"));
    assertThat(v3.out()).as(v3.all()).contains("registered orders-awk v3");
    CliProcess.Result removed = CliProcess.run(Map.of(), args(List.of("ingest", "apps", "remove", "customer-1", "spare"),
        staging, registry));
    assertThat(removed.exitCode()).as(removed.all()).isZero();
    CliProcess.Result listed = CliProcess.run(Map.of(), args(List.of("ingest", "apps", "list", "customer-1"), staging,
        registry));
    assertThat(listed.exitCode()).as(listed.all()).isZero();
    assertThat(listed.out()).contains("orders-awk").contains("awk -f orders.awk").doesNotContain("spare");
    assertThat(listed.out().lines().filter(l -> l.startsWith("orders-awk")).toList()).hasSize(3)
        .first().asString().contains(" 3 ").contains("yes");

    try (io.delpha.sdk.ingest.BatchIngestor ingestor = io.delpha.sdk.ingest.BatchIngestor.builder().cassandra(cass)
        .staging(io.delpha.sdk.core.storage.LocalObjectStore.at(staging)).registry(registry).build()) {
      Path in = Files.createDirectories(dir.resolve("in"));
      Files.writeString(in.resolve("orders.csv"), "id,name,amount,placed_at,paid\n1,one,1.50,2024-01-01T00:00:00Z,true\n"
          + "2,two,2.50,2024-01-02 10:00:00,false\n");
      assertThat(ingestor.fetch("customer-1", "pw", in).accepted()).hasSize(1);
      assertThat(ingestor.ingestPending().files()).singleElement().satisfies(f ->
          assertThat(f.status()).as(f.logLine()).isEqualTo(io.delpha.sdk.ingest.FileIngestion.Status.PROCESSED));
    }
    assertThat(s.execute("SELECT amount FROM " + ks + ".orders WHERE id = 2").one().getBigDecimal(0))
        .isEqualByComparingTo("2.50");
  }

  /** The arguments, then `--` and the app's command. */
  static String[] withCommand(String[] args, String... command) {
    List<String> a = new ArrayList<>(List.of(args));
    a.add("--");
    a.addAll(List.of(command));
    return a.toArray(String[]::new);
  }

  @Test
  void wrongServeCommandLinesAreRefusedBeforeAnythingStarts(@TempDir Path dir) {
    CliProcess.Result both = CliProcess.run(Map.of(), args(List.of("ingest", "serve", "--no-upload", "--no-manager"),
        dir, "cli_reg_unused"));
    assertThat(both.exitCode()).isEqualTo(Delpha.USAGE);
    CliProcess.Result halfTls = CliProcess.run(Map.of(), args(List.of("ingest", "serve", "--tls-cert", "x.pem"), dir,
        "cli_reg_unused"));
    assertThat(halfTls.exitCode()).isEqualTo(Delpha.USAGE);
    assertThat(halfTls.err()).contains("--tls-cert and --tls-key go together");
    CliProcess.Result noDir = CliProcess.run(Map.of("DELPHA_PASSWORD", "x"), "fetch", "-u", "c", "-d",
        dir.resolve("missing").toString(), "--server", "http://127.0.0.1:1/");
    assertThat(noDir.exitCode()).isEqualTo(Delpha.USAGE);
    CliProcess.Result noServer = CliProcess.run(Map.of("DELPHA_PASSWORD", "x"), "fetch", "-u", "c", "-d", dir.toString(),
        "--server", "http://127.0.0.1:1/");
    assertThat(noServer.exitCode()).as(noServer.all()).isEqualTo(Delpha.FAILURE);
    assertThat(noServer.err()).contains("error: ").doesNotContain("\tat ");
  }
}
