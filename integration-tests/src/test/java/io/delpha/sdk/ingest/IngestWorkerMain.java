package io.delpha.sdk.ingest;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A manager process for the tests and benchmarks: watches a staging folder until killed, printing progress and
 * one line per file to stdout. Arguments: host port dc stagingDir registryKeyspace worker leaseSeconds maxInFlight
 * [replication]. The registry keyspace, if it must be created, gets {@code replication} (a CQL map); without it
 * one replica (SimpleStrategy, a single node), and with {@code cluster} the library's default (the local data
 * center, min(3, its nodes) replicas), as on a ring. The process ends when its parent does.
 */
public final class IngestWorkerMain {

  static final String SINGLE_NODE = "{'class': 'SimpleStrategy', 'replication_factor': 1}";

  private IngestWorkerMain() {}

  public static void main(String[] args) throws Exception {
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    String replication = args.length > 8 ? args[8] : SINGLE_NODE;
    BatchIngestorBuilder builder = BatchIngestor.builder();
    if (replication.equals("cluster")) {
      builder.registry(args[4]);
    } else {
      builder.registry(args[4], replication);
    }
    CassandraManager cass = CassandraManager.builder().contactPoint(args[0], Integer.parseInt(args[1]))
        .localDatacenter(args[2]).build();
    BatchIngestor ingestor = builder
        .cassandra(cass)
        .staging(LocalObjectStore.at(Path.of(args[3])))
        .worker(args[5])
        .lease(Duration.ofSeconds(Long.parseLong(args[6])))
        .maxInFlight(Integer.parseInt(args[7]))
        .pollInterval(Duration.ofMillis(200))
        // where namespaces are unavailable, the process tests still run program apps (with limits only)
        .allowUnisolatedApps(true)
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
