package io.delpha.sdk.cassandra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.metrics.MeterChecks;
import io.delpha.sdk.testing.CassandraServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The Cassandra driver's own metrics in the host's registry")
class DriverMetricsTest {

  private static CassandraManagerBuilder builder(CassandraServer server) {
    return CassandraManager.builder().contactPoint(server.host(), server.port())
        .localDatacenter(server.localDatacenter());
  }

  @Test
  @DisplayName("a registry given to the builder receives the driver's session and node metrics, bounded tags only")
  void driverMetricsAppear() {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (CassandraManager cass = builder(server).metrics(Metrics.micrometer(registry)).build()) {
      for (int i = 0; i < 5; i++) {
        assertThat(cass.execute("SELECT release_version FROM system.local").one()).isNotNull();
      }
      Timer requests = registry.find("delpha.cassandra.session.cql-requests").timer();
      assertThat(requests).isNotNull();
      // the driver records a request's latency after handing the result over: the last one may land a moment later
      io.delpha.sdk.testing.ServerSupport.await("5 requests recorded", java.time.Duration.ofSeconds(10),
          () -> requests.count() >= 5);
      assertThat(requests.count()).isGreaterThanOrEqualTo(5);
      assertThat(registry.find("delpha.cassandra.session.connected-nodes").gauge().value()).isEqualTo(1);
      assertThat(registry.find("delpha.cassandra.nodes.pool.open-connections").tagKeys("node").gauge()).isNotNull();
      assertThat(registry.find("delpha.cassandra.session.bytes-sent").counter().count()).isPositive();
      MeterChecks.assertBoundedTags(registry, false);
    }
  }

  @Test
  @DisplayName("without a registry the driver reports nowhere; a missing registry is refused")
  void noRegistryAndWrongRegistry() {
    CassandraServer server = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    SimpleMeterRegistry untouched = new SimpleMeterRegistry();
    try (CassandraManager cass = builder(server).metrics(Metrics.none()).build()) {
      assertThat(cass.execute("SELECT release_version FROM system.local").one()).isNotNull();
    }
    assertThat(untouched.getMeters()).isEmpty();
    assertThatThrownBy(() -> Metrics.micrometer(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("meterRegistry");
    assertThat(Metrics.none().enabled()).isFalse();
    assertThat(Metrics.none().withCustomerTag(true).customerTag()).isFalse();
    assertThat(Metrics.micrometer(untouched).toString()).isEqualTo("Metrics[SimpleMeterRegistry, customerTag=false]");
  }
}
