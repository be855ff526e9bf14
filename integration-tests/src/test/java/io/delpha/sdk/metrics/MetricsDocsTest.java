package io.delpha.sdk.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.delpha.sdk.cassandra.internal.DriverMetrics;
import io.delpha.sdk.core.internal.metrics.Meter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("docs/metrics.md and the code name the same meters")
class MetricsDocsTest {

  @Test
  @DisplayName("every meter the code defines and every driver metric it enables is documented with its type")
  void docsListEveryMeter() throws Exception {
    String doc = Files.readString(Path.of("docs/metrics.md"));
    for (Meter m : Meter.values()) {
      assertThat(doc).as(m.name()).contains("| `" + m.meterName() + "` | " + m.kind().name().toLowerCase());
      assertThat(m.meterName()).startsWith("delpha.").doesNotContain("_");
    }
    for (String driverMetric : DriverMetrics.SESSION) {
      assertThat(doc).contains("`" + driverMetric + "`");
    }
    for (String driverMetric : DriverMetrics.NODE) {
      assertThat(doc).contains("`" + driverMetric + "`");
    }
    assertThat(doc).contains("`" + DriverMetrics.PREFIX + ".session.<metric>`", "`" + DriverMetrics.PREFIX
        + ".nodes.<metric>`");
  }
}
