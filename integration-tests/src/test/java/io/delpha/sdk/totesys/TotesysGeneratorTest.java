package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import io.delpha.sdk.testing.TotesysGenerator;
import java.nio.file.Path;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TotesysGenerator grows the snapshot by a factor, keys and foreign keys consistent")
class TotesysGeneratorTest {

  @TempDir
  Path lake;

  @Test
  @DisplayName("x2: twice the business rows, the fixed vocabularies once, every copy a whole company; the pipeline matches the oracle")
  void twiceTheSnapshot() throws Exception {
    DataSource once = PostgresServer.shared().createDatabase("totesys_x1");
    DataSource twice = PostgresServer.shared().createDatabase("totesys_x2");
    Map<String, Long> snapshot = TotesysFixture.loadSnapshot(once);

    Map<String, Long> grown = TotesysGenerator.loadScaledSnapshot(twice, 2);

    snapshot.forEach((table, rows) -> assertThat(grown.get(table)).as(table)
        .isEqualTo(TotesysGenerator.FIXED_TABLES.contains(table) ? rows : 2 * rows));
    // the copy of counterparty k references the copy of its address, not the original
    assertThat(TotesysOracle.count(twice, "SELECT count(DISTINCT legal_address_id) FROM counterparty"))
        .isEqualTo(2 * TotesysOracle.count(once, "SELECT count(DISTINCT legal_address_id) FROM counterparty"));
    assertThat(TotesysOracle.count(twice, "SELECT count(*) FROM payment p JOIN transaction t USING (transaction_id)"
        + " JOIN sales_order s ON s.sales_order_id = t.sales_order_id WHERE s.counterparty_id <> p.counterparty_id"))
        .isEqualTo(2 * TotesysOracle.count(once, "SELECT count(*) FROM payment p JOIN transaction t USING (transaction_id)"
            + " JOIN sales_order s ON s.sales_order_id = t.sales_order_id WHERE s.counterparty_id <> p.counterparty_id"));

    TotesysOracle.recordVersions(twice);
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_dw");
    RunReport report = TotesysPipeline.builder().source(twice).ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
        .processedZone(LocalObjectStore.at(lake.resolve("processed"))).warehouse(warehouse).build().run();

    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.totalRowsExtracted()).isEqualTo(grown.values().stream().mapToLong(Long::longValue).sum());
    TotesysOracle.assertWarehouseMatches(twice, warehouse);
  }
}
