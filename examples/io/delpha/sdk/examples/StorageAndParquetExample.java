package io.delpha.sdk.examples;

import io.delpha.sdk.core.ConflictException;
import io.delpha.sdk.parquet.ColumnType;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.Row;
import io.delpha.sdk.parquet.RowSchema;
import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.core.storage.ObjectStore;
import io.delpha.sdk.aws.S3ObjectStore;
import io.delpha.sdk.testing.S3Server;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Object storage, Parquet rows and secrets ({@code io.delpha.sdk.core}): the same typed rows (decimal,
 * timestamp, date) written as Parquet to an S3 bucket (an embedded s3proxy server) and to a local folder,
 * listed and read back; {@code putIfAbsent} refusing an existing key; and a JSON secrets file.
 *
 * <pre>
 * mvn -B -q -Pdemo verify -Ddemo.main=io.delpha.sdk.examples.StorageAndParquetExample
 * </pre>
 */
public final class StorageAndParquetExample {

  private StorageAndParquetExample() {}

  /**
   * @param args unused
   * @throws Exception if the example cannot write its temporary files
   */
  public static void main(String[] args) throws Exception {
    Path work = Files.createTempDirectory("delpha-storage-example");
    RowSchema schema = RowSchema.builder()
        .required("payment_id", ColumnType.LONG)
        .required("amount", ColumnType.decimal(10, 2))
        .required("paid_at", ColumnType.TIMESTAMP)
        .nullable("due_on", ColumnType.DATE)
        .build();
    List<Row> rows = List.of(
        Row.of(schema, 1L, new BigDecimal("10.50"), Instant.parse("2024-03-01T09:30:00.123Z"), LocalDate.of(2024, 3, 31)),
        Row.of(schema, 2L, new BigDecimal("1999.99"), Instant.parse("2024-03-02T17:05:00Z"), null));
    System.out.println("schema: " + schema);

    S3Server s3 = S3Server.startNew();
    try (ObjectStore bucket = S3ObjectStore.builder()
            .bucket(s3.createBucket("lake"))
            .region(S3Server.REGION)
            .credentials(s3.accessKey(), s3.secretKey())
            .endpointOverride(s3.endpoint())
            .build();
         ObjectStore local = LocalObjectStore.at(work.resolve("lake"))) {
      for (ObjectStore store : List.of(bucket, local)) {
        System.out.println();
        System.out.println("== " + store.describe());
        long written = ParquetRows.write(store, "payments/2024-03/part-0.parquet", schema, rows);
        store.put("payments/2024-03/_SUCCESS", new byte[0]);
        System.out.println("wrote " + written + " rows");
        try (var keys = store.list("payments/")) {
          keys.forEach(k -> System.out.println("  " + k + " (" + store.stat(k).orElseThrow().size() + " bytes)"));
        }
        System.out.println("folders under payments/: " + store.listFolders("payments/"));
        for (Row r : ParquetRows.readAll(store, "payments/2024-03/part-0.parquet")) {
          System.out.println("  read back: " + r);
        }
        try {
          store.putIfAbsent("payments/2024-03/part-0.parquet", "other".getBytes(StandardCharsets.UTF_8));
          throw new IllegalStateException("putIfAbsent replaced an object");
        } catch (ConflictException e) {
          System.out.println("putIfAbsent on an existing key: " + e);
        }
      }
    } finally {
      s3.stop();
    }

    Path secretsFile = work.resolve("secrets.json");
    Files.writeString(secretsFile, """
        {"salesforce-token": "00Dxx0000001gPL!AR8AQJXg",
         "totesys-db": {"host": "db.internal", "port": 5432, "user": "etl", "password": "s3cr3t"}}
        """);
    SecretProvider secrets = SecretProvider.fromFile(secretsFile);
    System.out.println();
    System.out.println("secret provider: " + secrets);
    System.out.println("salesforce-token has " + secrets.secret("salesforce-token").length() + " characters");
    var db = secrets.json("totesys-db");
    System.out.println("totesys-db: host=" + db.get("host") + " port=" + db.get("port") + " user=" + db.get("user")
        + " password=" + "*".repeat(db.get("password").length()));
  }
}
