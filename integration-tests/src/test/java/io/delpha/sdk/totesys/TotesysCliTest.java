package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delpha.sdk.cli.CliProcess;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.ServerSupport;
import io.delpha.sdk.testing.TotesysFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeds 002/003 as an operator runs them: {@code delpha totesys run|report|schedule} as processes, the databases
 * named by JSON secrets, against the harness's real PostgreSQL; the warehouse is checked against the oracle.
 */
@Tag("process")
class TotesysCliTest {

  static final String PASSWORD = "s3cr3t-pw";
  static DataSource seed;
  static String seedName;

  @BeforeAll
  static void loadSeed() throws Exception {
    seed = PostgresServer.shared().createDatabase("totesys_cli");
    TotesysFixture.loadSeed(seed);
    TotesysOracle.recordVersions(seed);
    seedName = TotesysOracle.query(seed, "SELECT current_database()").get(0).get(0);
  }

  static String secret(String database, String user) {
    return "{\"host\": \"127.0.0.1\", \"port\": " + PostgresServer.shared().port() + ", \"database\": \"" + database
        + "\", \"user\": \"" + user + "\", \"password\": \"" + PASSWORD + "\"}";
  }

  static String[] totesys(String command, Path dir, String sourceSecret, String... more) {
    List<String> a = new ArrayList<>(List.of("totesys", command, "--secrets", "file:" + dir.resolve("secrets.json"),
        "--source-secret", sourceSecret, "--warehouse-secret", "warehouse-db", "--ingestion-zone",
        dir.resolve("ingestion").toString(), "--processed-zone", dir.resolve("processed").toString()));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  @Test
  void runReRunAndReportAgainstRealDatabases(@TempDir Path dir) throws Exception {
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_cli_dw");
    String warehouseName = TotesysOracle.query(warehouse, "SELECT current_database()").get(0).get(0);
    Files.writeString(dir.resolve("secrets.json"), "{\"totesys-db\": " + secret(seedName, "postgres")
        + ", \"warehouse-db\": " + secret(warehouseName, "postgres") + "}");

    CliProcess.Result never = CliProcess.run(Map.of(), totesys("report", dir, "totesys-db"));
    assertThat(never.exitCode()).as(never.all()).isZero();
    assertThat(never.out()).contains("never extracted");

    CliProcess.Result first = CliProcess.run(Map.of("DELPHA_PROGRESS_SECONDS", "0"),
        totesys("run", dir, "totesys-db", "--json"));
    assertThat(first.exitCode()).as(first.all()).isZero();
    JsonNode report = new ObjectMapper().readTree(first.out());
    assertThat(report.get("succeeded").asBoolean()).isTrue();
    long loaded = 0;
    for (JsonNode n : report.get("rowsLoaded")) {
      loaded += n.asLong();
    }
    assertThat(loaded).isPositive();
    TotesysOracle.assertWarehouseMatches(seed, warehouse);

    CliProcess.Result again = CliProcess.run(Map.of(), totesys("run", dir, "totesys-db"));
    assertThat(again.exitCode()).as(again.all()).isZero();
    assertThat(again.out()).contains("SUCCEEDED").doesNotContain("loaded (rows inserted or changed)");
    TotesysOracle.assertWarehouseMatches(seed, warehouse);

    CliProcess.Result marks = CliProcess.run(Map.of(), totesys("report", dir, "totesys-db"));
    assertThat(marks.exitCode()).as(marks.all()).isZero();
    for (String table : TotesysFixture.TABLES) {
      assertThat(marks.out()).contains(table);
    }
    assertThat(marks.out()).doesNotContain("never extracted");
    System.out.println("$ delpha totesys run --secrets file:secrets.json --source-secret totesys-db "
        + "--warehouse-secret warehouse-db --ingestion-zone DIR --processed-zone DIR\n" + again.out()
        + "\n$ delpha totesys report ...\n" + marks.out());
    for (CliProcess.Result r : List.of(never, first, again, marks)) {
      assertThat(r.out() + r.err()).doesNotContain(PASSWORD);
    }
  }

  @Test
  void wrongCredentialsFailTypedAndTheScheduleAlerts(@TempDir Path dir) throws Exception {
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_cli_dw");
    String warehouseName = TotesysOracle.query(warehouse, "SELECT current_database()").get(0).get(0);
    Files.writeString(dir.resolve("secrets.json"), "{\"wrong-db\": " + secret(seedName, "nobody")
        + ", \"warehouse-db\": " + secret(warehouseName, "postgres") + "}");

    CliProcess.Result failed = CliProcess.run(Map.of(), totesys("run", dir, "wrong-db"));
    assertThat(failed.exitCode()).as(failed.all()).isEqualTo(1);
    assertThat(failed.out()).contains("FAILED").contains("AuthenticationException");
    assertThat(failed.out() + failed.err()).doesNotContain(PASSWORD).doesNotContain("\tat ");

    CliProcess.Result missing = CliProcess.run(Map.of(), totesys("run", dir, "no-such-secret"));
    assertThat(missing.exitCode()).as(missing.all()).isEqualTo(1);
    assertThat(missing.out() + missing.err()).contains("no-such-secret").doesNotContain(PASSWORD);

    Path alert = dir.resolve("alert.txt");
    try (CliProcess schedule = CliProcess.start(Map.of(), dir, totesys("schedule", dir, "wrong-db", "--every", "1s",
        "--alert-command", "printf '%s' \"$DELPHA_ALERT_MESSAGE\" >> alert.txt"))) {
      schedule.awaitLine("totesys: running every 1s", Duration.ofSeconds(60));
      schedule.awaitLine("FAILED", Duration.ofSeconds(60));
      ServerSupport.await("the alert command's file", Duration.ofSeconds(30),
          () -> Files.exists(alert) && read(alert).contains("failed"));
      CliProcess.Result stopped = schedule.stop();
      assertThat(stopped.exitCode()).as(stopped.all()).isIn(0, 143);
      assertThat(stopped.out() + stopped.err()).doesNotContain(PASSWORD);
    }
    assertThat(Files.readString(alert)).contains("totesys run of").doesNotContain(PASSWORD);
    assertThat(TotesysOracle.query(warehouse, "SELECT COUNT(*) FROM information_schema.tables WHERE table_name "
        + "LIKE 'fact_%' OR table_name LIKE 'dim_%'").get(0).get(0)).isEqualTo("0");
  }

  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void usageErrorsExitTwo(@TempDir Path dir) {
    CliProcess.Result noSecret = CliProcess.run(Map.of(), "totesys", "run", "--ingestion-zone", dir.toString(),
        "--processed-zone", dir.toString());
    assertThat(noSecret.exitCode()).as(noSecret.all()).isEqualTo(2);
    assertThat(noSecret.err()).contains("--source-secret");
    CliProcess.Result badPeriod = CliProcess.run(Map.of(), totesys("schedule", dir, "x", "--every", "0s"));
    assertThat(badPeriod.exitCode()).as(badPeriod.all()).isEqualTo(2);
    CliProcess.Result badSecrets = CliProcess.run(Map.of(), "totesys", "report", "--secrets", "vault", "--source-secret",
        "a", "--warehouse-secret", "b", "--ingestion-zone", dir.toString(), "--processed-zone", dir.toString());
    assertThat(badSecrets.exitCode()).as(badSecrets.all()).isEqualTo(2);
  }
}
