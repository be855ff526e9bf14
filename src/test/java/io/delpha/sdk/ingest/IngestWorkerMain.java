package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A manager process for the tests: watches a staging folder until killed, printing progress and one
 * line per file to stdout. Arguments: host port dc stagingDir registryKeyspace worker leaseSeconds maxInFlight.
 */
public final class IngestWorkerMain {

  private IngestWorkerMain() {}

  public static void main(String[] args) throws Exception {
    CassandraManager cass = CassandraManager.builder().contactPoint(args[0], Integer.parseInt(args[1]))
        .localDatacenter(args[2]).build();
    BatchIngestor ingestor = BatchIngestor.builder()
        .cassandra(cass)
        .staging(LocalObjectStore.at(Path.of(args[3])))
        .registry(args[4], "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        .worker(args[5])
        .lease(Duration.ofSeconds(Long.parseLong(args[6])))
        .maxInFlight(Integer.parseInt(args[7]))
        .pollInterval(Duration.ofMillis(200))
        .progressEvery(200)
        .listener(new IngestListener() {
          @Override
          public void onProgress(Progress p) {
            System.out.println("PROGRESS " + p.done() + " " + p.total());
          }

          @Override
          public void onFileIngested(FileIngestion f) {
            System.out.println("FILE " + f.status() + " " + f.fileName());
          }
        })
        .build();
    ingestor.start();
    System.out.println("READY");
    new CountDownLatch(1).await();
  }
}
