package io.delpha.sdk.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.FileIngestion.Status;
import io.delpha.sdk.testing.CassandraServer;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("BatchIngestor's write concurrency")
class InFlightBoundTest {

  @TempDir Path tmp;

  @Test
  @DisplayName("asking for more requests in flight than the connection pool carries still ingests the whole file")
  void inFlightIsBoundedByThePool() throws Exception {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = IngestFixtures.connect(server)) {
      IngestFixtures.createOrders(cass, "ingest_inflight");
      // the driver carries 1,024 requests per connection and opens one connection per node by default
      try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
          .staging(LocalObjectStore.at(tmp.resolve("staging")))
          .registry("ingest_registry_inflight", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
          .passwordIterations(1_000).maxInFlight(20_000).maxBatchRows(1).build()) {
        ingestor.registerCustomer("wide", "pw", "ingest_inflight",
            IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":1,\"data_sizes\":16384}"));
        IngestFixtures.writeOrders(tmp.resolve("in/orders.csv"), 0, 60_000);
        ingestor.fetch("wide", "pw", tmp.resolve("in"));

        IngestReport report = ingestor.ingestPending();

        assertThat(report.files()).singleElement().satisfies(f -> {
          assertThat(f.status()).isEqualTo(Status.PROCESSED);
          assertThat(f.rowsIngested()).isEqualTo(60_000);
        });
        IngestFixtures.assertOrders(cass, "ingest_inflight", 0, 60_000);
      }
    }
  }
}
