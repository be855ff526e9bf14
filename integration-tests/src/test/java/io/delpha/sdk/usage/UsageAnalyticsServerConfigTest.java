package io.delpha.sdk.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delpha.sdk.cassandra.CassandraManager;
import io.delpha.sdk.core.InvalidInputException;
import io.delpha.sdk.core.Metrics;
import io.delpha.sdk.core.Secret;
import io.delpha.sdk.security.AccessKeys;
import io.delpha.sdk.server.ServerOptions;
import io.delpha.sdk.sharing.DeltaSharingClient;
import io.delpha.sdk.testing.CassandraServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The usage server's settings: one table, {@code config()} and {@code toBuilder()}. */
class UsageAnalyticsServerConfigTest {

  private static final String TOKEN = "usage-config-recipient-token";
  private static CassandraManager cass;
  private static AccessKeys keys;
  private static DeltaSharingClient client;

  @BeforeAll
  static void collaborators() {
    CassandraServer c = CassandraServer.shared(CassandraServer.Variant.PLAIN);
    cass = CassandraManager.builder().contactPoint(c.host(), c.port()).localDatacenter(c.localDatacenter()).build();
    keys = AccessKeys.on(cass).keyspace("usage_config_" + UUID.randomUUID().toString().substring(0, 8))
        .replication("{'class': 'SimpleStrategy', 'replication_factor': 1}").build();
    client = DeltaSharingClient.builder().endpoint("https://sharing.example.com/ds/").bearerToken(Secret.of(TOKEN))
        .build();
  }

  @AfterAll
  static void close() {
    client.close();
    keys.dropStore();
    cass.close();
  }

  private static UsageAnalyticsServerBuilder minimal() {
    return UsageAnalyticsServer.builder().client(client).table("analytics.platform.usage")
        .organisationColumn("org_id").dateColumn("usage_date").accessKeys(keys);
  }

  @Test
  @DisplayName("a builder's defaults are the documented ones; from(builder) needs what build() needs")
  void defaults() {
    UsageAnalyticsServerConfig c = UsageAnalyticsServerConfig.from(minimal());
    assertThat(c.client()).isSameAs(client);
    assertThat(c.accessKeys()).isSameAs(keys);
    assertThat(c.table()).isEqualTo("analytics.platform.usage");
    assertThat(c.organisationColumn()).isEqualTo("org_id");
    assertThat(c.dateColumn()).isEqualTo("usage_date");
    assertThat(c.maxRows()).isEqualTo(100_000);
    assertThat(c.address()).isNull();
    assertThat(c.threads()).isNull();
    assertThat(c.options()).isNull();
    assertThat(c.cacheDirectory()).isNull();
    assertThat(c.featureColumn()).isNull();
    assertThat(c.measureColumn()).isNull();
    assertThat(c.refreshInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.metrics()).isSameAs(Metrics.none());
    assertThatThrownBy(() -> UsageAnalyticsServerConfig.from(UsageAnalyticsServer.builder().client(client)
        .table("a.b.c").organisationColumn("o").dateColumn("d"))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("access keys");
  }

  @Test
  @DisplayName("toBuilder() carries every setting and toString shows no credential of the collaborators")
  void roundTripAndSecrets() {
    UsageAnalyticsServerConfig c = UsageAnalyticsServerConfig.from(minimal().maxRows(7).threads(3)
        .bind(new InetSocketAddress("127.0.0.1", 0)).options(o -> o.maxBodyBytes(1024))
        .featureColumn("feature").measureColumn("amount").refreshInterval(Duration.ZERO));
    assertThat(c.threads()).isEqualTo(3);
    assertThat(c.options()).isInstanceOf(ServerOptions.class);
    UsageAnalyticsServerConfig copy = UsageAnalyticsServerConfig.from(c.toBuilder());
    assertThat(copy).isNotSameAs(c).isEqualTo(c).hasSameHashCodeAs(c).hasToString(c.toString());
    assertThat(UsageAnalyticsServerConfig.from(c.toBuilder().maxRows(8))).isNotEqualTo(c);
    assertThat(c.toString()).startsWith("UsageAnalyticsServerConfig[").contains("maxRows=7", "featureColumn=feature")
        .doesNotContain(TOKEN);
  }

  @Test
  @DisplayName("the builder still builds a server that serves; one rebuilt from toBuilder() has an equal config")
  void builtAndRebuilt() {
    UsageAnalyticsServerBuilder b = minimal().port(0).maxRows(11);
    try (UsageAnalyticsServer server = b.build().start();
        UsageAnalyticsServer again = server.toBuilder().build().start()) {
      assertThat(server.config()).isEqualTo(UsageAnalyticsServerConfig.from(b));
      assertThat(again.config()).isNotSameAs(server.config()).isEqualTo(server.config());
      assertThat(server.port()).isPositive();
      assertThat(again.port()).isPositive().isNotEqualTo(server.port());
      server.close();
      assertThat(server.config().maxRows()).as("config() answers after close").isEqualTo(11);
    }
  }
}
