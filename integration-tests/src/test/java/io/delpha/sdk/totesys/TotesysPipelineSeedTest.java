package io.delpha.sdk.totesys;

import io.delpha.sdk.testing.FailingDataSource;
import io.delpha.sdk.testing.FailingObjectStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.AuthenticationException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("TotesysPipeline on the small seed: crashes, late commits, rejects, allowlist, secrets, schedule")
class TotesysPipelineSeedTest {

  static DataSource seed;

  @TempDir
  Path lake;

  @BeforeAll
  static void loadSeed() throws Exception {
    seed = PostgresServer.shared().createDatabase("totesys_seed");
    TotesysFixture.loadSeed(seed);
    TotesysOracle.recordVersions(seed);
  }

  static DataSource newWarehouse() {
    return PostgresServer.shared().createDatabase("totesys_dw");
  }

  TotesysPipeline pipeline(DataSource source, ObjectStore ingestion, ObjectStore processed, DataSource warehouse) {
    return TotesysPipeline.builder().source(source).ingestionZone(ingestion).processedZone(processed)
        .warehouse(warehouse).build();
  }

  LocalObjectStore zone(String name) {
    return LocalObjectStore.at(lake.resolve(name));
  }

  @ParameterizedTest(name = "extract crashes after {0} writes")
  @ValueSource(ints = {0, 1, 21})
  @DisplayName("a crash at any write of the extract (data object or state) loses and duplicates nothing on re-run")
  void crashDuringExtract(int allowedWrites) throws Exception {
    DataSource warehouse = newWarehouse();
    LocalObjectStore ingestion = zone("ingestion");
    LocalObjectStore processed = zone("processed");

    RunReport crashed = pipeline(seed, new FailingObjectStore(ingestion, allowedWrites), processed, warehouse).run();
    RunReport rerun = pipeline(seed, ingestion, processed, warehouse).run();

    assertThat(crashed.succeeded()).isFalse();
    assertThat(crashed.failedStep()).isEqualTo(RunReport.Step.EXTRACT);
    assertThat(crashed.error()).isInstanceOf(ServiceUnavailableException.class);
    assertThat(rerun.succeeded()).as(rerun.toString()).isTrue();
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
  }

  @ParameterizedTest(name = "transform crashes after {0} writes")
  @ValueSource(ints = {0, 6, 11})
  @DisplayName("a crash at any write of the transform (an output object or the manifest) loses and duplicates nothing")
  void crashDuringTransform(int allowedWrites) throws Exception {
    DataSource warehouse = newWarehouse();
    LocalObjectStore ingestion = zone("ingestion");
    LocalObjectStore processed = zone("processed");

    RunReport crashed = pipeline(seed, ingestion, new FailingObjectStore(processed, allowedWrites), warehouse).run();
    RunReport rerun = pipeline(seed, ingestion, processed, warehouse).run();

    assertThat(crashed.failedStep()).isEqualTo(RunReport.Step.TRANSFORM);
    assertThat(processed.exists("_state/transform-manifest.json")).isTrue();
    assertThat(rerun.succeeded()).as(rerun.toString()).isTrue();
    assertThat(rerun.totalRowsExtracted()).isZero();
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
  }

  @ParameterizedTest(name = "load fails after {0} statement executions")
  @ValueSource(ints = {1, 7})
  @DisplayName("a connection lost mid-load rolls the whole load back; the re-run loads every row exactly once")
  void crashMidLoad(int allowedExecutions) throws Exception {
    DataSource warehouse = newWarehouse();
    LocalObjectStore ingestion = zone("ingestion");
    LocalObjectStore processed = zone("processed");

    RunReport crashed = pipeline(seed, ingestion, processed, new FailingDataSource(warehouse, allowedExecutions)).run();

    assertThat(crashed.failedStep()).isEqualTo(RunReport.Step.LOAD);
    assertThat(crashed.error()).isInstanceOf(ServiceUnavailableException.class);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM fact_sales_order")).isZero();
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM dim_staff")).isZero();

    RunReport rerun = pipeline(seed, ingestion, processed, warehouse).run();

    assertThat(rerun.succeeded()).as(rerun.toString()).isTrue();
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
  }

  @Test
  @DisplayName("a row committed late, with a last_updated older than the watermark but inside the overlap, is picked up")
  void lateCommitIsPickedUp() throws Exception {
    DataSource source = PostgresServer.shared().createDatabase("totesys_late");
    TotesysFixture.loadSeed(source);
    DataSource warehouse = newWarehouse();
    TotesysPipeline pipeline = pipeline(source, zone("ingestion"), zone("processed"), warehouse);
    assertThat(pipeline.run().succeeded()).isTrue();
    LocalDateTime watermark = pipeline.watermarks().get("sales_order");

    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO sales_order SELECT 9001, created_at, TIMESTAMP '" + watermark.minusMinutes(3)
          + "', design_id, staff_id, counterparty_id, units_sold, unit_price, currency_id, agreed_delivery_date,"
          + " agreed_payment_date, agreed_delivery_location_id FROM sales_order ORDER BY sales_order_id LIMIT 1");
    }
    RunReport report = pipeline.run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.rowsExtracted()).containsExactlyEntriesOf(Map.of("sales_order", 1L));
    assertThat(pipeline.watermarks().get("sales_order")).isEqualTo(watermark);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM fact_sales_order WHERE sales_order_id = 9001"))
        .isEqualTo(1);
    TotesysOracle.recordVersions(source);
    TotesysOracle.assertWarehouseMatches(source, warehouse);
  }

  @Test
  @DisplayName("rows whose text dates are not yyyy-MM-dd go to the rejects with a reason; the run goes on")
  void malformedDatesAreRejected() throws Exception {
    DataSource source = PostgresServer.shared().createDatabase("totesys_bad");
    TotesysFixture.loadSeed(source);
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE sales_order SET agreed_delivery_date = '31/12/2022' WHERE sales_order_id ="
          + " (SELECT min(sales_order_id) FROM sales_order)");
      s.executeUpdate("UPDATE payment SET payment_date = '2022-02-30' WHERE payment_id ="
          + " (SELECT min(payment_id) FROM payment)");
    }
    DataSource warehouse = newWarehouse();
    LocalObjectStore processed = zone("processed");

    RunReport report = pipeline(source, zone("ingestion"), processed, warehouse).run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.rejects()).containsExactlyInAnyOrderEntriesOf(Map.of("sales_order", 1L, "payment", 1L));
    assertThat(report.toString()).contains("rejected");
    List<String> rejectKeys;
    try (Stream<String> keys = processed.list("_rejects/sales_order/")) {
      rejectKeys = keys.toList();
    }
    List<Row> rejected = ParquetRows.readAll(processed, rejectKeys.get(0));
    assertThat(rejected).singleElement().satisfies(r ->
        assertThat(r.getString("reason")).contains("agreed_delivery_date", "31/12/2022"));
    long orders = TotesysOracle.count(source, "SELECT count(*) FROM sales_order");
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM fact_sales_order")).isEqualTo(orders - 1);
  }

  @Test
  @DisplayName("a table name outside the allowlist is an InvalidInputException before any SQL runs")
  void tableOutsideAllowlist() {
    assertThatThrownBy(() -> TotesysPipeline.builder().tables("sales_order", "pg_authid; DROP TABLE staff"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not a totesys table").hasMessageContaining("sales_order");
    assertThatThrownBy(() -> TotesysPipeline.builder().tables("_prisma_migrations"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("_prisma_migrations");
  }

  @Test
  @DisplayName("a pipeline restricted to some allowlisted tables extracts only those")
  void restrictedTables() throws Exception {
    TotesysPipeline pipeline = TotesysPipeline.builder().source(seed).ingestionZone(zone("ingestion"))
        .processedZone(zone("processed")).warehouse(newWarehouse()).tables("currency", "design").build();

    RunReport report = pipeline.extract();

    assertThat(report.rowsExtracted()).containsOnlyKeys("currency", "design");
    assertThat(report.stepDurations()).containsOnlyKeys(RunReport.Step.EXTRACT);
  }

  @Test
  @DisplayName("credentials from a JSON secret work; a wrong user is an AuthenticationException that shows no password")
  void secrets() throws Exception {
    PostgresServer pg = PostgresServer.shared();
    String dbName = TotesysOracle.query(seed, "SELECT current_database()").get(0).get(0);
    DataSource warehouse = newWarehouse();
    String warehouseName = TotesysOracle.query(warehouse, "SELECT current_database()").get(0).get(0);
    Path file = lake.resolve("secrets.json");
    Files.writeString(file, "{\"totesys-db\": {\"host\": \"127.0.0.1\", \"port\": " + pg.port() + ", \"database\": \""
        + dbName + "\", \"user\": \"postgres\", \"password\": \"s3cr3t-pw\"},"
        + " \"warehouse-db\": {\"host\": \"127.0.0.1\", \"port\": " + pg.port() + ", \"database\": \"" + warehouseName
        + "\", \"user\": \"postgres\", \"password\": \"s3cr3t-pw\"},"
        + " \"wrong-db\": {\"host\": \"127.0.0.1\", \"port\": " + pg.port() + ", \"database\": \"" + dbName
        + "\", \"user\": \"nobody\", \"password\": \"s3cr3t-pw\"}}");
    SecretProvider secrets = SecretProvider.fromFile(file);

    RunReport ok = TotesysPipeline.builder().sourceSecret(secrets, "totesys-db").ingestionZone(zone("ingestion"))
        .processedZone(zone("processed")).warehouseSecret(secrets, "warehouse-db").build().run();
    RunReport wrong = TotesysPipeline.builder().sourceSecret(secrets, "wrong-db").ingestionZone(zone("other"))
        .processedZone(zone("other-processed")).warehouse(warehouse).build().run();

    assertThat(ok.succeeded()).as(ok.toString()).isTrue();
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
    assertThat(wrong.error()).isInstanceOf(AuthenticationException.class);
    assertThat(wrong.toString() + wrong.toJson() + wrong.error().getCause()).doesNotContain("s3cr3t-pw");
  }

  @Test
  @DisplayName("a schedule runs repeatedly, never two runs at once, reports each run to the listener, and stops on close")
  void schedule() throws Exception {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger finished = new AtomicInteger();
    PipelineListener listener = new PipelineListener() {
      @Override
      public void onStart(String task) {
        if (task.equals("extract address")) {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        }
      }

      @Override
      public void onRunFinished(RunReport report) {
        if (report.stepDurations().containsKey(RunReport.Step.EXTRACT)) {
          inFlight.decrementAndGet();
        }
        finished.incrementAndGet();
      }
    };
    DataSource warehouse = newWarehouse();
    TotesysPipeline pipeline = TotesysPipeline.builder().source(seed).ingestionZone(zone("ingestion"))
        .processedZone(zone("processed")).warehouse(warehouse).listener(listener).build();

    ScheduledRun handle = pipeline.schedule(Duration.ofMillis(20));
    Instant deadline = Instant.now().plusSeconds(60);
    while (handle.runsCompleted() < 3 && Instant.now().isBefore(deadline)) {
      Thread.onSpinWait();
    }
    RunReport manual = pipeline.run();
    handle.close();

    assertThat(handle.runsCompleted()).isGreaterThanOrEqualTo(3);
    assertThat(handle.isClosed()).isTrue();
    assertThat(handle.lastReport()).get().extracting(RunReport::succeeded).isEqualTo(true);
    assertThat(manual.succeeded()).isTrue();
    assertThat(maxInFlight).hasValue(1);
    assertThat(finished.get()).isGreaterThanOrEqualTo(4);
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
  }
}
