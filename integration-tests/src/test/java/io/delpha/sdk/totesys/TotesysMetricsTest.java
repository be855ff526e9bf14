package io.delpha.sdk.totesys;

import static io.delpha.sdk.metrics.MeterChecks.count;
import static io.delpha.sdk.metrics.MeterChecks.timed;
import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.metrics.MeterChecks;
import io.delpha.sdk.testing.FailingObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TotesysPipeline steps and rows metered into a Micrometer registry")
class TotesysMetricsTest {

  static DataSource seed;

  @TempDir Path lake;

  @BeforeAll
  static void loadSeed() throws Exception {
    seed = PostgresServer.shared().createDatabase("totesys_metrics_seed");
    TotesysFixture.loadSeed(seed);
    TotesysOracle.recordVersions(seed);
  }

  @Test
  @DisplayName("a failed extract times extract as failure and nothing else; the re-run times the three steps")
  void stepsAndRowsAreMetered() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_metrics_dw");
    LocalObjectStore ingestion = LocalObjectStore.at(lake.resolve("ingestion"));
    LocalObjectStore processed = LocalObjectStore.at(lake.resolve("processed"));

    RunReport crashed = TotesysPipeline.builder().source(seed).ingestionZone(new FailingObjectStore(ingestion, 0))
        .processedZone(processed).warehouse(warehouse).metrics(Metrics.micrometer(registry)).build().run();
    assertThat(crashed.succeeded()).isFalse();
    String n = "delpha.totesys.step.duration";
    assertThat(timed(registry, n, "step", "extract", "outcome", "failure")).isEqualTo(1);
    assertThat(timed(registry, n, "step", "transform")).isZero();
    assertThat(timed(registry, n, "step", "load")).isZero();

    RunReport report = TotesysPipeline.builder().source(seed).ingestionZone(ingestion).processedZone(processed)
        .warehouse(warehouse).metrics(Metrics.micrometer(registry)).build().run();
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    for (String step : new String[] {"extract", "transform", "load"}) {
      assertThat(timed(registry, n, "step", step, "outcome", "success")).as(step).isEqualTo(1);
    }
    assertThat(count(registry, "delpha.totesys.rows", "stage", "extracted")).isPositive()
        .isEqualTo(crashed.totalRowsExtracted() + report.totalRowsExtracted());
    assertThat(count(registry, "delpha.totesys.rows", "stage", "loaded"))
        .isEqualTo(report.rowsLoaded().values().stream().mapToLong(Long::longValue).sum());
    TotesysOracle.assertWarehouseMatches(seed, warehouse);
    MeterChecks.assertBoundedTags(registry, false, "sales_order", "staff", "fact_", "dim_");
  }
}
