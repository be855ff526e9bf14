package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("TotesysPipeline on the 63k-row snapshot, against an independent SQL oracle")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TotesysPipelineSnapshotTest {

  DataSource source;
  DataSource warehouse;
  LocalObjectStore ingestion;
  LocalObjectStore processed;
  TotesysPipeline pipeline;
  Map<String, Long> loaded;

  @BeforeAll
  void setUp() throws Exception {
    source = PostgresServer.shared().createDatabase("totesys_src");
    loaded = TotesysFixture.loadSnapshot(source);
    warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    Path lake = Files.createTempDirectory("totesys-lake");
    ingestion = LocalObjectStore.at(lake.resolve("ingestion"));
    processed = LocalObjectStore.at(lake.resolve("processed"));
    pipeline = TotesysPipeline.builder().source(source).ingestionZone(ingestion).processedZone(processed)
        .warehouse(warehouse).listener(new LoggingPipelineListener()).build();
  }

  @Test
  @Order(1)
  @DisplayName("a full run extracts every row, and the warehouse equals the SQL oracle")
  void fullRunEqualsOracle() throws Exception {
    RunReport report = pipeline.run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.rowsExtracted()).isEqualTo(loaded);
    assertThat(report.totalRowsExtracted()).isEqualTo(48_066);
    assertThat(report.rejects()).isEmpty();
    assertThat(report.rowsLoaded()).containsEntry("fact_payment", 15_836L).containsEntry("fact_sales_order", 11_187L)
        .containsEntry("dim_design", 473L);
    assertThat(report.objectsWritten()).isEqualTo(11 + 11);
    assertThat(report.stepDurations()).containsOnlyKeys(RunReport.Step.values());
    assertThat(report.toJson()).contains("\"succeeded\":true", "\"sales_order\":11187");
    assertThat(report.toString()).contains("SUCCEEDED", "fact_payment");
    try (Stream<String> keys = ingestion.list("sales_order/")) {
      assertThat(keys.toList()).singleElement().asString().matches("sales_order/\\d{4}/\\d{2}/\\d{2}/\\d{12}\\.parquet");
    }
    TotesysOracle.recordVersions(source);
    TotesysOracle.assertWarehouseMatches(source, warehouse);
    assertThat(TotesysOracle.query(warehouse, "SELECT currency_code, currency_name FROM dim_currency ORDER BY 1"))
        .containsExactly(List.of("EUR", "Euro"), List.of("GBP", "British Pound"), List.of("USD", "US Dollar"));
    assertThat(TotesysOracle.query(warehouse, "SELECT first_name, last_name FROM dim_staff WHERE last_name = 'O''Keefe'"))
        .containsExactly(List.of("Irving", "O'Keefe"));
  }

  @Test
  @Order(2)
  @DisplayName("a second run with no source change writes no object and changes nothing in the warehouse")
  void secondRunChangesNothing() throws Exception {
    List<String> ingestionBefore = keys(ingestion);
    List<String> processedBefore = keys(processed);
    byte[] stateBefore = ingestion.getBytes("_state/extract-state.json");
    Map<String, String> warehouseBefore = TotesysOracle.fingerprint(warehouse);

    RunReport report = pipeline.run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.objectsWritten()).isZero();
    assertThat(report.totalRowsExtracted()).isZero();
    assertThat(report.totalRowsLoaded()).isZero();
    assertThat(keys(ingestion)).isEqualTo(ingestionBefore);
    assertThat(keys(processed)).isEqualTo(processedBefore);
    assertThat(ingestion.getBytes("_state/extract-state.json")).isEqualTo(stateBefore);
    assertThat(TotesysOracle.fingerprint(warehouse)).isEqualTo(warehouseBefore);
  }

  @Test
  @Order(3)
  @DisplayName("after payments paid, an address changed, a department moved and new orders, an incremental run matches the oracle")
  void incrementalRunEqualsOracle() throws Exception {
    List<String> staffInMovedDepartment = TotesysOracle.query(source, "SELECT staff_id FROM staff s JOIN department d"
        + " USING (department_id) WHERE d.location = 'Leds' ORDER BY 1").stream().map(r -> r.get(0)).toList();
    try (Connection c = source.getConnection(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE payment SET paid = true, last_updated = TIMESTAMP '2024-11-20 10:00:00.125'"
          + " WHERE payment_id IN (SELECT payment_id FROM payment WHERE NOT paid ORDER BY payment_id LIMIT 5)");
      s.executeUpdate("UPDATE address SET address_line_1 = '1 New Street', last_updated = TIMESTAMP '2024-11-20 10:00:01'"
          + " WHERE address_id = 17");
      s.executeUpdate("UPDATE department SET location = 'Leeds', last_updated = TIMESTAMP '2024-11-20 10:00:02'"
          + " WHERE location = 'Leds'");
      s.executeUpdate("INSERT INTO sales_order (sales_order_id, created_at, last_updated, design_id, staff_id,"
          + " counterparty_id, units_sold, unit_price, currency_id, agreed_delivery_date, agreed_payment_date,"
          + " agreed_delivery_location_id) SELECT max(sales_order_id) + n, TIMESTAMP '2024-11-20 10:00:03.5',"
          + " TIMESTAMP '2024-11-20 10:00:03.5', (SELECT min(design_id) FROM design), 1, 1, 100 * n, 2.50, 1,"
          + " '2024-12-24', '2024-12-31', 17 FROM sales_order, generate_series(1, 3) n GROUP BY n");
    }

    RunReport report = pipeline.run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.rowsExtracted()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "payment", 5L, "address", 1L, "department", 1L, "sales_order", 3L));
    assertThat(report.rowsLoaded()).containsEntry("fact_payment", 5L).containsEntry("fact_sales_order", 3L)
        .containsEntry("dim_location", 1L).containsEntry("dim_counterparty", 4L)
        .containsEntry("dim_staff", (long) staffInMovedDepartment.size());
    assertThat(staffInMovedDepartment).isNotEmpty();
    TotesysOracle.recordVersions(source);
    TotesysOracle.assertWarehouseMatches(source, warehouse);
    assertThat(TotesysOracle.count(warehouse, "SELECT count(*) FROM fact_payment WHERE payment_id IN"
        + " (SELECT payment_id FROM fact_payment WHERE paid) AND NOT paid")).isGreaterThanOrEqualTo(5);
    assertThat(TotesysOracle.query(warehouse, "SELECT DISTINCT counterparty_legal_address_line_1 FROM dim_counterparty"
        + " WHERE counterparty_id IN (11, 15, 17, 18)")).containsExactly(List.of("1 New Street"));
  }

  private static List<String> keys(LocalObjectStore store) {
    try (Stream<String> keys = store.list("")) {
      return keys.toList();
    }
  }

  static void exec(DataSource db, String sql) throws SQLException {
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
