package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.DataFormatException;
import io.delpha.sdk.core.storage.LocalObjectStore;
import io.delpha.sdk.parquet.FileEncryption;
import io.delpha.sdk.parquet.ParquetRows;
import io.delpha.sdk.parquet.ReadOptions;
import io.delpha.sdk.parquet.RowReader;
import io.delpha.sdk.testing.PostgresServer;
import io.delpha.sdk.testing.TotesysFixture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("TotesysPipeline with an encrypted lake: the warehouse as with a lake in clear, no object readable without keys")
class TotesysEncryptedLakeTest {

  static final byte[] FOOTER_KEY = "totesys-lake-footer-key-0123456!".getBytes(StandardCharsets.US_ASCII);

  static DataSource seed;

  @TempDir Path lake;

  @BeforeAll
  static void loadSeed() throws Exception {
    seed = PostgresServer.shared().createDatabase("totesys_encrypted_seed");
    TotesysFixture.loadSeed(seed);
    TotesysOracle.recordVersions(seed);
  }

  @Test
  @DisplayName("every object of both zones is encrypted (refused without keys, read with them); the warehouse matches")
  void encryptedLake() throws Exception {
    DataSource warehouse = PostgresServer.shared().createDatabase("totesys_encrypted_dw");
    LocalObjectStore ingestion = LocalObjectStore.at(lake.resolve("ingestion"));
    LocalObjectStore processed = LocalObjectStore.at(lake.resolve("processed"));
    FileEncryption encryption = FileEncryption.builder().footerKey(FOOTER_KEY)
        .aadPrefix("totesys".getBytes(StandardCharsets.US_ASCII)).build();

    TotesysPipeline pipeline = TotesysPipeline.builder().source(seed).ingestionZone(ingestion).processedZone(processed)
        .warehouse(warehouse).lakeEncryption(encryption).build();
    assertThat(pipeline.config().lakeEncryption()).isEqualTo(encryption);
    RunReport report = pipeline.run();
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    TotesysOracle.assertWarehouseMatches(seed, warehouse);

    int objects = 0;
    for (LocalObjectStore zone : List.of(ingestion, processed)) {
      List<String> keys = zone.list("").filter(k -> k.endsWith(".parquet")).toList();
      assertThat(keys).as(zone.describe()).isNotEmpty();
      for (String key : keys) {
        objects++;
        assertThatThrownBy(() -> ParquetRows.read(zone, key).close()).as(key)
            .isInstanceOf(DataFormatException.class).hasMessageContaining("encrypted");
        try (RowReader r = ParquetRows.read(zone, key, ReadOptions.defaults().withDecryption(encryption.decryption()))) {
          while (r.hasNext()) {
            r.next();
          }
        }
      }
    }
    assertThat(objects).isGreaterThan(2);
  }
}
