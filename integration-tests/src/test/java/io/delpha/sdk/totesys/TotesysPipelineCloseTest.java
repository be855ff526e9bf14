package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.ClosedException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.testing.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TotesysPipeline's close contract")
class TotesysPipelineCloseTest {

  @TempDir Path lake;

  @Test
  @DisplayName("close() stops every schedule the pipeline started, is idempotent, and later runs throw ClosedException")
  void closeStopsSchedulesAndRefusesRuns() {
    DataSource db = PostgresServer.shared().createDatabase("totesys_close");
    TotesysPipeline pipeline = TotesysPipeline.builder().source(db).warehouse(db)
        .ingestionZone(LocalObjectStore.at(lake.resolve("ingestion")))
        .processedZone(LocalObjectStore.at(lake.resolve("processed"))).build();
    ScheduledRun every = pipeline.schedule(Duration.ofHours(1));
    ScheduledRun other = pipeline.schedule(Duration.ofHours(2));

    pipeline.close();
    pipeline.close();

    assertThat(every.isClosed()).isTrue();
    assertThat(other.isClosed()).isTrue();
    assertThatThrownBy(pipeline::run).isInstanceOf(ClosedException.class)
        .hasMessage("this TotesysPipeline is closed; build a new one");
    assertThatThrownBy(() -> pipeline.schedule(Duration.ofMinutes(1))).isInstanceOf(ClosedException.class);
  }
}
