package io.delpha.sdk.totesys;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.core.secrets.SecretProvider;
import io.delpha.sdk.core.storage.LocalObjectStore;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TotesysConfigTest {

  @Test
  @DisplayName("a config names its data sources by class: a host's DataSource printing its password is never shown")
  void toStringShowsNoDataSourceText(@TempDir Path tmp) {
    DataSource leaky = (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          if (method.getName().equals("toString")) {
            return "jdbc:postgresql://db/totesys?user=etl&password=hunter2-secret";
          }
          throw new UnsupportedOperationException(method.getName());
        });
    try (LocalObjectStore ingestion = LocalObjectStore.at(tmp.resolve("ingestion"));
        LocalObjectStore processed = LocalObjectStore.at(tmp.resolve("processed"))) {
      SecretProvider secrets = name -> {
        throw new UnsupportedOperationException(name);
      };
      TotesysConfig config = TotesysConfig.from(TotesysPipeline.builder().source(leaky)
          .warehouseSecret(secrets, "warehouse-secret").ingestionZone(ingestion).processedZone(processed)
          .tables("staff").overlap(Duration.ofMinutes(5)));
      assertThat(config.toString()).doesNotContain("hunter2").doesNotContain("password")
          .contains("source=a $Proxy").contains("warehouse=the secret warehouse-secret").contains("[staff]");
    }
  }
}
