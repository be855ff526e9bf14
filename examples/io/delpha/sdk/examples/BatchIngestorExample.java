package io.delpha.sdk.examples;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.ingest.BatchIngestor;
import io.delpha.sdk.ingest.FetchReport;
import io.delpha.sdk.ingest.FileIngestion;
import io.delpha.sdk.ingest.IngestReport;
import io.delpha.sdk.ingest.IngestionConstraints;
import io.delpha.sdk.testing.CassandraServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Batch ingestion ({@code io.delpha.sdk.ingest}) on an embedded Cassandra 5.0 node: a customer with the
 * seed's constraints pushes a client input directory (one file has a malformed row, one has an extension
 * the constraints refuse), then a manager ingests the staged files into the customer's table.
 *
 * <pre>
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.BatchIngestorExample
 * </pre>
 */
public final class BatchIngestorExample {

  private BatchIngestorExample() {}

  /**
   * @param args unused
   * @throws Exception if the example cannot write its temporary files
   */
  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("delpha-ingest-example");
    Path clientInput = Files.createDirectories(work.resolve("client-input-dir"));
    Files.writeString(clientInput.resolve("orders.csv"), """
        order_id,customer,amount,ordered_at
        1,"Smith, Jane",10.50,2024-03-01T09:30:00Z
        2,Bob,7.25,2024-03-01 10:00:00
        3,"Ann ""the"" Buyer",100,2024-03-02T08:00:00+02:00
        """);
    Files.writeString(clientInput.resolve("more_orders.csv"), """
        order_id,customer,amount,ordered_at
        4,Carl,12.00,2024-03-03T12:00:00Z
        five,Dora,1.00,2024-03-03T12:05:00Z
        6,Eve,3.10,2024-03-03T12:10:00Z
        """);
    Files.writeString(clientInput.resolve("notes.txt"), "not a format this customer may send\n");

    CassandraServer node = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    try (CassandraManager cass = CassandraManager.builder()
            .contactPoint(node.host(), node.port())
            .localDatacenter(node.localDatacenter())
            .build();
         BatchIngestor ingestor = BatchIngestor.builder()
            .cassandra(cass)
            .staging(LocalObjectStore.at(work.resolve("staging")))
            .build()) {
      cass.execute("CREATE KEYSPACE IF NOT EXISTS customer1_ks WITH replication = "
          + "{'class': 'SimpleStrategy', 'replication_factor': 1}");
      cass.execute("CREATE TABLE IF NOT EXISTS customer1_ks.orders (order_id int PRIMARY KEY, "
          + "customer text, amount decimal, ordered_at timestamp)");
      cass.execute("CREATE TABLE IF NOT EXISTS customer1_ks.more_orders (order_id int PRIMARY KEY, "
          + "customer text, amount decimal, ordered_at timestamp)");

      ingestor.registerCustomer("customer-1", "password-1", "customer1_ks",
          IngestionConstraints.fromJson("{\"formats\":[\".csv\"],\"number_files\":10,\"data_sizes\":4096}"));

      FetchReport fetched = ingestor.fetch("customer-1", "password-1", clientInput);
      System.out.println(fetched);
      fetched.rejected().forEach(r -> System.out.println("rejected " + r.name() + ": " + r.reason()));

      IngestReport ingested = ingestor.ingestPending();
      System.out.println(ingested);
      ingested.files().forEach(f -> System.out.println(f.logLine()));
      System.out.println("rows ingested: " + ingested.rowsIngested() + ", files processed: "
          + ingested.withStatus(FileIngestion.Status.PROCESSED).size());

      for (String table : new String[] {"orders", "more_orders"}) {
        System.out.println("customer1_ks." + table + ":");
        cass.execute("SELECT order_id, customer, amount, ordered_at FROM customer1_ks." + table)
            .forEach(r -> System.out.printf("  %d | %-16s | %6s | %s%n", r.getInt("order_id"),
                r.getString("customer"), r.getBigDecimal("amount"), r.getInstant("ordered_at")));
      }
      System.out.println("bad records of more_orders.csv:");
      System.out.print(new String(LocalObjectStore.at(work.resolve("staging"))
          .getBytes("customer-1/processed/more_orders.csv.bad-records.csv")));
    }
    node.stop();
  }
}
