package io.delpha.sdk.metrics;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.AccessDeniedException;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.ingest.UploadClient;
import io.delpha.sdk.ingest.UploadServer;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.security.IssuedKey;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the instrumented components on a class path without Micrometer (see {@code NoMicrometerTest}), printing one
 * line per step. Arguments: host port datacenter workDir.
 */
public final class NoMicrometerMain {

  private NoMicrometerMain() {}

  public static void main(String[] args) throws Exception {
    try {
      Class.forName("io.micrometer.core.instrument.MeterRegistry");
      System.out.println("MICROMETER PRESENT");
    } catch (ClassNotFoundException e) {
      System.out.println("NO MICROMETER");
    }
    // Metrics.micrometer(MeterRegistry) cannot be called without Micrometer; the class itself loads and none() works
    System.out.println("METRICS " + Metrics.none() + " enabled=" + Metrics.none().enabled());
    Path work = Path.of(args[3]);
    try (CassandraManager cass = CassandraManager.builder().contactPoint(args[0], Integer.parseInt(args[1]))
        .localDatacenter(args[2]).build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS nomicro_ks WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      cass.execute("CREATE TABLE IF NOT EXISTS nomicro_ks.readings (id int PRIMARY KEY, v text)");
      Path in = Files.createDirectories(work.resolve("in"));
      Files.writeString(in.resolve("readings.csv"), "id,v\n1,one\n2,two\n3,three\nx,bad\n");
      try (BatchIngestor ingestor = BatchIngestor.builder().cassandra(cass)
          .staging(LocalObjectStore.at(work.resolve("staging")))
          .registry("nomicro_registry", "{'class': 'SimpleStrategy', 'replication_factor': 1}")
          .passwordIterations(1_000).build();
          UploadServer server = ingestor.uploadServer(new InetSocketAddress("127.0.0.1", 0))) {
        ingestor.registerCustomer("nomicro", "pw", "nomicro_ks",
            IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":2,\"data_sizes\":1024}"));
        FetchReport sent = UploadClient.to(server.uri()).fetch("nomicro", "pw", in);
        System.out.println("UPLOADED " + sent.accepted().size());
        var file = ingestor.ingestPending().files().get(0);
        System.out.println("INGESTED " + file.rowsIngested() + " REJECTED " + file.rowsRejected());
      }
      AccessKeys keys = AccessKeys.on(cass).keyspace("nomicro_security").build();
      IssuedKey k = keys.issue("nomicro-org");
      System.out.println("AUTHENTICATED " + keys.authenticate(k.secret()).organisation());
      try {
        keys.authenticate("dk_" + "0".repeat(20) + "_" + "A".repeat(43));
      } catch (AccessDeniedException e) {
        System.out.println("DENIED");
      }
    }
    System.out.println("DONE");
  }
}
