package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.RetryPolicy;
import io.delpha.sdk.core.ServiceUnavailableException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.FileIngestion.Status;
import io.delpha.sdk.testing.CassandraServer;
import io.delpha.sdk.testing.ServerSupport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("BatchIngestor when Cassandra goes away mid-file")
class CassandraOutageTest {

  @TempDir Path tmp;

  @Test
  @DisplayName("past the write retry policy's bound the file is interrupted with the reason and stays staged; after "
      + "Cassandra returns it is ingested whole, once")
  void cassandraGoesAwayMidFile() throws Exception {
    try (CassandraServer server = CassandraServer.startNew(CassandraServer.Variant.PLAIN);
        CassandraManager cass = IngestFixtures.connect(server)) {
      IngestFixtures.createOrders(cass, "ingest_outage");
      LocalObjectStore staging = LocalObjectStore.at(tmp.resolve("staging"));
      CountDownLatch started = new CountDownLatch(1);
      try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass).staging(staging)
          .registry("ingest_registry_outage", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
          .passwordIterations(1_000).maxInFlight(4).progressEvery(500).lease(Duration.ofSeconds(3))
          .writeRetry(RetryPolicy.builder().maxAttempts(3).initialDelay(Duration.ofMillis(200))
              .maxDelay(Duration.ofMillis(400)).build())
          .listener(new IngestListener() {
            @Override
            public void onProgress(Progress p) {
              started.countDown();
            }
          }).build()) {
        ingestor.registerCustomer("outage", "pw", "ingest_outage",
            IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":8192}"));
        IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 20_000);
        ingestor.fetch("outage", "pw", tmp.resolve("in"));

        Thread killer = new Thread(() -> {
          try {
            if (started.await(60, TimeUnit.SECONDS)) {
              server.kill();
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
        killer.start();
        IngestReport interrupted = ingestor.ingestPending();
        killer.join();

        assertThat(interrupted.files()).singleElement().satisfies(f -> {
          assertThat(f.status()).isEqualTo(Status.INTERRUPTED);
          assertThat(f.rowsIngested()).isLessThan(20_000);
          assertThat(f.error()).contains("did not take a write after 3 attempts");
        });
        assertThat(staging.exists("outage/incoming/orders.csv")).isTrue();

        server.start();
        java.util.concurrent.atomic.AtomicReference<IngestReport> resumed = new java.util.concurrent.atomic.AtomicReference<>();
        ServerSupport.await("the staged file to be re-ingested", Duration.ofSeconds(90), () -> {
          try {
            resumed.set(ingestor.ingestPending());
            return !resumed.get().withStatus(Status.PROCESSED).isEmpty();
          } catch (ServiceUnavailableException stillReconnecting) {
            return false;
          }
        });

        assertThat(resumed.get().withStatus(Status.PROCESSED)).singleElement()
            .satisfies(f -> assertThat(f.rowsIngested()).isEqualTo(20_000));
        IngestFixtures.assertOrders(cass, "ingest_outage", 0, 20_000);
        assertThat(staging.exists("outage/processed/orders.csv")).isTrue();
      }
    }
  }
}
