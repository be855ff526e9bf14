package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.S3Server;
import io.delpha.sdk.testing.TotesysFixture;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TotesysPipeline when the source, the warehouse or S3 goes down")
class TotesysOutageTest {

  static PostgresServer privatePg;
  static DataSource seed;

  @TempDir
  Path lake;

  @BeforeAll
  static void start() throws Exception {
    privatePg = PostgresServer.startNew();
    seed = PostgresServer.shared().createDatabase("totesys_seed");
    TotesysFixture.loadSeed(seed);
  }

  @AfterAll
  static void stop() {
    privatePg.stop();
  }

  TotesysPipeline pipeline(DataSource source, ObjectStore ingestion, DataSource warehouse) {
    return TotesysPipeline.builder().source(source).ingestionZone(ingestion)
        .processedZone(LocalObjectStore.at(lake.resolve("processed"))).warehouse(warehouse).build();
  }

  static void newOrder(DataSource source, int id) throws Exception {
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("INSERT INTO sales_order SELECT " + id + ", created_at, last_updated + interval '1 day',"
          + " design_id, staff_id, counterparty_id, units_sold, unit_price, currency_id, agreed_delivery_date,"
          + " agreed_payment_date, agreed_delivery_location_id FROM sales_order ORDER BY last_updated DESC LIMIT 1");
    }
  }

  @Test
  @DisplayName("source down: the extract fails with ServiceUnavailableException, the state is untouched, the next run catches up")
  void sourceDown() throws Exception {
    DataSource source = privatePg.createDatabase("totesys_src");
    TotesysFixture.loadSeed(source);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    LocalObjectStore ingestion = LocalObjectStore.at(lake.resolve("ingestion"));
    TotesysPipeline pipeline = pipeline(source, ingestion, warehouse);
    assertThat(pipeline.run().succeeded()).isTrue();
    newOrder(source, 7001);
    byte[] state = ingestion.getBytes("_state/extract-state.json");

    RunReport failed = runWhileDown(pipeline, privatePg::stop, privatePg::start);

    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.failedStep()).isEqualTo(RunReport.Step.EXTRACT);
    assertThat(failed.error()).isInstanceOf(ServiceUnavailableException.class);
    assertThat(failed.toJson()).contains("\"type\":\"ServiceUnavailableException\"");
    assertThat(ingestion.getBytes("_state/extract-state.json")).isEqualTo(state);
    RunReport next = pipeline.run();
    assertThat(next.succeeded()).as(next.toString()).isTrue();
    assertThat(next.rowsExtracted()).isEqualTo(Map.of("sales_order", 1L));
    TotesysOracle.recordVersions(source);
    TotesysOracle.assertWarehouseMatches(source, warehouse);
  }

  @Test
  @DisplayName("warehouse down: the load fails with ServiceUnavailableException and the next run loads everything once")
  void warehouseDown() throws Exception {
    DataSource warehouse = privatePg.createDatabase("totesys_dw");
    TotesysPipeline pipeline = pipeline(seed, LocalObjectStore.at(lake.resolve("ingestion")), warehouse);

    RunReport failed = runWhileDown(pipeline, privatePg::stop, privatePg::start);

    assertThat(failed.failedStep()).isEqualTo(RunReport.Step.LOAD);
    assertThat(failed.error()).isInstanceOf(ServiceUnavailableException.class);
    assertThat(failed.totalRowsExtracted()).isPositive();
    RunReport next = pipeline.run();
    assertThat(next.succeeded()).as(next.toString()).isTrue();
    assertThat(next.totalRowsExtracted()).isZero();
    assertThat(next.totalRowsLoaded()).isPositive();
    TotesysOracle.recordVersions(seed);
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
  }

  @Test
  @DisplayName("S3 down: the run fails with ServiceUnavailableException, the S3 state is untouched, the next run catches up")
  void s3Down() throws Exception {
    DataSource source = PostgresServer.shared().createDatabase("totesys_src");
    TotesysFixture.loadSeed(source);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    S3Server s3 = S3Server.startNew();
    try (S3ObjectStore ingestion = S3ObjectStore.builder().bucket(s3.createBucket("ingestion"))
        .region(S3Server.REGION).credentials(s3.accessKey(), s3.secretKey()).endpointOverride(s3.endpoint()).build()) {
      TotesysPipeline pipeline = pipeline(source, ingestion, warehouse);
      assertThat(pipeline.run().succeeded()).isTrue();
      newOrder(source, 7002);
      byte[] state = ingestion.getBytes("_state/extract-state.json");

      RunReport failed = runWhileDown(pipeline, s3::stop, s3::start);

      assertThat(failed.failedStep()).isEqualTo(RunReport.Step.EXTRACT);
      assertThat(failed.error()).isInstanceOf(ServiceUnavailableException.class);
      assertThat(ingestion.getBytes("_state/extract-state.json")).isEqualTo(state);
      RunReport next = pipeline.run();
      assertThat(next.succeeded()).as(next.toString()).isTrue();
      assertThat(next.rowsExtracted()).isEqualTo(Map.of("sales_order", 1L));
      TotesysOracle.recordVersions(source);
      TotesysOracle.assertWarehouseMatches(source, warehouse);
    } finally {
      s3.stop();
    }
  }

  /** Runs the pipeline while a server is stopped, and starts the server again whatever happens. */
  private static RunReport runWhileDown(TotesysPipeline pipeline, Runnable stop, Runnable start) {
    stop.run();
    try {
      return pipeline.run();
    } finally {
      start.run();
    }
  }
}
